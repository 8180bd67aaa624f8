#pragma once
// Tensor-level softmax along axis `axis` (0 = batch axis) on the CPU backend (raw kernels:
// kernels/cpu/axis_softmax.hpp; GPU overloads of the same names: kernels/gpu/axis_softmax.hpp).
//   axis_softmax_forward(x, y, axis)        axis_softmax_backward(y, dy, dx, axis)
#include "cascade/kernels/cpu/axis_softmax.hpp"
#include "cascade/tensor/tensor.hpp"

namespace cascade::kernels {

template <class Shape>
cpu::axis_rows axis_rows_of(const Shape& s, std::size_t rank, std::size_t axis) {
    cpu::axis_rows g;
    for (std::size_t k = 0; k < axis; ++k) g.outer *= s[k];
    g.len = s[axis];
    for (std::size_t k = axis + 1; k < rank; ++k) g.inner *= s[k];
    return g;
}

template <class T, std::size_t R>
void axis_softmax_forward(const host_tensor<T, R>& x, host_tensor<T, R>& y, std::size_t axis) {
    ensure_shape(y, x.shape());
    if (x.size()) cpu::axis_softmax_forward(axis_rows_of(x.shape(), R, axis), x.data(), y.data());
}
template <class T, std::size_t R>
void axis_softmax_backward(const host_tensor<T, R>& y, const host_tensor<T, R>& dy, host_tensor<T, R>& dx, std::size_t axis) {
    ensure_shape(dx, dy.shape());
    if (dy.size()) cpu::axis_softmax_backward(axis_rows_of(y.shape(), R, axis), y.data(), dy.data(), dx.data());
}

} // namespace cascade::kernels
