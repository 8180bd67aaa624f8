// The adaptive optimizers (adagrad, adadelta, rmsprop plain / centered / momentum, adamax) and clipped<Opt>
// (clipvalue, clipnorm, global_clipnorm around sgd and adam) on device tensors: the same weights as on the
// CPU after several steps on the same parameters and gradients, float and double, two tensors of odd sizes
// (1000 and 37: a partial last block, and something for global_clipnorm to combine); then an MLP trained
// with rmsprop and with clipped<adam> on both backends. Skips where no GPU is present.
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
namespace gpu = cascade::gpu;
namespace opt = cascade::optimizers;

using namespace gpu_test;

namespace {
template <class T>
cc::host_tensor<T, 1> uniform(std::size_t n, cc::rng& r, double lo, double hi) {
    cc::host_tensor<T, 1> t(std::array<std::size_t, 1>{n});
    for (auto& v : t) v = T(lo + (hi - lo) * cc::detail::uniform01(r));
    return t;
}

// train::apply_gradients' order over a list of parameters: observe all (clipped with global_clipnorm),
// begin_step, update all.
template <class Opt, class P>
void apply(Opt& o, std::vector<P>& w, const std::vector<P>& g) {
    if constexpr (cc::train::observes_gradients<Opt>)
        if (o.begin_observing())
            for (std::size_t k = 0; k < w.size(); ++k) o.observe(k, g[k]);
    o.begin_step();
    for (std::size_t k = 0; k < w.size(); ++k) o.update(k, w[k], g[k]);
}

// Tolerance on max_k,i |w_gpu − w_cpu| relative to max |w_cpu|. Double: 1e-12 (only the rounding of a
// contracted multiply-add and the summation order of the clipping norms differ, ~1e-16 per step).
// Float: 4 ulps (4 · 2^-23 ≈ 4.8e-7): each step's formula is the CPU's, but the compilers may contract
// a·b + c into a fused multiply-add differently (nvcc/hipcc by default; the CPU's xsimd adam path
// differently again), which changes a step by an ulp of the weight at most; 4 steps.
template <class T>
double tolerance() {
    return std::is_same_v<T, double> ? 1e-12 : 4 * double(std::numeric_limits<float>::epsilon());
}

// Runs `steps` updates of the same random weights and gradients through a CPU copy and a GPU copy of
// the optimizer and checks the weights after each step.
template <class T, class Opt>
void compare_steps(const std::string& what, Opt oc, Opt og, int steps = 4) {
    INFO(what);
    cc::rng r(42);
    const std::size_t sizes[2] = {1000, 37};
    std::vector<cc::host_tensor<T, 1>> wc;
    std::vector<gpu::device_tensor<T, 1>> wg;
    for (auto n : sizes) {
        wc.push_back(uniform<T>(n, r, -1, 1));
        wg.push_back(gpu::to_device(wc.back()));
    }
    for (int s = 0; s < steps; ++s) {
        CAPTURE(s);
        std::vector<cc::host_tensor<T, 1>> gc;
        std::vector<gpu::device_tensor<T, 1>> gg;
        for (auto n : sizes) {
            gc.push_back(uniform<T>(n, r, -1, 1));
            gg.push_back(gpu::to_device(gc.back()));
        }
        apply(oc, wc, gc);
        apply(og, wg, gg);
        double diff = 0, scale = 0;
        for (std::size_t k = 0; k < wc.size(); ++k) {
            const auto h = gpu::to_host(wg[k]);
            for (std::size_t i = 0; i < h.size(); ++i) {
                diff = std::max(diff, std::abs(double(h.data()[i]) - double(wc[k].data()[i])));
                scale = std::max(scale, std::abs(double(wc[k].data()[i])));
            }
        }
        CHECK(diff <= tolerance<T>() * scale);
    }
    // The weights moved at all (the comparison is not of two untouched copies).
    cc::rng r0(42);
    const auto w0 = uniform<T>(sizes[0], r0, -1, 1);
    double change = 0;
    for (std::size_t i = 0; i < w0.size(); ++i) change = std::max(change, std::abs(double(wc[0].data()[i] - w0.data()[i])));
    CHECK(change > 1e-4);
}

template <class T>
void compare_all() {
    compare_steps<T>("adagrad", opt::adagrad{{.lr = 0.1}}, opt::adagrad{{.lr = 0.1}});
    compare_steps<T>("adadelta (lr 1, standalone Keras)", opt::adadelta{{.lr = 1.0}}, opt::adadelta{{.lr = 1.0}});
    compare_steps<T>("rmsprop", opt::rmsprop{{.lr = 0.01}}, opt::rmsprop{{.lr = 0.01}});
    const opt::rmsprop_options centered{.lr = 0.01, .centered = true};
    compare_steps<T>("rmsprop centered", opt::rmsprop{centered}, opt::rmsprop{centered});
    const opt::rmsprop_options momentum{.lr = 0.01, .momentum = 0.9};
    compare_steps<T>("rmsprop momentum", opt::rmsprop{momentum}, opt::rmsprop{momentum});
    const opt::rmsprop_options both{.lr = 0.01, .momentum = 0.9, .centered = true};
    compare_steps<T>("rmsprop centered momentum", opt::rmsprop{both}, opt::rmsprop{both});
    compare_steps<T>("adamax", opt::adamax{{.lr = 0.01}}, opt::adamax{{.lr = 0.01}});

    // Gradients are U(−1, 1): clipvalue 0.5 clamps half of them; ‖g‖ ≈ 18 for the 1000 values and ≈ 3.5
    // for the 37, so clipnorm 5 scales the first tensor and leaves the second; global_clipnorm 5 scales both.
    const opt::sgd_options sgd{.lr = 0.1, .momentum = 0.9};
    const opt::adam_options adam{.lr = 0.01};
    const opt::clip_options clips[] = {{.clipvalue = 0.5}, {.clipnorm = 5}, {.global_clipnorm = 5},
                                       {.clipvalue = 0.5, .global_clipnorm = 5}, {.clipvalue = 0.5, .clipnorm = 5}};
    const char* names[] = {"clipvalue", "clipnorm", "global_clipnorm", "clipvalue + global_clipnorm", "clipvalue + clipnorm"};
    for (std::size_t c = 0; c < std::size(clips); ++c) {
        compare_steps<T>(std::string("clipped<sgd> ") + names[c], opt::clipped<opt::sgd>{sgd, clips[c]},
                         opt::clipped<opt::sgd>{sgd, clips[c]});
        compare_steps<T>(std::string("clipped<adam> ") + names[c], opt::clipped<opt::adam>{adam, clips[c]},
                         opt::clipped<opt::adam>{adam, clips[c]});
    }
}

} // namespace

