#pragma once
// GPU element-wise kernels for leaky_relu and the smooth activations elu, selu, softplus: tensor-level
// overloads in cascade::kernels with the CPU overloads' names, arguments and formulas
// (kernels/activation.hpp, kernels/smooth_activation.hpp, kernels/cpu/smooth_activation.hpp):
//   leaky_relu  y = x if x > 0 else a·x                 dx = dy if x > 0 else a·dy
//   elu         y = x if x > 0 else a (e^x − 1)         dx = dy if x > 0 else dy (y + a)
//   selu        y = λ x if x > 0 else λ α (e^x − 1)     dx = λ dy if x > 0 else dy (y + λ α)
//   softplus    y = max(x, 0) + log1p(e^−|x|)           dx = dy / (1 + e^−x)
// e^x − 1 is expm1 (no cancellation near 0), as on the CPU; the exp-based results differ from the CPU's
// xsimd ones by the last bits of the two libm implementations, never by formula.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/cpu/smooth_activation.hpp"   // selu_alpha, selu_scale (the CPU's constants)
#include "cascade/kernels/gpu/elementwise.hpp"         // grid_for, elementwise_block

namespace cascade::gpu {


template <class T>
__global__ void leaky_relu_forward_kernel(std::size_t n, const T* x, T* y, T a) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = x[i] > T(0) ? x[i] : x[i] * a;
}
template <class T>
__global__ void leaky_relu_backward_kernel(std::size_t n, const T* x, const T* dy, T* dx, T a) {
    CASCADE_GPU_GRID_STRIDE(i, n) dx[i] = x[i] > T(0) ? dy[i] : dy[i] * a;
}
template <class T>
__global__ void elu_forward_kernel(std::size_t n, const T* x, T* y, T a) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = x[i] > T(0) ? x[i] : a * expm1(x[i]);
}
template <class T>
__global__ void elu_backward_kernel(std::size_t n, const T* x, const T* y, const T* dy, T* dx, T a) {
    CASCADE_GPU_GRID_STRIDE(i, n) dx[i] = x[i] > T(0) ? dy[i] : dy[i] * (y[i] + a);
}
template <class T>
__global__ void selu_forward_kernel(std::size_t n, const T* x, T* y) {
    const T scale = T(cascade::kernels::cpu::selu_scale),
            scaled_alpha = T(cascade::kernels::cpu::selu_scale * cascade::kernels::cpu::selu_alpha);
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = x[i] > T(0) ? scale * x[i] : scaled_alpha * expm1(x[i]);
}
template <class T>
__global__ void selu_backward_kernel(std::size_t n, const T* x, const T* y, const T* dy, T* dx) {
    const T scale = T(cascade::kernels::cpu::selu_scale),
            scaled_alpha = T(cascade::kernels::cpu::selu_scale * cascade::kernels::cpu::selu_alpha);
    CASCADE_GPU_GRID_STRIDE(i, n) dx[i] = x[i] > T(0) ? scale * dy[i] : dy[i] * (y[i] + scaled_alpha);
}
template <class T>
__global__ void softplus_forward_kernel(std::size_t n, const T* x, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n) {
        const T v = x[i];
        y[i] = (v > T(0) ? v : T(0)) + log1p(exp(v > T(0) ? -v : v));   // max(v, 0) + log1p(e^−|v|)
    }
}
template <class T>
__global__ void softplus_backward_kernel(std::size_t n, const T* x, const T* dy, T* dx) {
    CASCADE_GPU_GRID_STRIDE(i, n) dx[i] = dy[i] / (T(1) + exp(-x[i]));
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void leaky_relu_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y, T a) {
    ensure_shape(y, x.shape());
    gpu::launch("leaky_relu_forward", gpu::leaky_relu_forward_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block,
                x.size(), x.data(), y.data(), a);
}
template <class T, std::size_t R>
void leaky_relu_backward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& dy, gpu::device_tensor<T, R>& dx,
                         T a) {
    ensure_shape(dx, dy.shape());
    gpu::launch("leaky_relu_backward", gpu::leaky_relu_backward_kernel<T>, gpu::grid_for(dy.size()), gpu::elementwise_block,
                dy.size(), x.data(), dy.data(), dx.data(), a);
}

template <class T, std::size_t R>
void elu_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y, T a) {
    ensure_shape(y, x.shape());
    gpu::launch("elu_forward", gpu::elu_forward_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block,
                x.size(), x.data(), y.data(), a);
}
template <class T, std::size_t R>
void elu_backward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& dy,
                  gpu::device_tensor<T, R>& dx, T a) {
    ensure_shape(dx, dy.shape());
    gpu::launch("elu_backward", gpu::elu_backward_kernel<T>, gpu::grid_for(dy.size()), gpu::elementwise_block,
                dy.size(), x.data(), y.data(), dy.data(), dx.data(), a);
}

template <class T, std::size_t R>
void selu_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    gpu::launch("selu_forward", gpu::selu_forward_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block,
                x.size(), x.data(), y.data());
}
template <class T, std::size_t R>
void selu_backward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& dy,
                   gpu::device_tensor<T, R>& dx) {
    ensure_shape(dx, dy.shape());
    gpu::launch("selu_backward", gpu::selu_backward_kernel<T>, gpu::grid_for(dy.size()), gpu::elementwise_block,
                dy.size(), x.data(), y.data(), dy.data(), dx.data());
}

template <class T, std::size_t R>
void softplus_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    gpu::launch("softplus_forward", gpu::softplus_forward_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block,
                x.size(), x.data(), y.data());
}
template <class T, std::size_t R>
void softplus_backward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& dy, gpu::device_tensor<T, R>& dx) {
    ensure_shape(dx, dy.shape());
    gpu::launch("softplus_backward", gpu::softplus_backward_kernel<T>, gpu::grid_for(dy.size()), gpu::elementwise_block,
                dy.size(), x.data(), dy.data(), dx.data());
}

} // namespace cascade::kernels
