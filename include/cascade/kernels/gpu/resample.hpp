#pragma once
// GPU global pooling and spatial re-layout of channels-last tensors, with the CPU path's names, arguments
// and formulas (kernels/global_pool.hpp + kernels/cpu/global_pool.hpp, kernels/spatial.hpp +
// kernels/cpu/spatial.hpp):
//   global_avg_pool   y[n, c] = (1/s) Σ_j x[n, j, c]         dx[n, j, c] = dy[n, c] / s
//   global_max_pool   y[n, c] = max_j x[n, j, c], arg = first j of the maximum (strict >)
//                     dx[n, j, c] = dy[n, c] if j = arg[n, c] else 0
//   zero_pad / crop, upsample_nearest over (depth, height, width) of 1-, 2- and 3-D tensors;
//   upsample_bilinear (images, half-pixel centres)
// Every kernel is a gather — one thread per output element, no atomics — and sums run in the CPU's order
// (j ascending; for the up-sampling adjoints, output rows then columns, then the four bilinear taps in
// the CPU's order), so results are bit-identical to the CPU's wherever the compiler does not contract
// a·b + c into one FMA (the bilinear weights; see tests/gpu/test_gpu_layers.cpp for the tolerances).
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block
#include "cascade/kernels/global_pool.hpp"       // detail::global_pool_extent, the CPU overloads
#include "cascade/kernels/spatial.hpp"           // spatial_extent/margins/factors, the CPU overloads

#include <cstdint>

