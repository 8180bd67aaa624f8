#pragma once
// 1-, 2- and 3-D pooling over channels-last tensors, 'valid' windows (Keras' default):
//   y[n, oz, oy, ox, c] = max or mean of x[n, oz·sd + i, oy·sh + j, ox·sw + l, c] over the kd × kh × kw window;
// channels are the contiguous, vectorised axis. A 2-D pool has d = kd = od = 1, a 1-D one also h = kh = oh = 1.
#include "cascade/kernels/cpu/parallel.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace cascade::kernels::cpu {

struct pool_geometry {
    std::size_t d, h, w, c;   // input sample
    std::size_t kd, kh, kw;   // window
    std::size_t sd, sh, sw;   // stride
    std::size_t od, oh, ow;   // output sample
    constexpr std::size_t sample() const { return d * h * w * c; }
    constexpr std::size_t out_sample() const { return od * oh * ow * c; }
    // Offset of input pixel (z, y, x) within a sample.
    constexpr std::size_t at(std::size_t z, std::size_t y, std::size_t x) const { return ((z * h + y) * w + x) * c; }
};

// The 2-D spelling (kept for callers that build a 2-D geometry by hand); converts to pool_geometry.
struct pool2d_geometry {
    std::size_t h, w, c;   // input sample
    std::size_t ph, pw;    // window
    std::size_t sh, sw;    // stride
    std::size_t oh, ow;    // output sample
    constexpr operator pool_geometry() const { return {1, h, w, c, 1, ph, pw, 1, sh, sw, 1, oh, ow}; }
};

// Calls f(std::true_type) for a geometry with a depth axis and f(std::false_type) for a 2-D or 1-D one
// (d = kd = 1), whose copy of the loops has the depth level and its index arithmetic compiled out.
template <class F>
void with_depth(const pool_geometry& g, F&& f) {
    if (g.d == 1 && g.kd == 1) f(std::false_type{});
    else f(std::true_type{});
}

template <class T>
void max_pool_forward(const pool_geometry& g, std::size_t n, const T* x, T* y) {
    with_depth(g, [&](auto depth) {
        constexpr bool Depth = decltype(depth)::value;
        const std::size_t in_s = g.sample(), out_s = g.out_sample(), rows = Depth ? g.od * g.oh : g.oh;
        const std::size_t kd = Depth ? g.kd : 1;
        parallel_for(n * rows, 64, [&](std::size_t r0, std::size_t r1) {
            for (std::size_t r = r0; r < r1; ++r) {
                const std::size_t s = r / rows, oz = Depth ? r % rows / g.oh : 0, oy = r % g.oh;
                const T* xs = x + s * in_s;
                for (std::size_t ox = 0; ox < g.ow; ++ox) {
                    T* yo = y + s * out_s + ((oz * g.oh + oy) * g.ow + ox) * g.c;
                    std::copy_n(xs + g.at(oz * g.sd, oy * g.sh, ox * g.sw), g.c, yo);
                    for (std::size_t i = 0; i < kd; ++i)
                        for (std::size_t j = 0; j < g.kh; ++j)
                            for (std::size_t l = 0; l < g.kw; ++l) {
                                const T* xi = xs + g.at(Depth ? oz * g.sd + i : 0, oy * g.sh + j, ox * g.sw + l);
                                for (std::size_t c = 0; c < g.c; ++c) yo[c] = xi[c] > yo[c] ? xi[c] : yo[c];   // vectorised max
                            }
                }
            }
        });
    });
}

// dx = 0, then each window's dy goes to the window's first element (row-major) equal to its maximum —
// the arg-max is recomputed from x and y instead of stored, which keeps the forward pass a plain,
// vectorised max. Overlapping windows (stride < pool) add; the loop is per sample, so threads never
// write the same element.
template <class T>
void max_pool_backward(const pool_geometry& g, std::size_t n, const T* x, const T* y, const T* dy, T* dx) {
    with_depth(g, [&](auto depth) {
        constexpr bool Depth = decltype(depth)::value;
        const std::size_t in_s = g.sample(), out_s = g.out_sample();
        const std::size_t kd = Depth ? g.kd : 1, od = Depth ? g.od : 1;
        parallel_for(n, 8, [&, g](std::size_t s0, std::size_t s1) {
            // Local restrict copies: through the lambda's captures the compiler reloaded every pointer after
            // each store to dx (measured: 6 ns per window element, 62 % of an mnist_cnn step).
            const T* __restrict xr = x;
            const T* __restrict yr = y;
            const T* __restrict gr = dy;
            T* __restrict out = dx;
            std::fill(out + s0 * in_s, out + s1 * in_s, T(0));
            for (std::size_t s = s0; s < s1; ++s)
                for (std::size_t oz = 0; oz < od; ++oz)
                    for (std::size_t oy = 0; oy < g.oh; ++oy)
                        for (std::size_t ox = 0; ox < g.ow; ++ox) {
                            const std::size_t o = s * out_s + ((oz * g.oh + oy) * g.ow + ox) * g.c;
                            // Branch-free over blocks of 64 channels: `open[c]` until channel c has been routed.
                            for (std::size_t c0 = 0; c0 < g.c; c0 += 64) {
                                const std::size_t cn = std::min<std::size_t>(64, g.c - c0);
                                unsigned char open[64];
                                for (std::size_t c = 0; c < cn; ++c) open[c] = 1;
                                for (std::size_t i = 0; i < kd; ++i)
                                    for (std::size_t j = 0; j < g.kh; ++j)
                                        for (std::size_t l = 0; l < g.kw; ++l) {
                                            const std::size_t k = s * in_s + g.at(Depth ? oz * g.sd + i : 0, oy * g.sh + j, ox * g.sw + l) + c0;
                                            for (std::size_t c = 0; c < cn; ++c) {
                                                const bool hit = open[c] && xr[k + c] == yr[o + c0 + c];
                                                out[k + c] += hit ? gr[o + c0 + c] : T(0);   // a select: NaN/Inf in dy stay put
                                                open[c] = open[c] && !hit;
                                            }
                                        }
                            }
                        }
        });
    });
}

