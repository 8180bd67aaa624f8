#pragma once
// Global pooling: the mean or the maximum of each channel over all positions.
//   global_average_pooling2d   y[n, c] = (1/(H·W)) Σ_{i,j} x[n, i, j, c]   (N, H, W, C) → (N, C)
//   global_max_pooling2d       y[n, c] = max_{i,j} x[n, i, j, c]           (N, H, W, C) → (N, C)
//   global_average_pooling1d   y[n, c] = (1/T) Σ_t x[n, t, c]              (N, T, C)    → (N, C)
//   global_max_pooling1d       y[n, c] = max_t x[n, t, c]                  (N, T, C)    → (N, C)
//   Backward: the mean spreads dy[n, c] / (H·W) (or / T) over the positions; the max routes dy[n, c] to
//   the first maximum (row-major order), zero elsewhere. No parameters.
// Keras GlobalAveragePooling2D / GlobalMaxPooling2D / GlobalAveragePooling1D / GlobalMaxPooling1D
// (keepdims=False, channels_last); PyTorch nn.AdaptiveAvgPool2d(1) / AdaptiveMaxPool2d(1) (and the 1d
// ones) followed by flatten. Lin, Chen & Yan, "Network In Network", ICLR 2014.
#include "cascade/kernels/global_pool.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/pool2d.hpp"   // pool_kind

#include <cstdint>

namespace cascade::layers {

// Axes: the number of pooled axes per sample, 2 for (H, W, C) images, 1 for (T, C) sequences.
template <pool_kind Kind, std::size_t Axes>
struct global_pool {
    static_assert(Axes == 1 || Axes == 2, "global_pool<Kind, Axes>: Axes must be 1 (sequences) or 2 (images)");
    static constexpr const char* name = Kind == pool_kind::max ? (Axes == 2 ? "global_max_pooling2d" : "global_max_pooling1d")
                                                               : (Axes == 2 ? "global_average_pooling2d" : "global_average_pooling1d");
    template <class In>
    static constexpr bool accepts = In::rank == Axes + 1;
    template <class In>
    static constexpr void check() {
        if constexpr (Kind == pool_kind::max && Axes == 2)
            static_assert(accepts<In>, "global_max_pooling2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
        else if constexpr (Kind == pool_kind::max)
            static_assert(accepts<In>, "global_max_pooling1d: input must be a sequence (T, C) per sample");
        else if constexpr (Axes == 2)
            static_assert(accepts<In>, "global_average_pooling2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
        else
            static_assert(accepts<In>, "global_average_pooling1d: input must be a sequence (T, C) per sample");
    }
    // dim_or: a well-formed (unused) shape even for a rejected In, so no second error follows check's.
    template <class In>
    using output_shape = shape<In::dim_or(Axes, 1)>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        static constexpr std::size_t RX = Axes + 2;             // (N, H, W, C) or (N, T, C)
        typename B::template tensor<std::uint32_t, 2> argmax;   // (N, C), max pooling only

        void forward(const tensor<RX>& x, tensor<2>& y, mode) {
            if constexpr (Kind == pool_kind::max) kernels::global_max_pool_forward(x, y, argmax);
            else kernels::global_avg_pool_forward(x, y);
        }
        void backward(const tensor<RX>& x, const tensor<2>&, const tensor<2>& dy, tensor<RX>* dx) {
            if (!dx) return;
            if constexpr (Kind == pool_kind::max) kernels::global_max_pool_backward(dy, argmax, x.shape(), *dx);
            else kernels::global_avg_pool_backward(dy, x.shape(), *dx);
        }
    };
};

using global_average_pooling2d = global_pool<pool_kind::average, 2>;
using global_max_pooling2d = global_pool<pool_kind::max, 2>;
using global_average_pooling1d = global_pool<pool_kind::average, 1>;
using global_max_pooling1d = global_pool<pool_kind::max, 1>;

} // namespace cascade::layers
