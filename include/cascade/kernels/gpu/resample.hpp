#pragma once
// GPU global pooling and spatial re-layout of channels-last tensors, with the CPU path's names, arguments
// and formulas (kernels/global_pool.hpp + kernels/cpu/global_pool.hpp, kernels/spatial.hpp +
// kernels/cpu/spatial.hpp):
//   global_avg_pool   y[n, c] = (1/s) Σ_j x[n, j, c]         dx[n, j, c] = dy[n, c] / s
//   global_max_pool   y[n, c] = max_j x[n, j, c], arg = first j of the maximum (strict >)
//                     dx[n, j, c] = dy[n, c] if j = arg[n, c] else 0
//   zero_pad2d / crop2d, upsample2d_nearest / upsample2d_bilinear (half-pixel centres)
// Every kernel is a gather — one thread per output element, no atomics — and sums run in the CPU's order
// (j ascending; for the up-sampling adjoints, output rows then columns, then the four bilinear taps in
// the CPU's order), so results are bit-identical to the CPU's wherever the compiler does not contract
// a·b + c into one FMA (the bilinear weights; see tests/gpu/test_gpu_layers.cpp for the tolerances).
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block
#include "cascade/kernels/global_pool.hpp"       // detail::global_pool_extent, the CPU overloads
#include "cascade/kernels/spatial.hpp"           // margins2d, the CPU overloads

#include <cstdint>

namespace cascade::gpu {

using cascade::kernels::cpu::margins2d;


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

// ---- spatial re-layout of x (n, h, w, c) ----
template <class T>
__global__ void zero_pad2d_kernel(std::size_t n, std::size_t h, std::size_t w, std::size_t c, margins2d m, const T* x,
                                  T* y) {
    const std::size_t oh = h + m.top + m.bottom, ow = w + m.left + m.right;
    CASCADE_GPU_GRID_STRIDE(o, n * oh * ow * c) {
        const std::size_t k = o % c, ox = (o / c) % ow, oy = (o / (c * ow)) % oh, s = o / (c * ow * oh);
        const bool inside = oy >= m.top && oy < m.top + h && ox >= m.left && ox < m.left + w;
        y[o] = inside ? x[((s * h + oy - m.top) * w + ox - m.left) * c + k] : T(0);
    }
}
template <class T>
__global__ void crop2d_kernel(std::size_t n, std::size_t h, std::size_t w, std::size_t c, margins2d m, const T* x, T* y) {
    const std::size_t oh = h - m.top - m.bottom, ow = w - m.left - m.right;
    CASCADE_GPU_GRID_STRIDE(o, n * oh * ow * c) {
        const std::size_t k = o % c, ox = (o / c) % ow, oy = (o / (c * ow)) % oh, s = o / (c * ow * oh);
        y[o] = x[((s * h + oy + m.top) * w + ox + m.left) * c + k];
    }
}
template <class T>
__global__ void upsample2d_nearest_forward_kernel(std::size_t n, std::size_t h, std::size_t w, std::size_t c,
                                                  std::size_t fh, std::size_t fw, const T* x, T* y) {
    const std::size_t oh = h * fh, ow = w * fw;
    CASCADE_GPU_GRID_STRIDE(o, n * oh * ow * c) {
        const std::size_t k = o % c, ox = (o / c) % ow, oy = (o / (c * ow)) % oh, s = o / (c * ow * oh);
        y[o] = x[((s * h + oy / fh) * w + ox / fw) * c + k];
    }
}
// dx[s, iy, ix, k] = Σ_{a < fh} Σ_{b < fw} dy[s, iy·fh + a, ix·fw + b, k], in the CPU's (a, b) order.
template <class T>
__global__ void upsample2d_nearest_backward_kernel(std::size_t n, std::size_t h, std::size_t w, std::size_t c,
                                                   std::size_t fh, std::size_t fw, const T* dy, T* dx) {
    const std::size_t oh = h * fh, ow = w * fw;
    CASCADE_GPU_GRID_STRIDE(p, n * h * w * c) {
        const std::size_t k = p % c, ix = (p / c) % w, iy = (p / (c * w)) % h, s = p / (c * w * h);
        T acc = 0;
        for (std::size_t a = 0; a < fh; ++a)
            for (std::size_t b = 0; b < fw; ++b) acc += dy[((s * oh + iy * fh + a) * ow + ix * fw + b) * c + k];
        dx[p] = acc;
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

template <class T>
__global__ void upsample2d_bilinear_forward_kernel(std::size_t n, std::size_t h, std::size_t w, std::size_t c,
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
__global__ void upsample2d_bilinear_backward_kernel(std::size_t n, std::size_t h, std::size_t w, std::size_t c,
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
template <class T, std::size_t R>
void global_avg_pool_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, 2>& y) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x.shape());
    ensure_shape(y, std::array{n, c});
    gpu::launch("global_avg_pool_forward", gpu::global_avg_pool_forward_kernel<T>, gpu::grid_for(n * c),
                gpu::elementwise_block, n, s, c, x.data(), y.data());
}
template <class T, std::size_t R>
void global_avg_pool_backward(const gpu::device_tensor<T, 2>& dy, const std::array<std::size_t, R>& x_shape,
                              gpu::device_tensor<T, R>& dx) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x_shape);
    ensure_shape(dx, x_shape);
    gpu::launch("global_avg_pool_backward", gpu::global_avg_pool_backward_kernel<T>, gpu::grid_for(n * s * c),
                gpu::elementwise_block, n, s, c, dy.data(), dx.data());
}
template <class T, std::size_t R>
void global_max_pool_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, 2>& y,
                             gpu::device_tensor<std::uint32_t, 2>& argmax) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x.shape());
    ensure_shape(y, std::array{n, c});
    ensure_shape(argmax, std::array{n, c});
    gpu::launch("global_max_pool_forward", gpu::global_max_pool_forward_kernel<T>, gpu::grid_for(n * c),
                gpu::elementwise_block, n, s, c, x.data(), y.data(), argmax.data());
}
template <class T, std::size_t R>
void global_max_pool_backward(const gpu::device_tensor<T, 2>& dy, const gpu::device_tensor<std::uint32_t, 2>& argmax,
                              const std::array<std::size_t, R>& x_shape, gpu::device_tensor<T, R>& dx) {
    const auto [n, s, c] = detail::global_pool_extent<R>(x_shape);
    ensure_shape(dx, x_shape);
    gpu::launch("global_max_pool_backward", gpu::global_max_pool_backward_kernel<T>, gpu::grid_for(n * s * c),
                gpu::elementwise_block, n, s, c, dy.data(), argmax.data(), dx.data());
}

