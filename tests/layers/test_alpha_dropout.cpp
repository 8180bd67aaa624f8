// alpha_dropout: keeps standardised inputs at zero mean and unit variance in training (its purpose),
// drops the expected fraction to SELU's saturation value, back-propagates through the same mask, and is
// the identity in inference.
#include <cascade/layers/alpha_dropout.hpp>
#include <cascade/backend/cpu.hpp>
#include <doctest/doctest.h>

#include <cmath>

namespace cc = cascade;

TEST_CASE("alpha_dropout: moments preserved, dropped values at a·α' + b, gradient through the mask, identity in inference") {
    using L = cc::layers::alpha_dropout<cc::ratio<1, 5>>;
    cc::rng g(3);
    cc::layers::layer_impl<L, cc::shape<1000>, cc::backend::cpu, double> l(g);
    cc::host_tensor<double, 2> x(std::array<std::size_t, 2>{200, 1000}), y, dy, dx;
    for (auto& v : x) v = cc::detail::standard_normal(g);
    l.forward(x, y, cc::mode::train);
    double m = 0, s2 = 0;
    for (double v : y) m += v;
    m /= double(y.size());
    for (double v : y) s2 += (v - m) * (v - m);
    const double sd = std::sqrt(s2 / double(y.size()));
    CHECK(std::abs(m) < 0.01);          // 200,000 values: the sampling error of the mean is ~0.002
    CHECK(std::abs(sd - 1) < 0.01);
    const double p = 0.2, ap = -1.6732632423543772 * 1.0507009873554805;
    const double a = 1 / std::sqrt((1 - p) * (1 + p * ap * ap)), b = -a * ap * p;
    std::size_t dropped = 0, wrong = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const bool drop = l.scale.data()[i] == 0;
        dropped += drop;
        const double expected = drop ? a * ap + b : a * x.data()[i] + b;
        wrong += std::abs(y.data()[i] - expected) > 1e-12 * (1 + std::abs(expected));
    }
    CHECK(wrong == 0);
    CHECK(std::abs(double(dropped) / double(y.size()) - p) < 0.005);
    dy = x;
    for (auto& v : dy) v = 1.5;
    l.backward(x, y, dy, &dx);
    wrong = 0;
    for (std::size_t i = 0; i < dx.size(); ++i) wrong += dx.data()[i] != (l.scale.data()[i] == 0 ? 0.0 : 1.5 * a);
    CHECK(wrong == 0);
    l.forward(x, y, cc::mode::infer);
    CHECK(y == x);
}
