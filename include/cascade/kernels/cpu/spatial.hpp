#pragma once
// Spatial re-layout of channels-last images on raw arrays, x (n, h, w, c): zero padding, cropping and
// integer-factor up-sampling (nearest and bilinear). Channels are the contiguous, vectorised axis.
//   zero_pad2d   y (n, h + t + b, w + l + r, c): y[i, t + y', l + x', k] = x[i, y', x', k], 0 elsewhere
//   crop2d       y (n, h − t − b, w − l − r, c): y[i, y', x', k] = x[i, t + y', l + x', k]
//                (crop2d is zero_pad2d's adjoint and vice versa: each is the other's backward)
//   upsample2d_nearest   y (n, h·fh, w·fw, c): y[i, oy, ox, k] = x[i, ⌊oy/fh⌋, ⌊ox/fw⌋, k]
//                        dx[i, y, x, k] = Σ_{a<fh, b<fw} dy[i, y·fh + a, x·fw + b, k]
//   upsample2d_bilinear  half-pixel centres (PyTorch F.interpolate(mode='bilinear', align_corners=False);
//                        TensorFlow 2 tf.image.resize(method='bilinear'), i.e. half_pixel_centers=True —
//                        the two agree for up-sampling). Per axis, for output o, factor f, input size h:
//                          src = max((o + ½)/f − ½, 0),  i0 = ⌊src⌋,  i1 = min(i0 + 1, h − 1),  λ = src − i0
//                          y[oy, ox] = (1−λy)(1−λx) x[y0, x0] + (1−λy) λx x[y0, x1] + λy (1−λx) x[y1, x0] + λy λx x[y1, x1]
//                        backward scatters dy with the same four weights.
// Work is split over rows (forward, gathers) or samples (bilinear backward, a scatter), so no two threads
// write the same element and sums run in a fixed order.
#include "cascade/kernels/cpu/parallel.hpp"

#include <algorithm>
#include <cstddef>

