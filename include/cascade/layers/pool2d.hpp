#pragma once
// max_pool2d<Pool, Stride = Pool> and avg_pool2d<Pool, Stride = Pool>: 2-D pooling over channels-last
// images with 'valid' windows (Keras MaxPooling2D / AveragePooling2D defaults; PyTorch nn.MaxPool2d /
// nn.AvgPool2d).
//   y[n, oy, ox, c] = max (or mean) of x[n, oy·s + i, ox·s + j, c], 0 ≤ i, j < Pool
//   x (N, H, W, C) → y (N, (H − Pool) / s + 1, (W − Pool) / s + 1, C); no parameters.
//   Backward: max routes dy to the first maximum of each window (row-major), found again from x and y;
//   mean spreads dy / Pool² over the window. Shared code with pool1d/pool3d: pool_nd.hpp.
#include "cascade/layers/pool_nd.hpp"

namespace cascade::layers {

template <pool_kind Kind, std::size_t Pool, std::size_t Stride>
struct pool2d : pool_nd<2, Kind, Pool, Stride> {
    using base = pool_nd<2, Kind, Pool, Stride>;
    static constexpr const char* name = Kind == pool_kind::max ? "max_pool2d" : "avg_pool2d";

    template <class In>
    static constexpr void check() {
        static_assert(base::template has_rank<In>, "pool2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
        static_assert(!base::template has_rank<In> || base::template fits<In>, "pool2d: pooling window is larger than the input image");
    }
};

template <std::size_t Pool, std::size_t Stride = Pool>
using max_pool2d = pool2d<pool_kind::max, Pool, Stride>;
template <std::size_t Pool, std::size_t Stride = Pool>
using avg_pool2d = pool2d<pool_kind::average, Pool, Stride>;

} // namespace cascade::layers