namespace cascade::gpu {

using cascade::kernels::cpu::spatial_extent;
using cascade::kernels::cpu::spatial_factors;
using cascade::kernels::cpu::spatial_margins;


// ---- global pooling over x (n, s, c) ----
template <class T>
__global__ void global_avg_pool_forward_kernel(std::size_t n, std::size_t s, std::size_t c, const T* x, T* y) {
    const T inv = T(1) / T(s);
    CASCADE_GPU_GRID_STRIDE(o, n * c) {
        const std::size_t i = o / c, k = o % c;
        T acc = 0;
        for (std::size_t j = 0; j < s; ++j) acc += x[(i * s + j) * c + k];
        y[o] = acc * inv;
    }
}
template <class T>
__global__ void global_avg_pool_backward_kernel(std::size_t n, std::size_t s, std::size_t c, const T* dy, T* dx) {
    const T inv = T(1) / T(s);
    CASCADE_GPU_GRID_STRIDE(p, n * s * c) dx[p] = dy[(p / (s * c)) * c + p % c] * inv;
}
template <class T>
__global__ void global_max_pool_forward_kernel(std::size_t n, std::size_t s, std::size_t c, const T* x, T* y,
                                               std::uint32_t* arg) {
    CASCADE_GPU_GRID_STRIDE(o, n * c) {
        const std::size_t i = o / c, k = o % c;
        T m = x[i * s * c + k];
        std::uint32_t a = 0;
        for (std::size_t j = 1; j < s; ++j) {
            const T v = x[(i * s + j) * c + k];
            if (v > m) {
                m = v;
                a = std::uint32_t(j);
            }
        }
        y[o] = m;
        arg[o] = a;
    }
}
template <class T>
__global__ void global_max_pool_backward_kernel(std::size_t n, std::size_t s, std::size_t c, const T* dy,
                                                const std::uint32_t* arg, T* dx) {
    CASCADE_GPU_GRID_STRIDE(p, n * s * c) {
        const std::size_t k = p % c, j = (p / c) % s, o = (p / (s * c)) * c + k;
        dx[p] = arg[o] == j ? dy[o] : T(0);
    }
}

// ---- spatial re-layout of x (n, d, h, w, c): 1-, 2- and 3-D with the missing axes of size 1 ----
// Output element o of a tensor of extent e → its (sample, z, y, x, channel) coordinates.
struct spatial_index {
    std::size_t s, z, y, x, k;
    __device__ spatial_index(const spatial_extent& e, std::size_t o) {
        k = o % e.c;
        x = (o / e.c) % e.w;
        y = (o / (e.c * e.w)) % e.h;
        z = (o / (e.c * e.w * e.h)) % e.d;
        s = o / (e.c * e.w * e.h * e.d);
    }
};
__device__ inline std::size_t spatial_offset(const spatial_extent& e, std::size_t s, std::size_t z, std::size_t y,
                                             std::size_t x, std::size_t k) {
    return (((s * e.d + z) * e.h + y) * e.w + x) * e.c + k;
}

// x (e) → y (padded(e, m)).
template <class T>
__global__ void zero_pad_kernel(spatial_extent e, spatial_margins m, const T* x, T* y) {
    const spatial_extent oe{e.n, e.d + m.before[0] + m.after[0], e.h + m.before[1] + m.after[1],
                            e.w + m.before[2] + m.after[2], e.c};
    CASCADE_GPU_GRID_STRIDE(o, oe.n * oe.d * oe.h * oe.w * oe.c) {
        const spatial_index p(oe, o);
        const bool inside = p.z >= m.before[0] && p.z < m.before[0] + e.d && p.y >= m.before[1] &&
                            p.y < m.before[1] + e.h && p.x >= m.before[2] && p.x < m.before[2] + e.w;
        y[o] = inside ? x[spatial_offset(e, p.s, p.z - m.before[0], p.y - m.before[1], p.x - m.before[2], p.k)] : T(0);
    }
}
// x (e) → y (cropped(e, m)).
template <class T>
__global__ void crop_kernel(spatial_extent e, spatial_margins m, const T* x, T* y) {
    const spatial_extent oe{e.n, e.d - m.before[0] - m.after[0], e.h - m.before[1] - m.after[1],
                            e.w - m.before[2] - m.after[2], e.c};
    CASCADE_GPU_GRID_STRIDE(o, oe.n * oe.d * oe.h * oe.w * oe.c) {
        const spatial_index p(oe, o);
        y[o] = x[spatial_offset(e, p.s, p.z + m.before[0], p.y + m.before[1], p.x + m.before[2], p.k)];
    }
}
// x (e) → y (upsampled(e, f)).
template <class T>
__global__ void upsample_nearest_forward_kernel(spatial_extent e, spatial_factors f, const T* x, T* y) {
    const spatial_extent oe{e.n, e.d * f.d, e.h * f.h, e.w * f.w, e.c};
    CASCADE_GPU_GRID_STRIDE(o, oe.n * oe.d * oe.h * oe.w * oe.c) {
        const spatial_index p(oe, o);
        y[o] = x[spatial_offset(e, p.s, p.z / f.d, p.y / f.h, p.x / f.w, p.k)];
    }
}
// dx[s, iz, iy, ix, k] = Σ_{a < fd} Σ_{b < fh} Σ_{j < fw} dy[s, iz·fd + a, iy·fh + b, ix·fw + j, k], in the
// CPU's (a, b, j) order; e is dx's extent.
template <class T>
__global__ void upsample_nearest_backward_kernel(spatial_extent e, spatial_factors f, const T* dy, T* dx) {
    const spatial_extent oe{e.n, e.d * f.d, e.h * f.h, e.w * f.w, e.c};
    CASCADE_GPU_GRID_STRIDE(q, e.n * e.d * e.h * e.w * e.c) {
        const spatial_index p(e, q);
        T acc = 0;
        for (std::size_t a = 0; a < f.d; ++a)
            for (std::size_t b = 0; b < f.h; ++b)
                for (std::size_t j = 0; j < f.w; ++j)
                    acc += dy[spatial_offset(oe, p.s, p.z * f.d + a, p.y * f.h + b, p.x * f.w + j, p.k)];
        dx[q] = acc;
    }
}

// One axis of the half-pixel bilinear tap, computed in double exactly as kernels/cpu/spatial.hpp's
// detail::half_pixel_tap (device code cannot call that host function).
struct device_lerp_tap {
    std::size_t i0, i1;
    double w1;
};
__device__ inline device_lerp_tap half_pixel_tap(std::size_t o, std::size_t f, std::size_t in) {
    double src = (double(o) + 0.5) / double(f) - 0.5;
    src = src > 0.0 ? src : 0.0;
    std::size_t i0 = std::size_t(src);
    i0 = i0 < in - 1 ? i0 : in - 1;
    return {i0, i0 + 1 < in - 1 ? i0 + 1 : in - 1, src - double(i0)};
}

// Bilinear over (h, w) of each of the n (sample, depth) slices.
template <class T>
__global__ void upsample_bilinear_forward_kernel(std::size_t n, std::size_t h, std::size_t w, std::size_t c,
                                                 std::size_t fh, std::size_t fw, const T* x, T* y) {
    const std::size_t oh = h * fh, ow = w * fw;
    CASCADE_GPU_GRID_STRIDE(o, n * oh * ow * c) {
        const std::size_t k = o % c, ox = (o / c) % ow, oy = (o / (c * ow)) % oh, s = o / (c * ow * oh);
        const device_lerp_tap ty = half_pixel_tap(oy, fh, h), tx = half_pixel_tap(ox, fw, w);
        const T w11 = T(ty.w1 * tx.w1), w10 = T(ty.w1 * (1 - tx.w1)), w01 = T((1 - ty.w1) * tx.w1),
                w00 = T((1 - ty.w1) * (1 - tx.w1));
        const T* x0 = x + (s * h + ty.i0) * w * c + k;
        const T* x1 = x + (s * h + ty.i1) * w * c + k;
        y[o] = w00 * x0[tx.i0 * c] + w01 * x0[tx.i1 * c] + w10 * x1[tx.i0 * c] + w11 * x1[tx.i1 * c];
    }
}
// The adjoint as a gather: dx[s, iy, ix, k] adds w · dy over the outputs whose taps reach (iy, ix). Only
// outputs in [(i − 1)·f, (i + 2)·f) can (their source coordinate lies in [i − 1, i + 1]); they are visited
// in the CPU scatter's order (rows, columns, then the taps 00, 01, 10, 11), so the sums match it.
template <class T>
__global__ void upsample_bilinear_backward_kernel(std::size_t n, std::size_t h, std::size_t w, std::size_t c,
                                                  std::size_t fh, std::size_t fw, const T* dy, T* dx) {
    const std::size_t oh = h * fh, ow = w * fw;
    CASCADE_GPU_GRID_STRIDE(p, n * h * w * c) {
        const std::size_t k = p % c, ix = (p / c) % w, iy = (p / (c * w)) % h, s = p / (c * w * h);
        const std::size_t oy0 = iy ? (iy - 1) * fh : 0, oy1 = (iy + 2) * fh < oh ? (iy + 2) * fh : oh;
        const std::size_t ox0 = ix ? (ix - 1) * fw : 0, ox1 = (ix + 2) * fw < ow ? (ix + 2) * fw : ow;
        T acc = 0;
        for (std::size_t oy = oy0; oy < oy1; ++oy) {
            const device_lerp_tap ty = half_pixel_tap(oy, fh, h);
            if (ty.i0 != iy && ty.i1 != iy) continue;
            for (std::size_t ox = ox0; ox < ox1; ++ox) {
                const device_lerp_tap tx = half_pixel_tap(ox, fw, w);
                if (tx.i0 != ix && tx.i1 != ix) continue;
                const T w11 = T(ty.w1 * tx.w1), w10 = T(ty.w1 * (1 - tx.w1)), w01 = T((1 - ty.w1) * tx.w1),
                        w00 = T((1 - ty.w1) * (1 - tx.w1));
                const T g = dy[((s * oh + oy) * ow + ox) * c + k];
                if (ty.i0 == iy && tx.i0 == ix) acc += w00 * g;
                if (ty.i0 == iy && tx.i1 == ix) acc += w01 * g;
                if (ty.i1 == iy && tx.i0 == ix) acc += w10 * g;
                if (ty.i1 == iy && tx.i1 == ix) acc += w11 * g;
            }
        }
        dx[p] = acc;
    }
}

} // namespace cascade::gpu

