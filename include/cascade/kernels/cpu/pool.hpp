#pragma once
// 2-D pooling over NHWC tensors, 'valid' windows (Keras' default): y[n, oy, ox, c] = max or mean of
// x[n, oy·s + i, ox·s + j, c] over the p × p window; channels are the contiguous, vectorised axis.
#include "cascade/kernels/cpu/parallel.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace cascade::kernels::cpu {

struct pool2d_geometry {
    std::size_t h, w, c;   // input sample
    std::size_t ph, pw;    // window
    std::size_t sh, sw;    // stride
    std::size_t oh, ow;    // output sample
};

template <class T>
void max_pool2d_forward(const pool2d_geometry& g, std::size_t n, const T* x, T* y) {
    const std::size_t in_s = g.h * g.w * g.c, out_s = g.oh * g.ow * g.c;
    parallel_for(n * g.oh, 64, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const std::size_t s = r / g.oh, oy = r % g.oh;
            const T* xs = x + s * in_s;
            for (std::size_t ox = 0; ox < g.ow; ++ox) {
                T* yo = y + s * out_s + (oy * g.ow + ox) * g.c;
                const T* first = xs + ((oy * g.sh) * g.w + ox * g.sw) * g.c;
                std::copy_n(first, g.c, yo);
                for (std::size_t i = 0; i < g.ph; ++i)
                    for (std::size_t j = 0; j < g.pw; ++j) {
                        const T* xi = xs + ((oy * g.sh + i) * g.w + ox * g.sw + j) * g.c;
                        for (std::size_t c = 0; c < g.c; ++c) yo[c] = xi[c] > yo[c] ? xi[c] : yo[c];   // vectorised max
                    }
            }
        }
    });
}

// dx = 0, then each window's dy goes to the window's first element (row-major) equal to its maximum —
// the arg-max is recomputed from x and y instead of stored, which keeps the forward pass a plain,
// vectorised max. Overlapping windows (stride < pool) add; the loop is per sample, so threads never
// write the same element.
template <class T>
void max_pool2d_backward(const pool2d_geometry& g, std::size_t n, const T* x, const T* y, const T* dy, T* dx) {
    const std::size_t in_s = g.h * g.w * g.c, out_s = g.oh * g.ow * g.c;
    parallel_for(n, 8, [&, g](std::size_t s0, std::size_t s1) {
        // Local restrict copies: through the lambda's captures the compiler reloaded every pointer after
        // each store to dx (measured: 6 ns per window element, 62 % of an mnist_cnn step).
        const T* __restrict xr = x;
        const T* __restrict yr = y;
        const T* __restrict gr = dy;
        T* __restrict out = dx;
        std::fill(out + s0 * in_s, out + s1 * in_s, T(0));
        for (std::size_t s = s0; s < s1; ++s)
            for (std::size_t oy = 0; oy < g.oh; ++oy)
                for (std::size_t ox = 0; ox < g.ow; ++ox) {
                    const std::size_t o = s * out_s + (oy * g.ow + ox) * g.c;
                    // Branch-free over blocks of 64 channels: `open[c]` until channel c has been routed.
                    for (std::size_t c0 = 0; c0 < g.c; c0 += 64) {
                        const std::size_t cn = std::min<std::size_t>(64, g.c - c0);
                        unsigned char open[64];
                        for (std::size_t c = 0; c < cn; ++c) open[c] = 1;
                        for (std::size_t i = 0; i < g.ph; ++i)
                            for (std::size_t j = 0; j < g.pw; ++j) {
                                const std::size_t k = s * in_s + ((oy * g.sh + i) * g.w + ox * g.sw + j) * g.c + c0;
                                for (std::size_t c = 0; c < cn; ++c) {
                                    const bool hit = open[c] && xr[k + c] == yr[o + c0 + c];
                                    out[k + c] += hit ? gr[o + c0 + c] : T(0);   // a select: NaN/Inf in dy stay put
                                    open[c] = open[c] && !hit;
                                }
                            }
                    }
                }
    });
}

template <class T>
void avg_pool2d_forward(const pool2d_geometry& g, std::size_t n, const T* x, T* y) {
    const std::size_t in_s = g.h * g.w * g.c, out_s = g.oh * g.ow * g.c;
    const T inv = T(1) / T(g.ph * g.pw);
    parallel_for(n * g.oh, 64, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const std::size_t s = r / g.oh, oy = r % g.oh;
            for (std::size_t ox = 0; ox < g.ow; ++ox) {
                T* yo = y + s * out_s + (oy * g.ow + ox) * g.c;
                std::fill(yo, yo + g.c, T(0));
                for (std::size_t i = 0; i < g.ph; ++i)
                    for (std::size_t j = 0; j < g.pw; ++j) {
                        const T* xi = x + s * in_s + ((oy * g.sh + i) * g.w + ox * g.sw + j) * g.c;
                        for (std::size_t c = 0; c < g.c; ++c) yo[c] += xi[c];
                    }
                for (std::size_t c = 0; c < g.c; ++c) yo[c] *= inv;
            }
        }
    });
}

template <class T>
void avg_pool2d_backward(const pool2d_geometry& g, std::size_t n, const T* dy, T* dx) {
    const std::size_t in_s = g.h * g.w * g.c, out_s = g.oh * g.ow * g.c;
    const T inv = T(1) / T(g.ph * g.pw);
    parallel_for(n, 8, [&](std::size_t s0, std::size_t s1) {
        std::fill(dx + s0 * in_s, dx + s1 * in_s, T(0));
        for (std::size_t s = s0; s < s1; ++s)
            for (std::size_t oy = 0; oy < g.oh; ++oy)
                for (std::size_t ox = 0; ox < g.ow; ++ox) {
                    const T* go = dy + s * out_s + (oy * g.ow + ox) * g.c;
                    for (std::size_t i = 0; i < g.ph; ++i)
                        for (std::size_t j = 0; j < g.pw; ++j) {
                            T* xi = dx + s * in_s + ((oy * g.sh + i) * g.w + ox * g.sw + j) * g.c;
                            for (std::size_t c = 0; c < g.c; ++c) xi[c] += go[c] * inv;
                        }
                }
    });
}

} // namespace cascade::kernels::cpu
