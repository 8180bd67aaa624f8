#pragma once
// L2 normalisation over the last axis of a (rows, c) matrix (layers/unit_normalization.hpp), Keras 3's
// UnitNormalization / ops.normalize(order=2): per row, with ε = 1e-12,
//   ‖x‖ = √(Σ_j x_j²),  d = max(‖x‖, ε),  y_j = x_j / d
//   backward:  dx_j = (dy_j − y_j Σ_k y_k dy_k) / d   where ‖x‖ > ε,   dx_j = dy_j / ε   where ‖x‖ ≤ ε
// The per-row functions (CASCADE_HOST_DEVICE) are shared with the GPU kernels (kernels/gpu/unit_norm.hpp):
// the same code in the same order on both backends. norm (one value per row) is what backward needs.
// Tensor-level entries for the CPU backend below.
#include "cascade/kernels/cpu/host_device_math.hpp"
#include "cascade/kernels/cpu/parallel.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>
#include <cstddef>

namespace cascade::kernels {

namespace cpu {
inline constexpr double unit_norm_epsilon = 1e-12;

template <class T>
CASCADE_HOST_DEVICE void unit_norm_row(std::size_t r, std::size_t c, const T* x, T* y, T* norm) {
    const T* xr = x + r * c;
    T s = 0;
    for (std::size_t j = 0; j < c; ++j) s += xr[j] * xr[j];
    const T n = T(hd_math::sqrt(s)), eps = T(unit_norm_epsilon);
    const T d = n > eps ? n : eps;
    for (std::size_t j = 0; j < c; ++j) y[r * c + j] = xr[j] / d;
    norm[r] = n;
}
template <class T>
CASCADE_HOST_DEVICE void unit_norm_backward_row(std::size_t r, std::size_t c, const T* y, const T* dy, const T* norm, T* dx) {
    const T* yr = y + r * c;
    const T* gr = dy + r * c;
    const T eps = T(unit_norm_epsilon), n = norm[r];
    if (!(n > eps)) {
        for (std::size_t j = 0; j < c; ++j) dx[r * c + j] = gr[j] / eps;
        return;
    }
    T a = 0;
    for (std::size_t j = 0; j < c; ++j) a += yr[j] * gr[j];
    for (std::size_t j = 0; j < c; ++j) dx[r * c + j] = (gr[j] - yr[j] * a) / n;
}
} // namespace cpu

template <class T, std::size_t R>
void unit_norm_forward(const host_tensor<T, R>& x, host_tensor<T, R>& y, host_tensor<T, 1>& norm) {
    const std::size_t c = x.shape()[R - 1], rows = c ? x.size() / c : 0;
    ensure_shape(y, x.shape());
    ensure_shape(norm, std::array<std::size_t, 1>{rows});
    cpu::parallel_for(rows, 64, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) cpu::unit_norm_row(r, c, x.data(), y.data(), norm.data());
    });
}
// y = unit_norm_forward(x), norm its row norms.
template <class T, std::size_t R>
void unit_norm_backward(const host_tensor<T, R>& y, const host_tensor<T, R>& dy, const host_tensor<T, 1>& norm, host_tensor<T, R>& dx) {
    const std::size_t c = y.shape()[R - 1], rows = c ? y.size() / c : 0;
    ensure_shape(dx, y.shape());
    cpu::parallel_for(rows, 64, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) cpu::unit_norm_backward_row(r, c, y.data(), dy.data(), norm.data(), dx.data());
    });
}

} // namespace cascade::kernels
