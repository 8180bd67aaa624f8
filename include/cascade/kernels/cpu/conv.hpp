#pragma once
// Convolution lowering for channels-last (NHWC) tensors: im2col builds the patch matrix
//   col[(n, oy, ox), (ky, kx, c)] = x[n, oy·sh + ky·dh − ph, ox·sw + kx·dw − pw, c]   (0 outside)
// so that conv = col · W with W the Keras kernel (KH, KW, C, F) read as a (KH·KW·C) × F matrix, and the
// output rows (n, oy, ox) × F are already NHWC. col2im is its adjoint (scatter-add), used for ∂x.
// Chellapilla, Puri & Simard, "High performance convolutional neural networks for document
// processing", 2006.
#include "cascade/kernels/cpu/parallel.hpp"

#include <algorithm>
#include <cstddef>

namespace cascade::kernels::cpu {

struct conv2d_geometry {
    std::size_t h, w, c;         // input sample
    std::size_t kh, kw;          // kernel
    std::size_t sh, sw;          // stride
    std::size_t ph, pw;          // padding before (top, left)
    std::size_t dh = 1, dw = 1;  // dilation
    std::size_t oh, ow;          // output sample
    std::size_t patch() const { return kh * kw * c; }
    std::size_t rows_per_sample() const { return oh * ow; }
    // 1×1, stride 1, no padding: col is x itself.
    bool is_pointwise() const { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0; }
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

// col rows for samples [n0, n1) of x; col has (n1 − n0)·oh·ow rows of patch() values. With dilation 1 a
// kernel row reads kw·c contiguous input values, copied as one run (zeros where it hangs over the edge).
template <class T>
void im2col(const conv2d_geometry& g, const T* x, std::size_t n0, std::size_t n1, T* col) {
    const std::size_t patch = g.patch(), krow = g.kw * g.c;
    const auto H = std::ptrdiff_t(g.h), W = std::ptrdiff_t(g.w);
    // One task per output row (n, oy): its ow patch rows are written without index divisions.
    parallel_for((n1 - n0) * g.oh, 8, [&, g](std::size_t t0, std::size_t t1) {
        const T* __restrict xin = x;   // local copies: see max_pool2d_backward
        T* __restrict cout = col;
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t n = n0 + t / g.oh, oy = t % g.oh;
            const T* xs = xin + n * g.h * g.w * g.c;
            T* out = cout + t * g.ow * patch;
            for (std::size_t ox = 0; ox < g.ow; ++ox) {
                const std::ptrdiff_t ix0 = std::ptrdiff_t(ox * g.sw) - std::ptrdiff_t(g.pw);
                // kx in [lo, hi) lands inside the image (dilation 1).
                const std::ptrdiff_t lo = g.dw == 1 ? std::max<std::ptrdiff_t>(0, -ix0) : 0;
                const std::ptrdiff_t hi = g.dw == 1 ? std::min<std::ptrdiff_t>(std::ptrdiff_t(g.kw), W - ix0) : 0;
                for (std::size_t ky = 0; ky < g.kh; ++ky, out += krow) {
                    const std::ptrdiff_t iy = std::ptrdiff_t(oy * g.sh + ky * g.dh) - std::ptrdiff_t(g.ph);
                    if (iy < 0 || iy >= H) {
                        std::fill(out, out + krow, T(0));
                        continue;
                    }
                    const T* xrow = xs + std::size_t(iy) * g.w * g.c;
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
    });
}

// dx[n0..n1) = col2im(dcol): overwrites those samples of dx with the sum of the patch gradients.
// Parallel over samples, whose dx regions are disjoint, so the result does not depend on threads.
template <class T>
void col2im(const conv2d_geometry& g, const T* dcol, std::size_t n0, std::size_t n1, T* dx) {
    const std::size_t patch = g.patch(), sample = g.h * g.w * g.c;
    parallel_for(n1 - n0, 1, [&](std::size_t s0, std::size_t s1) {
        for (std::size_t s = s0; s < s1; ++s) {
            T* xs = dx + (n0 + s) * sample;
            std::fill(xs, xs + sample, T(0));
            const T* in = dcol + s * g.oh * g.ow * patch;
            for (std::size_t oy = 0; oy < g.oh; ++oy)
                for (std::size_t ox = 0; ox < g.ow; ++ox)
                    for (std::size_t ky = 0; ky < g.kh; ++ky) {
                        const std::ptrdiff_t iy = std::ptrdiff_t(oy * g.sh + ky * g.dh) - std::ptrdiff_t(g.ph);
                        for (std::size_t kx = 0; kx < g.kw; ++kx, in += g.c) {
                            const std::ptrdiff_t ix = std::ptrdiff_t(ox * g.sw + kx * g.dw) - std::ptrdiff_t(g.pw);
                            if (iy < 0 || ix < 0 || iy >= std::ptrdiff_t(g.h) || ix >= std::ptrdiff_t(g.w)) continue;
                            T* o = xs + (std::size_t(iy) * g.w + std::size_t(ix)) * g.c;
#pragma omp simd
                            for (std::size_t c = 0; c < g.c; ++c) o[c] += in[c];
                        }
                    }
        }
    });
}

} // namespace cascade::kernels::cpu
