#pragma once
// GPU transposed convolution (1-D/2-D/3-D, channels-last): the adjoint of the convolution whose geometry g
// maps y's shape (N, d, h, w, F) to x's shape (N, od, oh, ow, C), as on the CPU (kernels/conv.hpp), with the
// weights W (K…, F, C) read as a (ΠK·F) × C matrix (Keras' Conv*DTranspose layout). Built from conv.hpp's
// im2col / col2im and gemm.hpp's GEMM:
//   forward   dcol = x · Wᵀ (A·Bᵀ form),  y = col2im(dcol) + b      (a convolution's input gradient)
//   backward  col = im2col(dy),  dW = colᵀ · x (Aᵀ·B),  dx = col · W (A·B),  db = Σ dy
//                                                               (a convolution's forward and weight gradient)
// col2im is conv.hpp's gather, so the forward pass needs no atomics and is deterministic.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/channels_last.hpp"
#include "cascade/kernels/conv.hpp"   // conv_geometry, conv_workspace (the CPU overloads' types)
#include "cascade/kernels/gpu/column_sums.hpp"
#include "cascade/kernels/gpu/conv.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"
#include "cascade/kernels/gpu/gemm.hpp"

namespace cascade::gpu {

// y[r, c] += b[c]: the bias of a transposed convolution, added after col2im.
template <class T>
__global__ void add_row_bias_kernel(std::size_t rows, std::size_t cols, const T* __restrict__ b, T* __restrict__ y) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < rows * cols; i += std::size_t(gridDim.x) * blockDim.x)
        y[i] += b[i % cols];
}

} // namespace cascade::gpu

namespace cascade::kernels {

// x (N, od, oh, ow, C) → y (N, d, h, w, F) in g's terms. The host workspace is not used: the column
// matrix lives in conv.hpp's per-thread device buffer.
template <class T, std::size_t R>
void conv_transpose_forward(const conv_geometry& g, const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& w,
                            const gpu::device_tensor<T, 1>* b, gpu::device_tensor<T, R>& y, conv_workspace<T>&) {
    const std::size_t n = x.shape()[0], cin = w.shape()[R - 1], patch = g.patch(), rows = n * g.rows_per_sample();
    ensure_shape(y, channels_last_shape<R>(n, g.d, g.h, g.w, g.c));
    if (g.is_pointwise()) {   // col2im is the identity: one GEMM, the bias in its epilogue (columns = F)
        if (b) gpu::gemm(false, true, rows, patch, cin, T(1), x.data(), cin, w.data(), cin, T(0), y.data(), patch,
                         gpu::epilogue::bias<T>{b->data()});
        else gpu::gemm(false, true, rows, patch, cin, T(1), x.data(), cin, w.data(), cin, T(0), y.data(), patch);
        return;
    }
    auto& col = gpu::conv_patches<T>();
    ensure_shape(col, std::array<std::size_t, 1>{rows * patch});
    gpu::gemm(false, true, rows, patch, cin, T(1), x.data(), cin, w.data(), cin, T(0), col.data(), patch);
    gpu::col2im(g, n, col.data(), y.data());
    if (b) {
        const std::size_t yrows = n * (g.sample() / g.c);
        gpu::launch("conv_transpose bias", gpu::add_row_bias_kernel<T>, gpu::grid_for(yrows * g.c), gpu::elementwise_block,
                    yrows, g.c, b->data(), y.data());
    }
}

// dW = im2col(dy)ᵀ · x, db = Σ dy, dx = im2col(dy) · W (skipped for dx == nullptr).
template <class T, std::size_t R>
void conv_transpose_backward(const conv_geometry& g, const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& dy,
                             const gpu::device_tensor<T, R>& w, gpu::device_tensor<T, R>& dw, gpu::device_tensor<T, 1>* db,
                             gpu::device_tensor<T, R>* dx, conv_workspace<T>&) {
    const std::size_t n = x.shape()[0], cin = w.shape()[R - 1], patch = g.patch(), rows = n * g.rows_per_sample();
    if (db) {
        const std::size_t yrows = n * (g.sample() / g.c);
        gpu::column_sums<T>("conv_transpose bias gradient", yrows, g.c, gpu::columns::element<T>{dy.data(), g.c},
                            gpu::columns::store<T>{db->data()});
    }
    if (dx) ensure_shape(*dx, channels_last_shape<R>(n, g.od, g.oh, g.ow, cin));
    const T* col = dy.data();   // pointwise: im2col(dy) is dy itself
    if (!g.is_pointwise()) {
        auto& patches = gpu::conv_patches<T>();
        ensure_shape(patches, std::array<std::size_t, 1>{rows * patch});
        gpu::im2col(g, n, dy.data(), patches.data());
        col = patches.data();
    }
    gpu::gemm(true, false, patch, cin, rows, T(1), col, patch, x.data(), cin, T(0), dw.data(), cin);
    if (dx) gpu::gemm(false, false, rows, cin, patch, T(1), col, patch, w.data(), cin, T(0), dx->data(), cin);
}

} // namespace cascade::kernels
