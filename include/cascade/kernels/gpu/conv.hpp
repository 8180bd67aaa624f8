#pragma once
// GPU 2-D convolution for channels-last tensors, lowered like the CPU path (kernels/cpu/conv.hpp):
//   col[(n, oy, ox), (ky, kx, c)] = x[n, oy·sh + ky·dh − ph, ox·sw + kx·dw − pw, c]   (0 outside)
//   forward        y = col · W (+ b in the GEMM epilogue),   W = Keras kernel (KH, KW, C, F) as (KH·KW·C) × F
//   weight grad    dW = colᵀ · dy                             (GEMM, Aᵀ·B form)
//   input grad     dcol = dy · Wᵀ (A·Bᵀ form), then dx = col2im(dcol)
// col2im is written as a gather (each input element sums the patch entries that read it), so it needs no
// atomics and gives the same result on every run. An implicit-GEMM kernel (no col buffer) is the next
// step for large images; for the seed models' sizes the explicit buffer costs one extra pass.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/cpu/conv.hpp"   // conv2d_geometry (plain data)
#include "cascade/kernels/gpu/gemm.hpp"

namespace cascade::gpu {

using cascade::kernels::cpu::conv2d_geometry;

// One thread per col element; rows = n·oh·ow, columns = kh·kw·c (c fastest: coalesced reads of x).
template <class T>
__global__ void im2col_kernel(conv2d_geometry g, std::size_t n, const T* __restrict__ x, T* __restrict__ col) {
    const std::size_t patch = g.kh * g.kw * g.c, total = n * g.oh * g.ow * patch;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t row = i / patch, p = i % patch;
        const std::size_t c = p % g.c, kx = (p / g.c) % g.kw, ky = p / (g.c * g.kw);
        const std::size_t s = row / (g.oh * g.ow), ox = row % g.ow, oy = (row / g.ow) % g.oh;
        const std::ptrdiff_t iy = std::ptrdiff_t(oy * g.sh + ky * g.dh) - std::ptrdiff_t(g.ph);
        const std::ptrdiff_t ix = std::ptrdiff_t(ox * g.sw + kx * g.dw) - std::ptrdiff_t(g.pw);
        col[i] = (iy >= 0 && ix >= 0 && iy < std::ptrdiff_t(g.h) && ix < std::ptrdiff_t(g.w))
                     ? x[((s * g.h + std::size_t(iy)) * g.w + std::size_t(ix)) * g.c + c]
                     : T(0);
    }
}

// dx[n, iy, ix, c] = Σ over (ky, kx) with oy = (iy + ph − ky·dh)/sh, ox = (ix + pw − kx·dw)/sw integral
// and inside the output, of dcol[(n, oy, ox), (ky, kx, c)].
template <class T>
__global__ void col2im_kernel(conv2d_geometry g, std::size_t n, const T* __restrict__ dcol, T* __restrict__ dx) {
    const std::size_t patch = g.kh * g.kw * g.c, total = n * g.h * g.w * g.c;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t c = i % g.c, ix = (i / g.c) % g.w, iy = (i / (g.c * g.w)) % g.h, s = i / (g.c * g.w * g.h);
        T acc = 0;
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
                acc += dcol[((s * g.oh + oy) * g.ow + ox) * patch + (ky * g.kw + kx) * g.c + c];
            }
        }
        dx[i] = acc;
    }
}

template <class T>
void im2col(const conv2d_geometry& g, std::size_t n, const T* x, T* col) {
    const std::size_t total = n * g.oh * g.ow * g.kh * g.kw * g.c;
    im2col_kernel<T><<<grid_for(total), elementwise_block, 0, current_stream()>>>(g, n, x, col);
    check_launch("im2col");
}
template <class T>
void col2im(const conv2d_geometry& g, std::size_t n, const T* dcol, T* dx) {
    const std::size_t total = n * g.h * g.w * g.c;
    col2im_kernel<T><<<grid_for(total), elementwise_block, 0, current_stream()>>>(g, n, dcol, dx);
    check_launch("col2im");
}

// Tensor-level conv2d on device tensors; `col` and `dcol` are the caller's reusable buffers.
template <class T>
void conv2d_forward(const conv2d_geometry& g, const device_tensor<T, 4>& x, const device_tensor<T, 4>& w,
                    const device_tensor<T, 1>* b, device_tensor<T, 4>& y, device_tensor<T, 2>& col) {
    const std::size_t n = x.shape()[0], f = w.shape()[3], rows = n * g.oh * g.ow, patch = g.kh * g.kw * g.c;
    ensure_shape(y, std::array{n, g.oh, g.ow, f});
    const T* a = x.data();
    if (!g.is_pointwise()) {
        ensure_shape(col, std::array{rows, patch});
        im2col(g, n, x.data(), col.data());
        a = col.data();
    }
    if (b) gemm(false, false, rows, f, patch, T(1), a, patch, w.data(), f, T(0), y.data(), f, epilogue::bias<T>{b->data()});
    else gemm(false, false, rows, f, patch, T(1), a, patch, w.data(), f, T(0), y.data(), f);
}

// dw = colᵀ·dy, db = Σ dy, dx = col2im(dy·Wᵀ) (skipped for dx == nullptr). Recomputes col from x.
template <class T>
void conv2d_backward(const conv2d_geometry& g, const device_tensor<T, 4>& x, const device_tensor<T, 4>& dy,
                     const device_tensor<T, 4>& w, device_tensor<T, 4>& dw, device_tensor<T, 1>* db, device_tensor<T, 4>* dx,
                     device_tensor<T, 2>& col, device_tensor<T, 2>& dcol) {
    const std::size_t n = x.shape()[0], f = w.shape()[3], rows = n * g.oh * g.ow, patch = g.kh * g.kw * g.c;
    const T* a = x.data();
    if (!g.is_pointwise()) {
        ensure_shape(col, std::array{rows, patch});
        im2col(g, n, x.data(), col.data());
        a = col.data();
    }
    gemm(true, false, patch, f, rows, T(1), a, patch, dy.data(), f, T(0), dw.data(), f);
    if (db) {
        // Σ over (n, oy, ox) of dy viewed as (rows, f).
        sum_rows_kernel<T><<<grid_for(f), elementwise_block, 0, current_stream()>>>(rows, f, dy.data(), db->data());
        check_launch("conv2d bias gradient");
    }
    if (dx) {
        ensure_shape(*dx, x.shape());
        if (g.is_pointwise()) {
            gemm(false, true, rows, patch, f, T(1), dy.data(), f, w.data(), f, T(0), dx->data(), patch);
        } else {
            ensure_shape(dcol, std::array{rows, patch});
            gemm(false, true, rows, patch, f, T(1), dy.data(), f, w.data(), f, T(0), dcol.data(), patch);
            col2im(g, n, dcol.data(), dx->data());
        }
    }
}

} // namespace cascade::gpu
