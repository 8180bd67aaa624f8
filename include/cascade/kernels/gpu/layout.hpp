#pragma once
// GPU re-layout kernels with the CPU overloads' names and formulas (kernels/layout.hpp, kernels/cpu/layout.hpp):
//   permute_axes   one thread per output element, x read at the shared permute_geometry::source(i)
//   repeat         forward: one thread per output element; backward: one thread per (n, f), summing the
//                  repeats in the CPU's order (the shared repeat_adjoint_at): the same bits as the CPU.
// Gathers only: no atomics, deterministic.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block
#include "cascade/kernels/layout.hpp"            // the CPU overloads, permuted_shape, shape_array

namespace cascade::gpu {

template <class T>
__global__ void permute_kernel(cascade::kernels::cpu::permute_geometry g, std::size_t n, const T* x, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = x[g.source(i)];
}
template <class T>
__global__ void repeat_forward_kernel(std::size_t n, std::size_t reps, std::size_t f, const T* x, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n * reps * f) y[i] = x[(i / (reps * f)) * f + i % f];
}
template <class T>
__global__ void repeat_backward_kernel(std::size_t n, std::size_t reps, std::size_t f, const T* dy, T* dx) {
    CASCADE_GPU_GRID_STRIDE(o, n * f) dx[o] = cascade::kernels::cpu::repeat_adjoint_at(o, reps, f, dy);
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void permute_axes(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y, const std::array<std::size_t, R>& perm) {
    ensure_shape(y, permuted_shape(x.shape(), perm));
    const auto g = cpu::make_permute_geometry(shape_array<R>(x.shape()), perm);
    gpu::launch("permute", gpu::permute_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block, g, x.size(), x.data(), y.data());
}

template <class T>
void repeat_forward(const gpu::device_tensor<T, 2>& x, gpu::device_tensor<T, 3>& y, std::size_t reps) {
    const std::size_t n = x.shape()[0], f = x.shape()[1];
    ensure_shape(y, std::array<std::size_t, 3>{n, reps, f});
    gpu::launch("repeat_vector forward", gpu::repeat_forward_kernel<T>, gpu::grid_for(y.size()), gpu::elementwise_block,
                n, reps, f, x.data(), y.data());
}
template <class T>
void repeat_backward(const gpu::device_tensor<T, 3>& dy, gpu::device_tensor<T, 2>& dx) {
    const std::size_t n = dy.shape()[0], reps = dy.shape()[1], f = dy.shape()[2];
    ensure_shape(dx, std::array<std::size_t, 2>{n, f});
    gpu::launch("repeat_vector backward", gpu::repeat_backward_kernel<T>, gpu::grid_for(n * f), gpu::elementwise_block,
                n, reps, f, dy.data(), dx.data());
}

} // namespace cascade::kernels
