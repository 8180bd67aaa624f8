#pragma once
// Finite-difference gradient checks (use with T = double). For a layer impl l and input x, with a fixed
// random r and f(x, θ) = Σ forward(x) ⊙ r, compares backward's ∂f/∂x and ∂f/∂θ with central differences
//   (f(v + h) − f(v − h)) / 2h
// and returns the largest relative error |a − n| / max(|a| + |n|, floor) over all elements.
// h = 1e-4: the truncation error of the central difference is O(h²) ≈ 1e-8 relative, its rounding error
// O(ε/h) ≈ 1e-12; inputs drawn in [−1, 1] are rarely within h of a kink (relu at 0, pooling ties).
#include "cascade/layers/concepts.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace cascade::testing {

namespace detail {
inline double relative_error(double a, double n, double floor) { return std::abs(a - n) / std::max(std::abs(a) + std::abs(n), floor); }

template <class L, class X, class Y>
double weighted_output(L& l, const X& x, Y& y, const Y& r) {
    l.forward(x, y, mode::train);
    long double s = 0;   // extended precision: the sum's rounding would otherwise dominate f(v+h) − f(v−h)
    for (std::size_t i = 0; i < y.size(); ++i) s += (long double)y.data()[i] * (long double)r.data()[i];
    return double(s);
}
} // namespace detail

struct grad_check_result {
    double input = 0;    // worst relative error of ∂f/∂x
    double params = 0;   // worst relative error of ∂f/∂θ over all parameter tensors
};

// Y is the layer's output tensor type. h: step; floor: denominator floor so that exact zeros compare.
template <class Y, class L, class X>
grad_check_result check_gradients(L& l, X x, unsigned seed = 7, double h = 1e-4, double floor = 1e-7) {
    Y y;
    l.forward(x, y, mode::train);
    Y r = y;
    {
        rng g(seed);
        for (std::size_t i = 0; i < r.size(); ++i) r.data()[i] = typename Y::value_type(2.0 * cascade::detail::uniform01(g) - 1.0);
    }
    // Analytic gradients.
    X dx = x;
    detail::weighted_output(l, x, y, r);
    l.backward(x, y, r, &dx);
    auto grads_copy = std::apply([](auto&... g) { return std::make_tuple(g...); }, l.grads());

    grad_check_result res;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto v = x.data()[i];
        x.data()[i] = v + h;
        const double fp = detail::weighted_output(l, x, y, r);
        x.data()[i] = v - h;
        const double fm = detail::weighted_output(l, x, y, r);
        x.data()[i] = v;
        res.input = std::max(res.input, detail::relative_error(double(dx.data()[i]), (fp - fm) / (2 * h), floor));
    }
    auto params = l.params();
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ([&] {
            auto& p = std::get<K>(params);
            const auto& g = std::get<K>(grads_copy);
            for (std::size_t i = 0; i < p.size(); ++i) {
                const auto v = p.data()[i];
                p.data()[i] = v + h;
                const double fp = detail::weighted_output(l, x, y, r);
                p.data()[i] = v - h;
                const double fm = detail::weighted_output(l, x, y, r);
                p.data()[i] = v;
                res.params = std::max(res.params, detail::relative_error(double(g.data()[i]), (fp - fm) / (2 * h), floor));
            }
        }(), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(params)>>{});
    return res;
}

} // namespace cascade::testing
