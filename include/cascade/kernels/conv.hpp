#pragma once
// Tensor-level 1-, 2- and 3-D convolution on the CPU backend, channels-last, by im2col + GEMM in sample
// chunks (x of rank R = 3, 4, 5: (N, W, C), (N, H, W, C), (N, D, H, W, C); g is the 3-D geometry):
//   forward   y = im2col(x) · W + b                       W (K…, C, F) as a (ΠK·C) × F matrix
//   backward  dW = Σ_chunks im2col(x)ᵀ · dy,   db = Σ dy,   dx = col2im(dy · Wᵀ)
// Transposed convolution is the adjoint, with g the geometry of the convolution that maps y's shape to
// x's shape and W (K…, F, C) as a (ΠK·F) × C matrix (Keras' Conv*DTranspose layout):
//   forward   y = col2im(x · Wᵀ) + b      backward  dW = im2col(dy)ᵀ · x,  db = Σ dy,  dx = im2col(dy) · W
// Inference works in chunks of samples that keep the patch matrix near L2 size. Training keeps the
// whole batch's patch matrix when it fits in 16 MiB, so that backward reuses it for ∂W instead of
// rebuilding it (im2col was 39 % of an mnist_cnn step before). The workspace is sized once per batch
// size and reused, so steady state allocates nothing.
#include "cascade/kernels/channels_last.hpp"
#include "cascade/kernels/cpu/conv.hpp"
#include "cascade/kernels/cpu/elementwise.hpp"
#include "cascade/kernels/cpu/gemm.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>

