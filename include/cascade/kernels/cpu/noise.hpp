#pragma once
// Random and masking CPU kernels on raw arrays: additive Gaussian noise (Keras GaussianNoise) and the
// per-(sample, channel) masks of spatial dropout (Keras SpatialDropout2D). n values, pointers, scalars and
// the caller's engine; the draws are sequential (one engine), so a seed reproduces the values whatever
// the thread count.
//   add_gaussian_noise   y = x + σ z,  z ~ N(0, 1) by Box–Muller on pairs (both cos and sin are used):
//                        u1 ∈ (0, 1], u2 ∈ [0, 1),  r = √(−2 ln u1),  z = (r cos 2πu2, r sin 2πu2);
//                        the transform is vectorised with xsimd.
//   dropout_mask         m_i = keep with probability 1 − p, else 0 (two 32-bit decisions per 64-bit draw,
//                        as layers::dropout).
//   multiply_channels    y[r, k, c] = x[r, k, c] · m[r, c]: x (rows, s, C), m (rows, C): a factor per sample
//                        and channel, broadcast over the s spatial positions.
#include "cascade/init/initializers.hpp"
#include "cascade/kernels/cpu/parallel.hpp"
#include "cascade/tensor/simd.hpp"

#include <cstddef>
#include <cstdint>

namespace cascade::kernels::cpu {

template <class T>
void add_gaussian_noise(std::size_t n, const T* x, T stddev, rng& g, T* y) {
    using batch = simd::batch<T>;
    constexpr std::size_t W = batch::size;
    alignas(64) T u1[W], u2[W], z[2 * W];
    const batch two_pi(T(6.283185307179586)), minus_two(T(-2)), s(stddev);
    for (std::size_t i = 0; i < n; i += 2 * W) {
        for (std::size_t k = 0; k < W; ++k) {
            u1[k] = T(double((g() >> 11) + 1) * 0x1.0p-53);   // (0, 1]: the log is finite
            u2[k] = T(double(g() >> 11) * 0x1.0p-53);         // [0, 1)
        }
        const batch r = xsimd::sqrt(minus_two * xsimd::log(batch::load_aligned(u1))) * s;
        const auto sc = xsimd::sincos(two_pi * batch::load_aligned(u2));   // (sin, cos)
        if (i + 2 * W <= n) {
            (batch::load_unaligned(x + i) + r * sc.second).store_unaligned(y + i);
            (batch::load_unaligned(x + i + W) + r * sc.first).store_unaligned(y + i + W);
        } else {   // tail: the same 2W normals, of which the first n − i are used
            (r * sc.second).store_aligned(z);
            (r * sc.first).store_aligned(z + W);
            for (std::size_t k = i; k < n; ++k) y[k] = x[k] + z[k - i];
        }
    }
}

// m (n values) = keep with probability 1 − rate, else 0; rate in [0, 1).
template <class T>
void dropout_mask(std::size_t n, double rate, T keep, rng& g, T* m) {
    const std::uint64_t threshold = std::uint64_t(rate * 4294967296.0);
    for (std::size_t i = 0; i < n; i += 2) {
        const std::uint64_t r = g();
        m[i] = (r & 0xffffffffu) >= threshold ? keep : T(0);
        if (i + 1 < n) m[i + 1] = (r >> 32) >= threshold ? keep : T(0);
    }
}

template <class T>
void multiply_channels(std::size_t rows, std::size_t s, std::size_t c, const T* x, const T* m, T* y) {
    parallel_for(rows * s, 32768 / (c ? c : 1) + 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t p = b; p < e; ++p) {
            const T* mr = m + (p / s) * c;
            const T* xp = x + p * c;
            T* yp = y + p * c;
#pragma omp simd
            for (std::size_t k = 0; k < c; ++k) yp[k] = xp[k] * mr[k];
        }
    });
}

} // namespace cascade::kernels::cpu
