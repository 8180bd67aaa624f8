// Losses: values computed by hand and gradients against central differences (double) — mae, huber
// (both branches), masked mse / bce (per-element and broadcast masks, fused sigmoid), kl_divergence,
// per-sample weights on every loss, and the GAN losses on logits.
#include <cascade/cascade.hpp>
#include <cascade/losses/gan.hpp>
#include <cascade/losses/huber.hpp>
#include <cascade/losses/kl_divergence.hpp>
#include <cascade/losses/mae.hpp>
#include <cascade/losses/masked.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace cc = cascade;
using T1 = cc::host_tensor<double, 1>;
using T2 = cc::host_tensor<double, 2>;
using T3 = cc::host_tensor<double, 3>;

namespace {
// Largest relative error between an analytic gradient g of f at y and central differences of f.
template <class Y, class F>
double fd_error(Y y, const Y& g, F f, double h = 1e-6) {
    double worst = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double v = y.data()[i];
        y.data()[i] = v + h;
        const double fp = f(y);
        y.data()[i] = v - h;
        const double fm = f(y);
        y.data()[i] = v;
        const double n = (fp - fm) / (2 * h);
        worst = std::max(worst, std::abs(n - g.data()[i]) / std::max(std::abs(n) + std::abs(g.data()[i]), 1e-7));
    }
    return worst;
}
template <class Loss, class Y>
double grad_error(const Loss& loss, const Y& y, const Y& t) {
    Y g;
    loss.gradient(y, t, g);
    return fd_error(y, g, [&](const Y& v) { return double(loss.value(v, t)); });
}
template <class Loss, class Y>
double weighted_grad_error(const Loss& loss, const Y& y, const Y& t, const T1& w) {
    Y g;
    loss.gradient(y, t, w, g);
    return fd_error(y, g, [&](const Y& v) { return double(loss.value(v, t, w)); });
}
double softplus(double x) { return std::log1p(std::exp(x)); }
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
} // namespace

TEST_CASE("mae value gradient and sample weights") {
    T2 y{{1, 2.5}, {3, -4}}, t{{0, 2}, {5, -4.5}};
    cc::losses::mae l;
    CHECK(l.value(y, t) == doctest::Approx((1 + 0.5 + 2 + 0.5) / 4.0));
    CHECK(grad_error(l, y, t) < 1e-7);
    T1 w{2.0, 0.5};
    CHECK(l.value(y, t, w) == doctest::Approx((2 * (1 + 0.5) + 0.5 * (2 + 0.5)) / 4.0));
    CHECK(weighted_grad_error(l, y, t, w) < 1e-7);
    T2 g;
    l.gradient(y, t, g);
    CHECK(g(0, 0) == doctest::Approx(0.25));
    CHECK(g(1, 0) == doctest::Approx(-0.25));
}

TEST_CASE("huber on both branches and for another delta") {
    // residuals 0.5 (quadratic), −2 (linear), 1.5 (linear), −0.25 (quadratic) with δ = 1
    T2 y{{0.5, -2}, {1.5, 0.75}}, t{{0, 0}, {0, 1}};
    cc::losses::huber<> h;
    CHECK(h.value(y, t) == doctest::Approx((0.125 + 1.5 + 1.0 + 0.03125) / 4.0));
    CHECK(grad_error(h, y, t) < 1e-7);
    T2 g;
    h.gradient(y, t, g);
    CHECK(g(0, 0) == doctest::Approx(0.5 / 4));    // x / numel
    CHECK(g(0, 1) == doctest::Approx(-1.0 / 4));   // −δ / numel
    CHECK(g(1, 1) == doctest::Approx(-0.25 / 4));
    cc::losses::huber<cc::ratio<1, 2>> h2;          // δ = 0.5: residuals 0.6, −2, 1.5 linear, −0.25 quadratic
    T2 y2 = y;
    y2(0, 0) = 0.6;
    CHECK(h2.value(y2, t) == doctest::Approx((0.5 * 0.6 - 0.125 + 0.5 * 2 - 0.125 + 0.5 * 1.5 - 0.125 + 0.03125) / 4.0));
    CHECK(grad_error(h2, y2, t) < 1e-7);
    T1 w{3.0, 0.0};
    CHECK(h.value(y, t, w) == doctest::Approx(3 * (0.125 + 1.5) / 4.0));
    CHECK(weighted_grad_error(h, y, t, w) < 1e-7);
}