TEST_CASE_TEMPLATE("adaptive optimizers and gradient clipping update device weights as the CPU does", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    compare_all<T>();
}

TEST_CASE("clipnorm on the GPU scales a gradient to the limit and global_clipnorm combines the tensors") {
    REQUIRE_GPU_OR_SKIP();
    // sgd with lr 1 and no momentum: w ← w − clipped(g), so the step is the clipped gradient itself.
    // Gradients: 3·(1, …, 1) over 1000 values (‖g‖ = 3√1000) and 4·(1, …, 1) over 37 (‖g‖ = 4√37).
    auto step_of = [](opt::clip_options c) {
        opt::clipped<opt::sgd> o{{.lr = 1.0}, c};
        std::vector<gpu::device_tensor<double, 1>> w, g;
        for (auto [n, v] : {std::pair<std::size_t, double>{1000, 3.0}, {37, 4.0}}) {
            cc::host_tensor<double, 1> z(std::array<std::size_t, 1>{n}), h(std::array<std::size_t, 1>{n});
            z.fill(0);
            h.fill(v);
            w.push_back(gpu::to_device(z));
            g.push_back(gpu::to_device(h));
        }
        apply(o, w, g);
        return std::pair{gpu::to_host(w[0]), gpu::to_host(w[1])};
    };
    const double n0 = 3 * std::sqrt(1000.0), n1 = 4 * std::sqrt(37.0), global = std::sqrt(n0 * n0 + n1 * n1);
    {
        const auto [a, b] = step_of({.clipnorm = 10});   // the first scaled to norm 10, the second (norm 24.3) too
        CHECK(a.data()[0] == doctest::Approx(-3 * 10 / n0).epsilon(1e-14));
        CHECK(a.data()[999] == doctest::Approx(-3 * 10 / n0).epsilon(1e-14));
        CHECK(b.data()[36] == doctest::Approx(-4 * 10 / n1).epsilon(1e-14));
    }
    {
        const auto [a, b] = step_of({.clipnorm = 50});   // only the first (norm 94.9) is scaled
        CHECK(a.data()[500] == doctest::Approx(-3 * 50 / n0).epsilon(1e-14));
        CHECK(b.data()[0] == -4.0);
    }
    {
        const auto [a, b] = step_of({.global_clipnorm = 10});   // one factor 10 / ‖(g_0, g_1)‖ for both
        CHECK(a.data()[0] == doctest::Approx(-3 * 10 / global).epsilon(1e-14));
        CHECK(b.data()[0] == doctest::Approx(-4 * 10 / global).epsilon(1e-14));
    }
    {
        const auto [a, b] = step_of({.clipvalue = 3.5, .global_clipnorm = 10});   // 4 → 3.5 before the norm
        const double gv = std::sqrt(1000 * 9.0 + 37 * 3.5 * 3.5);
        CHECK(a.data()[0] == doctest::Approx(-3 * 10 / gv).epsilon(1e-14));
        CHECK(b.data()[0] == doctest::Approx(-3.5 * 10 / gv).epsilon(1e-14));
    }
}

