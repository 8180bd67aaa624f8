#pragma once
// batch_norm<Options...>: batch normalisation over the last (channel/feature) axis (Keras
// BatchNormalization(axis=-1); PyTorch BatchNorm1d/2d/3d on channels-last data). Training: batch
// statistics, and the moving statistics are updated as
//   moving_mean = m · moving_mean + (1 − m) · μ_B,   moving_var = m · moving_var + (1 − m) · σ²_B · f
// with the biased batch variance σ²_B = mean (x − μ_B)² and f = 1 (Keras 3: ops.moments), or
// f = n / (n − 1) with unbiased_moving_variance (PyTorch, tf.keras 2's fused kernel; n = rows per channel);
// inference: the moving statistics.
//   y = γ (x − μ) / √(σ² + ε) + β          Ioffe & Szegedy, ICML 2015.
// Options (any order, Keras' defaults): momentum<N, D> (m, 99/100), epsilon<N, D> (ε, 1/1000),
// unbiased_moving_variance. PyTorch's defaults: momentum 0.1 on the other side, i.e. 0.9 here, ε = 1e-5
// and the unbiased variance: batch_norm<momentum<9, 10>, epsilon<1, 100000>, unbiased_moving_variance>.
// Parameters γ (ones), β (zeros); non-trainable buffers moving mean (zeros) and moving variance (ones).
#include "cascade/kernels/batch_norm.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/hyperparameters.hpp"
#include "cascade/layers/options.hpp"
#include "cascade/tensor/ratio.hpp"

#include <ratio>

namespace cascade::layers {

namespace detail {
struct batch_norm_option_kinds : option_kinds_list<option_kinds::momentum, option_kinds::epsilon, option_kinds::moving_variance> {};

template <class... Opts>
struct batch_norm_spec {
    using momentum_t = typename option_t<option_kinds::momentum, layers::momentum<99, 100>, Opts...>::type;
    using epsilon_t = typename option_t<option_kinds::epsilon, layers::epsilon<1, 1000>, Opts...>::type;
    static constexpr bool unbiased = option_t<option_kinds::moving_variance, std::false_type, Opts...>::value;
    static constexpr bool momentum_ok = std::ratio_greater_equal_v<momentum_t, std::ratio<0>> &&
                                        std::ratio_less_equal_v<momentum_t, std::ratio<1>>;
    static constexpr bool epsilon_ok = std::ratio_greater_v<epsilon_t, std::ratio<0>>;
    static constexpr bool valid = options_ok<batch_norm_option_kinds, Opts...>;
};
} // namespace detail

template <class... Opts>
struct batch_norm {
    static constexpr const char* name = "batch_norm";
    using spec = detail::batch_norm_spec<Opts...>;

    template <class In>
    static constexpr bool accepts = spec::valid && spec::momentum_ok && spec::epsilon_ok;
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::batch_norm_option_kinds, Opts...>();
        if constexpr (spec::valid) {
            static_assert(spec::momentum_ok, "batch_norm: momentum<N, D> must lie in [0, 1], e.g. momentum<99, 100> for 0.99");
            static_assert(spec::epsilon_ok, "batch_norm: epsilon<N, D> must be positive, e.g. epsilon<1, 1000> for 1e-3");
        }
    }
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t C = In::dim(In::rank - 1), R = In::rank + 1;
        ratio_setting<typename spec::momentum_t> momentum;   // run-time hyper-parameters (layers/hyperparameters.hpp)
        ratio_setting<typename spec::epsilon_t> epsilon;
        static constexpr bool unbiased_moving_variance = spec::unbiased;
        template <std::size_t K> using tensor = typename B::template tensor<T, K>;
        tensor<1> gamma, beta, dgamma, dbeta, moving_mean, moving_var;
        kernels::batch_norm_cache<tensor<R>> cache;

        explicit impl(rng&)
            : gamma(B::template filled<T, 1>({C}, T(1))), beta(B::template filled<T, 1>({C})), dgamma(beta), dbeta(beta),
              moving_mean(beta), moving_var(gamma) {}

        void forward(const tensor<R>& x, tensor<R>& y, mode m) {
            const T eps = epsilon.template as<T>();
            if (m == mode::infer)
                return kernels::batch_norm_infer_forward(x, gamma, beta, moving_mean, moving_var, eps, cache, y);
            kernels::batch_norm_train_forward(x, gamma, beta, eps, cache, y);
            kernels::batch_norm_update_moving(cache, x.size() / C, momentum.template as<T>(), unbiased_moving_variance,
                                              moving_mean, moving_var);
        }
        void backward(const tensor<R>&, const tensor<R>&, const tensor<R>& dy, tensor<R>* dx) {
            kernels::batch_norm_backward(cache, dy, gamma, dgamma, dbeta, dx);
        }
        auto params() { return std::tie(gamma, beta); }
        auto grads() { return std::tie(dgamma, dbeta); }
        auto buffers() { return std::tie(moving_mean, moving_var); }
        auto hyperparameters() {
            return std::array{hyperparameter{"momentum", &momentum.value, rules::unit_interval, "in [0, 1]"},
                              hyperparameter{"epsilon", &epsilon.value, rules::positive, "positive"}};
        }
    };
};

} // namespace cascade::layers
