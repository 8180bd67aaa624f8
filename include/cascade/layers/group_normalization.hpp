#pragma once
// group_normalization<Groups, Options...>: normalises each sample over groups of channels (Keras
// GroupNormalization(groups, axis=-1, epsilon=1e-3, center, scale); PyTorch nn.GroupNorm(groups, C,
// eps) on channels-first data — its default eps is 1e-5).   Wu & He, "Group Normalization", ECCV 2018.
//   The C channels (last axis) form Groups groups of K = C/Groups consecutive channels; per sample n and
//   group g, over all positions and the group's channels (M = positions · K values):
//   μ = mean x,  σ² = mean (x − μ)²,  x̂ = (x − μ)/√(σ² + ε),  y = γ_c x̂ + β_c
//   the same in training and inference (no batch statistics, no buffers). Groups = 1 normalises each
//   sample over everything (a layer norm over all axes); Groups = C is instance normalisation.
//   Parameters γ (C) ones and β (C) zeros, trainable; gradients: kernels/group_norm.hpp.
// Options (any order, Keras' defaults): epsilon<N, D> (1e-3), no_center (no β), no_scale (no γ). C must be a
// multiple of Groups (compile-time check). Any input shape; the output has the input's shape.
#include "cascade/kernels/group_norm.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"

namespace cascade::layers {

namespace detail {
struct group_norm_option_kinds : option_kinds_list<option_kinds::epsilon, option_kinds::center, option_kinds::scale> {};
} // namespace detail

template <std::size_t Groups, class... Opts>
struct group_normalization {
    static_assert(Groups > 0, "group_normalization<Groups>: Groups must be positive");
    static constexpr const char* name = "group_normalization";
    using epsilon_t = typename detail::option_t<option_kinds::epsilon, epsilon<1, 1000>, Opts...>::type;
    static constexpr bool center = detail::option_t<option_kinds::center, std::true_type, Opts...>::value;
    static constexpr bool scale = detail::option_t<option_kinds::scale, std::true_type, Opts...>::value;
    static constexpr bool valid = detail::options_ok<detail::group_norm_option_kinds, Opts...> && (epsilon_t::num > 0);

    template <class In>
    static constexpr bool accepts = valid && In::dim(In::rank - 1) % Groups == 0;
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::group_norm_option_kinds, Opts...>();
        static_assert(epsilon_t::num > 0, "group_normalization: epsilon must be positive");
        static_assert(In::dim(In::rank - 1) % Groups == 0, "group_normalization<Groups>: the channels (last axis) must be a multiple of Groups");
    }
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t C = In::dim(In::rank - 1), R = In::rank + 1;
        static constexpr T eps = ratio_value<T, epsilon_t>;
        template <std::size_t K> using tensor = typename B::template tensor<T, K>;
        tensor<1> gamma, beta, dgamma, dbeta;   // (C) each, or (0) when switched off
        tensor<1> mean, inv_std;                // per (sample, group) of the last forward

        explicit impl(rng&)
            : gamma(B::template filled<T, 1>({scale ? C : 0}, T(1))), beta(B::template filled<T, 1>({center ? C : 0})),
              dgamma(B::template filled<T, 1>({scale ? C : 0})), dbeta(B::template filled<T, 1>({center ? C : 0})) {}

        void forward(const tensor<R>& x, tensor<R>& y, mode) {
            kernels::group_norm_forward(x, Groups, scale ? &gamma : nullptr, center ? &beta : nullptr, eps, y, mean, inv_std);
        }
        void backward(const tensor<R>& x, const tensor<R>&, const tensor<R>& dy, tensor<R>* dx) {
            kernels::group_norm_backward(x, Groups, dy, scale ? &gamma : nullptr, mean, inv_std, scale ? &dgamma : nullptr,
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
