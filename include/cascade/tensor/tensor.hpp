#pragma once
// tensor: THE ONLY file that includes xtensor. host_tensor<T, R> is a contiguous, row-major, owning
// tensor of rank R; batches are (N, ...sample shape...).
#include "cascade/tensor/shape.hpp"

#include <xtensor/xadapt.hpp>
#include <xtensor/xio.hpp>
#include <xtensor/xrandom.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

#include <array>
#include <cstddef>

namespace cascade {

template <class T, std::size_t R>
using host_tensor = xt::xtensor<T, R, xt::layout_type::row_major>;

// Whether a tensor type lives in host memory (backend::cpu); device tensors (backend::gpu) do not.
template <class Tensor>
inline constexpr bool is_host_tensor = false;
template <class T, std::size_t R>
inline constexpr bool is_host_tensor<host_tensor<T, R>> = true;

// The run-time shape of a batch of N samples of compile-time shape S.
template <class S>
std::array<std::size_t, S::rank + 1> batch_shape(std::size_t n) {
    std::array<std::size_t, S::rank + 1> s{};
    s[0] = n;
    for (std::size_t i = 0; i < S::rank; ++i) s[i + 1] = S::dims[i];
    return s;
}

// Resize only when the shape differs: xtensor's resize is a no-op for an equal shape, so steady-state
// training steps do not allocate.
template <class T, std::size_t R, class Shape>
void ensure_shape(host_tensor<T, R>& t, const Shape& s) {
    bool same = true;
    for (std::size_t i = 0; i < R; ++i) same = same && t.shape()[i] == s[i];
    if (!same) t.resize(s);
}

} // namespace cascade
