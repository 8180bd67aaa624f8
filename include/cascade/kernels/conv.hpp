#pragma once
// Tensor-level 2-D convolution on the CPU backend, NHWC, by im2col + GEMM in sample chunks:
//   forward   y = im2col(x) · W + b                       W (KH, KW, C, F) as a (KH·KW·C) × F matrix
//   backward  dW = Σ_chunks im2col(x)ᵀ · dy,   db = Σ dy,   dx = col2im(dy · Wᵀ)
// Inference works in chunks of samples that keep the patch matrix near L2 size. Training keeps the
// whole batch's patch matrix when it fits in 16 MiB, so that backward reuses it for ∂W instead of
// rebuilding it (im2col was 39 % of an mnist_cnn step before). The workspace is sized once per batch
// size and reused, so steady state allocates nothing.
#include "cascade/kernels/cpu/conv.hpp"
#include "cascade/kernels/cpu/elementwise.hpp"
#include "cascade/kernels/cpu/gemm.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>

namespace cascade::kernels {

using cpu::conv2d_geometry;

namespace detail {
// Samples per im2col chunk: about 1 MiB of patch rows, at least one sample.
template <class T>
std::size_t conv_chunk(const conv2d_geometry& g, std::size_t n) {
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

template <class T>
void conv2d_forward(const conv2d_geometry& g, const host_tensor<T, 4>& x, const host_tensor<T, 4>& w,
                    const host_tensor<T, 1>* b, host_tensor<T, 4>& y, conv_workspace<T>& ws, bool training) {
    const std::size_t n = x.shape()[0], f = w.shape()[3], patch = g.patch(), rps = g.rows_per_sample();
    ensure_shape(y, std::array{n, g.oh, g.ow, f});
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
template <class T>
void conv2d_backward(const conv2d_geometry& g, const host_tensor<T, 4>& x, const host_tensor<T, 4>& dy,
                     const host_tensor<T, 4>& w, host_tensor<T, 4>& dw, host_tensor<T, 1>* db,
                     host_tensor<T, 4>* dx, conv_workspace<T>& ws) {
    const std::size_t n = x.shape()[0], f = w.shape()[3], patch = g.patch(), rps = g.rows_per_sample();
    if (db) cpu::sum_rows(n * rps, f, dy.data(), db->data());
    if (dx) ensure_shape(*dx, std::array{n, g.h, g.w, g.c});
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

} // namespace cascade::kernels
