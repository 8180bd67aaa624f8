#pragma once
// GPU pointwise activations with the CPU overloads' names and formulas (kernels/pointwise.hpp): one
// grid-stride kernel pair evaluating the functors of kernels/pointwise_terms.hpp per element, the same
// formula the CPU's vectorised driver evaluates. The transcendental results (erf, tanh, exp, log1p) differ
// from the CPU's xsimd ones by the last bits of the two implementations, never by formula.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block
#include "cascade/kernels/pointwise_terms.hpp"

namespace cascade::gpu {

template <class F, class T>
__global__ void pointwise_forward_kernel(F f, std::size_t n, const T* x, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = f.template value<T>(x[i]);
}
template <class F, class T>
__global__ void pointwise_backward_kernel(F f, std::size_t n, const T* x, const T* y, const T* dy, T* dx) {
    CASCADE_GPU_GRID_STRIDE(i, n) dx[i] = f.template gradient<T>(x[i], y[i], dy[i]);
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class F, class T, std::size_t R>
void pointwise_forward(const F& f, const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    gpu::launch("pointwise forward", gpu::pointwise_forward_kernel<F, T>, gpu::grid_for(x.size()), gpu::elementwise_block, f, x.size(),
                x.data(), y.data());
}
template <class F, class T, std::size_t R>
void pointwise_backward(const F& f, const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& y,
                        const gpu::device_tensor<T, R>& dy, gpu::device_tensor<T, R>& dx) {
    ensure_shape(dx, dy.shape());
    gpu::launch("pointwise backward", gpu::pointwise_backward_kernel<F, T>, gpu::grid_for(dy.size()), gpu::elementwise_block, f,
                dy.size(), x.data(), y.data(), dy.data(), dx.data());
}

} // namespace cascade::kernels
