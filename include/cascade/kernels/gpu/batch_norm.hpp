#pragma once
// GPU batch normalisation over the last (channel) axis, the CPU path's formulas (kernels/cpu/batch_norm.hpp):
//   training:   μ_c = mean_r x,  σ²_c = mean_r (x − μ)²,  x̂ = (x − μ) / √(σ² + ε),  y = γ x̂ + β
//   moving:     m ← momentum m + (1 − momentum) μ;  v ← momentum v + (1 − momentum) σ² · f,
//               f = 1 (Keras 3, the default) or R/(R − 1) (unbiased_moving_variance: PyTorch)
//   backward:   dβ = Σ_r dy,  dγ = Σ_r dy x̂,  dx = γ / √(σ² + ε) · (dy − dβ/R − x̂ · dγ/R)
//   inference:  y = γ (x − m) / √(v + ε) + β
// Per-channel sums: column sums over the (rows, channels) matrix (column_sums.hpp), accumulated in double
// in two passes (mean, then squared deviations), like the CPU's double sums; element-wise passes: one
// thread per element.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/batch_norm.hpp"
#include "cascade/kernels/gpu/column_sums.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"

namespace cascade::gpu {

// Per-channel sums (column_sums.hpp: coalesced, parallel over rows and channels, in double).
namespace bn {
template <class T>
struct value {   // f(r, c) = x[r, c]
    const T* x;
    std::size_t c;
    __device__ double operator()(std::size_t r, std::size_t ch) const { return double(x[r * c + ch]); }
};
template <class T>
struct squared_deviation {   // f(r, c) = (x[r, c] − μ_c)², μ in double
    const T* x;
    const double* mu;
    std::size_t c;
    __device__ double operator()(std::size_t r, std::size_t ch) const {
        const double d = double(x[r * c + ch]) - mu[ch];
        return d * d;
    }
};
template <class T>
struct product {   // f(r, c) = dy[r, c] · x̂[r, c]
    const T* dy;
    const T* xhat;
    std::size_t c;
    __device__ double operator()(std::size_t r, std::size_t ch) const { return double(dy[r * c + ch]) * double(xhat[r * c + ch]); }
};
template <class T>
struct mean_out {   // μ = Σ / R, kept in double for the variance pass and as T for the layer
    double inv_rows;
    double* mu;
    T* mean;
    __device__ void operator()(std::size_t ch, double total) const {
        mu[ch] = total * inv_rows;
        mean[ch] = T(total * inv_rows);
    }
};
template <class T>
struct variance_out {   // σ² = Σ / R, 1/√(σ² + ε)
    double inv_rows, eps;
    T* var;
    T* inv_std;
    __device__ void operator()(std::size_t ch, double total) const {
        const double v = total * inv_rows;
        var[ch] = T(v);
        inv_std[ch] = T(1.0 / sqrt(v + eps));
    }
};
template <class T>
struct store {
    T* s;
    __device__ void operator()(std::size_t ch, double total) const { s[ch] = T(total); }
};
} // namespace bn

template <class T>
__global__ void bn_apply_kernel(std::size_t n, std::size_t c, const T* x, const T* mean, const T* inv_std, const T* gamma,
                                const T* beta, T* xhat, T* y) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t ch = i % c;
        const T h = (x[i] - mean[ch]) * inv_std[ch];
        xhat[i] = h;
        y[i] = gamma[ch] * h + beta[ch];
    }
}

template <class T>
__global__ void bn_moving_kernel(std::size_t c, const T* mean, const T* var, T momentum, T bessel, T* moving_mean, T* moving_var) {
    for (std::size_t j = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; j < c; j += std::size_t(gridDim.x) * blockDim.x) {
        moving_mean[j] = momentum * moving_mean[j] + (T(1) - momentum) * mean[j];
        moving_var[j] = momentum * moving_var[j] + (T(1) - momentum) * var[j] * bessel;
    }
}

template <class T>
__global__ void bn_infer_kernel(std::size_t n, std::size_t c, const T* x, const T* gamma, const T* beta, const T* mm,
                                const T* mv, T eps, T* y) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t ch = i % c;
        y[i] = gamma[ch] * (x[i] - mm[ch]) / sqrt(mv[ch] + eps) + beta[ch];
    }
}

