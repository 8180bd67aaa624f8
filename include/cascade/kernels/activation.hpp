#pragma once
// Tensor-level element-wise kernels on the CPU backend: activations, copies, scaling and masks.
// Shape-preserving; output tensors are resized to the input's shape (no-op in steady state).
#include "cascade/kernels/cpu/elementwise.hpp"
#include "cascade/kernels/cpu/softmax.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>

namespace cascade::kernels {

#define CASCADE_UNARY_KERNEL(fwd, bwd_arg)                                                                 \
    template <class T, std::size_t R>                                                                      \
    void fwd##_forward(const host_tensor<T, R>& x, host_tensor<T, R>& y) {                                 \
        ensure_shape(y, x.shape());                                                                        \
        cpu::fwd##_forward(x.size(), x.data(), y.data());                                                  \
    }                                                                                                      \
    template <class T, std::size_t R>                                                                      \
    void fwd##_backward(const host_tensor<T, R>& bwd_arg, const host_tensor<T, R>& dy, host_tensor<T, R>& dx) { \
        ensure_shape(dx, dy.shape());                                                                      \
        cpu::fwd##_backward(dy.size(), bwd_arg.data(), dy.data(), dx.data());                              \
    }
// relu, sigmoid and tanh differentiate through their output y; the macro only removes the repetition
// of these six signatures.
CASCADE_UNARY_KERNEL(relu, y)
CASCADE_UNARY_KERNEL(sigmoid, y)
CASCADE_UNARY_KERNEL(tanh, y)
#undef CASCADE_UNARY_KERNEL

template <class T, std::size_t R>
void leaky_relu_forward(const host_tensor<T, R>& x, host_tensor<T, R>& y, T a) {
    ensure_shape(y, x.shape());
    cpu::leaky_relu_forward(x.size(), x.data(), y.data(), a);
}
template <class T, std::size_t R>
void leaky_relu_backward(const host_tensor<T, R>& x, const host_tensor<T, R>& dy, host_tensor<T, R>& dx, T a) {
    ensure_shape(dx, dy.shape());
    cpu::leaky_relu_backward(x.size(), x.data(), dy.data(), dx.data(), a);
}

// Softmax over the last axis.
template <class T, std::size_t R>
void softmax_forward(const host_tensor<T, R>& x, host_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    const std::size_t cols = x.shape()[R - 1];
    cpu::softmax_forward(x.size() / cols, cols, x.data(), y.data());
}
template <class T, std::size_t R>
void softmax_backward(const host_tensor<T, R>& y, const host_tensor<T, R>& dy, host_tensor<T, R>& dx) {
    ensure_shape(dx, dy.shape());
    const std::size_t cols = y.shape()[R - 1];
    cpu::softmax_backward(y.size() / cols, cols, y.data(), dy.data(), dx.data());
}

// y = x with another shape of the same size (flatten, reshape).
template <class T, std::size_t R1, std::size_t R2, class Shape>
void reshape_copy(const host_tensor<T, R1>& x, host_tensor<T, R2>& y, const Shape& s) {
    ensure_shape(y, s);
    std::copy(x.data(), x.data() + x.size(), y.data());
}

// z = x ⊙ m
template <class T, std::size_t R>
void multiply(const host_tensor<T, R>& x, const host_tensor<T, R>& m, host_tensor<T, R>& z) {
    ensure_shape(z, x.shape());
    cpu::multiply(x.size(), x.data(), m.data(), z.data());
}

// z = x + s · y
template <class T, std::size_t R>
void add_scaled(const host_tensor<T, R>& x, const host_tensor<T, R>& y, T s, host_tensor<T, R>& z) {
    ensure_shape(z, x.shape());
    cpu::add_scaled(x.size(), x.data(), y.data(), s, z.data());
}

template <class T, std::size_t R>
void copy(const host_tensor<T, R>& x, host_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    std::copy(x.data(), x.data() + x.size(), y.data());
}

} // namespace cascade::kernels
