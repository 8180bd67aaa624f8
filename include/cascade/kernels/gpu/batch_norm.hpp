#pragma once
// GPU batch normalisation over the last (channel) axis, the CPU path's formulas (kernels/cpu/batch_norm.hpp):
//   training:   μ_c = mean_r x,  σ²_c = mean_r (x − μ)²,  x̂ = (x − μ) / √(σ² + ε),  y = γ x̂ + β
//   moving:     m ← momentum m + (1 − momentum) μ;  v ← momentum v + (1 − momentum) σ² · R/(R − 1)
//   backward:   dβ = Σ_r dy,  dγ = Σ_r dy x̂,  dx = γ / √(σ² + ε) · (dy − dβ/R − x̂ · dγ/R)
//   inference:  y = γ (x − m) / √(v + ε) + β
// Per-channel sums: one block per channel, accumulated in double in two passes (mean, then squared
// deviations), like the CPU's double sums; element-wise passes: one thread per element.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/batch_norm.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"

namespace cascade::gpu {

inline constexpr unsigned channel_block = 256;

// Sum over the threads of one block (every thread gets it); `scratch` holds one value per warp.
template <class A>
__device__ A block_sum(A v, A* scratch) {
    v = warp_sum(v);
    const int warp = int(threadIdx.x / warp_size), lane = int(threadIdx.x % warp_size);
    const int warps = int((blockDim.x + warp_size - 1) / warp_size);
    __syncthreads();   // scratch may still be read from a previous call
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    A s = 0;
    for (int k = 0; k < warps; ++k) s += scratch[k];
    return s;
}

template <class T>
__global__ void bn_stats_kernel(std::size_t rows, std::size_t c, const T* x, T eps, T* mean, T* var, T* inv_std) {
    __shared__ double scratch[32];
    const std::size_t ch = blockIdx.x;
    double s = 0;
    for (std::size_t r = threadIdx.x; r < rows; r += blockDim.x) s += double(x[r * c + ch]);
    const double mu = block_sum(s, scratch) / double(rows);
    double q = 0;
    for (std::size_t r = threadIdx.x; r < rows; r += blockDim.x) {
        const double d = double(x[r * c + ch]) - mu;
        q += d * d;
    }
    const double v = block_sum(q, scratch) / double(rows);
    if (threadIdx.x == 0) {
        mean[ch] = T(mu);
        var[ch] = T(v);
        inv_std[ch] = T(1.0 / sqrt(v + double(eps)));
    }
}

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
__global__ void bn_grad_sums_kernel(std::size_t rows, std::size_t c, const T* xhat, const T* dy, T* dgamma, T* dbeta) {
    __shared__ double scratch[32];
    const std::size_t ch = blockIdx.x;
    double sb = 0, sg = 0;
    for (std::size_t r = threadIdx.x; r < rows; r += blockDim.x) {
        const double g = double(dy[r * c + ch]);
        sb += g;
        sg += g * double(xhat[r * c + ch]);
    }
    const double b = block_sum(sb, scratch);
    const double gsum = block_sum(sg, scratch);
    if (threadIdx.x == 0) {
        dbeta[ch] = T(b);
        dgamma[ch] = T(gsum);
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
};

template <class T, std::size_t R>
void batch_norm_train_forward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, 1>& gamma,
                              const gpu::device_tensor<T, 1>& beta, T eps, batch_norm_cache<gpu::device_tensor<T, R>>& cache,
                              gpu::device_tensor<T, R>& y) {
    const std::size_t c = gamma.size(), rows = c ? x.size() / c : 0;
    ensure_shape(y, x.shape());
    ensure_shape(cache.xhat, x.shape());
    for (auto* t : {&cache.mean, &cache.var, &cache.inv_std}) ensure_shape(*t, std::array<std::size_t, 1>{c});
    gpu::bn_stats_kernel<T><<<unsigned(c), gpu::channel_block, 0, gpu::current_stream()>>>(
        rows, c, x.data(), eps, cache.mean.data(), cache.var.data(), cache.inv_std.data());
    gpu::check_launch("batch_norm statistics");
    gpu::bn_apply_kernel<T><<<gpu::grid_for(x.size()), gpu::elementwise_block, 0, gpu::current_stream()>>>(
        x.size(), c, x.data(), cache.mean.data(), cache.inv_std.data(), gamma.data(), beta.data(), cache.xhat.data(), y.data());
    gpu::check_launch("batch_norm normalise");
}

template <class T, std::size_t R>
void batch_norm_update_moving(const batch_norm_cache<gpu::device_tensor<T, R>>& cache, std::size_t rows, T momentum,
                              gpu::device_tensor<T, 1>& moving_mean, gpu::device_tensor<T, 1>& moving_var) {
    const T bessel = rows > 1 ? T(rows) / T(rows - 1) : T(1);
    gpu::bn_moving_kernel<T><<<gpu::grid_for(moving_mean.size()), gpu::elementwise_block, 0, gpu::current_stream()>>>(
        moving_mean.size(), cache.mean.data(), cache.var.data(), momentum, bessel, moving_mean.data(), moving_var.data());
    gpu::check_launch("batch_norm moving statistics");
}

template <class T, std::size_t R>
void batch_norm_infer_forward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, 1>& gamma,
                              const gpu::device_tensor<T, 1>& beta, const gpu::device_tensor<T, 1>& moving_mean,
                              const gpu::device_tensor<T, 1>& moving_var, T eps, batch_norm_cache<gpu::device_tensor<T, R>>&,
                              gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    gpu::bn_infer_kernel<T><<<gpu::grid_for(x.size()), gpu::elementwise_block, 0, gpu::current_stream()>>>(
        x.size(), gamma.size(), x.data(), gamma.data(), beta.data(), moving_mean.data(), moving_var.data(), eps, y.data());
    gpu::check_launch("batch_norm inference");
}

template <class T, std::size_t R>
void batch_norm_backward(batch_norm_cache<gpu::device_tensor<T, R>>& cache, const gpu::device_tensor<T, R>& dy,
                         const gpu::device_tensor<T, 1>& gamma, gpu::device_tensor<T, 1>& dgamma,
                         gpu::device_tensor<T, 1>& dbeta, gpu::device_tensor<T, R>* dx) {
    const std::size_t c = gamma.size(), rows = c ? dy.size() / c : 0;
    gpu::bn_grad_sums_kernel<T><<<unsigned(c), gpu::channel_block, 0, gpu::current_stream()>>>(
        rows, c, cache.xhat.data(), dy.data(), dgamma.data(), dbeta.data());
    gpu::check_launch("batch_norm gradient sums");
    if (!dx) return;
    ensure_shape(*dx, dy.shape());
    gpu::bn_dx_kernel<T><<<gpu::grid_for(dy.size()), gpu::elementwise_block, 0, gpu::current_stream()>>>(
        dy.size(), c, T(1) / T(rows ? rows : 1), cache.xhat.data(), dy.data(), gamma.data(), cache.inv_std.data(),
        dgamma.data(), dbeta.data(), dx->data());
    gpu::check_launch("batch_norm input gradient");
}

} // namespace cascade::kernels
