#pragma once
// Tensor-level layer normalisation over the last axis on the CPU backend (formulas and raw kernels:
// kernels/cpu/layer_norm.hpp; GPU overloads of the same names: kernels/gpu/layer_norm.hpp). γ / β may be
// nullptr (Keras scale=False / center=False); mean and inv_std (one value per row) are what backward needs.
#include "cascade/kernels/cpu/layer_norm.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>

namespace cascade::kernels {

template <class T, std::size_t R>
void layer_norm_forward(const host_tensor<T, R>& x, const host_tensor<T, 1>* gamma, const host_tensor<T, 1>* beta, T eps,
                        host_tensor<T, R>& y, host_tensor<T, 1>& mean, host_tensor<T, 1>& inv_std) {
    const std::size_t c = x.shape()[R - 1], rows = c ? x.size() / c : 0;
    ensure_shape(y, x.shape());
    ensure_shape(mean, std::array<std::size_t, 1>{rows});
    ensure_shape(inv_std, std::array<std::size_t, 1>{rows});
    cpu::layer_norm_forward(rows, c, x.data(), gamma ? gamma->data() : nullptr, beta ? beta->data() : nullptr, eps, y.data(),
                            mean.data(), inv_std.data());
}

// Overwrites *dgamma, *dbeta (each may be nullptr) and *dx (nullptr: not needed).
template <class T, std::size_t R>
void layer_norm_backward(const host_tensor<T, R>& x, const host_tensor<T, R>& dy, const host_tensor<T, 1>* gamma,
                         const host_tensor<T, 1>& mean, const host_tensor<T, 1>& inv_std, host_tensor<T, 1>* dgamma,
                         host_tensor<T, 1>* dbeta, host_tensor<T, R>* dx) {
    const std::size_t c = x.shape()[R - 1], rows = c ? x.size() / c : 0;
    if (dx) ensure_shape(*dx, x.shape());
    cpu::layer_norm_backward(rows, c, x.data(), dy.data(), gamma ? gamma->data() : nullptr, mean.data(), inv_std.data(),
                             dgamma ? dgamma->data() : nullptr, dbeta ? dbeta->data() : nullptr, dx ? dx->data() : nullptr);
}

} // namespace cascade::kernels
