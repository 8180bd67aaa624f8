#pragma once
// batch_norm<Momentum, Epsilon>: batch normalisation over the last (channel/feature) axis (Keras
// BatchNormalization(axis=-1)). Training: batch statistics, and the moving statistics are updated as
// moving = Momentum · moving + (1 − Momentum) · batch; inference: moving statistics.
//   y = γ (x − μ) / √(σ² + ε) + β          Ioffe & Szegedy, ICML 2015.
// Defaults are Keras': Momentum 0.99, ε = 1e-3 (PyTorch: momentum 0.1 on the other side, i.e. 0.9 here,
// and ε = 1e-5). Parameters γ (ones), β (zeros); non-trainable buffers moving mean (zeros) and
// moving variance (ones).
#include "cascade/kernels/batch_norm.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::layers {

template <class Momentum = ratio<99, 100>, class Epsilon = ratio<1, 1000>>
struct batch_norm : any_input {
    static constexpr const char* name = "batch_norm";
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t C = In::dim(In::rank - 1), R = In::rank + 1;
        static constexpr T momentum = ratio_value<T, Momentum>, eps = ratio_value<T, Epsilon>;
        template <std::size_t K> using tensor = typename B::template tensor<T, K>;
        tensor<1> gamma, beta, dgamma, dbeta, moving_mean, moving_var;
        kernels::batch_norm_cache<tensor<R>> cache;

        explicit impl(rng&)
            : gamma(B::template filled<T, 1>({C}, T(1))), beta(B::template filled<T, 1>({C})), dgamma(beta), dbeta(beta),
              moving_mean(beta), moving_var(gamma) {}

        void forward(const tensor<R>& x, tensor<R>& y, mode m) {
            if (m == mode::infer)
                return kernels::batch_norm_infer_forward(x, gamma, beta, moving_mean, moving_var, eps, cache, y);
            kernels::batch_norm_train_forward(x, gamma, beta, eps, cache, y);
            kernels::batch_norm_update_moving(cache, x.size() / C, momentum, moving_mean, moving_var);
        }
        void backward(const tensor<R>&, const tensor<R>&, const tensor<R>& dy, tensor<R>* dx) {
            kernels::batch_norm_backward(cache, dy, gamma, dgamma, dbeta, dx);
        }
        auto params() { return std::tie(gamma, beta); }
        auto grads() { return std::tie(dgamma, dbeta); }
        auto buffers() { return std::tie(moving_mean, moving_var); }
    };
};

} // namespace cascade::layers
