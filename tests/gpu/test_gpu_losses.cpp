// Every loss on the GPU backend against the CPU loss on the same random odd-shaped inputs: values and
// gradients, fused gradients (softmax / sigmoid + cross-entropy), per-sample weights with zero weights,
// masked element-wise losses with partial masks (rank-4 image batches), the GAN softplus losses; and two
// small networks trained with train::step to the same weights on both backends. Skips without a GPU.
//
// Tolerances (relative to the largest |CPU value| of the compared tensor):
//   double: 1e-12. float: values of the element-wise losses are summed in double on both backends
//   (a different order: ≤ 1e-15 relative before the final rounding to float, i.e. ≤ 1 ulp); the
//   categorical cross-entropy rows are summed in float in a different order on the GPU (a tree of
//   log2(n) levels: ≤ log2(n) ulps), and the device's exp / log may differ from glibc's by 2 ulps, hence
//   4 · ε_float · log2(n) for values and 4 · ε_float · log2(C) + 4 ε_float for gradients (C the row length
//   of the softmax in the logits gradient; element-wise gradients need only the few ulps).
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
namespace gpu = cascade::gpu;

using namespace gpu_test;

namespace {
template <class T>
double value_tolerance(std::size_t n) {
    if constexpr (std::is_same_v<T, double>) return 1e-12;
    else return 4 * double(std::numeric_limits<float>::epsilon()) * std::log2(double(n));
}
template <class T>
double gradient_tolerance(std::size_t row) {
    if constexpr (std::is_same_v<T, double>) return 1e-12;
    else return 4 * double(std::numeric_limits<float>::epsilon()) * (1 + std::log2(double(row)));
}

template <class T, std::size_t R>
cc::host_tensor<T, R> uniform(const std::array<std::size_t, R>& s, double lo, double hi, cc::rng& r) {
    cc::host_tensor<T, R> h(s);
    for (auto& v : h) v = T(lo + (hi - lo) * cc::detail::uniform01(r));
    return h;
}
// Rows of positive values summing to 1 (class distributions); zero_every > 0 zeroes every k-th entry first.
template <class T, std::size_t R>
cc::host_tensor<T, R> distributions(const std::array<std::size_t, R>& s, cc::rng& r, std::size_t zero_every = 0) {
    auto h = uniform<T>(s, 0.01, 1.0, r);
    if (zero_every)
        for (std::size_t i = 0; i < h.size(); i += zero_every) h.data()[i] = 0;
    const std::size_t c = s[R - 1];
    for (std::size_t row = 0; row < h.size() / c; ++row) {
        T sum = 0;
        for (std::size_t j = 0; j < c; ++j) sum += h.data()[row * c + j];
        for (std::size_t j = 0; j < c; ++j) h.data()[row * c + j] /= sum;
    }
    return h;
}

template <class T>
void check_value(T gpu_value, T cpu_value, double tol, const std::string& what) {
    INFO(what, ": GPU ", gpu_value, " CPU ", cpu_value);
    CHECK(std::abs(double(gpu_value) - double(cpu_value)) <= tol * std::max(1.0, std::abs(double(cpu_value))));
}
template <class T, std::size_t R>
void check_tensor(const gpu::device_tensor<T, R>& g, const cc::host_tensor<T, R>& c, double tol, const std::string& what) {
    const auto h = gpu::to_host(g);
    REQUIRE(h.shape() == c.shape());
    double scale = 0, err = 0;
    for (std::size_t i = 0; i < c.size(); ++i) scale = std::max(scale, std::abs(double(c.data()[i])));
    for (std::size_t i = 0; i < c.size(); ++i) err = std::max(err, std::abs(double(h.data()[i]) - double(c.data()[i])));
    INFO(what, ": max |GPU − CPU| ", err, " (largest |CPU| ", scale, ")");
    CHECK(err <= tol * std::max(scale, std::numeric_limits<double>::min()));
    CHECK(std::all_of(h.begin(), h.end(), [](T v) { return std::isfinite(double(v)); }));
}

// value, gradient, weighted value and gradient (and, for losses that fuse, both fused gradients) of
// one loss on both backends.
template <class T, std::size_t R, class Loss>
void compare_loss(const Loss& loss, const cc::host_tensor<T, R>& y, const cc::host_tensor<T, R>& t,
                  const cc::host_tensor<T, 1>& w, std::size_t row) {
    const auto yd = gpu::to_device(y), td = gpu::to_device(t);
    const auto wd = gpu::to_device(w);
    const double vt = value_tolerance<T>(y.size()), gt = gradient_tolerance<T>(row);
    cc::host_tensor<T, R> gc;
    gpu::device_tensor<T, R> gg;

    check_value(loss.value(yd, td), loss.value(y, t), vt, "value");
    loss.gradient(y, t, gc);
    loss.gradient(yd, td, gg);
    check_tensor(gg, gc, gt, "gradient");

    check_value(loss.value(yd, td, wd), loss.value(y, t, w), vt, "weighted value");
    loss.gradient(y, t, w, gc);
    const std::size_t syncs = gpu::host_synchronizations();
    loss.gradient(yd, td, wd, gg);
    CHECK(gpu::host_synchronizations() == syncs);   // gradients stay on the device (step graphs capture them)
    check_tensor(gg, gc, gt, "weighted gradient");

    if constexpr (requires { loss.fused_gradient(y, t, gc); }) {
        loss.fused_gradient(y, t, gc);
        loss.fused_gradient(yd, td, gg);
        check_tensor(gg, gc, gt, "fused gradient");
        loss.fused_gradient(y, t, w, gc);
        loss.fused_gradient(yd, td, wd, gg);
        check_tensor(gg, gc, gt, "weighted fused gradient");
    }
}

template <class T>
cc::host_tensor<T, 1> weights_with_zeros(std::size_t n, cc::rng& r) {
    auto w = uniform<T>(std::array<std::size_t, 1>{n}, 0.2, 2.0, r);
    for (std::size_t i = 0; i < n; i += 3) w.data()[i] = 0;   // samples 0, 3, 6, ... do not count
    return w;
}
} // namespace

