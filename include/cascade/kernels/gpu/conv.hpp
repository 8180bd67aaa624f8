#pragma once
// GPU 1-D/2-D/3-D convolution for channels-last tensors on the CPU path's 3-D geometry (kernels/cpu/conv.hpp;
// a 2-D layer has d = 1, a 1-D one also h = 1), lowered the same way:
//   col[(n, oz, oy, ox), (kz, ky, kx, c)] = x[n, oz·sd + kz·dd − pd, oy·sh + ky·dh − ph, ox·sw + kx·dw − pw, c]
//   forward        y = col · W (+ b in the GEMM epilogue),   W = Keras kernel (K..., C, F) as (K...·C) × F
//   weight grad    dW = colᵀ · dy                             (GEMM, Aᵀ·B form)
//   input grad     dcol = dy · Wᵀ (A·Bᵀ form), then dx = col2im(dcol)
// col2im is written as a gather (each input element sums the patch entries that read it), so it needs no
// atomics and gives the same result on every run. An implicit-GEMM kernel (no col buffer) is the next
// step for large images; for the seed models' sizes the explicit buffer costs one extra pass.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/gpu/column_sums.hpp"
#include "cascade/kernels/channels_last.hpp"
#include "cascade/kernels/conv.hpp"       // conv_geometry, conv_workspace (the CPU overloads' types)
#include "cascade/kernels/gpu/gemm.hpp"

namespace cascade::gpu {

using cascade::kernels::cpu::conv_geometry;

// One thread per col element; rows = n·od·oh·ow, columns = kd·kh·kw·c (c fastest: coalesced reads of x).
template <class T>
__global__ void im2col_kernel(conv_geometry g, std::size_t n, const T* __restrict__ x, T* __restrict__ col) {
    const std::size_t patch = g.kd * g.kh * g.kw * g.c, total = n * g.od * g.oh * g.ow * patch;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t row = i / patch, p = i % patch;
        const std::size_t c = p % g.c, kx = (p / g.c) % g.kw, ky = (p / (g.c * g.kw)) % g.kh, kz = p / (g.c * g.kw * g.kh);
        const std::size_t ox = row % g.ow, oy = (row / g.ow) % g.oh, oz = (row / (g.ow * g.oh)) % g.od,
                          s = row / (g.ow * g.oh * g.od);
        const std::ptrdiff_t iz = std::ptrdiff_t(oz * g.sd + kz * g.dd) - std::ptrdiff_t(g.pd);
        const std::ptrdiff_t iy = std::ptrdiff_t(oy * g.sh + ky * g.dh) - std::ptrdiff_t(g.ph);
        const std::ptrdiff_t ix = std::ptrdiff_t(ox * g.sw + kx * g.dw) - std::ptrdiff_t(g.pw);
        const bool inside = iz >= 0 && iy >= 0 && ix >= 0 && iz < std::ptrdiff_t(g.d) && iy < std::ptrdiff_t(g.h) &&
                            ix < std::ptrdiff_t(g.w);
        col[i] = inside ? x[(((s * g.d + std::size_t(iz)) * g.h + std::size_t(iy)) * g.w + std::size_t(ix)) * g.c + c] : T(0);
    }
}

// dx[n, iz, iy, ix, c] = Σ over kernel taps (kz, ky, kx) whose output position o = (i + p − k·dil)/stride is
// integral and inside the output, of dcol[(n, o), (k, c)]: a gather, so no atomics and the same result
// on every run.
template <class T>
__global__ void col2im_kernel(conv_geometry g, std::size_t n, const T* __restrict__ dcol, T* __restrict__ dx) {
    const std::size_t patch = g.kd * g.kh * g.kw * g.c, total = n * g.d * g.h * g.w * g.c;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t c = i % g.c, ix = (i / g.c) % g.w, iy = (i / (g.c * g.w)) % g.h, iz = (i / (g.c * g.w * g.h)) % g.d,
                          s = i / (g.c * g.w * g.h * g.d);
        T acc = 0;
        for (std::size_t kz = 0; kz < g.kd; ++kz) {
            const std::ptrdiff_t tz = std::ptrdiff_t(iz + g.pd) - std::ptrdiff_t(kz * g.dd);
            if (tz < 0 || tz % std::ptrdiff_t(g.sd)) continue;
            const std::size_t oz = std::size_t(tz) / g.sd;
            if (oz >= g.od) continue;
            for (std::size_t ky = 0; ky < g.kh; ++ky) {
                const std::ptrdiff_t ty = std::ptrdiff_t(iy + g.ph) - std::ptrdiff_t(ky * g.dh);
                if (ty < 0 || ty % std::ptrdiff_t(g.sh)) continue;
                const std::size_t oy = std::size_t(ty) / g.sh;
                if (oy >= g.oh) continue;
                for (std::size_t kx = 0; kx < g.kw; ++kx) {
                    const std::ptrdiff_t tx = std::ptrdiff_t(ix + g.pw) - std::ptrdiff_t(kx * g.dw);
                    if (tx < 0 || tx % std::ptrdiff_t(g.sw)) continue;
                    const std::size_t ox = std::size_t(tx) / g.sw;
                    if (ox >= g.ow) continue;
                    acc += dcol[(((s * g.od + oz) * g.oh + oy) * g.ow + ox) * patch + ((kz * g.kh + ky) * g.kw + kx) * g.c + c];
                }
            }
        }
        dx[i] = acc;
    }
}

