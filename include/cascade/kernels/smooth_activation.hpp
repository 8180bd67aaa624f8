#pragma once
// Tensor-level entries for elu, selu and softplus on the CPU backend (formulas in
// kernels/cpu/smooth_activation.hpp). Shape-preserving; outputs are resized to the input's shape (a no-op
// in steady state). A GPU backend adds overloads of these names for its tensor type.
#include "cascade/kernels/cpu/smooth_activation.hpp"
#include "cascade/tensor/tensor.hpp"

namespace cascade::kernels {

// y = x if x > 0 else a (e^x − 1)
template <class T, std::size_t R>
void elu_forward(const host_tensor<T, R>& x, host_tensor<T, R>& y, T a) {
    ensure_shape(y, x.shape());
    cpu::elu_forward(x.size(), x.data(), y.data(), a);
}
// dx = dy if x > 0 else dy (y + a); y = elu_forward(x)
template <class T, std::size_t R>
void elu_backward(const host_tensor<T, R>& x, const host_tensor<T, R>& y, const host_tensor<T, R>& dy,
                  host_tensor<T, R>& dx, T a) {
    ensure_shape(dx, dy.shape());
    cpu::elu_backward(dy.size(), x.data(), y.data(), dy.data(), dx.data(), a);
}

// y = λ x if x > 0 else λ α (e^x − 1)  (Klambauer et al. 2017 constants)
template <class T, std::size_t R>
void selu_forward(const host_tensor<T, R>& x, host_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    cpu::selu_forward(x.size(), x.data(), y.data());
}
// dx = λ dy if x > 0 else dy (y + λ α)
template <class T, std::size_t R>
void selu_backward(const host_tensor<T, R>& x, const host_tensor<T, R>& y, const host_tensor<T, R>& dy,
                   host_tensor<T, R>& dx) {
    ensure_shape(dx, dy.shape());
    cpu::selu_backward(dy.size(), x.data(), y.data(), dy.data(), dx.data());
}

// y = log(1 + e^x)
template <class T, std::size_t R>
void softplus_forward(const host_tensor<T, R>& x, host_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    cpu::softplus_forward(x.size(), x.data(), y.data());
}
// dx = dy · σ(x)
template <class T, std::size_t R>
void softplus_backward(const host_tensor<T, R>& x, const host_tensor<T, R>& dy, host_tensor<T, R>& dx) {
    ensure_shape(dx, dy.shape());
    cpu::softplus_backward(dy.size(), x.data(), dy.data(), dx.data());
}

} // namespace cascade::kernels
