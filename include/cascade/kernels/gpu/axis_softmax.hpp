#pragma once
// GPU softmax along one axis (kernels/axis_softmax.hpp, kernels/cpu/axis_softmax.hpp are the CPU path):
// one thread per row of the (outer, len, inner) view, running the CPU's row functions (axis_rows,
// axis_softmax_row): consecutive threads take consecutive inner offsets, so reads coalesce when the
// axis is not the last. The last axis has the warp-per-row kernel of softmax.hpp (layers::softmax).
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/axis_softmax.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block

namespace cascade::gpu {

template <class T>
__global__ void axis_softmax_forward_kernel(cascade::kernels::cpu::axis_rows g, const T* x, T* y) {
    CASCADE_GPU_GRID_STRIDE(q, g.count()) cascade::kernels::cpu::axis_softmax_row(g, q, x, y);
}
template <class T>
__global__ void axis_softmax_backward_kernel(cascade::kernels::cpu::axis_rows g, const T* y, const T* dy, T* dx) {
    CASCADE_GPU_GRID_STRIDE(q, g.count()) cascade::kernels::cpu::axis_softmax_backward_row(g, q, y, dy, dx);
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void axis_softmax_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y, std::size_t axis) {
    ensure_shape(y, x.shape());
    if (!x.size()) return;
    const auto g = axis_rows_of(x.shape(), R, axis);
    gpu::launch("softmax_over forward", gpu::axis_softmax_forward_kernel<T>, gpu::grid_for(g.count()), gpu::elementwise_block,
                g, x.data(), y.data());
}
template <class T, std::size_t R>
void axis_softmax_backward(const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& dy, gpu::device_tensor<T, R>& dx,
                           std::size_t axis) {
    ensure_shape(dx, dy.shape());
    if (!dy.size()) return;
    const auto g = axis_rows_of(y.shape(), R, axis);
    gpu::launch("softmax_over backward", gpu::axis_softmax_backward_kernel<T>, gpu::grid_for(g.count()), gpu::elementwise_block,
                g, y.data(), dy.data(), dx.data());
}

} // namespace cascade::kernels
