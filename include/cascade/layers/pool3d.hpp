#pragma once
// max_pool3d<Pool, Stride = Pool> and avg_pool3d<Pool, Stride = Pool>: 3-D pooling over channels-last
// volumes with 'valid' windows (Keras MaxPooling3D / AveragePooling3D defaults; PyTorch nn.MaxPool3d /
// nn.AvgPool3d on (N, C, D, H, W)).
//   y[n, oz, oy, ox, c] = max (or mean) of x[n, oz·s + i, oy·s + j, ox·s + l, c], 0 ≤ i, j, l < Pool
//   x (N, D, H, W, C) → y (N, (D − Pool) / s + 1, (H − Pool) / s + 1, (W − Pool) / s + 1, C); no parameters.
//   Backward as in pool2d (pool_nd.hpp); mean spreads dy / Pool³.
#include "cascade/layers/pool_nd.hpp"

namespace cascade::layers {

template <pool_kind Kind, std::size_t Pool, std::size_t Stride>
struct pool3d : pool_nd<3, Kind, Pool, Stride> {
    using base = pool_nd<3, Kind, Pool, Stride>;
    static constexpr const char* name = Kind == pool_kind::max ? "max_pool3d" : "avg_pool3d";

    template <class In>
    static constexpr void check() {
        static_assert(base::template has_rank<In>, "pool3d: input must be a volume (D, H, W, C) per sample");
        static_assert(!base::template has_rank<In> || base::template fits<In>, "pool3d: pooling window is larger than the input volume");
    }
};

template <std::size_t Pool, std::size_t Stride = Pool>
using max_pool3d = pool3d<pool_kind::max, Pool, Stride>;
template <std::size_t Pool, std::size_t Stride = Pool>
using avg_pool3d = pool3d<pool_kind::average, Pool, Stride>;

} // namespace cascade::layers
