#pragma once
// Toy data of seed 003's "1D Function Fitting" slides (D. Walz, RWTH Aachen, "Deep Learning Tutorial", HAP
// workshop 2017): "try to fit some complicated function with a neural network". The slide only shows a
// plot, not the formula, so we choose (and document) a function with several features of different
// width on x ∈ [−1, 1]:
//
//   f(x) = sin(3πx) · exp(−x²) + x / 2
//
// Three periods of a damped sine on a linear trend: six extrema, amplitude ≈ 0.37…1, range ≈ [−1.1, 1.1].
// Samples are noise-free: x ~ U(−1, 1), y = f(x); `grid` gives evenly spaced points for the fit error.
#include "cascade/data/dataset.hpp"
#include "cascade/init/initializers.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace cascade::data::toy {

inline double fit1d_function(double x) { return std::sin(3 * 3.141592653589793 * x) * std::exp(-x * x) + 0.5 * x; }

namespace detail {
template <class T, class X>
dataset<T, 2, 2> fit1d_from(std::size_t n, X&& x_of) {
    dataset<T, 2, 2> d{host_tensor<T, 2>(std::array<std::size_t, 2>{n, 1}), host_tensor<T, 2>(std::array<std::size_t, 2>{n, 1})};
    for (std::size_t i = 0; i < n; ++i) {
        const double x = x_of(i);
        d.x.data()[i] = T(x);
        d.y.data()[i] = T(fit1d_function(x));
    }
    return d;
}
} // namespace detail

// n samples with x ~ U(−1, 1) (seeded), y = f(x); x and y are (n, 1).
template <class T = float>
dataset<T, 2, 2> fit1d(std::size_t n, std::uint64_t seed) {
    rng g(seed);
    return detail::fit1d_from<T>(n, [&](std::size_t) { return 2 * cascade::detail::uniform01(g) - 1; });
}

// n ≥ 2 evenly spaced x from −1 to 1 inclusive, y = f(x).
template <class T = float>
dataset<T, 2, 2> fit1d_grid(std::size_t n) {
    CASCADE_CHECK(n >= 2, "toy::fit1d_grid: need at least 2 points, got ", n);
    return detail::fit1d_from<T>(n, [&](std::size_t i) { return -1 + 2 * double(i) / double(n - 1); });
}

} // namespace cascade::data::toy
