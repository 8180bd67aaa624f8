#pragma once
// 1-, 2- and 3-D pooling over channels-last tensors:
//   y[n, oz, oy, ox, c] = max or mean of x[n, oz·sd − pd + i, oy·sh − ph + j, ox·sw − pw + l, c]
//                         over the kd × kh × kw window's cells that lie inside the input;
// channels are the contiguous, vectorised axis. A 2-D pool has d = kd = od = 1, a 1-D one also h = kh = oh = 1.
// Padding (pd, ph, pw cells before each axis; the caller's output size decides how far the last window
// reaches past the end) follows TensorFlow's 'same' rule: padded cells take no part — max ignores them,
// the mean divides by the number of real cells (PyTorch's count_include_pad=False). A window made only of
// padding (never the case with 'same') gives 0 and receives no gradient. Without padding ('valid'
// windows, Keras' default) the tuned loops below run unchanged; padded geometries take separate loops
// (detail::*_padded) over each window's clamped cell ranges.
#include "cascade/config.hpp"
#include "cascade/kernels/cpu/parallel.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace cascade::kernels::cpu {

// The input cells [lo, hi) of one axis that a window covers; empty when lo >= hi.
struct pool_span {
    std::size_t lo, hi;
    CASCADE_HOST_DEVICE constexpr bool empty() const { return lo >= hi; }
    CASCADE_HOST_DEVICE constexpr std::size_t size() const { return lo < hi ? hi - lo : 0; }
};
// Window o on an axis of `in` cells, window k, stride s, padding p before: cells [o·s − p, o·s − p + k)
// clamped to [0, in).
CASCADE_HOST_DEVICE constexpr pool_span pool_window(std::size_t o, std::size_t s, std::size_t p, std::size_t k, std::size_t in) {
    const std::size_t start = o * s, end = start + k;
    const std::size_t lo = start > p ? start - p : 0, hi = end > p ? (end - p < in ? end - p : in) : 0;
    return {lo, hi};
}

struct pool_geometry {
    std::size_t d, h, w, c;   // input sample
    std::size_t kd, kh, kw;   // window
    std::size_t sd, sh, sw;   // stride
    std::size_t od, oh, ow;   // output sample
    std::size_t pd = 0, ph = 0, pw = 0;   // padding before (front, top, left)
    constexpr std::size_t sample() const { return d * h * w * c; }
    constexpr std::size_t out_sample() const { return od * oh * ow * c; }
    // Offset of input pixel (z, y, x) within a sample.
    constexpr std::size_t at(std::size_t z, std::size_t y, std::size_t x) const { return ((z * h + y) * w + x) * c; }
    // Whether every window lies inside the input: no padding before, and the last window ends by the
    // input's end on each axis ((o − 1)·s + k ≤ in). Then the unpadded loops apply.
    constexpr bool windows_inside() const {
        const auto fits = [](std::size_t o, std::size_t s, std::size_t k, std::size_t in) { return o == 0 || (o - 1) * s + k <= in; };
        return (pd | ph | pw) == 0 && fits(od, sd, kd, d) && fits(oh, sh, kh, h) && fits(ow, sw, kw, w);
    }
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

namespace detail {

// The padded-geometry loops: the same structure as the unpadded ones below (rows of output pixels in
// parallel for the forward passes, samples in parallel for the backward ones, channels innermost), but
// each window visits only its cells inside the input, pool_window() on each axis.
template <class T>
void max_pool_forward_padded(const pool_geometry& g, std::size_t n, const T* x, T* y) {
    const std::size_t in_s = g.sample(), out_s = g.out_sample(), rows = g.od * g.oh;
    parallel_for(n * rows, 64, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const std::size_t s = r / rows, oz = r % rows / g.oh, oy = r % g.oh;
            const pool_span zw = pool_window(oz, g.sd, g.pd, g.kd, g.d), yw = pool_window(oy, g.sh, g.ph, g.kh, g.h);
            const T* xs = x + s * in_s;
            for (std::size_t ox = 0; ox < g.ow; ++ox) {
                const pool_span xw = pool_window(ox, g.sw, g.pw, g.kw, g.w);
                T* yo = y + s * out_s + ((oz * g.oh + oy) * g.ow + ox) * g.c;
                if (zw.empty() || yw.empty() || xw.empty()) {
                    std::fill(yo, yo + g.c, T(0));
                    continue;
                }
                std::copy_n(xs + g.at(zw.lo, yw.lo, xw.lo), g.c, yo);
                for (std::size_t iz = zw.lo; iz < zw.hi; ++iz)
                    for (std::size_t iy = yw.lo; iy < yw.hi; ++iy)
                        for (std::size_t ix = xw.lo; ix < xw.hi; ++ix) {
                            const T* xi = xs + g.at(iz, iy, ix);
                            for (std::size_t c = 0; c < g.c; ++c) yo[c] = xi[c] > yo[c] ? xi[c] : yo[c];
                        }
            }
        }
    });
}