template <class T>
void im2col(const conv_geometry& g, std::size_t n, const T* x, T* col) {
    const std::size_t total = n * g.rows_per_sample() * g.patch();
    launch("im2col", im2col_kernel<T>, grid_for(total), elementwise_block, g, n, x, col);
}
template <class T>
void col2im(const conv_geometry& g, std::size_t n, const T* dcol, T* dx) {
    const std::size_t total = n * g.sample();
    launch("col2im", col2im_kernel<T>, grid_for(total), elementwise_block, g, n, dcol, dx);
}

// The patch matrix of the current thread's convolutions (grown, never shrunk: no allocation in steady state).
template <class T>
device_tensor<T, 1>& conv_patches() {
    thread_local device_tensor<T, 1> p;
    return p;
}

} // namespace cascade::gpu

namespace cascade::kernels {

// kernels/conv.hpp's contract on device tensors. The host workspace is not used: the patch matrix lives in
// a per-thread device buffer and is rebuilt in backward (one extra im2col pass).
template <class T, std::size_t R>
void conv_forward(const conv_geometry& g, const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& w,
                  const gpu::device_tensor<T, 1>* b, gpu::device_tensor<T, R>& y, conv_workspace<T>&, bool) {
    const std::size_t n = x.shape()[0], f = w.shape()[R - 1], patch = g.patch(), rows = n * g.rows_per_sample();
    ensure_shape(y, channels_last_shape<R>(n, g.od, g.oh, g.ow, f));
    const T* a = x.data();
    if (!g.is_pointwise()) {
        auto& col = gpu::conv_patches<T>();
        ensure_shape(col, std::array<std::size_t, 1>{rows * patch});
        gpu::im2col(g, n, x.data(), col.data());
        a = col.data();
    }
    if (b) gpu::gemm(false, false, rows, f, patch, T(1), a, patch, w.data(), f, T(0), y.data(), f, gpu::epilogue::bias<T>{b->data()});
    else gpu::gemm(false, false, rows, f, patch, T(1), a, patch, w.data(), f, T(0), y.data(), f);
}

// dw = colᵀ·dy, db = Σ dy, dx = col2im(dy·Wᵀ) (skipped for dx == nullptr).
template <class T, std::size_t R>
void conv_backward(const conv_geometry& g, const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& dy,
                   const gpu::device_tensor<T, R>& w, gpu::device_tensor<T, R>& dw, gpu::device_tensor<T, 1>* db,
                   gpu::device_tensor<T, R>* dx, conv_workspace<T>&) {
    const std::size_t n = x.shape()[0], f = w.shape()[R - 1], patch = g.patch(), rows = n * g.rows_per_sample();
    if (db) {
        gpu::column_sums<T>("conv bias gradient", rows, f, gpu::columns::element<T>{dy.data(), f}, gpu::columns::store<T>{db->data()});
    }
    if (dx) ensure_shape(*dx, channels_last_shape<R>(n, g.d, g.h, g.w, g.c));
    if (g.is_pointwise()) {
        gpu::gemm(true, false, patch, f, rows, T(1), x.data(), patch, dy.data(), f, T(0), dw.data(), f);
        if (dx) gpu::gemm(false, true, rows, patch, f, T(1), dy.data(), f, w.data(), f, T(0), dx->data(), patch);
        return;
    }
    auto& col = gpu::conv_patches<T>();
    ensure_shape(col, std::array<std::size_t, 1>{rows * patch});
    gpu::im2col(g, n, x.data(), col.data());
    gpu::gemm(true, false, patch, f, rows, T(1), col.data(), patch, dy.data(), f, T(0), dw.data(), f);
    if (dx) {   // the patches are no longer needed: reuse the buffer for dcol
        gpu::gemm(false, true, rows, patch, f, T(1), dy.data(), f, w.data(), f, T(0), col.data(), patch);
        gpu::col2im(g, n, col.data(), dx->data());
    }
}

} // namespace cascade::kernels
