#pragma once
// Tensor-level batch normalisation on the CPU backend (formulas in kernels/cpu/batch_norm.hpp).
#include "cascade/kernels/cpu/batch_norm.hpp"
#include "cascade/tensor/tensor.hpp"

namespace cascade::kernels {

// The per-batch state the backward pass needs, for activations of tensor type X (a backend specialises it
// for its own tensors: kernels/gpu/batch_norm.hpp).
template <class X>
struct batch_norm_cache;
template <class T, std::size_t R>
struct batch_norm_cache<host_tensor<T, R>> {
    host_tensor<T, R> xhat;
    host_tensor<T, 1> mean, var, inv_std;
    host_tensor<T, 1> affine;   // inference: per-channel scale and shift
    host_tensor<double, 1> acc;
};

template <class T, std::size_t R>
void batch_norm_train_forward(const host_tensor<T, R>& x, const host_tensor<T, 1>& gamma,
                              const host_tensor<T, 1>& beta, T eps, batch_norm_cache<host_tensor<T, R>>& cache,
                              host_tensor<T, R>& y) {
    const std::size_t c = gamma.size(), rows = x.size() / c;
    ensure_shape(y, x.shape());
    ensure_shape(cache.xhat, x.shape());
    for (auto* t : {&cache.mean, &cache.var, &cache.inv_std}) ensure_shape(*t, std::array{c});
    ensure_shape(cache.acc, std::array{2 * c});
    cpu::batch_norm_train_forward(rows, c, x.data(), gamma.data(), beta.data(), eps, cache.mean.data(),
                                  cache.var.data(), cache.inv_std.data(), cache.xhat.data(), y.data(),
                                  cache.acc.data());
}

// moving = momentum · moving + (1 − momentum) · batch. The batch variance is the biased one (divided by
// rows), as Keras 3 does (ops.moments); unbiased = true multiplies it by Bessel's correction
// rows / (rows − 1), as PyTorch and tf.keras 2's fused kernel do (1 for a single row).
template <class T>
T batch_norm_variance_factor(std::size_t rows, bool unbiased) {
    return unbiased && rows > 1 ? T(rows) / T(rows - 1) : T(1);
}

template <class T, std::size_t R>
void batch_norm_update_moving(const batch_norm_cache<host_tensor<T, R>>& cache, std::size_t rows, T momentum, bool unbiased,
                              host_tensor<T, 1>& moving_mean, host_tensor<T, 1>& moving_var) {
    const T bessel = batch_norm_variance_factor<T>(rows, unbiased);
    for (std::size_t j = 0; j < moving_mean.size(); ++j) {
        moving_mean[j] = momentum * moving_mean[j] + (T(1) - momentum) * cache.mean[j];
        moving_var[j] = momentum * moving_var[j] + (T(1) - momentum) * cache.var[j] * bessel;
    }
}

template <class T, std::size_t R>
void batch_norm_infer_forward(const host_tensor<T, R>& x, const host_tensor<T, 1>& gamma,
                              const host_tensor<T, 1>& beta, const host_tensor<T, 1>& moving_mean,
                              const host_tensor<T, 1>& moving_var, T eps, batch_norm_cache<host_tensor<T, R>>& cache,
                              host_tensor<T, R>& y) {
    const std::size_t c = gamma.size();
    ensure_shape(y, x.shape());
    ensure_shape(cache.affine, std::array{2 * c});
    cpu::batch_norm_infer_forward(x.size() / c, c, x.data(), gamma.data(), beta.data(), moving_mean.data(),
                                  moving_var.data(), eps, y.data(), cache.affine.data());
}

template <class T, std::size_t R>
void batch_norm_backward(batch_norm_cache<host_tensor<T, R>>& cache, const host_tensor<T, R>& dy, const host_tensor<T, 1>& gamma,
                         host_tensor<T, 1>& dgamma, host_tensor<T, 1>& dbeta, host_tensor<T, R>* dx) {
    const std::size_t c = gamma.size();
    if (dx) ensure_shape(*dx, dy.shape());
    cpu::batch_norm_backward(dy.size() / c, c, cache.xhat.data(), dy.data(), gamma.data(), cache.inv_std.data(),
                             dgamma.data(), dbeta.data(), dx ? dx->data() : nullptr, cache.acc.data());
}

} // namespace cascade::kernels
