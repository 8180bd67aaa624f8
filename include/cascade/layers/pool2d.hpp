#pragma once
// max_pool2d<Pool, Options...> and avg_pool2d<Pool, Options...>: 2-D pooling over channels-last samples
// (Keras MaxPooling2D / AveragePooling2D; PyTorch nn.MaxPool2d / nn.AvgPool2d).
//   x (N, H, W, C) → y (N, OH, OW, C); e.g. max_pool2d<2>, avg_pool2d<3, strides<1>, padding::same>, max_pool2d<dims<2, 1>>
//   Options: strides<S…> (default: the pool size), padding::valid (default) | padding::same. No parameters.
//   Formulas, 'same' rule and backward: pool_nd.hpp.
#include "cascade/layers/pool_nd.hpp"

namespace cascade::layers {

template <extent Pool, class... Opts>
struct max_pool2d : pool_nd<2, pool_kind::max, Pool, Opts...> {
    using base = pool_nd<2, pool_kind::max, Pool, Opts...>;
    static constexpr const char* name = "max_pool2d";
    template <class In>
    static constexpr void check() {
        base::check_common();
        if constexpr (base::options_valid) {
            static_assert(base::template has_rank<In>, "max_pool2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
            static_assert(!base::template has_rank<In> || base::template fits<In>,
                          "max_pool2d: pooling window is larger than the input image (use padding::same or a smaller pool)");
        }
    }
};

template <extent Pool, class... Opts>
struct avg_pool2d : pool_nd<2, pool_kind::average, Pool, Opts...> {
    using base = pool_nd<2, pool_kind::average, Pool, Opts...>;
    static constexpr const char* name = "avg_pool2d";
    template <class In>
    static constexpr void check() {
        base::check_common();
        if constexpr (base::options_valid) {
            static_assert(base::template has_rank<In>, "avg_pool2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
            static_assert(!base::template has_rank<In> || base::template fits<In>,
                          "avg_pool2d: pooling window is larger than the input image (use padding::same or a smaller pool)");
        }
    }
};

} // namespace cascade::layers