template <class T>
__global__ void bn_dx_kernel(std::size_t n, std::size_t c, T inv_rows, const T* xhat, const T* dy, const T* gamma,
                             const T* inv_std, const T* dgamma, const T* dbeta, T* dx) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t ch = i % c;
        dx[i] = gamma[ch] * inv_std[ch] * (dy[i] - dbeta[ch] * inv_rows - xhat[i] * dgamma[ch] * inv_rows);
    }
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
struct batch_norm_cache<gpu::device_tensor<T, R>> {
    gpu::device_tensor<T, R> xhat;
    gpu::device_tensor<T, 1> mean, var, inv_std;
    gpu::device_tensor<double, 1> mu;   // the mean in double, for the variance pass
};

template <class T, std::size_t R>
void batch_norm_train_forward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, 1>& gamma,
                              const gpu::device_tensor<T, 1>& beta, T eps, batch_norm_cache<gpu::device_tensor<T, R>>& cache,
                              gpu::device_tensor<T, R>& y) {
    const std::size_t c = gamma.size(), rows = c ? x.size() / c : 0;
    ensure_shape(y, x.shape());
    ensure_shape(cache.xhat, x.shape());
    for (auto* t : {&cache.mean, &cache.var, &cache.inv_std}) ensure_shape(*t, std::array<std::size_t, 1>{c});
    ensure_shape(cache.mu, std::array<std::size_t, 1>{c});
    const double inv_rows = rows ? 1.0 / double(rows) : 0.0;
    gpu::column_sums<double>("batch_norm mean", rows, c, gpu::bn::value<T>{x.data(), c},
                             gpu::bn::mean_out<T>{inv_rows, cache.mu.data(), cache.mean.data()});
    gpu::column_sums<double>("batch_norm variance", rows, c, gpu::bn::squared_deviation<T>{x.data(), cache.mu.data(), c},
                             gpu::bn::variance_out<T>{inv_rows, double(eps), cache.var.data(), cache.inv_std.data()});
    gpu::launch("batch_norm normalise", gpu::bn_apply_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block,
        x.size(), c, x.data(), cache.mean.data(), cache.inv_std.data(), gamma.data(), beta.data(), cache.xhat.data(), y.data());
}

template <class T, std::size_t R>
void batch_norm_update_moving(const batch_norm_cache<gpu::device_tensor<T, R>>& cache, std::size_t rows, T momentum,
                              bool unbiased, gpu::device_tensor<T, 1>& moving_mean, gpu::device_tensor<T, 1>& moving_var) {
    const T bessel = batch_norm_variance_factor<T>(rows, unbiased);
    gpu::launch("batch_norm moving statistics", gpu::bn_moving_kernel<T>, gpu::grid_for(moving_mean.size()), gpu::elementwise_block,
        moving_mean.size(), cache.mean.data(), cache.var.data(), momentum, bessel, moving_mean.data(), moving_var.data());
}

template <class T, std::size_t R>
void batch_norm_infer_forward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, 1>& gamma,
                              const gpu::device_tensor<T, 1>& beta, const gpu::device_tensor<T, 1>& moving_mean,
                              const gpu::device_tensor<T, 1>& moving_var, T eps, batch_norm_cache<gpu::device_tensor<T, R>>&,
                              gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    gpu::launch("batch_norm inference", gpu::bn_infer_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block,
        x.size(), gamma.size(), x.data(), gamma.data(), beta.data(), moving_mean.data(), moving_var.data(), eps, y.data());
}

template <class T, std::size_t R>
void batch_norm_backward(batch_norm_cache<gpu::device_tensor<T, R>>& cache, const gpu::device_tensor<T, R>& dy,
                         const gpu::device_tensor<T, 1>& gamma, gpu::device_tensor<T, 1>& dgamma,
                         gpu::device_tensor<T, 1>& dbeta, gpu::device_tensor<T, R>* dx) {
    const std::size_t c = gamma.size(), rows = c ? dy.size() / c : 0;
    gpu::column_sums<double>("batch_norm beta gradient", rows, c, gpu::bn::value<T>{dy.data(), c}, gpu::bn::store<T>{dbeta.data()});
    gpu::column_sums<double>("batch_norm gamma gradient", rows, c, gpu::bn::product<T>{dy.data(), cache.xhat.data(), c},
                             gpu::bn::store<T>{dgamma.data()});
    if (!dx) return;
    ensure_shape(*dx, dy.shape());
    gpu::launch("batch_norm input gradient", gpu::bn_dx_kernel<T>, gpu::grid_for(dy.size()), gpu::elementwise_block,
        dy.size(), c, T(1) / T(rows ? rows : 1), cache.xhat.data(), dy.data(), gamma.data(), cache.inv_std.data(), dgamma.data(), dbeta.data(), dx->data());
}

} // namespace cascade::kernels
