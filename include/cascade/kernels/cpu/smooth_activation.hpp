#pragma once
// Element-wise CPU kernels on raw arrays for the smooth (exponential-family) activations, vectorised with
// xsimd through detail::simd_map (kernels/cpu/elementwise.hpp; tails run through the same lambda on a
// zero-padded batch). n values, pointers and scalars only.
//   elu       y = x if x > 0 else α (e^x − 1)            dx = dy if x > 0 else dy · (y + α)      (= α e^x)
//             Clevert, Unterthiner & Hochreiter, ICLR 2016; Keras ELU(alpha=1.0), PyTorch ELU(alpha=1.0).
//   selu      y = λ x if x > 0 else λ α (e^x − 1)        dx = λ dy if x > 0 else dy · (y + λ α)
//             λ = 1.0507009873554804934, α = 1.6732632423543772848; Klambauer et al., NeurIPS 2017
//             ("Self-Normalizing Neural Networks"); Keras Activation('selu'), PyTorch SELU().
//   softplus  y = log(1 + e^x), computed as max(x, 0) + log1p(e^−|x|) (no overflow for large |x|)
//             dx = dy · σ(x) = dy / (1 + e^−x);  Keras Activation('softplus'), PyTorch Softplus(beta=1)
//             without its linear cut-off above x = 20 (threshold), which changes y by < 2.1e-9.
// elu/selu differentiate through y for x ≤ 0 (no second exp), like TensorFlow's EluGrad/SeluGrad and
// PyTorch's elu_backward; x decides the branch, so any α (also α ≤ 0) is handled.
#include "cascade/kernels/cpu/elementwise.hpp"

#include <cstddef>

namespace cascade::kernels::cpu {

inline constexpr double selu_alpha = 1.6732632423543772848170429916717;
inline constexpr double selu_scale = 1.0507009873554804934193349852946;

template <class T>
void elu_forward(std::size_t n, const T* x, T* y, T a) {
    detail::simd_map<T>(
        n, [a](auto v) { using V = decltype(v); return xsimd::select(v > V(T(0)), v, V(a) * xsimd::expm1(v)); }, y, x);
}
template <class T>
void elu_backward(std::size_t n, const T* x, const T* y, const T* dy, T* dx, T a) {
    detail::simd_map<T>(
        n, [a](auto v, auto yv, auto g) { using V = decltype(v); return xsimd::select(v > V(T(0)), g, g * (yv + V(a))); },
        dx, x, y, dy);
}

template <class T>
void selu_forward(std::size_t n, const T* x, T* y) {
    detail::simd_map<T>(
        n,
        [](auto v) {
            using V = decltype(v);
            return xsimd::select(v > V(T(0)), V(T(selu_scale)) * v, V(T(selu_scale * selu_alpha)) * xsimd::expm1(v));
        },
        y, x);
}
template <class T>
void selu_backward(std::size_t n, const T* x, const T* y, const T* dy, T* dx) {
    detail::simd_map<T>(
        n,
        [](auto v, auto yv, auto g) {
            using V = decltype(v);
            return xsimd::select(v > V(T(0)), V(T(selu_scale)) * g, g * (yv + V(T(selu_scale * selu_alpha))));
        },
        dx, x, y, dy);
}

template <class T>
void softplus_forward(std::size_t n, const T* x, T* y) {
    detail::simd_map<T>(
        n, [](auto v) { using V = decltype(v); return xsimd::max(v, V(T(0))) + xsimd::log1p(xsimd::exp(-xsimd::abs(v))); }, y, x);
}
template <class T>
void softplus_backward(std::size_t n, const T* x, const T* dy, T* dx) {
    detail::simd_map<T>(
        n, [](auto v, auto g) { using V = decltype(v); return g / (V(T(1)) + xsimd::exp(-v)); }, dx, x, dy);
}

} // namespace cascade::kernels::cpu
