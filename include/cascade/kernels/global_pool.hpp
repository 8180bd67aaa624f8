#pragma once
// Tensor-level global pooling on the CPU backend (formulas in kernels/cpu/global_pool.hpp): x (N, ..., C)
// of any rank ≥ 3 — (N, T, C) sequences or (N, H, W, C) images — to y (N, C), or (N, 1, …, 1, C) when y has the input's rank (keepdims). The backward entries take
// the input's shape to size dx. A GPU backend adds overloads of these names for its tensor type.
#include "cascade/kernels/cpu/global_pool.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>
#include <cstdint>

namespace cascade::kernels {

namespace detail {
// (n, s, c) of a channels-last tensor shape.
template <std::size_t R>
std::array<std::size_t, 3> global_pool_extent(const std::array<std::size_t, R>& sh) {
    std::size_t s = 1;
    for (std::size_t i = 1; i + 1 < R; ++i) s *= sh[i];
    return {sh[0], s, sh[R - 1]};
}
// The pooled shape: (n, c), or with keepdims (RY = the input's rank) (n, 1, …, 1, c).
template <std::size_t RY>
std::array<std::size_t, RY> global_pool_output_shape(std::size_t n, std::size_t c) {
    static_assert(RY >= 2, "global pooling: the output has a batch and a channel axis");
    std::array<std::size_t, RY> sh;
    sh.fill(1);
    sh[0] = n;
    sh[RY - 1] = c;
    return sh;
}
} // namespace detail

// y[n, c] = mean over the positions of x[n, ..., c]
template <class T, std::size_t R, std::size_t RY>
void global_avg_pool_forward(const host_tensor<T, R>& x, host_tensor<T, RY>& y) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x.shape());
    ensure_shape(y, detail::global_pool_output_shape<RY>(n, c));
    cpu::global_avg_pool_forward(n, s, c, x.data(), y.data());
}
// dx (x_shape)[n, ..., c] = dy[n, c] / s
template <class T, std::size_t R, std::size_t RY>
void global_avg_pool_backward(const host_tensor<T, RY>& dy, const std::array<std::size_t, R>& x_shape, host_tensor<T, R>& dx) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x_shape);
    ensure_shape(dx, x_shape);
    cpu::global_avg_pool_backward(n, s, c, dy.data(), dx.data());
}

// y[n, c] = max over the positions of x[n, ..., c]; argmax (N, C) the position of the first maximum
template <class T, std::size_t R, std::size_t RY>
void global_max_pool_forward(const host_tensor<T, R>& x, host_tensor<T, RY>& y, host_tensor<std::uint32_t, 2>& argmax) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x.shape());
    ensure_shape(y, detail::global_pool_output_shape<RY>(n, c));
    ensure_shape(argmax, std::array{n, c});
    cpu::global_max_pool_forward(n, s, c, x.data(), y.data(), argmax.data());
}
// dx (x_shape) = dy routed to the arg-max of each (sample, channel), zero elsewhere
template <class T, std::size_t R, std::size_t RY>
void global_max_pool_backward(const host_tensor<T, RY>& dy, const host_tensor<std::uint32_t, 2>& argmax,
                              const std::array<std::size_t, R>& x_shape, host_tensor<T, R>& dx) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x_shape);
    ensure_shape(dx, x_shape);
    cpu::global_max_pool_backward(n, s, c, dy.data(), argmax.data(), dx.data());
}

} // namespace cascade::kernels
