#pragma once
// Tensor-level re-layout kernels on the CPU backend (raw kernels: kernels/cpu/layout.hpp; the GPU
// overloads of the same names: kernels/gpu/layout.hpp):
//   permute_axes(x, y, perm)      y = x with its axes reordered: axis k of y is axis perm[k] of x
//   repeat_forward(x, y, reps)    x (N, F) → y (N, reps, F)
//   repeat_backward(dy, dx)       dy (N, reps, F) → dx (N, F), summed over the repeats
#include "cascade/kernels/cpu/layout.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>

namespace cascade::kernels {

template <class Shape, std::size_t R>
std::array<std::size_t, R> permuted_shape(const Shape& s, const std::array<std::size_t, R>& perm) {
    std::array<std::size_t, R> out{};
    for (std::size_t k = 0; k < R; ++k) out[k] = s[perm[k]];
    return out;
}
template <std::size_t R, class Shape>
std::array<std::size_t, R> shape_array(const Shape& s) {
    std::array<std::size_t, R> out{};
    for (std::size_t k = 0; k < R; ++k) out[k] = s[k];
    return out;
}

template <class T, std::size_t R>
void permute_axes(const host_tensor<T, R>& x, host_tensor<T, R>& y, const std::array<std::size_t, R>& perm) {
    ensure_shape(y, permuted_shape(x.shape(), perm));
    cpu::permute(cpu::make_permute_geometry(shape_array<R>(x.shape()), perm), x.size(), x.data(), y.data());
}

template <class T>
void repeat_forward(const host_tensor<T, 2>& x, host_tensor<T, 3>& y, std::size_t reps) {
    const std::size_t n = x.shape()[0], f = x.shape()[1];
    ensure_shape(y, std::array<std::size_t, 3>{n, reps, f});
    cpu::repeat_forward(n, reps, f, x.data(), y.data());
}
template <class T>
void repeat_backward(const host_tensor<T, 3>& dy, host_tensor<T, 2>& dx) {
    const std::size_t n = dy.shape()[0], reps = dy.shape()[1], f = dy.shape()[2];
    ensure_shape(dx, std::array<std::size_t, 2>{n, f});
    cpu::repeat_backward(n, reps, f, dy.data(), dx.data());
}

} // namespace cascade::kernels
