#pragma once
// Tensor-level entries of maxout's pooling step on the CPU backend (raw kernels in kernels/cpu/maxout.hpp):
//   forward   y (N, U) = max over the P pieces of z (N, U·P), pieces of unit u at columns [u·P, u·P + P)
//   backward  dz (N, U·P): dy routed to each unit's arg-max piece, 0 elsewhere
// A GPU backend adds overloads of the same names on its tensor type.
#include "cascade/kernels/cpu/maxout.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>

namespace cascade::kernels {

template <class T>
void max_pieces_forward(const host_tensor<T, 2>& z, std::size_t pieces, host_tensor<T, 2>& y) {
    const std::size_t n = z.shape()[0], units = z.shape()[1] / pieces;
    ensure_shape(y, std::array{n, units});
    cpu::max_pieces_forward(n, units, pieces, z.data(), y.data());
}

template <class T>
void max_pieces_backward(const host_tensor<T, 2>& z, const host_tensor<T, 2>& dy, std::size_t pieces,
                         host_tensor<T, 2>& dz) {
    ensure_shape(dz, z.shape());
    cpu::max_pieces_backward(z.shape()[0], dy.shape()[1], pieces, z.data(), dy.data(), dz.data());
}

} // namespace cascade::kernels
