#pragma once
// Global pooling over channels-last tensors seen as x (n, s, c): s = H·W positions of an image or T steps
// of a sequence; y (n, c). Channels are the contiguous, vectorised axis.
//   average  y[i, k] = (1/s) Σ_j x[i, j, k]        dx[i, j, k] = dy[i, k] / s
//   max      y[i, k] = max_j x[i, j, k]            dx[i, j, k] = dy[i, k] if j = arg[i, k] else 0
// arg[i, k] is the position j of the FIRST maximum (strict >, like max_pool2d). Sums run in j order per
// sample, so results do not depend on the thread count.
#include "cascade/kernels/cpu/parallel.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace cascade::kernels::cpu {

namespace detail {
// Samples per thread so that each thread gets about 32k values.
inline std::size_t samples_grain(std::size_t per_sample) { return 32768 / (per_sample ? per_sample : 1) + 1; }
} // namespace detail

template <class T>
void global_avg_pool_forward(std::size_t n, std::size_t s, std::size_t c, const T* x, T* y) {
    const T inv = T(1) / T(s);
    parallel_for(n, detail::samples_grain(s * c), [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            T* yi = y + i * c;
            std::fill(yi, yi + c, T(0));
            for (std::size_t j = 0; j < s; ++j) {
                const T* xj = x + (i * s + j) * c;
#pragma omp simd
                for (std::size_t k = 0; k < c; ++k) yi[k] += xj[k];
            }
#pragma omp simd
            for (std::size_t k = 0; k < c; ++k) yi[k] *= inv;
        }
    });
}

template <class T>
void global_avg_pool_backward(std::size_t n, std::size_t s, std::size_t c, const T* dy, T* dx) {
    const T inv = T(1) / T(s);
    parallel_for(n * s, 32768 / (c ? c : 1) + 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t p = b; p < e; ++p) {
            const T* g = dy + (p / s) * c;
            T* d = dx + p * c;
#pragma omp simd
            for (std::size_t k = 0; k < c; ++k) d[k] = g[k] * inv;
        }
    });
}

template <class T>
void global_max_pool_forward(std::size_t n, std::size_t s, std::size_t c, const T* x, T* y, std::uint32_t* arg) {
    parallel_for(n, detail::samples_grain(s * c), [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            T* yi = y + i * c;
            std::uint32_t* ai = arg + i * c;
            const T* xi = x + i * s * c;
            std::copy(xi, xi + c, yi);
            std::fill(ai, ai + c, std::uint32_t(0));
            for (std::size_t j = 1; j < s; ++j) {
                const T* xj = xi + j * c;
#pragma omp simd
                for (std::size_t k = 0; k < c; ++k) {
                    const bool gt = xj[k] > yi[k];
                    yi[k] = gt ? xj[k] : yi[k];
                    ai[k] = gt ? std::uint32_t(j) : ai[k];
                }
            }
        }
    });
}

template <class T>
void global_max_pool_backward(std::size_t n, std::size_t s, std::size_t c, const T* dy, const std::uint32_t* arg, T* dx) {
    parallel_for(n, detail::samples_grain(s * c), [&](std::size_t b, std::size_t e) {
        std::fill(dx + b * s * c, dx + e * s * c, T(0));
        for (std::size_t i = b; i < e; ++i)
            for (std::size_t k = 0; k < c; ++k) dx[(i * s + arg[i * c + k]) * c + k] = dy[i * c + k];
    });
}

} // namespace cascade::kernels::cpu
