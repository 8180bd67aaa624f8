#pragma once
// Tensor-level 2-D pooling on the CPU backend (see kernels/cpu/pool.hpp for the formulas).
#include "cascade/kernels/cpu/pool.hpp"
#include "cascade/tensor/tensor.hpp"


namespace cascade::kernels {

using cpu::pool2d_geometry;

template <class T>
void max_pool2d_forward(const pool2d_geometry& g, const host_tensor<T, 4>& x, host_tensor<T, 4>& y) {
    const std::size_t n = x.shape()[0];
    ensure_shape(y, std::array{n, g.oh, g.ow, g.c});
    cpu::max_pool2d_forward(g, n, x.data(), y.data());
}
template <class T>
void max_pool2d_backward(const pool2d_geometry& g, const host_tensor<T, 4>& x, const host_tensor<T, 4>& y,
                         const host_tensor<T, 4>& dy, host_tensor<T, 4>& dx) {
    const std::size_t n = dy.shape()[0];
    ensure_shape(dx, std::array{n, g.h, g.w, g.c});
    cpu::max_pool2d_backward(g, n, x.data(), y.data(), dy.data(), dx.data());
}
template <class T>
void avg_pool2d_forward(const pool2d_geometry& g, const host_tensor<T, 4>& x, host_tensor<T, 4>& y) {
    const std::size_t n = x.shape()[0];
    ensure_shape(y, std::array{n, g.oh, g.ow, g.c});
    cpu::avg_pool2d_forward(g, n, x.data(), y.data());
}
template <class T>
void avg_pool2d_backward(const pool2d_geometry& g, const host_tensor<T, 4>& dy, host_tensor<T, 4>& dx) {
    const std::size_t n = dy.shape()[0];
    ensure_shape(dx, std::array{n, g.h, g.w, g.c});
    cpu::avg_pool2d_backward(g, n, dy.data(), dx.data());
}

} // namespace cascade::kernels
