#pragma once
// Depthwise convolution on the CPU, channels-last, on the 1-/2-/3-D conv_geometry of kernels/cpu/conv.hpp
// (a 2-D layer has d = kd = 1, a 1-D one also h = kh = 1). With g.c channels and multiplier 1 (each output
// channel j sees input channel j only):
//   y[n, o, j]   = b[j] + Σ_k W[k, j] · x[n, o·s + k·d − p, j]                 (0 outside the input)
//   dW[k, j]     = Σ_{n, o} dy[n, o, j] · x[n, o·s + k·d − p, j]
//   dx[n, i, j]  = Σ_{(o, k): o·s + k·d − p = i} dy[n, o, j] · W[k, j]
// with k = (kz, ky, kx), o = (oz, oy, ox) and W (K…, C) read as taps × C. A depth multiplier M > 1 reduces to
// this form (kernels/depthwise_conv.hpp): repeat_channels gives xe[.., c·M + m] = x[.., c], on which Keras'
// depthwise kernel (K…, C, M), read as (K…, C·M), applies with multiplier 1, and sum_channel_groups folds
// the input gradient back, dx[.., c] = Σ_m dxe[.., c·M + m]. Every inner loop runs over the contiguous
// channel axis (vectorised, `#pragma omp simd`).
// Summation orders are fixed (taps in (kz, ky, kx) order; dW per fixed chunk of samples over output
// positions in row-major order, then over the chunks; dx over output positions in row-major order), and each
// thread owns whole outputs, so results do not depend on the thread count.
// Chollet, "Xception: deep learning with depthwise separable convolutions", CVPR 2017.
#include "cascade/kernels/cpu/conv.hpp"
#include "cascade/kernels/cpu/parallel.hpp"

#include <algorithm>
#include <cstddef>

namespace cascade::kernels::cpu {

namespace detail {
// Calls f(iz, iy, ix, tap) for every kernel tap of output position (oz, oy, ox) that lands inside the
// input, taps in (kz, ky, kx) order.
template <class F>
inline void for_each_tap(const conv_geometry& g, std::size_t oz, std::size_t oy, std::size_t ox, F&& f) {
    for (std::size_t kz = 0; kz < g.kd; ++kz) {
        const std::ptrdiff_t iz = std::ptrdiff_t(oz * g.sd + kz * g.dd) - std::ptrdiff_t(g.pd);
        if (iz < 0 || iz >= std::ptrdiff_t(g.d)) continue;
        for (std::size_t ky = 0; ky < g.kh; ++ky) {
            const std::ptrdiff_t iy = std::ptrdiff_t(oy * g.sh + ky * g.dh) - std::ptrdiff_t(g.ph);
            if (iy < 0 || iy >= std::ptrdiff_t(g.h)) continue;
            for (std::size_t kx = 0; kx < g.kw; ++kx) {
                const std::ptrdiff_t ix = std::ptrdiff_t(ox * g.sw + kx * g.dw) - std::ptrdiff_t(g.pw);
                if (ix < 0 || ix >= std::ptrdiff_t(g.w)) continue;
                f(std::size_t(iz), std::size_t(iy), std::size_t(ix), (kz * g.kh + ky) * g.kw + kx);
            }
        }
    }
}
} // namespace detail

// y (n, od, oh, ow, c) from x (n, d, h, w, c), w (taps, c) and b (c) or nullptr. Parallel over output rows.
template <class T>
void depthwise_forward(const conv_geometry& g, std::size_t n, const T* x, const T* w, const T* b, T* y) {
    const std::size_t c = g.c, rows = g.od * g.oh;
    parallel_for(n * rows, 4, [=](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t s = t / rows, oz = t % rows / g.oh, oy = t % g.oh;
            const T* xs = x + s * g.sample();
            T* out = y + t * g.ow * c;
            for (std::size_t ox = 0; ox < g.ow; ++ox, out += c) {
                if (b) std::copy_n(b, c, out);
                else std::fill(out, out + c, T(0));
                detail::for_each_tap(g, oz, oy, ox, [&](std::size_t iz, std::size_t iy, std::size_t ix, std::size_t tap) {
                    const T* __restrict xp = xs + ((iz * g.h + iy) * g.w + ix) * c;
                    const T* __restrict wk = w + tap * c;
                    T* __restrict o = out;
#pragma omp simd
                    for (std::size_t j = 0; j < c; ++j) o[j] += wk[j] * xp[j];
                });
            }
        }
    });
}

// The weight gradient's sample chunks: a function of n only (never of the thread count).
inline std::size_t depthwise_weight_chunks(std::size_t n) { return std::min<std::size_t>(n, 16); }

