#pragma once
// Toy data of seed 003's linear-regression primer (D. Walz, RWTH Aachen, "Deep Learning Tutorial",
// HAP workshop 2017, slides "Primer: Linear Regression" and "Multidimensional Linear Model", whose
// example has x ∈ R³, y ∈ R²):
//
//   x ~ U(−1, 1)³,   y = W x + b + ε,   ε ~ N(0, σ²·1₂)
//
// with the fixed truth below (W is 2×3, rows = outputs). The least-squares solution of the sample
// approaches (W, b) with a standard error of about σ / sqrt(N · var(x)) = σ · sqrt(3 / N).
#include "cascade/data/dataset.hpp"
#include "cascade/init/initializers.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace cascade::data::toy {

struct linear_truth {
    static constexpr std::size_t inputs = 3, outputs = 2;
    // W[o][i]: output o's weight of input i (the slide's y = W x + b; cascade's dense stores Wᵀ).
    static constexpr std::array<std::array<double, inputs>, outputs> w{{{1.5, -2.0, 0.5}, {-0.7, 0.3, 2.5}}};
    static constexpr std::array<double, outputs> b{0.8, -1.2};
};

// N samples x (N, 3) and targets y (N, 2); the same seed gives the same samples.
template <class T = float>
dataset<T, 2, 2> linear_regression(std::size_t n, std::uint64_t seed, double noise_sigma = 0.1) {
    CASCADE_CHECK(noise_sigma >= 0, "toy::linear_regression: noise_sigma must be >= 0, got ", noise_sigma);
    constexpr std::size_t I = linear_truth::inputs, O = linear_truth::outputs;
    rng g(seed);
    dataset<T, 2, 2> d{host_tensor<T, 2>(std::array<std::size_t, 2>{n, I}),
                       host_tensor<T, 2>(std::array<std::size_t, 2>{n, O})};
    T* x = d.x.data();
    T* y = d.y.data();
    for (std::size_t s = 0; s < n; ++s) {
        double xs[I];
        for (std::size_t i = 0; i < I; ++i) xs[i] = 2 * cascade::detail::uniform01(g) - 1;
        for (std::size_t o = 0; o < O; ++o) {
            double v = linear_truth::b[o] + noise_sigma * cascade::detail::standard_normal(g);
            for (std::size_t i = 0; i < I; ++i) v += linear_truth::w[o][i] * xs[i];
            y[s * O + o] = T(v);
        }
        for (std::size_t i = 0; i < I; ++i) x[s * I + i] = T(xs[i]);
    }
    return d;
}

} // namespace cascade::data::toy
