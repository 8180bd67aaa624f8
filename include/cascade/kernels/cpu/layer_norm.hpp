#pragma once
// Layer normalisation over the last axis of a (rows, c) matrix (Ba, Kiros & Hinton 2016), on raw pointers:
//   μ = Σ_j x_j / c,  σ² = Σ_j (x_j − μ)² / c (two passes),  s = 1 / √(σ² + ε),  x̂_j = (x_j − μ) s
//   y_j = γ_j x̂_j + β_j                    (γ = nullptr: scale off, γ ≡ 1; β = nullptr: center off, β ≡ 0)
//   backward, with g_j = γ_j dy_j:   dx_j = s (g_j − Σ_k g_k / c − x̂_j Σ_k g_k x̂_k / c)
//   parameter gradients  dγ_j = Σ_rows dy_j x̂_j,  dβ_j = Σ_rows dy_j   (rows ascending, in double)
// The per-row and per-column functions are shared with the GPU kernels (kernels/gpu/layer_norm.hpp):
// the same code in the same order on both backends.
#include "cascade/kernels/cpu/host_device_math.hpp"
#include "cascade/kernels/cpu/parallel.hpp"

#include <cstddef>

namespace cascade::kernels::cpu {

// Row r: writes y's row and the row's mean and 1/√(σ² + ε).
template <class T>
CASCADE_HOST_DEVICE void layer_norm_row(std::size_t r, std::size_t c, const T* x, const T* gamma, const T* beta, T eps, T* y,
                                        T* mean, T* inv_std) {
    const T* xr = x + r * c;
    T* yr = y + r * c;
    T s = 0;
    for (std::size_t j = 0; j < c; ++j) s += xr[j];
    const T mu = s / T(c);
    T v = 0;
    for (std::size_t j = 0; j < c; ++j) v += (xr[j] - mu) * (xr[j] - mu);
    const T inv = T(1) / T(hd_math::sqrt(v / T(c) + eps));
    for (std::size_t j = 0; j < c; ++j) {
        const T xh = (xr[j] - mu) * inv;
        yr[j] = (gamma ? gamma[j] * xh : xh) + (beta ? beta[j] : T(0));
    }
    mean[r] = mu;
    inv_std[r] = inv;
}

template <class T>
CASCADE_HOST_DEVICE void layer_norm_backward_row(std::size_t r, std::size_t c, const T* x, const T* dy, const T* gamma,
                                                 const T* mean, const T* inv_std, T* dx) {
    const T* xr = x + r * c;
    const T* gr = dy + r * c;
    T* dr = dx + r * c;
    const T mu = mean[r], inv = inv_std[r];
    T a = 0, b = 0;
    for (std::size_t j = 0; j < c; ++j) {
        const T g = gamma ? gamma[j] * gr[j] : gr[j];
        a += g;
        b += g * ((xr[j] - mu) * inv);
    }
    a /= T(c);
    b /= T(c);
    for (std::size_t j = 0; j < c; ++j) {
        const T g = gamma ? gamma[j] * gr[j] : gr[j];
        dr[j] = inv * (g - a - ((xr[j] - mu) * inv) * b);
    }
}

// Column j: dγ_j (if dgamma) and dβ_j (if dbeta), summed over the rows in order, in double.
template <class T>
CASCADE_HOST_DEVICE void layer_norm_param_grads_column(std::size_t j, std::size_t rows, std::size_t c, const T* x, const T* dy,
                                                       const T* mean, const T* inv_std, T* dgamma, T* dbeta) {
    double sg = 0, sb = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const T d = dy[r * c + j];
        sg += double(d * ((x[r * c + j] - mean[r]) * inv_std[r]));
        sb += double(d);
    }
    if (dgamma) dgamma[j] = T(sg);
    if (dbeta) dbeta[j] = T(sb);
}

template <class T>
void layer_norm_forward(std::size_t rows, std::size_t c, const T* x, const T* gamma, const T* beta, T eps, T* y, T* mean,
                        T* inv_std) {
    parallel_for(rows, 64, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) layer_norm_row(r, c, x, gamma, beta, eps, y, mean, inv_std);
    });
}

template <class T>
void layer_norm_backward(std::size_t rows, std::size_t c, const T* x, const T* dy, const T* gamma, const T* mean,
                         const T* inv_std, T* dgamma, T* dbeta, T* dx) {
    if (dgamma || dbeta)
        parallel_for(c, 16, [&](std::size_t j0, std::size_t j1) {
            for (std::size_t j = j0; j < j1; ++j) layer_norm_param_grads_column(j, rows, c, x, dy, mean, inv_std, dgamma, dbeta);
        });
    if (dx)
        parallel_for(rows, 64, [&](std::size_t r0, std::size_t r1) {
            for (std::size_t r = r0; r < r1; ++r) layer_norm_backward_row(r, c, x, dy, gamma, mean, inv_std, dx);
        });
}

} // namespace cascade::kernels::cpu
