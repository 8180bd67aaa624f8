#pragma once
// Convolution lowering for channels-last tensors (N, [D,] [H,] W, C), 1-, 2- and 3-D: im2col builds the
// patch matrix
//   col[(n, oz, oy, ox), (kz, ky, kx, c)] = x[n, oz·sd + kz·dd − pd, oy·sh + ky·dh − ph, ox·sw + kx·dw − pw, c]
// (0 outside), so that conv = col · W with W the Keras kernel (KD, KH, KW, C, F) read as a (KD·KH·KW·C) × F
// matrix, and the output rows (n, oz, oy, ox) × F are already channels-last. col2im is its adjoint
// (scatter-add), used for ∂x and for the forward pass of transposed convolutions.
// Chellapilla, Puri & Simard, "High performance convolutional neural networks for document
// processing", 2006.
#include "cascade/kernels/cpu/parallel.hpp"

#include <algorithm>
#include <cstddef>
#include <type_traits>

namespace cascade::kernels::cpu {

// One geometry for 1-, 2- and 3-D convolutions: depth, height, width. A 2-D convolution has
// d = kd = od = 1 (sd = dd = 1, pd = 0); a 1-D one also h = kh = oh = 1.
struct conv_geometry {
    std::size_t d, h, w, c;       // input sample
    std::size_t kd, kh, kw;       // kernel
    std::size_t sd, sh, sw;       // stride
    std::size_t pd, ph, pw;       // padding before (front, top, left)
    std::size_t dd, dh, dw;       // dilation
    std::size_t od, oh, ow;       // output sample
    constexpr std::size_t patch() const { return kd * kh * kw * c; }
    constexpr std::size_t rows_per_sample() const { return od * oh * ow; }
    constexpr std::size_t sample() const { return d * h * w * c; }
    // 1×1(×1), stride 1, no padding: col is x itself.
    constexpr bool is_pointwise() const {
        return kd == 1 && kh == 1 && kw == 1 && sd == 1 && sh == 1 && sw == 1 && pd == 0 && ph == 0 && pw == 0;
    }
};

// The 2-D spelling (kept for callers that build a 2-D geometry by hand); converts to conv_geometry.
struct conv2d_geometry {
    std::size_t h, w, c;         // input sample
    std::size_t kh, kw;          // kernel
    std::size_t sh, sw;          // stride
    std::size_t ph, pw;          // padding before (top, left)
    std::size_t dh = 1, dw = 1;  // dilation
    std::size_t oh, ow;          // output sample
    std::size_t patch() const { return kh * kw * c; }
    std::size_t rows_per_sample() const { return oh * ow; }
    bool is_pointwise() const { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0; }
    constexpr operator conv_geometry() const { return {1, h, w, c, 1, kh, kw, 1, sh, sw, 0, ph, pw, 1, dh, dw, 1, oh, ow}; }
};

namespace detail {
// Copies n values; short runs (one pixel's channels, a kernel row of a thin image) stay inline — a
// memmove call per 1–25 floats cost more than the copy itself (measured: 27 % of an mnist_cnn step).
template <class T>
inline void copy_run(const T* in, std::size_t n, T* out) {
    if (n >= 64) {
        std::copy_n(in, n, out);
        return;
    }
    for (std::size_t i = 0; i < n; ++i) out[i] = in[i];
}
} // namespace detail

// Calls f(std::true_type) for a geometry with a depth axis and f(std::false_type) for a 2-D or 1-D one
// (d = kd = 1), whose copy of the loops has the depth level compiled out: kept as a run-time loop it
// cost 10 % of im2col on mnist_cnn's 5×5 convolution.
template <class F>
void with_depth(const conv_geometry& g, F&& f) {
    if (g.d == 1 && g.kd == 1 && g.pd == 0) f(std::false_type{});
    else f(std::true_type{});
}

// col rows for samples [n0, n1) of x; col has (n1 − n0)·od·oh·ow rows of patch() values, ordered
// (kz, ky, kx, c) like the Keras kernel. With dilation 1 a kernel row reads kw·c contiguous input values,
// copied as one run (zeros where it hangs over the edge).
template <class T>
void im2col(const conv_geometry& g, const T* x, std::size_t n0, std::size_t n1, T* col) {
    with_depth(g, [&](auto depth) {
        constexpr bool Depth = decltype(depth)::value;
        const std::size_t patch = g.patch(), krow = g.kw * g.c, kplane = g.kh * krow;
        const std::size_t rows = Depth ? g.od * g.oh : g.oh, kd = Depth ? g.kd : 1;
        const auto D = std::ptrdiff_t(g.d), H = std::ptrdiff_t(g.h), W = std::ptrdiff_t(g.w);
        // One task per output row (n, oz, oy): its ow patch rows are written without index divisions.
        parallel_for((n1 - n0) * rows, 8, [&, g](std::size_t t0, std::size_t t1) {
            const T* __restrict xin = x;   // local copies: see max_pool2d_backward
            T* __restrict cout = col;
            for (std::size_t t = t0; t < t1; ++t) {
                const std::size_t n = n0 + t / rows, oz = Depth ? t % rows / g.oh : 0, oy = t % g.oh;
                const T* xs = xin + n * g.sample();
                T* out = cout + t * g.ow * patch;
                for (std::size_t ox = 0; ox < g.ow; ++ox) {
                    const std::ptrdiff_t ix0 = std::ptrdiff_t(ox * g.sw) - std::ptrdiff_t(g.pw);
                    // kx in [lo, hi) lands inside the image (dilation 1).
                    const std::ptrdiff_t lo = g.dw == 1 ? std::max<std::ptrdiff_t>(0, -ix0) : 0;
                    const std::ptrdiff_t hi = g.dw == 1 ? std::min<std::ptrdiff_t>(std::ptrdiff_t(g.kw), W - ix0) : 0;
                    for (std::size_t kz = 0; kz < kd; ++kz) {
                        const std::ptrdiff_t iz = Depth ? std::ptrdiff_t(oz * g.sd + kz * g.dd) - std::ptrdiff_t(g.pd) : 0;
                        if (Depth && (iz < 0 || iz >= D)) {
                            std::fill(out, out + kplane, T(0));
                            out += kplane;
                            continue;
                        }
                        const T* xplane = xs + std::size_t(iz) * g.h * g.w * g.c;
                        for (std::size_t ky = 0; ky < g.kh; ++ky, out += krow) {
                            const std::ptrdiff_t iy = std::ptrdiff_t(oy * g.sh + ky * g.dh) - std::ptrdiff_t(g.ph);
                            if (iy < 0 || iy >= H) {
                                std::fill(out, out + krow, T(0));
                                continue;
                            }
                            const T* xrow = xplane + std::size_t(iy) * g.w * g.c;
                            if (g.dw == 1) {
                                if (hi <= lo) {
                                    std::fill(out, out + krow, T(0));
                                    continue;
                                }
                                std::fill(out, out + std::size_t(lo) * g.c, T(0));
                                detail::copy_run(xrow + std::size_t(ix0 + lo) * g.c, std::size_t(hi - lo) * g.c, out + std::size_t(lo) * g.c);
                                std::fill(out + std::size_t(hi) * g.c, out + krow, T(0));
                            } else {
                                for (std::size_t kx = 0; kx < g.kw; ++kx) {
                                    const std::ptrdiff_t ix = ix0 + std::ptrdiff_t(kx * g.dw);
                                    if (ix < 0 || ix >= W) std::fill(out + kx * g.c, out + (kx + 1) * g.c, T(0));
                                    else detail::copy_run(xrow + std::size_t(ix) * g.c, g.c, out + kx * g.c);
                                }
                            }
                        }
                    }
                }
            }
        });
    });
}

// dx[n0..n1) = col2im(dcol): overwrites those samples of dx with the sum of the patch gradients, each
// pixel starting from `start` (c values; the bias of a transposed convolution) or from zero.
// Parallel over samples, whose dx regions are disjoint, so the result does not depend on threads.
template <class T>
void col2im(const conv_geometry& g, const T* dcol, std::size_t n0, std::size_t n1, T* dx, const T* start = nullptr) {
    with_depth(g, [&](auto depth) {
        constexpr bool Depth = decltype(depth)::value;
        parallel_for(n1 - n0, 1, [=](std::size_t s0, std::size_t s1) {
            const std::size_t patch = g.patch(), sample = g.sample(), plane = g.h * g.w * g.c;
            const std::size_t od = Depth ? g.od : 1, kd = Depth ? g.kd : 1;
            const auto D = std::ptrdiff_t(g.d), H = std::ptrdiff_t(g.h), W = std::ptrdiff_t(g.w);
            for (std::size_t s = s0; s < s1; ++s) {
                T* xs = dx + (n0 + s) * sample;
                if (start)
                    for (std::size_t p = 0; p < sample; p += g.c) std::copy_n(start, g.c, xs + p);
                else
                    std::fill(xs, xs + sample, T(0));
                const T* in = dcol + s * g.rows_per_sample() * patch;
                for (std::size_t oz = 0; oz < od; ++oz)
                    for (std::size_t oy = 0; oy < g.oh; ++oy)
                        for (std::size_t ox = 0; ox < g.ow; ++ox)
                            for (std::size_t kz = 0; kz < kd; ++kz) {
                                const std::ptrdiff_t iz = Depth ? std::ptrdiff_t(oz * g.sd + kz * g.dd) - std::ptrdiff_t(g.pd) : 0;
                                if (Depth && (iz < 0 || iz >= D)) {
                                    in += g.kh * g.kw * g.c;
                                    continue;
                                }
                                T* xplane = xs + std::size_t(iz) * plane;
                                for (std::size_t ky = 0; ky < g.kh; ++ky) {
                                    const std::ptrdiff_t iy = std::ptrdiff_t(oy * g.sh + ky * g.dh) - std::ptrdiff_t(g.ph);
                                    for (std::size_t kx = 0; kx < g.kw; ++kx, in += g.c) {
                                        const std::ptrdiff_t ix = std::ptrdiff_t(ox * g.sw + kx * g.dw) - std::ptrdiff_t(g.pw);
                                        if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
                                        T* o = xplane + (std::size_t(iy) * g.w + std::size_t(ix)) * g.c;
#pragma omp simd
                                        for (std::size_t c = 0; c < g.c; ++c) o[c] += in[c];
                                    }
                                }
                            }
            }
        });
    });
}

} // namespace cascade::kernels::cpu
