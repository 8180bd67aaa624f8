#pragma once
// Spatial re-layout of channels-last samples on raw arrays: zero padding, cropping and integer-factor
// up-sampling (nearest and bilinear). One implementation for 1-, 2- and 3-D: the tensor is viewed as
// x (n, d, h, w, c) — depth, height, width, channels — and a 1-D or 2-D layer has the missing leading
// axes of size 1 (no margin, factor 1), as the N-d convolution and pooling kernels do. Channels are the
// contiguous, vectorised axis.
//   zero_pad   y (n, d + f + k, h + t + b, w + l + r, c): y[i, f + z, t + y', l + x', k] = x[i, z, y', x', k],
//              0 elsewhere (f, k: front and back; t, b: top and bottom; l, r: left and right)
//   crop       y (n, d − f − k, h − t − b, w − l − r, c): y[i, z, y', x', k] = x[i, f + z, t + y', l + x', k]
//              (crop is zero_pad's adjoint and vice versa: each is the other's backward)
//   upsample_nearest    y (n, d·fd, h·fh, w·fw, c): y[i, oz, oy, ox, k] = x[i, ⌊oz/fd⌋, ⌊oy/fh⌋, ⌊ox/fw⌋, k]
//                       dx[i, z, y, x, k] = Σ_{e<fd, a<fh, b<fw} dy[i, z·fd + e, y·fh + a, x·fw + b, k]
//                       (summed in that order: e, then a, then b)
//   upsample_bilinear   over (h, w) of each (sample, depth) slice; half-pixel centres (PyTorch
//                       F.interpolate(mode='bilinear', align_corners=False); TensorFlow 2
//                       tf.image.resize(method='bilinear'), i.e. half_pixel_centers=True — the two agree
//                       for up-sampling). Per axis, for output o, factor f, input size h:
//                          src = max((o + ½)/f − ½, 0),  i0 = ⌊src⌋,  i1 = min(i0 + 1, h − 1),  λ = src − i0
//                          y[oy, ox] = (1−λy)(1−λx) x[y0, x0] + (1−λy) λx x[y0, x1] + λy (1−λx) x[y1, x0] + λy λx x[y1, x1]
//                       backward scatters dy with the same four weights.
// Work is split over rows (forward, gathers) or slices (bilinear backward, a scatter), so no two threads
// write the same element and sums run in a fixed order.
#include "cascade/kernels/cpu/parallel.hpp"

#include <algorithm>
#include <cstddef>