template <class T>
void avg_pool_forward(const pool_geometry& g, std::size_t n, const T* x, T* y) {
    with_depth(g, [&](auto depth) {
        constexpr bool Depth = decltype(depth)::value;
        const std::size_t in_s = g.sample(), out_s = g.out_sample(), rows = Depth ? g.od * g.oh : g.oh;
        const std::size_t kd = Depth ? g.kd : 1;
        const T inv = T(1) / T(kd * g.kh * g.kw);
        parallel_for(n * rows, 64, [&](std::size_t r0, std::size_t r1) {
            for (std::size_t r = r0; r < r1; ++r) {
                const std::size_t s = r / rows, oz = Depth ? r % rows / g.oh : 0, oy = r % g.oh;
                for (std::size_t ox = 0; ox < g.ow; ++ox) {
                    T* yo = y + s * out_s + ((oz * g.oh + oy) * g.ow + ox) * g.c;
                    std::fill(yo, yo + g.c, T(0));
                    for (std::size_t i = 0; i < kd; ++i)
                        for (std::size_t j = 0; j < g.kh; ++j)
                            for (std::size_t l = 0; l < g.kw; ++l) {
                                const T* xi = x + s * in_s + g.at(Depth ? oz * g.sd + i : 0, oy * g.sh + j, ox * g.sw + l);
                                for (std::size_t c = 0; c < g.c; ++c) yo[c] += xi[c];
                            }
                    for (std::size_t c = 0; c < g.c; ++c) yo[c] *= inv;
                }
            }
        });
    });
}

template <class T>
void avg_pool_backward(const pool_geometry& g, std::size_t n, const T* dy, T* dx) {
    with_depth(g, [&](auto depth) {
        constexpr bool Depth = decltype(depth)::value;
        const std::size_t in_s = g.sample(), out_s = g.out_sample();
        const std::size_t kd = Depth ? g.kd : 1, od = Depth ? g.od : 1;
        const T inv = T(1) / T(kd * g.kh * g.kw);
        parallel_for(n, 8, [&](std::size_t s0, std::size_t s1) {
            std::fill(dx + s0 * in_s, dx + s1 * in_s, T(0));
            for (std::size_t s = s0; s < s1; ++s)
                for (std::size_t oz = 0; oz < od; ++oz)
                    for (std::size_t oy = 0; oy < g.oh; ++oy)
                        for (std::size_t ox = 0; ox < g.ow; ++ox) {
                            const T* go = dy + s * out_s + ((oz * g.oh + oy) * g.ow + ox) * g.c;
                            for (std::size_t i = 0; i < kd; ++i)
                                for (std::size_t j = 0; j < g.kh; ++j)
                                    for (std::size_t l = 0; l < g.kw; ++l) {
                                        T* xi = dx + s * in_s + g.at(Depth ? oz * g.sd + i : 0, oy * g.sh + j, ox * g.sw + l);
                                        for (std::size_t c = 0; c < g.c; ++c) xi[c] += go[c] * inv;
                                    }
                        }
        });
    });
}

// The 2-D entries of before the N-d generalisation.
template <class T>
void max_pool2d_forward(const pool2d_geometry& g, std::size_t n, const T* x, T* y) { max_pool_forward(pool_geometry(g), n, x, y); }
template <class T>
void max_pool2d_backward(const pool2d_geometry& g, std::size_t n, const T* x, const T* y, const T* dy, T* dx) {
    max_pool_backward(pool_geometry(g), n, x, y, dy, dx);
}
template <class T>
void avg_pool2d_forward(const pool2d_geometry& g, std::size_t n, const T* x, T* y) { avg_pool_forward(pool_geometry(g), n, x, y); }
template <class T>
void avg_pool2d_backward(const pool2d_geometry& g, std::size_t n, const T* dy, T* dx) { avg_pool_backward(pool_geometry(g), n, dy, dx); }

} // namespace cascade::kernels::cpu
