#pragma once
// Tensor-level 1-, 2- and 3-D pooling on the CPU backend (see kernels/cpu/pool.hpp for the formulas):
// x of rank R = 3, 4, 5 — (N, W, C), (N, H, W, C), (N, D, H, W, C) — with g the 3-D geometry.
// g's padding (pd, ph, pw) and output size give 'valid' or TensorFlow 'same' windows (padded cells ignored).
#include "cascade/kernels/channels_last.hpp"
#include "cascade/kernels/cpu/pool.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>

namespace cascade::kernels {

using cpu::pool2d_geometry;
using cpu::pool_geometry;

template <class T, std::size_t R>
void max_pool_forward(const pool_geometry& g, const host_tensor<T, R>& x, host_tensor<T, R>& y) {
    const std::size_t n = x.shape()[0];
    ensure_shape(y, channels_last_shape<R>(n, g.od, g.oh, g.ow, g.c));
    cpu::max_pool_forward(g, n, x.data(), y.data());
}
template <class T, std::size_t R>
void max_pool_backward(const pool_geometry& g, const host_tensor<T, R>& x, const host_tensor<T, R>& y,
                       const host_tensor<T, R>& dy, host_tensor<T, R>& dx) {
    const std::size_t n = dy.shape()[0];
    ensure_shape(dx, channels_last_shape<R>(n, g.d, g.h, g.w, g.c));
    cpu::max_pool_backward(g, n, x.data(), y.data(), dy.data(), dx.data());
}
template <class T, std::size_t R>
void avg_pool_forward(const pool_geometry& g, const host_tensor<T, R>& x, host_tensor<T, R>& y) {
    const std::size_t n = x.shape()[0];
    ensure_shape(y, channels_last_shape<R>(n, g.od, g.oh, g.ow, g.c));
    cpu::avg_pool_forward(g, n, x.data(), y.data());
}
template <class T, std::size_t R>
void avg_pool_backward(const pool_geometry& g, const host_tensor<T, R>& dy, host_tensor<T, R>& dx) {
    const std::size_t n = dy.shape()[0];
    ensure_shape(dx, channels_last_shape<R>(n, g.d, g.h, g.w, g.c));
    cpu::avg_pool_backward(g, n, dy.data(), dx.data());
}

// The 2-D entries of before the N-d generalisation.
template <class T>
void max_pool2d_forward(const pool2d_geometry& g, const host_tensor<T, 4>& x, host_tensor<T, 4>& y) {
    max_pool_forward(pool_geometry(g), x, y);
}
template <class T>
void max_pool2d_backward(const pool2d_geometry& g, const host_tensor<T, 4>& x, const host_tensor<T, 4>& y,
                         const host_tensor<T, 4>& dy, host_tensor<T, 4>& dx) {
    max_pool_backward(pool_geometry(g), x, y, dy, dx);
}
template <class T>
void avg_pool2d_forward(const pool2d_geometry& g, const host_tensor<T, 4>& x, host_tensor<T, 4>& y) {
    avg_pool_forward(pool_geometry(g), x, y);
}
template <class T>
void avg_pool2d_backward(const pool2d_geometry& g, const host_tensor<T, 4>& dy, host_tensor<T, 4>& dx) {
    avg_pool_backward(pool_geometry(g), dy, dx);
}

} // namespace cascade::kernels