namespace cascade::kernels::cpu {

// The (n, d, h, w, c) view of a batch of channels-last samples.
struct spatial_extent {
    std::size_t n, d, h, w, c;
};
// Slices added (zero_pad) or removed (crop) before and after each of the axes (depth, height, width).
struct spatial_margins {
    std::size_t before[3], after[3];
};
// Integer up-sampling factors of (depth, height, width).
struct spatial_factors {
    std::size_t d, h, w;
};

inline constexpr spatial_extent padded(const spatial_extent& e, const spatial_margins& m) {
    return {e.n, e.d + m.before[0] + m.after[0], e.h + m.before[1] + m.after[1], e.w + m.before[2] + m.after[2], e.c};
}
inline constexpr spatial_extent cropped(const spatial_extent& e, const spatial_margins& m) {
    return {e.n, e.d - m.before[0] - m.after[0], e.h - m.before[1] - m.after[1], e.w - m.before[2] - m.after[2], e.c};
}
inline constexpr spatial_extent upsampled(const spatial_extent& e, const spatial_factors& f) {
    return {e.n, e.d * f.d, e.h * f.h, e.w * f.w, e.c};
}
inline constexpr spatial_extent downsampled(const spatial_extent& e, const spatial_factors& f) {
    return {e.n, e.d / f.d, e.h / f.h, e.w / f.w, e.c};
}

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

// x (e), y (padded(e, m)).
template <class T>
void zero_pad(const spatial_extent& e, const spatial_margins& m, const T* x, T* y) {
    const spatial_extent o = padded(e, m);
    const std::size_t row = o.w * e.c, in_row = e.w * e.c, left = m.before[2] * e.c;
    parallel_for(o.n * o.d * o.h, detail::rows_grain(row), [&](std::size_t b, std::size_t end) {
        for (std::size_t r = b; r < end; ++r) {   // r = (s·od + oz)·oh + oy
            const std::size_t oy = r % o.h, oz = (r / o.h) % o.d, s = r / (o.h * o.d);
            T* yr = y + r * row;
            if (oz < m.before[0] || oz >= m.before[0] + e.d || oy < m.before[1] || oy >= m.before[1] + e.h) {
                std::fill(yr, yr + row, T(0));
                continue;
            }
            const T* xr = x + ((s * e.d + oz - m.before[0]) * e.h + oy - m.before[1]) * in_row;
            std::fill(yr, yr + left, T(0));
            std::copy(xr, xr + in_row, yr + left);
            std::fill(yr + left + in_row, yr + row, T(0));
        }
    });
}

// x (e), y (cropped(e, m)).
template <class T>
void crop(const spatial_extent& e, const spatial_margins& m, const T* x, T* y) {
    const spatial_extent o = cropped(e, m);
    const std::size_t row = o.w * e.c;
    parallel_for(o.n * o.d * o.h, detail::rows_grain(row), [&](std::size_t b, std::size_t end) {
        for (std::size_t r = b; r < end; ++r) {
            const std::size_t oy = r % o.h, oz = (r / o.h) % o.d, s = r / (o.h * o.d);
            const T* xr = x + (((s * e.d + oz + m.before[0]) * e.h + oy + m.before[1]) * e.w + m.before[2]) * e.c;
            std::copy(xr, xr + row, y + r * row);
        }
    });
}

// x (e), y (upsampled(e, f)).
template <class T>
void upsample_nearest_forward(const spatial_extent& e, const spatial_factors& f, const T* x, T* y) {
    const spatial_extent o = upsampled(e, f);
    const std::size_t c = e.c, row = o.w * c;
    parallel_for(o.n * o.d * o.h, detail::rows_grain(row), [&](std::size_t b, std::size_t end) {
        for (std::size_t r = b; r < end; ++r) {
            const std::size_t oy = r % o.h, oz = (r / o.h) % o.d, s = r / (o.h * o.d);
            const T* xr = x + ((s * e.d + oz / f.d) * e.h + oy / f.h) * e.w * c;
            T* yr = y + r * row;
            for (std::size_t ix = 0; ix < e.w; ++ix)
                for (std::size_t j = 0; j < f.w; ++j) std::copy(xr + ix * c, xr + (ix + 1) * c, yr + (ix * f.w + j) * c);
        }
    });
}

// dy (upsampled(e, f)), dx (e). A gather: each row of dx is written by one thread.
template <class T>
void upsample_nearest_backward(const spatial_extent& e, const spatial_factors& f, const T* dy, T* dx) {
    const spatial_extent o = upsampled(e, f);
    const std::size_t c = e.c, row = o.w * c;
    parallel_for(e.n * e.d * e.h, detail::rows_grain(f.d * f.h * row), [&](std::size_t b, std::size_t end) {
        for (std::size_t r = b; r < end; ++r) {   // r = (s·d + iz)·h + iy
            const std::size_t iy = r % e.h, iz = (r / e.h) % e.d, s = r / (e.h * e.d);
            T* dr = dx + r * e.w * c;
            std::fill(dr, dr + e.w * c, T(0));
            for (std::size_t z = 0; z < f.d; ++z)
                for (std::size_t a = 0; a < f.h; ++a) {
                    const T* gr = dy + ((s * o.d + iz * f.d + z) * o.h + iy * f.h + a) * row;
                    for (std::size_t ix = 0; ix < e.w; ++ix)
                        for (std::size_t j = 0; j < f.w; ++j) {
                            const T* g = gr + (ix * f.w + j) * c;
                            T* d = dr + ix * c;
#pragma omp simd
                            for (std::size_t k = 0; k < c; ++k) d[k] += g[k];
                        }
                }
        }
    });
}

// x (e), y (upsampled(e, {1, fh, fw})): each (sample, depth) slice is interpolated on its own.
template <class T>
void upsample_bilinear_forward(const spatial_extent& e, std::size_t fh, std::size_t fw, const T* x, T* y) {
    const std::size_t h = e.h, w = e.w, c = e.c, oh = h * fh, ow = w * fw;
    parallel_for(e.n * e.d * oh, detail::rows_grain(ow * c), [&](std::size_t b, std::size_t end) {
        for (std::size_t r = b; r < end; ++r) {
            const std::size_t s = r / oh, oy = r % oh;   // s: the (sample, depth) slice
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

// dy (upsampled(e, {1, fh, fw})), dx (e). A scatter of dy with the forward's weights; split over slices
// so that threads never share a dx element.
template <class T>
void upsample_bilinear_backward(const spatial_extent& e, std::size_t fh, std::size_t fw, const T* dy, T* dx) {
    const std::size_t h = e.h, w = e.w, c = e.c, oh = h * fh, ow = w * fw;
    parallel_for(e.n * e.d, detail::rows_grain(oh * ow * c), [&](std::size_t b, std::size_t end) {
        std::fill(dx + b * h * w * c, dx + end * h * w * c, T(0));
        for (std::size_t s = b; s < end; ++s)
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