namespace cascade::kernels::cpu {

// Rows or columns added (zero_pad2d) or removed (crop2d) on each side.
struct margins2d {
    std::size_t top, bottom, left, right;
};

namespace detail {
// Rows per thread so that each thread gets about 32k values.
inline std::size_t rows_grain(std::size_t per_row) { return 32768 / (per_row ? per_row : 1) + 1; }

// One axis of bilinear interpolation with half-pixel centres: out = (1 − w1) in[i0] + w1 in[i1].
struct lerp_tap {
    std::size_t i0, i1;
    double w1;
};
inline lerp_tap half_pixel_tap(std::size_t o, std::size_t f, std::size_t in) {
    const double src = std::max((double(o) + 0.5) / double(f) - 0.5, 0.0);
    const std::size_t i0 = std::min(std::size_t(src), in - 1);
    return {i0, std::min(i0 + 1, in - 1), src - double(i0)};
}
} // namespace detail

template <class T>
void zero_pad2d(std::size_t n, std::size_t h, std::size_t w, std::size_t c, const margins2d& m, const T* x, T* y) {
    const std::size_t oh = h + m.top + m.bottom, ow = w + m.left + m.right, row = ow * c;
    parallel_for(n * oh, detail::rows_grain(row), [&](std::size_t b, std::size_t e) {
        for (std::size_t r = b; r < e; ++r) {
            const std::size_t s = r / oh, oy = r % oh;
            T* yr = y + r * row;
            if (oy < m.top || oy >= m.top + h) {
                std::fill(yr, yr + row, T(0));
                continue;
            }
            const T* xr = x + (s * h + oy - m.top) * w * c;
            std::fill(yr, yr + m.left * c, T(0));
            std::copy(xr, xr + w * c, yr + m.left * c);
            std::fill(yr + (m.left + w) * c, yr + row, T(0));
        }
    });
}

template <class T>
void crop2d(std::size_t n, std::size_t h, std::size_t w, std::size_t c, const margins2d& m, const T* x, T* y) {
    const std::size_t oh = h - m.top - m.bottom, ow = w - m.left - m.right, row = ow * c;
    parallel_for(n * oh, detail::rows_grain(row), [&](std::size_t b, std::size_t e) {
        for (std::size_t r = b; r < e; ++r) {
            const std::size_t s = r / oh, oy = r % oh;
            const T* xr = x + ((s * h + oy + m.top) * w + m.left) * c;
            std::copy(xr, xr + row, y + r * row);
        }
    });
}

template <class T>
void upsample2d_nearest_forward(std::size_t n, std::size_t h, std::size_t w, std::size_t c, std::size_t fh,
                                std::size_t fw, const T* x, T* y) {
    const std::size_t oh = h * fh, ow = w * fw;
    parallel_for(n * oh, detail::rows_grain(ow * c), [&](std::size_t b, std::size_t e) {
        for (std::size_t r = b; r < e; ++r) {
            const std::size_t s = r / oh, oy = r % oh;
            const T* xr = x + (s * h + oy / fh) * w * c;
            T* yr = y + r * ow * c;
            for (std::size_t ix = 0; ix < w; ++ix)
                for (std::size_t j = 0; j < fw; ++j) std::copy(xr + ix * c, xr + (ix + 1) * c, yr + (ix * fw + j) * c);
        }
    });
}

// A gather: each row of dx is written by one thread.
template <class T>
void upsample2d_nearest_backward(std::size_t n, std::size_t h, std::size_t w, std::size_t c, std::size_t fh,
                                 std::size_t fw, const T* dy, T* dx) {
    const std::size_t ow = w * fw;
    parallel_for(n * h, detail::rows_grain(fh * ow * c), [&](std::size_t b, std::size_t e) {
        for (std::size_t r = b; r < e; ++r) {   // r = s·h + iy
            T* dr = dx + r * w * c;
            std::fill(dr, dr + w * c, T(0));
            for (std::size_t a = 0; a < fh; ++a) {
                const T* gr = dy + (r * fh + a) * ow * c;
                for (std::size_t ix = 0; ix < w; ++ix)
                    for (std::size_t j = 0; j < fw; ++j) {
                        const T* g = gr + (ix * fw + j) * c;
                        T* d = dr + ix * c;
#pragma omp simd
                        for (std::size_t k = 0; k < c; ++k) d[k] += g[k];
                    }
            }
        }
    });
}

template <class T>
void upsample2d_bilinear_forward(std::size_t n, std::size_t h, std::size_t w, std::size_t c, std::size_t fh,
                                 std::size_t fw, const T* x, T* y) {
    const std::size_t oh = h * fh, ow = w * fw;
    parallel_for(n * oh, detail::rows_grain(ow * c), [&](std::size_t b, std::size_t e) {
        for (std::size_t r = b; r < e; ++r) {
            const std::size_t s = r / oh, oy = r % oh;
            const detail::lerp_tap ty = detail::half_pixel_tap(oy, fh, h);
            const T* x0 = x + (s * h + ty.i0) * w * c;
            const T* x1 = x + (s * h + ty.i1) * w * c;
            T* yr = y + r * ow * c;
            for (std::size_t ox = 0; ox < ow; ++ox) {
                const detail::lerp_tap tx = detail::half_pixel_tap(ox, fw, w);
                const T w11 = T(ty.w1 * tx.w1), w10 = T(ty.w1 * (1 - tx.w1)), w01 = T((1 - ty.w1) * tx.w1),
                        w00 = T((1 - ty.w1) * (1 - tx.w1));
                const T *a = x0 + tx.i0 * c, *bb = x0 + tx.i1 * c, *cc = x1 + tx.i0 * c, *d = x1 + tx.i1 * c;
                T* yo = yr + ox * c;
#pragma omp simd
                for (std::size_t k = 0; k < c; ++k) yo[k] = w00 * a[k] + w01 * bb[k] + w10 * cc[k] + w11 * d[k];
            }
        }
    });
}

// A scatter of dy with the forward's weights; split over samples so that threads never share a dx element.
template <class T>
void upsample2d_bilinear_backward(std::size_t n, std::size_t h, std::size_t w, std::size_t c, std::size_t fh,
                                  std::size_t fw, const T* dy, T* dx) {
    const std::size_t oh = h * fh, ow = w * fw;
    parallel_for(n, detail::rows_grain(oh * ow * c), [&](std::size_t b, std::size_t e) {
        std::fill(dx + b * h * w * c, dx + e * h * w * c, T(0));
        for (std::size_t s = b; s < e; ++s)
            for (std::size_t oy = 0; oy < oh; ++oy) {
                const detail::lerp_tap ty = detail::half_pixel_tap(oy, fh, h);
                T* d0 = dx + (s * h + ty.i0) * w * c;
                T* d1 = dx + (s * h + ty.i1) * w * c;
                const T* gr = dy + (s * oh + oy) * ow * c;
                for (std::size_t ox = 0; ox < ow; ++ox) {
                    const detail::lerp_tap tx = detail::half_pixel_tap(ox, fw, w);
                    const T w11 = T(ty.w1 * tx.w1), w10 = T(ty.w1 * (1 - tx.w1)), w01 = T((1 - ty.w1) * tx.w1),
                            w00 = T((1 - ty.w1) * (1 - tx.w1));
                    const T* g = gr + ox * c;
                    T *a = d0 + tx.i0 * c, *bb = d0 + tx.i1 * c, *cc = d1 + tx.i0 * c, *dd = d1 + tx.i1 * c;
                    // Not `omp simd`: a, bb, cc, dd may alias (clamped taps at the border).
                    for (std::size_t k = 0; k < c; ++k) {
                        a[k] += w00 * g[k];
                        bb[k] += w01 * g[k];
                        cc[k] += w10 * g[k];
                        dd[k] += w11 * g[k];
                    }
                }
            }
    });
}

} // namespace cascade::kernels::cpu
