#pragma once
// Tensor-level prelu and relu_with on the CPU backend (formulas and raw kernels: kernels/cpu/rectifiers.hpp;
// GPU overloads of the same names: kernels/gpu/rectifiers.hpp).
#include "cascade/kernels/cpu/rectifiers.hpp"
#include "cascade/tensor/tensor.hpp"

namespace cascade::kernels {

template <class T, std::size_t R, std::size_t RA>
void prelu_forward(const cpu::prelu_geometry& g, const host_tensor<T, R>& x, const host_tensor<T, RA>& alpha, host_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    cpu::prelu_forward(g, x.size(), x.data(), alpha.data(), y.data());
}
// Overwrites dalpha and, unless dx is nullptr, *dx.
template <class T, std::size_t R, std::size_t RA>
void prelu_backward(const cpu::prelu_geometry& g, const host_tensor<T, R>& x, const host_tensor<T, RA>& alpha, const host_tensor<T, R>& dy,
                    host_tensor<T, RA>& dalpha, host_tensor<T, R>* dx) {
    if (dx) ensure_shape(*dx, x.shape());
    cpu::prelu_backward(g, x.size(), x.data(), alpha.data(), dy.data(), dalpha.data(), dx ? dx->data() : nullptr);
}

template <class T, std::size_t R>
void relu_with_forward(const host_tensor<T, R>& x, host_tensor<T, R>& y, cpu::relu_params<T> p) {
    ensure_shape(y, x.shape());
    cpu::relu_with_forward(x.size(), x.data(), y.data(), p);
}
template <class T, std::size_t R>
void relu_with_backward(const host_tensor<T, R>& x, const host_tensor<T, R>& dy, host_tensor<T, R>& dx, cpu::relu_params<T> p) {
    ensure_shape(dx, dy.shape());
    cpu::relu_with_backward(dy.size(), x.data(), dy.data(), dx.data(), p);
}

} // namespace cascade::kernels
