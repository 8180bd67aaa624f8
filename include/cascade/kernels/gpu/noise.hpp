#pragma once
// GPU overloads of kernels/noise.hpp (gaussian_noise, spatial_dropout2d, alpha_dropout), with the CPU
// overloads' names and arguments. The random values are drawn on the host with the CPU's own code and the
// layer's engine, staged and copied to the device (init::on_host → gpu::stage_on_host, as layers::dropout
// does), so a seed gives the same noise and masks on every backend; the device only does the arithmetic.
//   add_gaussian_noise   y = x + σ z   (σ z drawn on the host by kernels/cpu/noise.hpp's Box–Muller)
//   dropout_mask         m_i = keep with probability 1 − p, else 0
//   multiply_channels    y[n, ..., c] = x[n, ..., c] · m[n, c]
//   select_by_mask       y_i = if_kept where m_i ≠ 0, else if_dropped
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/init/on_host.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block, add_scaled
#include "cascade/kernels/noise.hpp"             // the CPU overloads and kernels/cpu/noise.hpp

#include <algorithm>
#include <array>

namespace cascade::gpu {


// x (rows, s, c), m (rows, c)
template <class T>
__global__ void multiply_channels_kernel(std::size_t rows, std::size_t s, std::size_t c, const T* x, const T* m, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, rows * s * c) y[i] = x[i] * m[(i / (s * c)) * c + i % c];
}
template <class T>
__global__ void select_by_mask_kernel(std::size_t n, const T* m, T if_kept, T if_dropped, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = m[i] != T(0) ? if_kept : if_dropped;
}

} // namespace cascade::gpu

namespace cascade::kernels {

// y = x + stddev · z: the noise σ z is the CPU's (cpu::add_gaussian_noise run on zeros, in the staging
// buffer: 0 + σ z is σ z exactly), staged into y, then x is added on the device.
template <class T, std::size_t R>
void add_gaussian_noise(const gpu::device_tensor<T, R>& x, T stddev, rng& g, gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    init::on_host(y, [&](T* p, std::size_t n) {
        std::fill(p, p + n, T(0));
        cpu::add_gaussian_noise(n, p, stddev, g, p);   // in place: each element is read before it is written
    });
    add_scaled(x, y, T(1), y);
}

// m resized to s, m_i = 1 + stddev · z_i (gaussian_dropout's ε), drawn on the host by the CPU's code.
template <class T, std::size_t R>
void gaussian_multiplier(const std::array<std::size_t, R>& s, T stddev, rng& g, gpu::device_tensor<T, R>& m) {
    ensure_shape(m, s);
    init::on_host(m, [&](T* p, std::size_t n) {
        std::fill(p, p + n, T(1));
        cpu::add_gaussian_noise(n, p, stddev, g, p);
    });
}

// m resized to s, each element keep with probability 1 − rate, else 0 (drawn on the host).
template <class T, std::size_t R>
void dropout_mask(const std::array<std::size_t, R>& s, double rate, T keep, rng& g, gpu::device_tensor<T, R>& m) {
    ensure_shape(m, s);
    init::on_host(m, [&](T* p, std::size_t n) { cpu::dropout_mask(n, rate, keep, g, p); });
}

template <class T, std::size_t R>
void multiply_channels(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, 2>& m, gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    const std::size_t n = x.shape()[0], c = x.shape()[R - 1];
    gpu::launch("multiply_channels", gpu::multiply_channels_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block,
                n, (n * c) != 0 ? x.size() / (n * c) : 0, c, x.data(), m.data(), y.data());
}

template <class T, std::size_t R>
void select_by_mask(const gpu::device_tensor<T, R>& m, T if_kept, T if_dropped, gpu::device_tensor<T, R>& y) {
    ensure_shape(y, m.shape());
    gpu::launch("select_by_mask", gpu::select_by_mask_kernel<T>, gpu::grid_for(m.size()), gpu::elementwise_block,
                m.size(), m.data(), if_kept, if_dropped, y.data());
}

} // namespace cascade::kernels
