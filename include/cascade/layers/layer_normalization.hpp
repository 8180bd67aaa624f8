#pragma once
// layer_normalization<Options...>: normalises each position over its last (feature/channel) axis (Keras
// LayerNormalization(axis=-1); PyTorch nn.LayerNorm(C) on channels-last data). Ba, Kiros & Hinton,
// "Layer Normalization", arXiv:1607.06450, 2016.
//   per position (all axes but the last), over its C values:
//   μ = mean x,  σ² = mean (x − μ)²,  x̂ = (x − μ) / √(σ² + ε),  y = γ ⊙ x̂ + β
//   the same in training and inference (no batch statistics, no buffers).
//   Parameters γ (C) ones and β (C) zeros, trainable; formulas of the gradients: kernels/cpu/layer_norm.hpp.
// Options (any order, Keras' defaults): epsilon<N, D> (1e-3), no_center (Keras center=False: no β),
// no_scale (Keras scale=False: no γ). Any input shape; the output has the input's shape.
#include "cascade/kernels/layer_norm.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"

namespace cascade::layers {

namespace detail {
struct layer_norm_option_kinds : option_kinds_list<option_kinds::epsilon, option_kinds::center, option_kinds::scale> {};
} // namespace detail

template <class... Opts>
struct layer_normalization {
    static constexpr const char* name = "layer_normalization";
    using epsilon_t = typename detail::option_t<option_kinds::epsilon, epsilon<1, 1000>, Opts...>::type;
    static constexpr bool center = detail::option_t<option_kinds::center, std::true_type, Opts...>::value;
    static constexpr bool scale = detail::option_t<option_kinds::scale, std::true_type, Opts...>::value;
    static constexpr bool valid = detail::options_ok<detail::layer_norm_option_kinds, Opts...> && (epsilon_t::num > 0);

    template <class In>
    static constexpr bool accepts = valid;
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::layer_norm_option_kinds, Opts...>();
        static_assert(epsilon_t::num > 0, "layer_normalization: epsilon must be positive");
    }
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t C = In::dim(In::rank - 1), R = In::rank + 1;
        static constexpr T eps = ratio_value<T, epsilon_t>;
        template <std::size_t K> using tensor = typename B::template tensor<T, K>;
        tensor<1> gamma, beta, dgamma, dbeta;   // (C) each, or (0) when switched off
        tensor<1> mean, inv_std;                // per position of the last forward (N · positions)

        explicit impl(rng&)
            : gamma(B::template filled<T, 1>({scale ? C : 0}, T(1))), beta(B::template filled<T, 1>({center ? C : 0})),
              dgamma(B::template filled<T, 1>({scale ? C : 0})), dbeta(B::template filled<T, 1>({center ? C : 0})) {}

        void forward(const tensor<R>& x, tensor<R>& y, mode) {
            kernels::layer_norm_forward(x, scale ? &gamma : nullptr, center ? &beta : nullptr, eps, y, mean, inv_std);
        }
        void backward(const tensor<R>& x, const tensor<R>&, const tensor<R>& dy, tensor<R>* dx) {
            kernels::layer_norm_backward(x, dy, scale ? &gamma : nullptr, mean, inv_std, scale ? &dgamma : nullptr,
                                         center ? &dbeta : nullptr, dx);
        }
        auto params() {
            if constexpr (scale && center) return std::tie(gamma, beta);
            else if constexpr (scale) return std::tie(gamma);
            else if constexpr (center) return std::tie(beta);
            else return std::tie();
        }
        auto grads() {
            if constexpr (scale && center) return std::tie(dgamma, dbeta);
            else if constexpr (scale) return std::tie(dgamma);
            else if constexpr (center) return std::tie(dbeta);
            else return std::tie();
        }
    };
};

} // namespace cascade::layers
