#pragma once
// GPU prelu and relu_with with the CPU overloads' names and formulas (kernels/rectifiers.hpp,
// kernels/cpu/rectifiers.hpp): element-wise kernels on the CPU's element functions and α indexing, and
// prelu's dα as one thread per α, summing over the batch and the shared positions in the CPU's order (in
// double): the same bits as the CPU. With α shared over an image's positions (prelu<shared_axes<1, 2>>)
// that is C threads each summing N·H·W terms: correct, not fast.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block
#include "cascade/kernels/rectifiers.hpp"

namespace cascade::gpu {

template <class T>
__global__ void prelu_forward_kernel(cascade::kernels::cpu::prelu_geometry g, std::size_t n, const T* x, const T* alpha, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = x[i] > T(0) ? x[i] : alpha[g.alpha_index(i % g.sample)] * x[i];
}
template <class T>
__global__ void prelu_dx_kernel(cascade::kernels::cpu::prelu_geometry g, std::size_t n, const T* x, const T* alpha, const T* dy, T* dx) {
    CASCADE_GPU_GRID_STRIDE(i, n) dx[i] = x[i] > T(0) ? dy[i] : alpha[g.alpha_index(i % g.sample)] * dy[i];
}
template <class T>
__global__ void prelu_alpha_gradient_kernel(cascade::kernels::cpu::prelu_geometry g, std::size_t batch, const T* x, const T* dy, T* dalpha) {
    CASCADE_GPU_GRID_STRIDE(a, g.alphas) dalpha[a] = cascade::kernels::cpu::prelu_alpha_gradient(g, a, batch, x, dy);
}
template <class T>
__global__ void relu_with_forward_kernel(std::size_t n, const T* x, T* y, cascade::kernels::cpu::relu_params<T> p) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = p.value(x[i]);
}
template <class T>
__global__ void relu_with_backward_kernel(std::size_t n, const T* x, const T* dy, T* dx, cascade::kernels::cpu::relu_params<T> p) {
    CASCADE_GPU_GRID_STRIDE(i, n) dx[i] = p.gradient(x[i], dy[i]);
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R, std::size_t RA>
void prelu_forward(const cpu::prelu_geometry& g, const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, RA>& alpha,
                   gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    gpu::launch("prelu forward", gpu::prelu_forward_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block, g, x.size(), x.data(),
                alpha.data(), y.data());
}
template <class T, std::size_t R, std::size_t RA>
void prelu_backward(const cpu::prelu_geometry& g, const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, RA>& alpha,
                    const gpu::device_tensor<T, R>& dy, gpu::device_tensor<T, RA>& dalpha, gpu::device_tensor<T, R>* dx) {
    const std::size_t batch = g.sample ? x.size() / g.sample : 0;
    gpu::launch("prelu alpha gradient", gpu::prelu_alpha_gradient_kernel<T>, gpu::grid_for(g.alphas), gpu::elementwise_block, g, batch,
                x.data(), dy.data(), dalpha.data());
    if (!dx) return;
    ensure_shape(*dx, x.shape());
    gpu::launch("prelu input gradient", gpu::prelu_dx_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block, g, x.size(), x.data(),
                alpha.data(), dy.data(), dx->data());
}

template <class T, std::size_t R>
void relu_with_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y, cpu::relu_params<T> p) {
    ensure_shape(y, x.shape());
    gpu::launch("relu_with forward", gpu::relu_with_forward_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block, x.size(),
                x.data(), y.data(), p);
}
template <class T, std::size_t R>
void relu_with_backward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& dy, gpu::device_tensor<T, R>& dx,
                        cpu::relu_params<T> p) {
    ensure_shape(dx, dy.shape());
    gpu::launch("relu_with backward", gpu::relu_with_backward_kernel<T>, gpu::grid_for(dy.size()), gpu::elementwise_block, dy.size(),
                x.data(), dy.data(), dx.data(), p);
}

} // namespace cascade::kernels
