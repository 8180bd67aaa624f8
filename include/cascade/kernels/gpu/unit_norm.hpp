#pragma once
// GPU L2 normalisation over the last axis (kernels/unit_norm.hpp has the formulas and the CPU path): one
// thread per row running the CPU's row function, so the results are the CPU's bits wherever the compiler
// does not contract a·b + c differently. Not tuned (rows are read C values apart, as layer_norm.hpp).
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block
#include "cascade/kernels/unit_norm.hpp"

namespace cascade::gpu {

template <class T>
__global__ void unit_norm_forward_kernel(std::size_t rows, std::size_t c, const T* x, T* y, T* norm) {
    CASCADE_GPU_GRID_STRIDE(r, rows) cascade::kernels::cpu::unit_norm_row(r, c, x, y, norm);
}
template <class T>
__global__ void unit_norm_backward_kernel(std::size_t rows, std::size_t c, const T* y, const T* dy, const T* norm, T* dx) {
    CASCADE_GPU_GRID_STRIDE(r, rows) cascade::kernels::cpu::unit_norm_backward_row(r, c, y, dy, norm, dx);
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void unit_norm_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y, gpu::device_tensor<T, 1>& norm) {
    const std::size_t c = x.shape()[R - 1], rows = c ? x.size() / c : 0;
    ensure_shape(y, x.shape());
    ensure_shape(norm, std::array<std::size_t, 1>{rows});
    gpu::launch("unit_normalization forward", gpu::unit_norm_forward_kernel<T>, gpu::grid_for(rows), gpu::elementwise_block, rows, c,
                x.data(), y.data(), norm.data());
}
template <class T, std::size_t R>
void unit_norm_backward(const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& dy, const gpu::device_tensor<T, 1>& norm,
                        gpu::device_tensor<T, R>& dx) {
    const std::size_t c = y.shape()[R - 1], rows = c ? y.size() / c : 0;
    ensure_shape(dx, y.shape());
    gpu::launch("unit_normalization backward", gpu::unit_norm_backward_kernel<T>, gpu::grid_for(rows), gpu::elementwise_block, rows, c,
                y.data(), dy.data(), norm.data(), dx.data());
}

} // namespace cascade::kernels
