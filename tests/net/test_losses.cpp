// Losses: values computed by hand, gradients against finite differences (double), and the fused
// softmax/sigmoid paths against the unfused chain rule.
#include <cascade/cascade.hpp>
#include <doctest/doctest.h>

#include <cmath>

namespace cc = cascade;
using T2 = cc::host_tensor<double, 2>;

namespace {
// Largest relative error between loss.gradient and central differences of loss.value.
template <class Loss>
double loss_grad_error(const Loss& loss, T2 y, const T2& t) {
    T2 g;
    loss.gradient(y, t, g);
    double worst = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double v = y.data()[i], h = 1e-6;
        y.data()[i] = v + h;
        const double fp = loss.value(y, t);
        y.data()[i] = v - h;
        const double fm = loss.value(y, t);
        y.data()[i] = v;
        const double n = (fp - fm) / (2 * h);
        worst = std::max(worst, std::abs(n - g.data()[i]) / std::max(std::abs(n) + std::abs(g.data()[i]), 1e-7));
    }
    return worst;
}
} // namespace

TEST_CASE("mse value and gradient") {
    T2 y{{1, 2}, {3, 4}}, t{{0, 2}, {5, 4}};
    cc::losses::mse l;
    CHECK(l.value(y, t) == doctest::Approx((1 + 0 + 4 + 0) / 4.0));
    CHECK(loss_grad_error(l, y, t) < 1e-7);
}

TEST_CASE("categorical cross-entropy on probabilities and on logits") {
    T2 p{{0.2, 0.7, 0.1}, {0.5, 0.25, 0.25}}, t{{0, 1, 0}, {0, 0, 1}};
    cc::losses::categorical_crossentropy ce;
    CHECK(ce.value(p, t) == doctest::Approx(-(std::log(0.7) + std::log(0.25)) / 2));
    CHECK(loss_grad_error(ce, p, t) < 1e-7);

    T2 z{{1, 2, 3}, {-1, 0.5, 4}};
    cc::losses::categorical_crossentropy cel{.from_logits = true};
    auto lse = [](double a, double b, double c) { return std::log(std::exp(a) + std::exp(b) + std::exp(c)); };
    CHECK(cel.value(z, t) == doctest::Approx(((lse(1, 2, 3) - 2) + (lse(-1, 0.5, 4) - 4)) / 2));
    CHECK(loss_grad_error(cel, z, t) < 1e-7);
    T2 big{{1000, 0, -1000}};
    T2 tb{{0, 1, 0}};
    CHECK(cel.value(big, tb) == doctest::Approx(1000));   // no overflow
}

TEST_CASE("fused softmax + cross-entropy gradient equals the chain rule through softmax") {
    T2 z{{0.3, -1.2, 2.0, 0.1}, {1.0, 1.0, -0.5, 0.0}}, t{{0, 0, 1, 0}, {1, 0, 0, 0}}, p, dp, dz_chain, dz_fused;
    cc::kernels::softmax_forward(z, p);
    cc::losses::categorical_crossentropy ce;
    ce.gradient(p, t, dp);
    cc::kernels::softmax_backward(p, dp, dz_chain);
    ce.fused_gradient(p, t, dz_fused);
    CHECK(xt::amax(xt::abs(dz_chain - dz_fused))() < 1e-12);
}

TEST_CASE("binary cross-entropy on probabilities and on logits") {
    T2 p{{0.9, 0.2}, {0.4, 0.6}}, t{{1, 0}, {1, 1}};
    cc::losses::binary_crossentropy bce;
    CHECK(bce.value(p, t) == doctest::Approx(-(std::log(0.9) + std::log(0.8) + std::log(0.4) + std::log(0.6)) / 4));
    CHECK(loss_grad_error(bce, p, t) < 1e-7);
    T2 z{{2.0, -1.5}, {0.3, 40}};
    cc::losses::binary_crossentropy bl{.from_logits = true};
    auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
    const double expect = -(std::log(sig(2.0)) + std::log(1 - sig(-1.5)) + std::log(sig(0.3)) + std::log(sig(40))) / 4;
    CHECK(bl.value(z, t) == doctest::Approx(expect));
    CHECK(loss_grad_error(bl, z, t) < 1e-7);
    T2 dz_chain, dz_fused, dp, s;
    cc::kernels::sigmoid_forward(z, s);
    bce.gradient(s, t, dp);
    cc::kernels::sigmoid_backward(s, dp, dz_chain);
    bce.fused_gradient(s, t, dz_fused);
    CHECK(xt::amax(xt::abs(dz_chain - dz_fused))() < 1e-9);
}