TEST_CASE_TEMPLATE("regression losses on the GPU match the CPU (mse, mae, huber, weighted)", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    cc::rng r(3);
    const std::array<std::size_t, 2> s{7, 13};
    auto y = uniform<T>(s, -2.5, 2.5, r);
    const auto t = uniform<T>(s, -2.5, 2.5, r);
    for (std::size_t i = 0; i < y.size(); i += 5) y.data()[i] = t.data()[i];   // mae's derivative 0 at y = t
    const auto w = weights_with_zeros<T>(7, r);
    SUBCASE("mse") { compare_loss(cc::losses::mse{}, y, t, w, 1); }
    SUBCASE("mae") { compare_loss(cc::losses::mae{}, y, t, w, 1); }
    SUBCASE("huber, delta 1") { compare_loss(cc::losses::huber<>{}, y, t, w, 1); }
    SUBCASE("huber, delta 0.5") { compare_loss(cc::losses::huber<cc::ratio<1, 2>>{}, y, t, w, 1); }
}

TEST_CASE_TEMPLATE("binary cross-entropy on the GPU matches the CPU (probabilities, logits, fused, weighted)", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    cc::rng r(5);
    const std::array<std::size_t, 2> s{7, 13};
    auto p = uniform<T>(s, 0.02, 0.98, r);
    p.data()[3] = 0;   // clipped to [ε, 1 − ε]
    p.data()[8] = 1;
    const auto z = uniform<T>(s, -30.0, 30.0, r);   // large logits: the stable forms
    const auto t = uniform<T>(s, 0.0, 1.0, r);
    const auto w = weights_with_zeros<T>(7, r);
    SUBCASE("probabilities") { compare_loss(cc::losses::binary_crossentropy{}, p, t, w, 1); }
    SUBCASE("logits") { compare_loss(cc::losses::binary_crossentropy{.from_logits = true}, z, t, w, 1); }
}

TEST_CASE_TEMPLATE("categorical cross-entropy and KL divergence on the GPU match the CPU (weighted)", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    cc::rng r(7);
    const std::array<std::size_t, 3> s{7, 3, 13};   // rows = N · 3: weights broadcast over a sample's rows
    const auto p = distributions<T>(s, r);
    const auto t = distributions<T>(s, r, 4);         // zero targets: the t = 0 branch
    const auto z = uniform<T>(s, -6.0, 6.0, r);
    const auto w = weights_with_zeros<T>(7, r);
    SUBCASE("categorical, probabilities") { compare_loss(cc::losses::categorical_crossentropy{}, p, t, w, 13); }
    SUBCASE("categorical, logits") { compare_loss(cc::losses::categorical_crossentropy{.from_logits = true}, z, t, w, 13); }
    SUBCASE("kl divergence") {
        auto q = p;
        q.data()[5] = T(1e-9);   // below the clip: gradient 0
        compare_loss(cc::losses::kl_divergence{}, q, t, w, 1);
    }
}