TEST_CASE("masked mse with a per-element and a broadcast mask") {
    T2 y{{1, 2, 3}, {4, 5, 6}}, t{{0, 0, 0}, {1, 1, 1}};
    cc::losses::masked<cc::losses::mse> l;
    CHECK(std::strcmp(l.name, "masked_mse") == 0);
    std::vector<float> m{1, 0, 1, 0, 0, 1};   // counts (0,0), (0,2), (1,2)
    l.set_mask(m);
    CHECK(l.value(y, t) == doctest::Approx((1 + 9 + 25) / 3.0));
    CHECK(grad_error(l, y, t) < 1e-7);
    T2 g;
    l.gradient(y, t, g);
    CHECK(g(0, 1) == 0.0);
    CHECK(g(1, 0) == 0.0);
    CHECK(g(1, 2) == doctest::Approx(2 * 5 / 3.0));

    std::vector<float> per_sample{0, 1, 1};   // the same mask for every sample: 4 counted elements
    l.set_mask(per_sample);
    CHECK(l.value(y, t) == doctest::Approx((4 + 9 + 16 + 25) / 4.0));
    CHECK(grad_error(l, y, t) < 1e-7);
    T1 w{0.5, 2};
    CHECK(l.value(y, t, w) == doctest::Approx((0.5 * (4 + 9) + 2 * (16 + 25)) / 4.0));
    CHECK(weighted_grad_error(l, y, t, w) < 1e-7);

    std::vector<float> none{0, 0, 0};
    l.set_mask(none);
    CHECK(l.value(y, t) == 0.0);
    l.gradient(y, t, g);
    for (double v : g) CHECK(v == 0.0);

    std::vector<float> wrong{1, 1};
    l.set_mask(wrong);
    CHECK_THROWS_AS(l.value(y, t), cc::error);
    cc::losses::masked<cc::losses::mse> unset;
    CHECK_THROWS_AS(unset.value(y, t), cc::error);
}

TEST_CASE("masked binary cross-entropy on logits and on probabilities with the fused sigmoid") {
    T3 z{{{0.3, -1.2}, {2.0, 0.1}}, {{-0.7, 0.4}, {1.1, -2.5}}}, t{{{1, 0}, {1, 1}}, {{0, 0}, {1, 0}}};
    std::vector<float> m{1, 1, 0, 1, 0, 1, 1, 0};
    cc::losses::masked<cc::losses::binary_crossentropy> logits{.base = {.from_logits = true}};
    logits.set_mask(m);
    double expected = 0;
    for (std::size_t i = 0; i < z.size(); ++i)
        if (m[i]) expected += softplus(z.data()[i]) - z.data()[i] * t.data()[i];
    CHECK(logits.value(z, t) == doctest::Approx(expected / 5));
    CHECK(grad_error(logits, z, t) < 1e-7);

    // Probabilities: value from p = σ(z); the fused gradient equals the chain rule through the sigmoid.
    T3 p = z;
    for (auto& v : p) v = sigmoid(v);
    cc::losses::masked<cc::losses::binary_crossentropy> probs;
    probs.set_mask(m);
    CHECK(probs.value(p, t) == doctest::Approx(expected / 5));
    CHECK(grad_error(probs, p, t) < 1e-7);
    CHECK(cc::train::fuses_final_activation<
          cc::net::sequential<cc::shape<2, 2>, cc::layers::linear, cc::layers::sigmoid>::on<cc::backend::cpu, double>,
          decltype(probs)>());
    T3 dp, dz_fused;
    probs.gradient(p, t, dp);
    probs.fused_gradient(p, t, dz_fused);
    for (std::size_t i = 0; i < p.size(); ++i)
        CHECK(dz_fused.data()[i] == doctest::Approx(dp.data()[i] * p.data()[i] * (1 - p.data()[i])).epsilon(1e-12));
    T1 w{1.5, 0.25};
    CHECK(weighted_grad_error(probs, p, t, w) < 1e-7);
    probs.fused_gradient(p, t, w, dz_fused);
    probs.gradient(p, t, w, dp);
    for (std::size_t i = 0; i < p.size(); ++i)
        CHECK(dz_fused.data()[i] == doctest::Approx(dp.data()[i] * p.data()[i] * (1 - p.data()[i])).epsilon(1e-12));
}

