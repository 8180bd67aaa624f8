#pragma once
// GPU 1-D/2-D/3-D pooling over channels-last tensors, on the CPU path's 3-D geometry and with its
// semantics (kernels/cpu/pool.hpp, kernels/pool.hpp), padding included (TensorFlow's 'same' rule: each
// window covers only its cells inside the input, cpu::pool_window on each axis):
//   max: y = max over the window's real cells; backward sends each window's dy to its FIRST maximal real
//        cell in row-major order (recomputed from x and y, as on the CPU); overlapping windows add
//        (atomicAdd, so with stride < pool the summation order — and the last bit — may vary between runs)
//   avg: y = mean over the window's real cells; backward gives each input cell Σ dy / (real cells of the
//        window) over the windows covering it (a gather: no atomics)
// A window made only of padding (never the case with 'same') gives 0 and receives no gradient.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/channels_last.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"
#include "cascade/kernels/pool.hpp"   // pool_geometry (plain data), pool_window, the CPU overloads

namespace cascade::gpu {

using cascade::kernels::cpu::pool_geometry;
using cascade::kernels::cpu::pool_span;
using cascade::kernels::cpu::pool_window;

// Output element i → its channel, the offset of its sample's channel c, and its window's real cells on
// each axis.
struct pool_index {
    std::size_t c, base;
    pool_span z, y, x;
    __device__ pool_index(const pool_geometry& g, std::size_t i) {
        c = i % g.c;
        const std::size_t ox = (i / g.c) % g.ow, oy = (i / (g.c * g.ow)) % g.oh, oz = (i / (g.c * g.ow * g.oh)) % g.od,
                          s = i / (g.c * g.ow * g.oh * g.od);
        base = s * g.d * g.h * g.w * g.c + c;
        z = pool_window(oz, g.sd, g.pd, g.kd, g.d);
        y = pool_window(oy, g.sh, g.ph, g.kh, g.h);
        x = pool_window(ox, g.sw, g.pw, g.kw, g.w);
    }
    __device__ bool empty() const { return z.empty() || y.empty() || x.empty(); }
};
// Offset of input cell (a, b, e) within a sample.
__device__ inline std::size_t window_offset(const pool_geometry& g, std::size_t a, std::size_t b, std::size_t e) {
    return ((a * g.h + b) * g.w + e) * g.c;
}

template <class T>
__global__ void max_pool_forward_kernel(pool_geometry g, std::size_t n, const T* __restrict__ x, T* __restrict__ y) {
    const std::size_t total = n * g.od * g.oh * g.ow * g.c;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const pool_index p(g, i);
        if (p.empty()) {
            y[i] = T(0);
            continue;
        }
        T m = x[p.base + window_offset(g, p.z.lo, p.y.lo, p.x.lo)];
        for (std::size_t a = p.z.lo; a < p.z.hi; ++a)
            for (std::size_t b = p.y.lo; b < p.y.hi; ++b)
                for (std::size_t e = p.x.lo; e < p.x.hi; ++e) {
                    const T v = x[p.base + window_offset(g, a, b, e)];
                    m = v > m ? v : m;
                }
        y[i] = m;
    }
}

template <class T>
__global__ void max_pool_backward_kernel(pool_geometry g, std::size_t n, const T* __restrict__ x, const T* __restrict__ y,
                                         const T* __restrict__ dy, T* __restrict__ dx) {
    const std::size_t total = n * g.od * g.oh * g.ow * g.c;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const pool_index p(g, i);
        bool routed = false;
        for (std::size_t a = p.z.lo; a < p.z.hi && !routed; ++a)
            for (std::size_t b = p.y.lo; b < p.y.hi && !routed; ++b)
                for (std::size_t e = p.x.lo; e < p.x.hi && !routed; ++e) {
                    const std::size_t k = p.base + window_offset(g, a, b, e);
                    if (x[k] == y[i]) {
                        atomicAdd(dx + k, dy[i]);
                        routed = true;
                    }
                }
    }
}

template <class T>
__global__ void avg_pool_forward_kernel(pool_geometry g, std::size_t n, const T* __restrict__ x, T* __restrict__ y) {
    const std::size_t total = n * g.od * g.oh * g.ow * g.c;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const pool_index p(g, i);
        const std::size_t count = p.z.size() * p.y.size() * p.x.size();
        T acc = 0;
        for (std::size_t a = p.z.lo; a < p.z.hi; ++a)
            for (std::size_t b = p.y.lo; b < p.y.hi; ++b)
                for (std::size_t e = p.x.lo; e < p.x.hi; ++e) acc += x[p.base + window_offset(g, a, b, e)];
        y[i] = count ? acc * (T(1) / T(count)) : T(0);
    }
}