template <class T>
void max_pool_backward_padded(const pool_geometry& g, std::size_t n, const T* x, const T* y, const T* dy, T* dx) {
    const std::size_t in_s = g.sample(), out_s = g.out_sample();
    parallel_for(n, 8, [&, g](std::size_t s0, std::size_t s1) {
        const T* __restrict xr = x;
        const T* __restrict yr = y;
        const T* __restrict gr = dy;
        T* __restrict out = dx;
        std::fill(out + s0 * in_s, out + s1 * in_s, T(0));
        for (std::size_t s = s0; s < s1; ++s)
            for (std::size_t oz = 0; oz < g.od; ++oz) {
                const pool_span zw = pool_window(oz, g.sd, g.pd, g.kd, g.d);
                for (std::size_t oy = 0; oy < g.oh; ++oy) {
                    const pool_span yw = pool_window(oy, g.sh, g.ph, g.kh, g.h);
                    for (std::size_t ox = 0; ox < g.ow; ++ox) {
                        const pool_span xw = pool_window(ox, g.sw, g.pw, g.kw, g.w);
                        const std::size_t o = s * out_s + ((oz * g.oh + oy) * g.ow + ox) * g.c;
                        for (std::size_t c0 = 0; c0 < g.c; c0 += 64) {
                            const std::size_t cn = std::min<std::size_t>(64, g.c - c0);
                            unsigned char open[64];
                            for (std::size_t c = 0; c < cn; ++c) open[c] = 1;
                            for (std::size_t iz = zw.lo; iz < zw.hi; ++iz)
                                for (std::size_t iy = yw.lo; iy < yw.hi; ++iy)
                                    for (std::size_t ix = xw.lo; ix < xw.hi; ++ix) {
                                        const std::size_t k = s * in_s + g.at(iz, iy, ix) + c0;
                                        for (std::size_t c = 0; c < cn; ++c) {
                                            const bool hit = open[c] && xr[k + c] == yr[o + c0 + c];
                                            out[k + c] += hit ? gr[o + c0 + c] : T(0);
                                            open[c] = open[c] && !hit;
                                        }
                                    }
                        }
                    }
                }
            }
    });
}

template <class T>
void avg_pool_forward_padded(const pool_geometry& g, std::size_t n, const T* x, T* y) {
    const std::size_t in_s = g.sample(), out_s = g.out_sample(), rows = g.od * g.oh;
    parallel_for(n * rows, 64, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const std::size_t s = r / rows, oz = r % rows / g.oh, oy = r % g.oh;
            const pool_span zw = pool_window(oz, g.sd, g.pd, g.kd, g.d), yw = pool_window(oy, g.sh, g.ph, g.kh, g.h);
            const T* xs = x + s * in_s;
            for (std::size_t ox = 0; ox < g.ow; ++ox) {
                const pool_span xw = pool_window(ox, g.sw, g.pw, g.kw, g.w);
                const std::size_t count = zw.size() * yw.size() * xw.size();
                T* yo = y + s * out_s + ((oz * g.oh + oy) * g.ow + ox) * g.c;
                std::fill(yo, yo + g.c, T(0));
                if (count == 0) continue;
                for (std::size_t iz = zw.lo; iz < zw.hi; ++iz)
                    for (std::size_t iy = yw.lo; iy < yw.hi; ++iy)
                        for (std::size_t ix = xw.lo; ix < xw.hi; ++ix) {
                            const T* xi = xs + g.at(iz, iy, ix);
                            for (std::size_t c = 0; c < g.c; ++c) yo[c] += xi[c];
                        }
                const T inv = T(1) / T(count);
                for (std::size_t c = 0; c < g.c; ++c) yo[c] *= inv;
            }
        }
    });
}

template <class T>
void avg_pool_backward_padded(const pool_geometry& g, std::size_t n, const T* dy, T* dx) {
    const std::size_t in_s = g.sample(), out_s = g.out_sample();
    parallel_for(n, 8, [&](std::size_t s0, std::size_t s1) {
        std::fill(dx + s0 * in_s, dx + s1 * in_s, T(0));
        for (std::size_t s = s0; s < s1; ++s)
            for (std::size_t oz = 0; oz < g.od; ++oz) {
                const pool_span zw = pool_window(oz, g.sd, g.pd, g.kd, g.d);
                for (std::size_t oy = 0; oy < g.oh; ++oy) {
                    const pool_span yw = pool_window(oy, g.sh, g.ph, g.kh, g.h);
                    for (std::size_t ox = 0; ox < g.ow; ++ox) {
                        const pool_span xw = pool_window(ox, g.sw, g.pw, g.kw, g.w);
                        const std::size_t count = zw.size() * yw.size() * xw.size();
                        if (count == 0) continue;
                        const T inv = T(1) / T(count);
                        const T* go = dy + s * out_s + ((oz * g.oh + oy) * g.ow + ox) * g.c;
                        for (std::size_t iz = zw.lo; iz < zw.hi; ++iz)
                            for (std::size_t iy = yw.lo; iy < yw.hi; ++iy)
                                for (std::size_t ix = xw.lo; ix < xw.hi; ++ix) {
                                    T* xi = dx + s * in_s + g.at(iz, iy, ix);
                                    for (std::size_t c = 0; c < g.c; ++c) xi[c] += go[c] * inv;
                                }
                    }
                }
            }
    });
}

} // namespace detail

template <class T>
void max_pool_forward(const pool_geometry& g, std::size_t n, const T* x, T* y) {
    if (!g.windows_inside()) return detail::max_pool_forward_padded(g, n, x, y);
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
    if (!g.windows_inside()) return detail::max_pool_backward_padded(g, n, x, y, dy, dx);
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
    if (!g.windows_inside()) return detail::avg_pool_forward_padded(g, n, x, y);
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
    if (!g.windows_inside()) return detail::avg_pool_backward_padded(g, n, dy, dx);
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