namespace cascade::kernels {

using cpu::conv2d_geometry;
using cpu::conv_geometry;

namespace detail {
// Samples per im2col chunk: about 1 MiB of patch rows, at least one sample.
template <class T>
std::size_t conv_chunk(const conv_geometry& g, std::size_t n) {
    const std::size_t per_sample = g.rows_per_sample() * g.patch();
    return std::clamp<std::size_t>((std::size_t(1) << 20) / sizeof(T) / (per_sample ? per_sample : 1), 1, n ? n : 1);
}
} // namespace detail

// The patch-matrix buffer of a conv layer, and whether it holds the patches of the last training batch.
template <class T>
struct conv_workspace {
    host_tensor<T, 1> buffer;
    const T* patches_of = nullptr;   // the input whose whole-batch patches are in buffer, if any
    std::size_t batch = 0;
};

template <class T, std::size_t R>
void conv_forward(const conv_geometry& g, const host_tensor<T, R>& x, const host_tensor<T, R>& w,
                  const host_tensor<T, 1>* b, host_tensor<T, R>& y, conv_workspace<T>& ws, bool training) {
    const std::size_t n = x.shape()[0], f = w.shape()[R - 1], patch = g.patch(), rps = g.rows_per_sample();
    ensure_shape(y, channels_last_shape<R>(n, g.od, g.oh, g.ow, f));
    if (b) cpu::broadcast_rows(n * rps, f, b->data(), y.data());
    ws.patches_of = nullptr;
    if (g.is_pointwise()) {
        cpu::gemm<T>(false, false, n * rps, f, patch, T(1), x.data(), patch, w.data(), f, b ? T(1) : T(0), y.data(), f);
        return;
    }
    const bool keep = training && n * rps * patch * sizeof(T) <= (std::size_t(16) << 20);
    const std::size_t chunk = keep ? n : detail::conv_chunk<T>(g, n);
    ensure_shape(ws.buffer, std::array{chunk * rps * patch});
    auto& workspace = ws.buffer;
    for (std::size_t n0 = 0; n0 < n; n0 += chunk) {
        const std::size_t n1 = std::min(n, n0 + chunk), rows = (n1 - n0) * rps;
        cpu::im2col(g, x.data(), n0, n1, workspace.data());
        cpu::gemm<T>(false, false, rows, f, patch, T(1), workspace.data(), patch, w.data(), f, b ? T(1) : T(0),
                     y.data() + n0 * rps * f, f);
    }
    if (keep) {
        ws.patches_of = x.data();
        ws.batch = n;
    }
}

// dx == nullptr skips the input gradient (first layer).
template <class T, std::size_t R>
void conv_backward(const conv_geometry& g, const host_tensor<T, R>& x, const host_tensor<T, R>& dy,
                   const host_tensor<T, R>& w, host_tensor<T, R>& dw, host_tensor<T, 1>* db,
                   host_tensor<T, R>* dx, conv_workspace<T>& ws) {
    const std::size_t n = x.shape()[0], f = w.shape()[R - 1], patch = g.patch(), rps = g.rows_per_sample();
    if (db) cpu::sum_rows(n * rps, f, dy.data(), db->data());
    if (dx) ensure_shape(*dx, channels_last_shape<R>(n, g.d, g.h, g.w, g.c));
    if (g.is_pointwise()) {
        cpu::gemm<T>(true, false, patch, f, n * rps, T(1), x.data(), patch, dy.data(), f, T(0), dw.data(), f);
        if (dx) cpu::gemm<T>(false, true, n * rps, patch, f, T(1), dy.data(), f, w.data(), f, T(0), dx->data(), patch);
        return;
    }
    const bool have_patches = ws.patches_of == x.data() && ws.batch == n;
    ws.patches_of = nullptr;   // consumed: the buffer is reused for ∂col below
    const std::size_t chunk = have_patches ? n : detail::conv_chunk<T>(g, n);
    ensure_shape(ws.buffer, std::array{chunk * rps * patch});
    auto& workspace = ws.buffer;
    for (std::size_t n0 = 0; n0 < n; n0 += chunk) {
        const std::size_t n1 = std::min(n, n0 + chunk), rows = (n1 - n0) * rps;
        const T* dyc = dy.data() + n0 * rps * f;
        if (!have_patches) cpu::im2col(g, x.data(), n0, n1, workspace.data());
        cpu::gemm<T>(true, false, patch, f, rows, T(1), workspace.data(), patch, dyc, f, n0 ? T(1) : T(0), dw.data(), f);
        if (dx) {   // the patch rows are no longer needed: reuse the workspace for dcol
            cpu::gemm<T>(false, true, rows, patch, f, T(1), dyc, f, w.data(), f, T(0), workspace.data(), patch);
            cpu::col2im(g, workspace.data(), n0, n1, dx->data());
        }
    }
}

// The 2-D entries of before the N-d generalisation.
template <class T>
void conv2d_forward(const conv2d_geometry& g, const host_tensor<T, 4>& x, const host_tensor<T, 4>& w,
                    const host_tensor<T, 1>* b, host_tensor<T, 4>& y, conv_workspace<T>& ws, bool training) {
    conv_forward(conv_geometry(g), x, w, b, y, ws, training);
}
template <class T>
void conv2d_backward(const conv2d_geometry& g, const host_tensor<T, 4>& x, const host_tensor<T, 4>& dy,
                     const host_tensor<T, 4>& w, host_tensor<T, 4>& dw, host_tensor<T, 1>* db,
                     host_tensor<T, 4>* dx, conv_workspace<T>& ws) {
    conv_backward(conv_geometry(g), x, dy, w, dw, db, dx, ws);
}

// Transposed convolution (see the top): x (N, od, oh, ow, C) → y (N, d, h, w, F) in g's terms,
// w (K…, F, C). The workspace holds x · Wᵀ, one chunk of samples at a time.
template <class T, std::size_t R>
void conv_transpose_forward(const conv_geometry& g, const host_tensor<T, R>& x, const host_tensor<T, R>& w,
                            const host_tensor<T, 1>* b, host_tensor<T, R>& y, conv_workspace<T>& ws) {
    const std::size_t n = x.shape()[0], cin = w.shape()[R - 1], patch = g.patch(), rps = g.rows_per_sample();
    ensure_shape(y, channels_last_shape<R>(n, g.d, g.h, g.w, g.c));
    ws.patches_of = nullptr;
    if (g.is_pointwise()) {
        if (b) cpu::broadcast_rows(n * rps, g.c, b->data(), y.data());
        cpu::gemm<T>(false, true, n * rps, patch, cin, T(1), x.data(), cin, w.data(), cin, b ? T(1) : T(0), y.data(), patch);
        return;
    }
    const std::size_t chunk = detail::conv_chunk<T>(g, n);
    ensure_shape(ws.buffer, std::array{chunk * rps * patch});
    for (std::size_t n0 = 0; n0 < n; n0 += chunk) {
        const std::size_t n1 = std::min(n, n0 + chunk), rows = (n1 - n0) * rps;
        cpu::gemm<T>(false, true, rows, patch, cin, T(1), x.data() + n0 * rps * cin, cin, w.data(), cin, T(0),
                     ws.buffer.data(), patch);
        cpu::col2im(g, ws.buffer.data(), n0, n1, y.data(), b ? b->data() : nullptr);
    }
}

template <class T, std::size_t R>
void conv_transpose_backward(const conv_geometry& g, const host_tensor<T, R>& x, const host_tensor<T, R>& dy,
                             const host_tensor<T, R>& w, host_tensor<T, R>& dw, host_tensor<T, 1>* db,
                             host_tensor<T, R>* dx, conv_workspace<T>& ws) {
    const std::size_t n = x.shape()[0], cin = w.shape()[R - 1], patch = g.patch(), rps = g.rows_per_sample();
    if (db) cpu::sum_rows(n * (g.sample() / g.c), g.c, dy.data(), db->data());
    if (dx) ensure_shape(*dx, channels_last_shape<R>(n, g.od, g.oh, g.ow, cin));
    if (g.is_pointwise()) {
        cpu::gemm<T>(true, false, patch, cin, n * rps, T(1), dy.data(), patch, x.data(), cin, T(0), dw.data(), cin);
        if (dx) cpu::gemm<T>(false, false, n * rps, cin, patch, T(1), dy.data(), patch, w.data(), cin, T(0), dx->data(), cin);
        return;
    }
    const std::size_t chunk = detail::conv_chunk<T>(g, n);
    ensure_shape(ws.buffer, std::array{chunk * rps * patch});
    for (std::size_t n0 = 0; n0 < n; n0 += chunk) {
        const std::size_t n1 = std::min(n, n0 + chunk), rows = (n1 - n0) * rps;
        cpu::im2col(g, dy.data(), n0, n1, ws.buffer.data());
        cpu::gemm<T>(true, false, patch, cin, rows, T(1), ws.buffer.data(), patch, x.data() + n0 * rps * cin, cin,
                     n0 ? T(1) : T(0), dw.data(), cin);
        if (dx)
            cpu::gemm<T>(false, false, rows, cin, patch, T(1), ws.buffer.data(), patch, w.data(), cin, T(0),
                         dx->data() + n0 * rps * cin, cin);
    }
}

} // namespace cascade::kernels
