#pragma once
// max_pool2d<Pool, Stride = Pool> and avg_pool2d<Pool, Stride = Pool>: 2-D pooling over channels-last
// images with 'valid' windows (Keras MaxPooling2D / AveragePooling2D defaults).
//   y[n, oy, ox, c] = max (or mean) of x[n, oy·s + i, ox·s + j, c], 0 ≤ i, j < Pool
//   x (N, H, W, C) → y (N, (H − Pool) / s + 1, (W − Pool) / s + 1, C); no parameters.
//   Backward: max routes dy to the first maximum of each window (row-major), found again from x and y;
//   mean spreads dy / Pool² over the window.
#include "cascade/kernels/pool.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/padding.hpp"

#include <algorithm>
#include <cstdint>

namespace cascade::layers {

enum class pool_kind { max, average };

template <pool_kind Kind, std::size_t Pool, std::size_t Stride>
struct pool2d {
    static_assert(Pool > 0 && Stride > 0, "pool2d<Pool, Stride>: sizes must be positive");
    static constexpr const char* name = Kind == pool_kind::max ? "max_pool2d" : "avg_pool2d";

    template <class In>
    static constexpr std::size_t out(std::size_t axis) {
        return pad_axis(padding::valid, In::dim_or(axis, Pool), Pool, Stride).out;
    }
    template <class In>
    static constexpr bool is_image = In::rank == 3;
    template <class In>
    static constexpr bool fits = out<In>(0) > 0 && out<In>(1) > 0;
    template <class In>
    static constexpr bool accepts = is_image<In> && fits<In>;
    template <class In>
    static constexpr void check() {
        static_assert(is_image<In>, "pool2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
        static_assert(!is_image<In> || fits<In>, "pool2d: pooling window is larger than the input image");
    }
    template <class In>
    using output_shape = shape<std::max<std::size_t>(out<In>(0), 1), std::max<std::size_t>(out<In>(1), 1), In::dim_or(2, 1)>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        static constexpr kernels::pool2d_geometry g{In::dim(0), In::dim(1), In::dim(2), Pool, Pool,
                                                    Stride, Stride, out<In>(0), out<In>(1)};
        void forward(const tensor<4>& x, tensor<4>& y, mode) {
            if constexpr (Kind == pool_kind::max) kernels::max_pool2d_forward(g, x, y);
            else kernels::avg_pool2d_forward(g, x, y);
        }
        void backward(const tensor<4>& x, const tensor<4>& y, const tensor<4>& dy, tensor<4>* dx) {
            if (!dx) return;
            if constexpr (Kind == pool_kind::max) kernels::max_pool2d_backward(g, x, y, dy, *dx);
            else kernels::avg_pool2d_backward(g, dy, *dx);
        }
    };
};

template <std::size_t Pool, std::size_t Stride = Pool>
using max_pool2d = pool2d<pool_kind::max, Pool, Stride>;
template <std::size_t Pool, std::size_t Stride = Pool>
using avg_pool2d = pool2d<pool_kind::average, Pool, Stride>;

} // namespace cascade::layers