// dw (taps, c) = Σ over samples and output positions of dy · x at each tap. The samples are split into
// depthwise_weight_chunks(n) fixed ranges, each summed in one pass over its output positions into its own
// (taps, c) partial (`partial`: chunks · taps · c values, unused for one chunk), and the partials are added
// in chunk order: the result does not depend on the thread count. Parallel over chunks.
template <class T>
void depthwise_backward_weights(const conv_geometry& g, std::size_t n, const T* x, const T* dy, T* dw, T* partial) {
    const std::size_t c = g.c, size = g.kd * g.kh * g.kw * c, chunks = depthwise_weight_chunks(n);
    parallel_for(chunks, 1, [=](std::size_t k0, std::size_t k1) {
        for (std::size_t k = k0; k < k1; ++k) {
            T* acc = chunks == 1 ? dw : partial + k * size;
            std::fill(acc, acc + size, T(0));
            for (std::size_t s = n * k / chunks; s < n * (k + 1) / chunks; ++s) {
                const T* xs = x + s * g.sample();
                const T* gy = dy + s * g.rows_per_sample() * c;
                for (std::size_t oz = 0; oz < g.od; ++oz)
                    for (std::size_t oy = 0; oy < g.oh; ++oy)
                        for (std::size_t ox = 0; ox < g.ow; ++ox, gy += c)
                            detail::for_each_tap(g, oz, oy, ox, [&](std::size_t iz, std::size_t iy, std::size_t ix, std::size_t tap) {
                                const T* __restrict xp = xs + ((iz * g.h + iy) * g.w + ix) * c;
                                const T* __restrict d = gy;
                                T* __restrict a = acc + tap * c;
#pragma omp simd
                                for (std::size_t j = 0; j < c; ++j) a[j] += d[j] * xp[j];
                            });
            }
        }
    });
    if (chunks == 1) return;
    parallel_for(size, 4096, [=](std::size_t i0, std::size_t i1) {
        std::copy(partial + i0, partial + i1, dw + i0);
        for (std::size_t k = 1; k < chunks; ++k) {
            const T* __restrict p = partial + k * size;
            T* __restrict o = dw;
#pragma omp simd
            for (std::size_t i = i0; i < i1; ++i) o[i] += p[i];
        }
    });
}

// dx (n, d, h, w, c), overwritten: each output position scatters dy · W to the inputs its taps read.
// Parallel over samples (disjoint regions of dx).
template <class T>
void depthwise_backward_input(const conv_geometry& g, std::size_t n, const T* dy, const T* w, T* dx) {
    const std::size_t c = g.c;
    parallel_for(n, 1, [=](std::size_t s0, std::size_t s1) {
        for (std::size_t s = s0; s < s1; ++s) {
            T* xs = dx + s * g.sample();
            std::fill(xs, xs + g.sample(), T(0));
            const T* gy = dy + s * g.rows_per_sample() * c;
            for (std::size_t oz = 0; oz < g.od; ++oz)
                for (std::size_t oy = 0; oy < g.oh; ++oy)
                    for (std::size_t ox = 0; ox < g.ow; ++ox, gy += c)
                        detail::for_each_tap(g, oz, oy, ox, [&](std::size_t iz, std::size_t iy, std::size_t ix, std::size_t tap) {
                            T* __restrict o = xs + ((iz * g.h + iy) * g.w + ix) * c;
                            const T* __restrict wk = w + tap * c;
                            const T* __restrict d = gy;
#pragma omp simd
                            for (std::size_t j = 0; j < c; ++j) o[j] += d[j] * wk[j];
                        });
        }
    });
}

// xe (pixels, c·m): xe[p, c·m + k] = x[p, c].
template <class T>
void repeat_channels(std::size_t pixels, std::size_t c, std::size_t m, const T* x, T* xe) {
    parallel_for(pixels, 256, [=](std::size_t p0, std::size_t p1) {
        for (std::size_t p = p0; p < p1; ++p) {
            const T* in = x + p * c;
            T* out = xe + p * c * m;
            for (std::size_t ci = 0; ci < c; ++ci)
                for (std::size_t k = 0; k < m; ++k) out[ci * m + k] = in[ci];
        }
    });
}

// dx (pixels, c): dx[p, c] = Σ_k dxe[p, c·m + k], k in order.
template <class T>
void sum_channel_groups(std::size_t pixels, std::size_t c, std::size_t m, const T* dxe, T* dx) {
    parallel_for(pixels, 256, [=](std::size_t p0, std::size_t p1) {
        for (std::size_t p = p0; p < p1; ++p) {
            const T* in = dxe + p * c * m;
            T* out = dx + p * c;
            for (std::size_t ci = 0; ci < c; ++ci) {
                T acc = in[ci * m];
                for (std::size_t k = 1; k < m; ++k) acc += in[ci * m + k];
                out[ci] = acc;
            }
        }
    });
}

} // namespace cascade::kernels::cpu
