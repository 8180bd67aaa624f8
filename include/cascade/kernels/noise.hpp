#pragma once
// Tensor-level random and masking kernels on the CPU backend (formulas in kernels/cpu/noise.hpp): the
// noise of layers::gaussian_noise, the channel masks of layers::spatial_dropout2d and the offsets of
// layers::alpha_dropout. The engine is the layer's own (seeded from the network's), passed by reference;
// a GPU backend adds overloads of these names for its tensor type (and may draw from its own generator
// seeded from g).
#include "cascade/kernels/cpu/noise.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>

namespace cascade::kernels {

// y = x + stddev · z, z ~ N(0, 1) i.i.d., drawn from g.
template <class T, std::size_t R>
void add_gaussian_noise(const host_tensor<T, R>& x, T stddev, rng& g, host_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    cpu::add_gaussian_noise(x.size(), x.data(), stddev, g, y.data());
}

// m resized to s, m_i = 1 + stddev · z_i, z_i ~ N(0, 1) drawn from g (layers::gaussian_dropout's ε): the
// draws of add_gaussian_noise on ones, in place.
template <class T, std::size_t R>
void gaussian_multiplier(const std::array<std::size_t, R>& s, T stddev, rng& g, host_tensor<T, R>& m) {
    ensure_shape(m, s);
    std::fill(m.data(), m.data() + m.size(), T(1));
    cpu::add_gaussian_noise(m.size(), m.data(), stddev, g, m.data());   // in place: each read precedes its write
}

// m resized to s, each element keep with probability 1 − rate, else 0.
template <class T, std::size_t R>
void dropout_mask(const std::array<std::size_t, R>& s, double rate, T keep, rng& g, host_tensor<T, R>& m) {
    ensure_shape(m, s);
    cpu::dropout_mask(m.size(), rate, keep, g, m.data());
}

// y[n, ..., c] = x[n, ..., c] · m[n, c]: x (N, ..., C), m (N, C).
template <class T, std::size_t R>
void multiply_channels(const host_tensor<T, R>& x, const host_tensor<T, 2>& m, host_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    const std::size_t n = x.shape()[0], c = x.shape()[R - 1];
    cpu::multiply_channels(n, (n * c) != 0 ? x.size() / (n * c) : 0, c, x.data(), m.data(), y.data());
}

// y_i = if_kept where m_i ≠ 0, else if_dropped (alpha_dropout's offsets from its mask).
template <class T, std::size_t R>
void select_by_mask(const host_tensor<T, R>& m, T if_kept, T if_dropped, host_tensor<T, R>& y) {
    ensure_shape(y, m.shape());
    for (std::size_t i = 0; i < m.size(); ++i) y.data()[i] = m.data()[i] != T(0) ? if_kept : if_dropped;
}

} // namespace cascade::kernels
