#pragma once
// max_pool1d<Pool, Options...> and avg_pool1d<Pool, Options...>: 1-D pooling over channels-last samples
// (Keras MaxPooling1D / AveragePooling1D; PyTorch nn.MaxPool1d / nn.AvgPool1d on (N, C, L)).
//   x (N, L, C) → y (N, OL, C); e.g. max_pool1d<2>, avg_pool1d<3, strides<1>, padding::same>
//   Options: strides<S…> (default: the pool size), padding::valid (default) | padding::same. No parameters.
//   Formulas, 'same' rule and backward: pool_nd.hpp.
#include "cascade/layers/pool_nd.hpp"

namespace cascade::layers {

template <extent Pool, class... Opts>
struct max_pool1d : pool_nd<1, pool_kind::max, Pool, Opts...> {
    using base = pool_nd<1, pool_kind::max, Pool, Opts...>;
    static constexpr const char* name = "max_pool1d";
    template <class In>
    static constexpr void check() {
        base::check_common();
        if constexpr (base::options_valid) {
            static_assert(base::template has_rank<In>, "max_pool1d: input must be a sequence (L, C) per sample");
            static_assert(!base::template has_rank<In> || base::template fits<In>,
                          "max_pool1d: pooling window is longer than the input sequence (use padding::same or a smaller pool)");
        }
    }
};

template <extent Pool, class... Opts>
struct avg_pool1d : pool_nd<1, pool_kind::average, Pool, Opts...> {
    using base = pool_nd<1, pool_kind::average, Pool, Opts...>;
    static constexpr const char* name = "avg_pool1d";
    template <class In>
    static constexpr void check() {
        base::check_common();
        if constexpr (base::options_valid) {
            static_assert(base::template has_rank<In>, "avg_pool1d: input must be a sequence (L, C) per sample");
            static_assert(!base::template has_rank<In> || base::template fits<In>,
                          "avg_pool1d: pooling window is longer than the input sequence (use padding::same or a smaller pool)");
        }
    }
};

} // namespace cascade::layers