namespace cascade::kernels {

// ---- global pooling: kernels/global_pool.hpp's contract on device tensors ----
template <class T, std::size_t R, std::size_t RY>
void global_avg_pool_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, RY>& y) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x.shape());
    ensure_shape(y, detail::global_pool_output_shape<RY>(n, c));
    gpu::launch("global_avg_pool_forward", gpu::global_avg_pool_forward_kernel<T>, gpu::grid_for(n * c),
                gpu::elementwise_block, n, s, c, x.data(), y.data());
}
template <class T, std::size_t R, std::size_t RY>
void global_avg_pool_backward(const gpu::device_tensor<T, RY>& dy, const std::array<std::size_t, R>& x_shape,
                              gpu::device_tensor<T, R>& dx) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x_shape);
    ensure_shape(dx, x_shape);
    gpu::launch("global_avg_pool_backward", gpu::global_avg_pool_backward_kernel<T>, gpu::grid_for(n * s * c),
                gpu::elementwise_block, n, s, c, dy.data(), dx.data());
}
template <class T, std::size_t R, std::size_t RY>
void global_max_pool_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, RY>& y,
                             gpu::device_tensor<std::uint32_t, 2>& argmax) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x.shape());
    ensure_shape(y, detail::global_pool_output_shape<RY>(n, c));
    ensure_shape(argmax, std::array{n, c});
    gpu::launch("global_max_pool_forward", gpu::global_max_pool_forward_kernel<T>, gpu::grid_for(n * c),
                gpu::elementwise_block, n, s, c, x.data(), y.data(), argmax.data());
}
template <class T, std::size_t R, std::size_t RY>
void global_max_pool_backward(const gpu::device_tensor<T, RY>& dy, const gpu::device_tensor<std::uint32_t, 2>& argmax,
                              const std::array<std::size_t, R>& x_shape, gpu::device_tensor<T, R>& dx) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x_shape);
    ensure_shape(dx, x_shape);
    gpu::launch("global_max_pool_backward", gpu::global_max_pool_backward_kernel<T>, gpu::grid_for(n * s * c),
                gpu::elementwise_block, n, s, c, dy.data(), argmax.data(), dx.data());
}

