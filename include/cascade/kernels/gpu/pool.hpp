#pragma once
// GPU 2-D pooling over NHWC tensors, 'valid' windows, with the CPU path's semantics (kernels/cpu/pool.hpp):
//   max: y = max over the window; backward sends each window's dy to its FIRST maximal element in
//        row-major order (recomputed from x and y, as on the CPU); overlapping windows add (atomicAdd, so
//        with stride < pool the summation order — and the last bit — may vary between runs)
//   avg: y = mean over the window; backward spreads dy / (ph·pw) over the window (a gather: no atomics)
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/cpu/pool.hpp"   // pool2d_geometry (plain data)
#include "cascade/kernels/gpu/elementwise.hpp"

namespace cascade::gpu {

using cascade::kernels::cpu::pool2d_geometry;

template <class T>
__global__ void max_pool2d_forward_kernel(pool2d_geometry g, std::size_t n, const T* __restrict__ x, T* __restrict__ y) {
    const std::size_t total = n * g.oh * g.ow * g.c;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t c = i % g.c, ox = (i / g.c) % g.ow, oy = (i / (g.c * g.ow)) % g.oh, s = i / (g.c * g.ow * g.oh);
        const T* xs = x + s * g.h * g.w * g.c;
        T m = xs[((oy * g.sh) * g.w + ox * g.sw) * g.c + c];
        for (std::size_t a = 0; a < g.ph; ++a)
            for (std::size_t b = 0; b < g.pw; ++b) {
                const T v = xs[((oy * g.sh + a) * g.w + ox * g.sw + b) * g.c + c];
                m = v > m ? v : m;
            }
        y[i] = m;
    }
}

template <class T>
__global__ void max_pool2d_backward_kernel(pool2d_geometry g, std::size_t n, const T* __restrict__ x, const T* __restrict__ y,
                                           const T* __restrict__ dy, T* __restrict__ dx) {
    const std::size_t total = n * g.oh * g.ow * g.c;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t c = i % g.c, ox = (i / g.c) % g.ow, oy = (i / (g.c * g.ow)) % g.oh, s = i / (g.c * g.ow * g.oh);
        const std::size_t base = s * g.h * g.w * g.c;
        for (std::size_t a = 0; a < g.ph; ++a)
            for (std::size_t b = 0; b < g.pw; ++b) {
                const std::size_t k = base + ((oy * g.sh + a) * g.w + ox * g.sw + b) * g.c + c;
                if (x[k] == y[i]) {
                    atomicAdd(dx + k, dy[i]);
                    return;
                }
            }
    }
}

template <class T>
__global__ void avg_pool2d_forward_kernel(pool2d_geometry g, std::size_t n, const T* __restrict__ x, T* __restrict__ y) {
    const std::size_t total = n * g.oh * g.ow * g.c;
    const T inv = T(1) / T(g.ph * g.pw);
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t c = i % g.c, ox = (i / g.c) % g.ow, oy = (i / (g.c * g.ow)) % g.oh, s = i / (g.c * g.ow * g.oh);
        const T* xs = x + s * g.h * g.w * g.c;
        T acc = 0;
        for (std::size_t a = 0; a < g.ph; ++a)
            for (std::size_t b = 0; b < g.pw; ++b) acc += xs[((oy * g.sh + a) * g.w + ox * g.sw + b) * g.c + c];
        y[i] = acc * inv;
    }
}

// dx[n, iy, ix, c] = Σ over windows containing (iy, ix) of dy / (ph·pw).
template <class T>
__global__ void avg_pool2d_backward_kernel(pool2d_geometry g, std::size_t n, const T* __restrict__ dy, T* __restrict__ dx) {
    const std::size_t total = n * g.h * g.w * g.c;
    const T inv = T(1) / T(g.ph * g.pw);
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t c = i % g.c, ix = (i / g.c) % g.w, iy = (i / (g.c * g.w)) % g.h, s = i / (g.c * g.w * g.h);
        T acc = 0;
        // Windows oy with oy·sh ≤ iy < oy·sh + ph.
        const std::size_t oy_lo = iy + 1 > g.ph ? (iy + 1 - g.ph + g.sh - 1) / g.sh : 0, oy_hi = iy / g.sh;
        const std::size_t ox_lo = ix + 1 > g.pw ? (ix + 1 - g.pw + g.sw - 1) / g.sw : 0, ox_hi = ix / g.sw;
        for (std::size_t oy = oy_lo; oy <= oy_hi && oy < g.oh; ++oy)
            for (std::size_t ox = ox_lo; ox <= ox_hi && ox < g.ow; ++ox) acc += dy[((s * g.oh + oy) * g.ow + ox) * g.c + c];
        dx[i] = acc * inv;
    }
}

template <class T>
void max_pool2d_forward(const pool2d_geometry& g, std::size_t n, const T* x, T* y) {
    max_pool2d_forward_kernel<T><<<grid_for(n * g.oh * g.ow * g.c), elementwise_block, 0, current_stream()>>>(g, n, x, y);
    check_launch("max_pool2d_forward");
}
template <class T>
void max_pool2d_backward(const pool2d_geometry& g, std::size_t n, const T* x, const T* y, const T* dy, T* dx) {
    check(hipMemsetAsync(dx, 0, n * g.h * g.w * g.c * sizeof(T), current_stream()), "hipMemsetAsync");
    max_pool2d_backward_kernel<T><<<grid_for(n * g.oh * g.ow * g.c), elementwise_block, 0, current_stream()>>>(g, n, x, y, dy, dx);
    check_launch("max_pool2d_backward");
}
template <class T>
void avg_pool2d_forward(const pool2d_geometry& g, std::size_t n, const T* x, T* y) {
    avg_pool2d_forward_kernel<T><<<grid_for(n * g.oh * g.ow * g.c), elementwise_block, 0, current_stream()>>>(g, n, x, y);
    check_launch("avg_pool2d_forward");
}
template <class T>
void avg_pool2d_backward(const pool2d_geometry& g, std::size_t n, const T* dy, T* dx) {
    avg_pool2d_backward_kernel<T><<<grid_for(n * g.h * g.w * g.c), elementwise_block, 0, current_stream()>>>(g, n, dy, dx);
    check_launch("avg_pool2d_backward");
}

} // namespace cascade::gpu
