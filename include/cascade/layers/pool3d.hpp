#pragma once
// max_pool3d<Pool, Options...> and avg_pool3d<Pool, Options...>: 3-D pooling over channels-last samples
// (Keras MaxPooling3D / AveragePooling3D; PyTorch nn.MaxPool3d / nn.AvgPool3d on (N, C, D, H, W)).
//   x (N, D, H, W, C) → y (N, OD, OH, OW, C); e.g. max_pool3d<2>, avg_pool3d<3, strides<1>, padding::same>
//   Options: strides<S…> (default: the pool size), padding::valid (default) | padding::same. No parameters.
//   Formulas, 'same' rule and backward: pool_nd.hpp.
#include "cascade/layers/pool_nd.hpp"

namespace cascade::layers {

template <extent Pool, class... Opts>
struct max_pool3d : pool_nd<3, pool_kind::max, Pool, Opts...> {
    using base = pool_nd<3, pool_kind::max, Pool, Opts...>;
    static constexpr const char* name = "max_pool3d";
    template <class In>
    static constexpr void check() {
        base::check_common();
        if constexpr (base::options_valid) {
            static_assert(base::template has_rank<In>, "max_pool3d: input must be a volume (D, H, W, C) per sample");
            static_assert(!base::template has_rank<In> || base::template fits<In>,
                          "max_pool3d: pooling window is larger than the input volume (use padding::same or a smaller pool)");
        }
    }
};

template <extent Pool, class... Opts>
struct avg_pool3d : pool_nd<3, pool_kind::average, Pool, Opts...> {
    using base = pool_nd<3, pool_kind::average, Pool, Opts...>;
    static constexpr const char* name = "avg_pool3d";
    template <class In>
    static constexpr void check() {
        base::check_common();
        if constexpr (base::options_valid) {
            static_assert(base::template has_rank<In>, "avg_pool3d: input must be a volume (D, H, W, C) per sample");
            static_assert(!base::template has_rank<In> || base::template fits<In>,
                          "avg_pool3d: pooling window is larger than the input volume (use padding::same or a smaller pool)");
        }
    }
};

} // namespace cascade::layers
