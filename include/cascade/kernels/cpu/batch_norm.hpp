#pragma once
// Batch normalisation over the last (channel) axis of a (rows × C) view of a channels-last tensor.
//   training:   μ_c = mean_r x,  σ²_c = mean_r (x − μ)²,  x̂ = (x − μ) / √(σ² + ε),  y = γ x̂ + β
//   backward:   dβ = Σ_r dy,  dγ = Σ_r dy x̂,  dx = γ / √(σ² + ε) · (dy − dβ/R − x̂ · dγ/R)
//   inference:  y = γ (x − m) / √(v + ε) + β with the moving statistics m, v.
// Ioffe & Szegedy, ICML 2015. Sums run in double, row by row in a fixed order (thread-independent);
// the element-wise passes are split over rows between threads.
#include "cascade/kernels/cpu/parallel.hpp"

#include <cmath>
#include <cstddef>

namespace cascade::kernels::cpu {

// Computes batch mean and (biased) variance per channel into mean, var; writes x̂ and y.
template <class T>
void batch_norm_train_forward(std::size_t rows, std::size_t c, const T* x, const T* gamma, const T* beta, T eps,
                              T* mean, T* var, T* inv_std, T* xhat, T* y, double* acc /* 2c scratch */) {
    for (std::size_t j = 0; j < 2 * c; ++j) acc[j] = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const T* xr = x + r * c;
        for (std::size_t j = 0; j < c; ++j) acc[j] += xr[j];
    }
    for (std::size_t j = 0; j < c; ++j) mean[j] = T(acc[j] / double(rows));
    for (std::size_t r = 0; r < rows; ++r) {
        const T* xr = x + r * c;
        for (std::size_t j = 0; j < c; ++j) {
            const double d = double(xr[j]) - double(mean[j]);
            acc[c + j] += d * d;
        }
    }
    for (std::size_t j = 0; j < c; ++j) {
        var[j] = T(acc[c + j] / double(rows));
        inv_std[j] = T(1.0 / std::sqrt(double(var[j]) + double(eps)));
    }
    parallel_for(rows, 4096 / (c ? c : 1) + 1, [=](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const T* xr = x + r * c;
            T* hr = xhat + r * c;
            T* yr = y + r * c;
#pragma omp simd
            for (std::size_t j = 0; j < c; ++j) {
                hr[j] = (xr[j] - mean[j]) * inv_std[j];
                yr[j] = gamma[j] * hr[j] + beta[j];
            }
        }
    });
}

// y = x · scale + shift with scale = γ / √(v + ε), shift = β − m · scale computed once per channel
// (into the 2c scratch values `affine`); one fused multiply-add per element.
template <class T>
void batch_norm_infer_forward(std::size_t rows, std::size_t c, const T* x, const T* gamma, const T* beta,
                              const T* moving_mean, const T* moving_var, T eps, T* y, T* affine) {
    T* scale = affine;
    T* shift = affine + c;
    for (std::size_t j = 0; j < c; ++j) {
        scale[j] = gamma[j] / std::sqrt(moving_var[j] + eps);
        shift[j] = beta[j] - moving_mean[j] * scale[j];
    }
    parallel_for(rows, 4096 / (c ? c : 1) + 1, [=](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const T* xr = x + r * c;
            T* yr = y + r * c;
#pragma omp simd
            for (std::size_t j = 0; j < c; ++j) yr[j] = xr[j] * scale[j] + shift[j];
        }
    });
}

// dgamma, dbeta always; dx if non-null.
template <class T>
void batch_norm_backward(std::size_t rows, std::size_t c, const T* xhat, const T* dy, const T* gamma,
                         const T* inv_std, T* dgamma, T* dbeta, T* dx, double* acc /* 2c scratch */) {
    for (std::size_t j = 0; j < 2 * c; ++j) acc[j] = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const T* hr = xhat + r * c;
        const T* gr = dy + r * c;
        for (std::size_t j = 0; j < c; ++j) {
            acc[j] += gr[j];
            acc[c + j] += double(gr[j]) * double(hr[j]);
        }
    }
    for (std::size_t j = 0; j < c; ++j) {
        dbeta[j] = T(acc[j]);
        dgamma[j] = T(acc[c + j]);
    }
    if (!dx) return;
    const T inv_rows = T(1) / T(rows);
    parallel_for(rows, 4096 / (c ? c : 1) + 1, [=](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const T* hr = xhat + r * c;
            const T* gr = dy + r * c;
            T* dr = dx + r * c;
#pragma omp simd
            for (std::size_t j = 0; j < c; ++j)
                dr[j] = gamma[j] * inv_std[j] * (gr[j] - dbeta[j] * inv_rows - hr[j] * dgamma[j] * inv_rows);
        }
    });
}

} // namespace cascade::kernels::cpu