// ---- spatial: kernels/spatial.hpp's contract on device tensors ----
template <class T>
void zero_pad2d(const gpu::device_tensor<T, 4>& x, const margins2d& m, gpu::device_tensor<T, 4>& y) {
    const auto& s = x.shape();
    ensure_shape(y, std::array{s[0], s[1] + m.top + m.bottom, s[2] + m.left + m.right, s[3]});
    gpu::launch("zero_pad2d", gpu::zero_pad2d_kernel<T>, gpu::grid_for(y.size()), gpu::elementwise_block,
                s[0], s[1], s[2], s[3], m, x.data(), y.data());
}
template <class T>
void crop2d(const gpu::device_tensor<T, 4>& x, const margins2d& m, gpu::device_tensor<T, 4>& y) {
    const auto& s = x.shape();
    ensure_shape(y, std::array{s[0], s[1] - m.top - m.bottom, s[2] - m.left - m.right, s[3]});
    gpu::launch("crop2d", gpu::crop2d_kernel<T>, gpu::grid_for(y.size()), gpu::elementwise_block,
                s[0], s[1], s[2], s[3], m, x.data(), y.data());
}
template <class T>
void upsample2d_nearest_forward(const gpu::device_tensor<T, 4>& x, std::size_t fh, std::size_t fw,
                                gpu::device_tensor<T, 4>& y) {
    const auto& s = x.shape();
    ensure_shape(y, std::array{s[0], s[1] * fh, s[2] * fw, s[3]});
    gpu::launch("upsample2d_nearest_forward", gpu::upsample2d_nearest_forward_kernel<T>, gpu::grid_for(y.size()),
                gpu::elementwise_block, s[0], s[1], s[2], s[3], fh, fw, x.data(), y.data());
}
template <class T>
void upsample2d_nearest_backward(const gpu::device_tensor<T, 4>& dy, std::size_t fh, std::size_t fw,
                                 gpu::device_tensor<T, 4>& dx) {
    const auto& s = dy.shape();
    ensure_shape(dx, std::array{s[0], s[1] / fh, s[2] / fw, s[3]});
    gpu::launch("upsample2d_nearest_backward", gpu::upsample2d_nearest_backward_kernel<T>, gpu::grid_for(dx.size()),
                gpu::elementwise_block, s[0], s[1] / fh, s[2] / fw, s[3], fh, fw, dy.data(), dx.data());
}
template <class T>
void upsample2d_bilinear_forward(const gpu::device_tensor<T, 4>& x, std::size_t fh, std::size_t fw,
                                 gpu::device_tensor<T, 4>& y) {
    const auto& s = x.shape();
    ensure_shape(y, std::array{s[0], s[1] * fh, s[2] * fw, s[3]});
    gpu::launch("upsample2d_bilinear_forward", gpu::upsample2d_bilinear_forward_kernel<T>, gpu::grid_for(y.size()),
                gpu::elementwise_block, s[0], s[1], s[2], s[3], fh, fw, x.data(), y.data());
}
template <class T>
void upsample2d_bilinear_backward(const gpu::device_tensor<T, 4>& dy, std::size_t fh, std::size_t fw,
                                  gpu::device_tensor<T, 4>& dx) {
    const auto& s = dy.shape();
    ensure_shape(dx, std::array{s[0], s[1] / fh, s[2] / fw, s[3]});
    gpu::launch("upsample2d_bilinear_backward", gpu::upsample2d_bilinear_backward_kernel<T>, gpu::grid_for(dx.size()),
                gpu::elementwise_block, s[0], s[1] / fh, s[2] / fw, s[3], fh, fw, dy.data(), dx.data());
}

} // namespace cascade::kernels
