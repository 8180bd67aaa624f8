#pragma once
// Tensor-level pointwise activations on the CPU backend: any functor of kernels/pointwise_terms.hpp
// (gelu, swish, hard_sigmoid, hard_swish, softsign, exponential, mish). Shape-preserving; outputs are
// resized to the input's shape. The GPU backend adds overloads of these names (kernels/gpu/pointwise.hpp).
#include "cascade/kernels/cpu/pointwise.hpp"
#include "cascade/tensor/tensor.hpp"

namespace cascade::kernels {

template <class F, class T, std::size_t R>
void pointwise_forward(const F& f, const host_tensor<T, R>& x, host_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    cpu::pointwise_forward(f, x.size(), x.data(), y.data());
}
// dx = dy · f'(x); y = pointwise_forward(f, x)
template <class F, class T, std::size_t R>
void pointwise_backward(const F& f, const host_tensor<T, R>& x, const host_tensor<T, R>& y, const host_tensor<T, R>& dy,
                        host_tensor<T, R>& dx) {
    ensure_shape(dx, dy.shape());
    cpu::pointwise_backward(f, dy.size(), x.data(), y.data(), dy.data(), dx.data());
}

} // namespace cascade::kernels