TEST_CASE_TEMPLATE("masked losses on the GPU match the CPU (rank-4 batch, partial masks, weights)", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    cc::rng r(11);
    const std::array<std::size_t, 4> s{3, 5, 4, 3};
    const auto y = uniform<T>(s, -2.0, 2.0, r);
    const auto p = uniform<T>(s, 0.01, 0.99, r);
    const auto t = uniform<T>(s, 0.0, 1.0, r);
    const auto w = weights_with_zeros<T>(3, r);   // sample 0 weighs 0
    // A per-element mask (about 40 % zero, some fractional) and a per-sample mask broadcast over the batch.
    cc::host_tensor<float, 4> batch_mask(s);
    for (auto& v : batch_mask) { const double u = cc::detail::uniform01(r); v = u < 0.4 ? 0.f : (u < 0.8 ? 1.f : 0.5f); }
    cc::host_tensor<float, 3> sample_mask(std::array<std::size_t, 3>{5, 4, 3});
    for (auto& v : sample_mask) v = cc::detail::uniform01(r) < 0.5 ? 0.f : 1.f;
    const auto batch_mask_d = gpu::to_device(batch_mask);
    const auto sample_mask_d = gpu::to_device(sample_mask);

    auto both = [&]<class Base>(const Base& base, const cc::host_tensor<T, 4>& yy) {
        cc::losses::masked<Base> c{.base = base}, g{.base = base};
        c.set_mask(batch_mask);
        g.set_mask(batch_mask_d);
        const auto yd = gpu::to_device(yy), td = gpu::to_device(t);
        const auto wd = gpu::to_device(w);
        const double vt = value_tolerance<T>(yy.size()), gt = gradient_tolerance<T>(1);
        cc::host_tensor<T, 4> gc;
        gpu::device_tensor<T, 4> gg;
        check_value(g.value(yd, td), c.value(yy, t), vt, "masked value");
        check_value(g.value(yd, td, wd), c.value(yy, t, w), vt, "masked weighted value");
        c.gradient(yy, t, gc);
        g.gradient(yd, td, gg);
        check_tensor(gg, gc, gt, "masked gradient");
        c.gradient(yy, t, w, gc);
        const std::size_t syncs = gpu::host_synchronizations();
        g.gradient(yd, td, wd, gg);   // Σ mask is reduced on the device: no round trip
        CHECK(gpu::host_synchronizations() == syncs);
        check_tensor(gg, gc, gt, "masked weighted gradient");
        if (c.fused()) {
            c.fused_gradient(yy, t, w, gc);
            g.fused_gradient(yd, td, wd, gg);
            check_tensor(gg, gc, gt, "masked weighted fused gradient");
        }
        // One sample's mask, broadcast over the batch.
        c.set_mask(sample_mask);
        g.set_mask(sample_mask_d);
        check_value(g.value(yd, td, wd), c.value(yy, t, w), vt, "broadcast mask, weighted value");
        c.gradient(yy, t, gc);
        g.gradient(yd, td, gg);
        check_tensor(gg, gc, gt, "broadcast mask gradient");
        if (c.fused()) {
            c.fused_gradient(yy, t, gc);
            g.fused_gradient(yd, td, gg);
            check_tensor(gg, gc, gt, "broadcast mask fused gradient");
        }
    };
    SUBCASE("mse") { both(cc::losses::mse{}, y); }
    SUBCASE("mae") { both(cc::losses::mae{}, y); }
    SUBCASE("huber") { both(cc::losses::huber<>{}, y); }
    SUBCASE("binary cross-entropy, probabilities") { both(cc::losses::binary_crossentropy{}, p); }
    SUBCASE("binary cross-entropy, logits") { both(cc::losses::binary_crossentropy{.from_logits = true}, y); }
    SUBCASE("an all-zero mask: loss 0, gradient 0") {
        gpu::device_tensor<float, 3> zero(std::array<std::size_t, 3>{5, 4, 3});
        cc::kernels::fill(zero, 0.f);
        cc::losses::masked<cc::losses::huber<>> g;
        g.set_mask(zero);
        const auto yd = gpu::to_device(y), td = gpu::to_device(t);
        gpu::device_tensor<T, 4> gg;
        CHECK(g.value(yd, td) == T(0));
        g.gradient(yd, td, gg);
        const auto h = gpu::to_host(gg);
        CHECK(std::all_of(h.begin(), h.end(), [](T v) { return v == T(0); }));
    }
}