TEST_CASE("kl_divergence value and gradient") {
    T2 p{{0.2, 0.7, 0.1}, {0.5, 0.25, 0.25}}, t{{0.1, 0.6, 0.3}, {0.5, 0.5, 0}};
    cc::losses::kl_divergence kl;
    const double eps = 1e-7;
    const double row0 = 0.1 * std::log(0.1 / 0.2) + 0.6 * std::log(0.6 / 0.7) + 0.3 * std::log(0.3 / 0.1);
    const double row1 = 0.5 * std::log(0.5 / 0.5) + 0.5 * std::log(0.5 / 0.25) + eps * std::log(eps / 0.25);
    CHECK(kl.value(p, t) == doctest::Approx((row0 + row1) / 2).epsilon(1e-12));
    CHECK(kl.value(t, t) == doctest::Approx(0).epsilon(1e-12));
    T1 w{2, 0.5};
    CHECK(kl.value(p, t, w) == doctest::Approx((2 * row0 + 0.5 * row1) / 2).epsilon(1e-12));
    // The clipped target t = 0 contributes ε log(ε/p): gradient −ε / (p · rows), too small for differences.
    T2 g;
    kl.gradient(p, t, g);
    CHECK(g(1, 2) == doctest::Approx(-eps / 0.25 / 2).epsilon(1e-12));
    CHECK(g(0, 2) == doctest::Approx(-0.3 / 0.1 / 2).epsilon(1e-12));
    T2 t_pos{{0.1, 0.6, 0.3}, {0.5, 0.4, 0.1}};
    CHECK(grad_error(kl, p, t_pos) < 1e-7);
    CHECK(weighted_grad_error(kl, p, t_pos, w) < 1e-7);
}

TEST_CASE("sample weights on mse binary and categorical cross-entropy") {
    T2 y{{0.2, 0.7, 0.1}, {0.5, 0.25, 0.25}}, t{{0, 1, 0}, {0, 0, 1}};
    T1 w{3, 0.5}, ones{1, 1};
    cc::losses::mse mse;
    CHECK(mse.value(y, t, w) == doctest::Approx((3 * (0.04 + 0.09 + 0.01) + 0.5 * (0.25 + 0.0625 + 0.5625)) / 6));
    CHECK(mse.value(y, t, ones) == doctest::Approx(mse.value(y, t)));
    CHECK(weighted_grad_error(mse, y, t, w) < 1e-7);

    cc::losses::categorical_crossentropy ce;
    CHECK(ce.value(y, t, w) == doctest::Approx(-(3 * std::log(0.7) + 0.5 * std::log(0.25)) / 2));
    CHECK(weighted_grad_error(ce, y, t, w) < 1e-7);
    cc::losses::categorical_crossentropy cel{.from_logits = true};
    CHECK(cel.value(y, t, ones) == doctest::Approx(cel.value(y, t)));
    CHECK(weighted_grad_error(cel, y, t, w) < 1e-7);
    T2 dz, expected;
    ce.fused_gradient(y, t, w, dz);   // w_n (p − t) / N
    for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t c = 0; c < 3; ++c) CHECK(dz(r, c) == doctest::Approx(w(r) * (y(r, c) - t(r, c)) / 2));

    cc::losses::binary_crossentropy bce, bcel{.from_logits = true};
    CHECK(bce.value(y, t, w) == doctest::Approx(
              (3 * -(std::log(0.8) + std::log(0.7) + std::log(0.9)) + 0.5 * -(std::log(0.5) + std::log(0.75) + std::log(0.25))) / 6));
    CHECK(bce.value(y, t, ones) == doctest::Approx(bce.value(y, t)));
    CHECK(weighted_grad_error(bce, y, t, w) < 1e-7);
    CHECK(weighted_grad_error(bcel, y, t, w) < 1e-7);

    T1 short_w{1};
    CHECK_THROWS_AS(mse.value(y, t, short_w), cc::error);
}