// First and last window index o with o·s ≤ i + p < o·s + k, i.e. the windows covering input cell i of an
// axis with padding p before (inclusive range; empty when lo > hi).
__device__ inline void windows_covering(std::size_t i, std::size_t p, std::size_t k, std::size_t s, std::size_t count,
                                        std::size_t& lo, std::size_t& hi) {
    const std::size_t q = i + p;
    lo = q + 1 > k ? (q + 1 - k + s - 1) / s : 0;
    hi = q / s;
    if (hi >= count) hi = count - 1;
}

// dx[n, iz, iy, ix, c] = Σ over windows containing the element of dy / (the window's real cells).
template <class T>
__global__ void avg_pool_backward_kernel(pool_geometry g, std::size_t n, const T* __restrict__ dy, T* __restrict__ dx) {
    const std::size_t total = n * g.d * g.h * g.w * g.c;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t c = i % g.c, ix = (i / g.c) % g.w, iy = (i / (g.c * g.w)) % g.h, iz = (i / (g.c * g.w * g.h)) % g.d,
                          s = i / (g.c * g.w * g.h * g.d);
        std::size_t z0, z1, y0, y1, x0, x1;
        windows_covering(iz, g.pd, g.kd, g.sd, g.od, z0, z1);
        windows_covering(iy, g.ph, g.kh, g.sh, g.oh, y0, y1);
        windows_covering(ix, g.pw, g.kw, g.sw, g.ow, x0, x1);
        T acc = 0;
        for (std::size_t oz = z0; oz <= z1; ++oz) {
            const std::size_t cz = pool_window(oz, g.sd, g.pd, g.kd, g.d).size();
            for (std::size_t oy = y0; oy <= y1; ++oy) {
                const std::size_t cy = pool_window(oy, g.sh, g.ph, g.kh, g.h).size();
                for (std::size_t ox = x0; ox <= x1; ++ox) {
                    const std::size_t cx = pool_window(ox, g.sw, g.pw, g.kw, g.w).size();
                    acc += dy[(((s * g.od + oz) * g.oh + oy) * g.ow + ox) * g.c + c] * (T(1) / T(cz * cy * cx));
                }
            }
        }
        dx[i] = acc;
    }
}

template <class T>
void max_pool_forward(const pool_geometry& g, std::size_t n, const T* x, T* y) {
    launch("max_pool_forward", max_pool_forward_kernel<T>, grid_for(n * g.out_sample()), elementwise_block, g, n, x, y);
}
template <class T>
void max_pool_backward(const pool_geometry& g, std::size_t n, const T* x, const T* y, const T* dy, T* dx) {
    check(hipMemsetAsync(dx, 0, n * g.sample() * sizeof(T), current_stream()), "hipMemsetAsync");
    launch("max_pool_backward", max_pool_backward_kernel<T>, grid_for(n * g.out_sample()), elementwise_block,
        g, n, x, y, dy, dx);
}
template <class T>
void avg_pool_forward(const pool_geometry& g, std::size_t n, const T* x, T* y) {
    launch("avg_pool_forward", avg_pool_forward_kernel<T>, grid_for(n * g.out_sample()), elementwise_block, g, n, x, y);
}
template <class T>
void avg_pool_backward(const pool_geometry& g, std::size_t n, const T* dy, T* dx) {
    launch("avg_pool_backward", avg_pool_backward_kernel<T>, grid_for(n * g.sample()), elementwise_block, g, n, dy, dx);
}

} // namespace cascade::gpu

namespace cascade::kernels {

// kernels/pool.hpp's contract on device tensors.
template <class T, std::size_t R>
void max_pool_forward(const pool_geometry& g, const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y) {
    const std::size_t n = x.shape()[0];
    ensure_shape(y, channels_last_shape<R>(n, g.od, g.oh, g.ow, g.c));
    gpu::max_pool_forward(g, n, x.data(), y.data());
}
template <class T, std::size_t R>
void max_pool_backward(const pool_geometry& g, const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& y,
                       const gpu::device_tensor<T, R>& dy, gpu::device_tensor<T, R>& dx) {
    ensure_shape(dx, x.shape());
    gpu::max_pool_backward(g, x.shape()[0], x.data(), y.data(), dy.data(), dx.data());
}
template <class T, std::size_t R>
void avg_pool_forward(const pool_geometry& g, const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y) {
    const std::size_t n = x.shape()[0];
    ensure_shape(y, channels_last_shape<R>(n, g.od, g.oh, g.ow, g.c));
    gpu::avg_pool_forward(g, n, x.data(), y.data());
}
template <class T, std::size_t R>
void avg_pool_backward(const pool_geometry& g, const gpu::device_tensor<T, R>& dy, gpu::device_tensor<T, R>& dx) {
    const std::size_t n = dy.shape()[0];
    ensure_shape(dx, channels_last_shape<R>(n, g.d, g.h, g.w, g.c));
    gpu::avg_pool_backward(g, n, dy.data(), dx.data());
}

} // namespace cascade::kernels
