#pragma once
// Element-wise CPU kernels on raw arrays, vectorised with xsimd: activations and their derivatives,
// bias broadcast and column sums. Every function takes sizes and pointers only (no layer logic).
#include "cascade/kernels/cpu/parallel.hpp"
#include "cascade/tensor/simd.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace cascade::kernels::cpu {

namespace detail {
inline constexpr std::size_t elementwise_grain = 32768;

// out[i] = f(in...[i]) for batches; the tail runs through the same f on a padded batch.
template <class T, class F, class... In>
void simd_map(std::size_t n, F f, T* out, const In*... in) {
    using batch = simd::batch<T>;
    constexpr std::size_t W = batch::size;
    parallel_for(n, elementwise_grain, [&](std::size_t b, std::size_t e) {
        std::size_t i = b;
        for (; i + W <= e; i += W) f(batch::load_unaligned(in + i)...).store_unaligned(out + i);
        if (i < e) {   // tail: the same f on zero-padded batches
            auto load_tail = [&](const T* p) {
                alignas(64) T buf[W] = {};
                std::copy(p + i, p + e, buf);
                return batch::load_aligned(buf);
            };
            alignas(64) T res[W];
            f(load_tail(in)...).store_aligned(res);
            std::copy(res, res + (e - i), out + i);
        }
    });
}
} // namespace detail

template <class T>
void relu_forward(std::size_t n, const T* x, T* y) {
    // max(0, x) in this operand order: x86's maxps returns its second operand when either is NaN, so a
    // NaN propagates (as in PyTorch) instead of being silently turned into 0.
    detail::simd_map<T>(n, [](auto v) { return xsimd::max(decltype(v)(T(0)), v); }, y, x);
}
// dx = dy where y > 0 (y = relu(x) > 0 iff x > 0)
template <class T>
void relu_backward(std::size_t n, const T* y, const T* dy, T* dx) {
    detail::simd_map<T>(
        n, [](auto yv, auto g) { return xsimd::select(yv > decltype(yv)(T(0)), g, decltype(g)(T(0))); }, dx, y,
        dy);
}
template <class T>
void leaky_relu_forward(std::size_t n, const T* x, T* y, T a) {
    detail::simd_map<T>(n, [a](auto v) { return xsimd::select(v > decltype(v)(T(0)), v, v * decltype(v)(a)); }, y,
                        x);
}
template <class T>
void leaky_relu_backward(std::size_t n, const T* x, const T* dy, T* dx, T a) {
    detail::simd_map<T>(
        n, [a](auto v, auto g) { return xsimd::select(v > decltype(v)(T(0)), g, g * decltype(g)(a)); }, dx, x, dy);
}
// sigmoid(x) = 1 / (1 + exp(-x)); dx = dy · y (1 - y)
template <class T>
void sigmoid_forward(std::size_t n, const T* x, T* y) {
    detail::simd_map<T>(n, [](auto v) { using B = decltype(v); return B(T(1)) / (B(T(1)) + xsimd::exp(-v)); }, y, x);
}
template <class T>
void sigmoid_backward(std::size_t n, const T* y, const T* dy, T* dx) {
    detail::simd_map<T>(n, [](auto yv, auto g) { using B = decltype(yv); return g * yv * (B(T(1)) - yv); }, dx, y, dy);
}
// tanh; dx = dy (1 - y²)
template <class T>
void tanh_forward(std::size_t n, const T* x, T* y) {
    detail::simd_map<T>(n, [](auto v) { return xsimd::tanh(v); }, y, x);
}
template <class T>
void tanh_backward(std::size_t n, const T* y, const T* dy, T* dx) {
    detail::simd_map<T>(n, [](auto yv, auto g) { using B = decltype(yv); return g * (B(T(1)) - yv * yv); }, dx, y, dy);
}
// y = x · s
template <class T>
void scale(std::size_t n, const T* x, T s, T* y) {
    detail::simd_map<T>(n, [s](auto v) { return v * decltype(v)(s); }, y, x);
}
// z = x ⊙ m
template <class T>
void multiply(std::size_t n, const T* x, const T* m, T* z) {
    detail::simd_map<T>(n, [](auto a, auto b) { return a * b; }, z, x, m);
}

// z = x + s · y   (residual connections: s = 1 adds, s = −1 subtracts)
template <class T>
void add_scaled(std::size_t n, const T* x, const T* y, T s, T* z) {
    detail::simd_map<T>(n, [s](auto a, auto b) { return a + b * decltype(b)(s); }, z, x, y);
}

// y (rows × cols) = broadcast of b (cols) over rows
template <class T>
void broadcast_rows(std::size_t rows, std::size_t cols, const T* b, T* y) {
    parallel_for(rows, detail::elementwise_grain / (cols ? cols : 1) + 1, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) std::copy(b, b + cols, y + r * cols);
    });
}
// s (cols) = sum over rows of x (rows × cols); a fixed summation order so results do not depend on
// the thread count.
template <class T>
void sum_rows(std::size_t rows, std::size_t cols, const T* x, T* s) {
    for (std::size_t c = 0; c < cols; ++c) s[c] = T(0);
    for (std::size_t r = 0; r < rows; ++r) {
        const T* xr = x + r * cols;
#pragma omp simd
        for (std::size_t c = 0; c < cols; ++c) s[c] += xr[c];
    }
}

} // namespace cascade::kernels::cpu