// ---- spatial: kernels/spatial.hpp's contract on device tensors, 1-, 2- and 3-D ----
template <class T, std::size_t R>
void zero_pad(const gpu::device_tensor<T, R>& x, const spatial_margins& m, gpu::device_tensor<T, R>& y) {
    const spatial_extent e = detail::spatial_extent_of<R>(x.shape());
    ensure_shape(y, detail::spatial_shape<R>(cpu::padded(e, m)));
    gpu::launch("zero_pad", gpu::zero_pad_kernel<T>, gpu::grid_for(y.size()), gpu::elementwise_block, e, m, x.data(),
                y.data());
}
template <class T, std::size_t R>
void crop(const gpu::device_tensor<T, R>& x, const spatial_margins& m, gpu::device_tensor<T, R>& y) {
    const spatial_extent e = detail::spatial_extent_of<R>(x.shape());
    ensure_shape(y, detail::spatial_shape<R>(cpu::cropped(e, m)));
    gpu::launch("crop", gpu::crop_kernel<T>, gpu::grid_for(y.size()), gpu::elementwise_block, e, m, x.data(), y.data());
}
template <class T, std::size_t R>
void upsample_nearest_forward(const gpu::device_tensor<T, R>& x, const spatial_factors& f, gpu::device_tensor<T, R>& y) {
    const spatial_extent e = detail::spatial_extent_of<R>(x.shape());
    ensure_shape(y, detail::spatial_shape<R>(cpu::upsampled(e, f)));
    gpu::launch("upsample_nearest_forward", gpu::upsample_nearest_forward_kernel<T>, gpu::grid_for(y.size()),
                gpu::elementwise_block, e, f, x.data(), y.data());
}
template <class T, std::size_t R>
void upsample_nearest_backward(const gpu::device_tensor<T, R>& dy, const spatial_factors& f, gpu::device_tensor<T, R>& dx) {
    const spatial_extent e = cpu::downsampled(detail::spatial_extent_of<R>(dy.shape()), f);
    ensure_shape(dx, detail::spatial_shape<R>(e));
    gpu::launch("upsample_nearest_backward", gpu::upsample_nearest_backward_kernel<T>, gpu::grid_for(dx.size()),
                gpu::elementwise_block, e, f, dy.data(), dx.data());
}
template <class T>
void upsample_bilinear_forward(const gpu::device_tensor<T, 4>& x, std::size_t fh, std::size_t fw,
                               gpu::device_tensor<T, 4>& y) {
    const spatial_extent e = detail::spatial_extent_of<4>(x.shape());
    ensure_shape(y, detail::spatial_shape<4>(cpu::upsampled(e, {1, fh, fw})));
    gpu::launch("upsample_bilinear_forward", gpu::upsample_bilinear_forward_kernel<T>, gpu::grid_for(y.size()),
                gpu::elementwise_block, e.n * e.d, e.h, e.w, e.c, fh, fw, x.data(), y.data());
}
template <class T>
void upsample_bilinear_backward(const gpu::device_tensor<T, 4>& dy, std::size_t fh, std::size_t fw,
                                gpu::device_tensor<T, 4>& dx) {
    const spatial_extent e = cpu::downsampled(detail::spatial_extent_of<4>(dy.shape()), {1, fh, fw});
    ensure_shape(dx, detail::spatial_shape<4>(e));
    gpu::launch("upsample_bilinear_backward", gpu::upsample_bilinear_backward_kernel<T>, gpu::grid_for(dx.size()),
                gpu::elementwise_block, e.n * e.d, e.h, e.w, e.c, fh, fw, dy.data(), dx.data());
}

} // namespace cascade::kernels
