#pragma once
// 2-D pooling over NHWC tensors, 'valid' windows (Keras' default): y[n, oy, ox, c] = max or mean of
// x[n, oy·s + i, ox·s + j, c] over the p × p window. Max pooling records each window's arg-max (an index
// within the sample) so that the backward pass is a scatter; channels are the contiguous, vectorised axis.
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
void max_pool2d_forward(const pool2d_geometry& g, std::size_t n, const T* x, T* y, std::uint32_t* arg) {
    const std::size_t in_s = g.h * g.w * g.c, out_s = g.oh * g.ow * g.c;
    parallel_for(n * g.oh, 64, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const std::size_t s = r / g.oh, oy = r % g.oh;
            for (std::size_t ox = 0; ox < g.ow; ++ox) {
                T* yo = y + s * out_s + (oy * g.ow + ox) * g.c;
                std::uint32_t* ao = arg + s * out_s + (oy * g.ow + ox) * g.c;
                const T* xs = x + s * in_s;
                const std::size_t first = ((oy * g.sh) * g.w + ox * g.sw) * g.c;
                for (std::size_t c = 0; c < g.c; ++c) { yo[c] = xs[first + c]; ao[c] = std::uint32_t(first + c); }
                for (std::size_t i = 0; i < g.ph; ++i)
                    for (std::size_t j = 0; j < g.pw; ++j) {
                        const std::size_t base = ((oy * g.sh + i) * g.w + ox * g.sw + j) * g.c;
                        for (std::size_t c = 0; c < g.c; ++c) {
                            const T v = xs[base + c];
                            const bool gt = v > yo[c];
                            yo[c] = gt ? v : yo[c];
                            ao[c] = gt ? std::uint32_t(base + c) : ao[c];
                        }
                    }
            }
        }
    });
}

// dx = 0, then dx[arg[k]] += dy[k]. Overlapping windows (stride < pool) add; the loop is per sample
// so threads never write the same element.
template <class T>
void max_pool2d_backward(const pool2d_geometry& g, std::size_t n, const T* dy, const std::uint32_t* arg, T* dx) {
    const std::size_t in_s = g.h * g.w * g.c, out_s = g.oh * g.ow * g.c;
    parallel_for(n, 8, [&](std::size_t s0, std::size_t s1) {
        std::fill(dx + s0 * in_s, dx + s1 * in_s, T(0));
        for (std::size_t s = s0; s < s1; ++s)
            for (std::size_t k = s * out_s; k < (s + 1) * out_s; ++k) dx[s * in_s + arg[k]] += dy[k];
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