TEST_CASE("GAN losses on logits values gradients and stability") {
    T2 real{{1.5}, {-0.3}, {0.2}}, fake{{-2.0}, {0.7}, {0.1}}, dr, df, dg;
    namespace gan = cc::losses::gan;
    double expected = 0;
    for (double r : real) expected += -std::log(sigmoid(r)) / 3;
    for (double f : fake) expected += -std::log(1 - sigmoid(f)) / 3;
    CHECK(gan::discriminator_loss(real, fake, dr, df) == doctest::Approx(expected));
    CHECK(fd_error(real, dr, [&](const T2& v) { T2 a, b; return gan::discriminator_loss(v, fake, a, b); }) < 1e-7);
    CHECK(fd_error(fake, df, [&](const T2& v) { T2 a, b; return gan::discriminator_loss(real, v, a, b); }) < 1e-7);

    double minimax = 0, non_sat = 0;
    for (double f : fake) { minimax += std::log(1 - sigmoid(f)) / 3; non_sat += -std::log(sigmoid(f)) / 3; }
    CHECK(gan::generator_loss_minimax(fake, dg) == doctest::Approx(minimax));
    CHECK(fd_error(fake, dg, [&](const T2& v) { T2 a; return gan::generator_loss_minimax(v, a); }) < 1e-7);
    CHECK(gan::generator_loss_non_saturating(fake, dg) == doctest::Approx(non_sat));
    CHECK(fd_error(fake, dg, [&](const T2& v) { T2 a; return gan::generator_loss_non_saturating(v, a); }) < 1e-7);

    // Logits far beyond exp's range: finite values (≈ |d|) and saturated gradients, no NaN.
    T2 huge{{800}, {-800}};
    CHECK(gan::generator_loss_non_saturating(huge, dg) == doctest::Approx(400));
    CHECK(dg(0, 0) == doctest::Approx(0));
    CHECK(dg(1, 0) == doctest::Approx(-0.5));
    CHECK(gan::generator_loss_minimax(huge, dg) == doctest::Approx(-400));
    CHECK(std::isfinite(gan::discriminator_loss(huge, huge, dr, df)));
}

TEST_CASE("training with a masked loss ignores the masked targets") {
    // y = x·W + b fitted to t = (x0 + x1, x0 − x1, garbage): a broadcast mask drops the third output, so its
    // garbage (1000) does not disturb the others, and the first two outputs are learnt.
    using net_t = cc::net::sequential<cc::shape<2>, cc::layers::dense<3>>;
    net_t::on<cc::backend::cpu, double> net{1};
    cc::rng g(2);
    T2 x({32, 2}), t({32, 3});
    for (std::size_t i = 0; i < 32; ++i) {
        x(i, 0) = 2 * cc::detail::uniform01(g) - 1;
        x(i, 1) = 2 * cc::detail::uniform01(g) - 1;
        t(i, 0) = x(i, 0) + x(i, 1);
        t(i, 1) = x(i, 0) - x(i, 1);
        t(i, 2) = 1000;
    }
    std::vector<float> mask{1, 1, 0};
    cc::losses::masked<cc::losses::mse> loss;
    loss.set_mask(mask);
    cc::optimizers::sgd opt{{.lr = 0.2}};
    double first = 0, last = 0;
    for (int i = 0; i < 300; ++i) {
        last = cc::train::step(net, loss, opt, x, t);
        if (i == 0) first = last;
    }
    CHECK(first > 0.1);
    CHECK(last < 1e-6);
    const auto& w = std::get<0>(net.layer<0>().params());
    CHECK(w(0, 0) == doctest::Approx(1).epsilon(1e-3));
    CHECK(w(1, 1) == doctest::Approx(-1).epsilon(1e-3));
    const auto& b = std::get<1>(net.layer<0>().params());
    CHECK(b(2) == 0.0);   // the masked output got no gradient at all
}