TEST_CASE_TEMPLATE("GAN losses on the GPU match the CPU", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    cc::rng r(13);
    const auto real = uniform<T>(std::array<std::size_t, 2>{9, 1}, -40.0, 40.0, r);
    const auto fake = uniform<T>(std::array<std::size_t, 2>{11, 1}, -40.0, 40.0, r);
    const auto rd = gpu::to_device(real), fd = gpu::to_device(fake);
    cc::host_tensor<T, 2> dr, df;
    gpu::device_tensor<T, 2> drd, dfd;
    const double vt = value_tolerance<T>(11), gt = gradient_tolerance<T>(1);
    namespace gan = cc::losses::gan;
    check_value(gan::discriminator_loss(rd, fd, drd, dfd), gan::discriminator_loss(real, fake, dr, df), vt, "discriminator");
    check_tensor(drd, dr, gt, "discriminator, real logits");
    check_tensor(dfd, df, gt, "discriminator, fake logits");
    check_value(gan::generator_loss_minimax(fd, dfd), gan::generator_loss_minimax(fake, df), vt, "generator, minimax");
    check_tensor(dfd, df, gt, "generator minimax gradient");
    check_value(gan::generator_loss_non_saturating(fd, dfd), gan::generator_loss_non_saturating(fake, df), vt,
                "generator, non-saturating");
    check_tensor(dfd, df, gt, "generator non-saturating gradient");
}

namespace {
} // namespace

TEST_CASE("networks trained with binary cross-entropy (fused sigmoid) and huber reach the same weights on both backends") {
    REQUIRE_GPU_OR_SKIP();
    using classifier = cc::net::sequential<cc::shape<6>, L::dense<5>, L::tanh, L::dense<3>, L::sigmoid>;
    using regression = cc::net::sequential<cc::shape<4>, L::dense<7>, L::relu, L::dense<2>>;
    const std::size_t n = 19;
    cc::rng r(17);
    const auto x6 = uniform<float>(std::array<std::size_t, 2>{n, 6}, -1.0, 1.0, r);
    auto labels = uniform<float>(std::array<std::size_t, 2>{n, 3}, 0.0, 1.0, r);
    for (auto& v : labels) v = v < 0.5f ? 0.f : 1.f;
    const auto x4 = uniform<float>(std::array<std::size_t, 2>{n, 4}, -1.0, 1.0, r);
    const auto targets = uniform<float>(std::array<std::size_t, 2>{n, 2}, -3.0, 3.0, r);   // both huber branches
    const auto w = weights_with_zeros<float>(n, r);

    SUBCASE("dense → sigmoid with binary_crossentropy (weighted, then unweighted)") {
        classifier::on<cc::backend::cpu, float> c{21};
        classifier::on<cc::backend::gpu, float> g{21};
        const auto xd = gpu::to_device(x6), td = gpu::to_device(labels);
        const auto wd = gpu::to_device(w);
        cc::optimizers::adam oc, og;
        const cc::losses::binary_crossentropy loss;
        for (int s = 0; s < 3; ++s) {
            const float lc = s == 0 ? cc::train::step(c, loss, oc, x6, labels, w) : cc::train::step(c, loss, oc, x6, labels);
            const float lg = s == 0 ? cc::train::step(g, loss, og, xd, td, wd) : cc::train::step(g, loss, og, xd, td);
            CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
        }
        // Float GEMMs summed in another order: the weights agree to ~1e-6 after 3 adam steps.
        CHECK(max_param_difference(c, g) < 1e-5);
    }
    SUBCASE("regression with huber") {
        regression::on<cc::backend::cpu, float> c{23};
        regression::on<cc::backend::gpu, float> g{23};
        const auto xd = gpu::to_device(x4), td = gpu::to_device(targets);
        cc::optimizers::sgd oc, og;
        oc.opt = og.opt = {.lr = 0.1, .momentum = 0.9};
        const cc::losses::huber<> loss;
        for (int s = 0; s < 3; ++s) {
            const float lc = cc::train::step(c, loss, oc, x4, targets);
            const float lg = cc::train::step(g, loss, og, xd, td);
            CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
        }
        CHECK(max_param_difference(c, g) < 1e-5);
    }
}
