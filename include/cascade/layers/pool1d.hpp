#pragma once
// max_pool1d<Pool, Stride = Pool> and avg_pool1d<Pool, Stride = Pool>: 1-D pooling over channels-last
// sequences with 'valid' windows (Keras MaxPooling1D / AveragePooling1D defaults; PyTorch nn.MaxPool1d /
// nn.AvgPool1d on (N, C, L)).
//   y[n, o, c] = max (or mean) of x[n, o·s + i, c], 0 ≤ i < Pool
//   x (N, L, C) → y (N, (L − Pool) / s + 1, C); no parameters. Backward as in pool2d (pool_nd.hpp).
#include "cascade/layers/pool_nd.hpp"

namespace cascade::layers {

template <pool_kind Kind, std::size_t Pool, std::size_t Stride>
struct pool1d : pool_nd<1, Kind, Pool, Stride> {
    using base = pool_nd<1, Kind, Pool, Stride>;
    static constexpr const char* name = Kind == pool_kind::max ? "max_pool1d" : "avg_pool1d";

    template <class In>
    static constexpr void check() {
        static_assert(base::template has_rank<In>, "pool1d: input must be a sequence (L, C) per sample");
        static_assert(!base::template has_rank<In> || base::template fits<In>, "pool1d: pooling window is longer than the input sequence");
    }
};

template <std::size_t Pool, std::size_t Stride = Pool>
using max_pool1d = pool1d<pool_kind::max, Pool, Stride>;
template <std::size_t Pool, std::size_t Stride = Pool>
using avg_pool1d = pool1d<pool_kind::average, Pool, Stride>;

} // namespace cascade::layers