using mlp = cc::net::sequential<cc::shape<20>, L::dense<32>, L::relu, L::dense<10>, L::softmax>;

TEST_CASE_TEMPLATE("an MLP trained with rmsprop or clipped adam reaches the same weights on the CPU and the GPU", Opt,
                   opt::rmsprop, opt::clipped<opt::adam>) {
    REQUIRE_GPU_OR_SKIP();
    mlp::on<cc::backend::cpu, float> c{13};
    mlp::on<cc::backend::gpu, float> g{13};
    CHECK(max_param_difference(c, g) == 0);   // the same draws, staged through the host

    const std::size_t n = 33;
    cc::rng r(5);
    const auto batch = random_classification(n, 20, 10, r);
    const auto& x = batch.x;
    const auto& t = batch.y;
    const auto xd = gpu::to_device(x), td = gpu::to_device(t);
    Opt oc, og;
    if constexpr (std::is_same_v<Opt, opt::rmsprop>) {
        oc.opt = og.opt = {.lr = 0.01, .momentum = 0.5, .centered = true};
    } else {
        oc.opt = og.opt = {.lr = 0.01};
        oc.clip = og.clip = {.clipvalue = 0.05, .global_clipnorm = 0.1};   // both active on these gradients
    }
    const cc::losses::categorical_crossentropy loss;
    mlp::on<cc::backend::cpu, float> start{13};
    for (int s = 0; s < 3; ++s) {
        const float lc = cc::train::step(c, loss, oc, x, t);
        const float lg = cc::train::step(g, loss, og, xd, td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    if constexpr (!std::is_same_v<Opt, opt::rmsprop>) {
        CHECK(og.global_norm() == doctest::Approx(oc.global_norm()).epsilon(1e-5));   // read back from the device
        CHECK(og.global_norm() > 0.1);                                                  // the norm did clip
    }
    // Float GEMMs in a different summation order: weights agree to ~1e-6 after 3 steps, while the steps
    // moved them by ~1e-2.
    CHECK(max_param_difference(c, g) < 1e-5);
    std::vector<float> before, after;
    start.visit_params([&](std::size_t, auto& w, auto&) { before.insert(before.end(), w.begin(), w.end()); });
    c.visit_params([&](std::size_t, auto& w, auto&) { after.insert(after.end(), w.begin(), w.end()); });
    double moved = 0;
    for (std::size_t i = 0; i < after.size(); ++i) moved = std::max(moved, double(std::abs(after[i] - before[i])));
    CHECK(moved > 1e-3);
    // The optimizer state and the clipping buffers are made in the first step: no device allocation after.
    const std::size_t allocated = gpu::allocations();
    for (int s = 0; s < 2; ++s) cc::train::step(g, loss, og, xd, td);
    CHECK(gpu::allocations() == allocated);
}
