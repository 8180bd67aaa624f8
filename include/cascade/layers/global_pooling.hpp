#pragma once
// Global pooling: the mean or the maximum of each channel over all positions.
//   global_average_pooling1d<>   y[n, c] = (1/T) Σ_t x[n, t, c]                (N, T, C)       → (N, C)
//   global_max_pooling1d<>       y[n, c] = max_t x[n, t, c]                    (N, T, C)       → (N, C)
//   global_average_pooling2d<>   y[n, c] = (1/(H·W)) Σ_{i,j} x[n, i, j, c]     (N, H, W, C)    → (N, C)
//   global_max_pooling2d<>       y[n, c] = max_{i,j} x[n, i, j, c]             (N, H, W, C)    → (N, C)
//   global_average_pooling3d<>   y[n, c] = (1/(D·H·W)) Σ x[n, d, i, j, c]      (N, D, H, W, C) → (N, C)
//   global_max_pooling3d<>       y[n, c] = max_{d,i,j} x[n, d, i, j, c]        (N, D, H, W, C) → (N, C)
//   Option keepdims (Keras keepdims=True): the pooled axes stay with size 1, (N, 1, 1, C) for images.
//   Backward: the mean spreads dy[n, c] / (number of positions) over the positions; the max routes dy[n, c]
//   to the first maximum (row-major order), zero elsewhere. No parameters.
// Keras GlobalAveragePooling1D/2D/3D, GlobalMaxPooling1D/2D/3D (channels_last, keepdims); PyTorch
// nn.AdaptiveAvgPool1d/2d/3d(1) / AdaptiveMaxPool1d/2d/3d(1), followed by flatten unless keepdims (on
// channels-first tensors). Lin, Chen & Yan, "Network In Network", ICLR 2014.
#include "cascade/kernels/global_pool.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"
#include "cascade/layers/pool2d.hpp"   // pool_kind

#include <cstdint>
#include <type_traits>

namespace cascade::layers {

namespace detail {
struct global_pool_option_kinds : option_kinds_list<option_kinds::keepdims> {};
struct no_keepdims {
    static constexpr bool value = false;
};
template <std::size_t Axes, std::size_t C>
using kept_dims_shape = std::conditional_t<Axes == 1, shape<1, C>, std::conditional_t<Axes == 2, shape<1, 1, C>, shape<1, 1, 1, C>>>;
template <pool_kind Kind, std::size_t Axes>
inline constexpr const char* global_pool_name =
    Kind == pool_kind::max ? (Axes == 1 ? "global_max_pooling1d" : Axes == 2 ? "global_max_pooling2d" : "global_max_pooling3d")
                           : (Axes == 1 ? "global_average_pooling1d" : Axes == 2 ? "global_average_pooling2d" : "global_average_pooling3d");
} // namespace detail

// Axes: the number of pooled axes per sample: 1 for (T, C) sequences, 2 for (H, W, C) images, 3 for
// (D, H, W, C) volumes.
template <pool_kind Kind, std::size_t Axes, class... Opts>
struct global_pool {
    static_assert(Axes >= 1 && Axes <= 3, "global_pool<Kind, Axes>: Axes must be 1 (sequences), 2 (images) or 3 (volumes)");
    static constexpr const char* name = detail::global_pool_name<Kind, Axes>;
    static constexpr bool keep = detail::option_t<option_kinds::keepdims, detail::no_keepdims, Opts...>::value;
    template <class In>
    static constexpr bool accepts = In::rank == Axes + 1 && detail::options_ok<detail::global_pool_option_kinds, Opts...>;
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::global_pool_option_kinds, Opts...>();
        constexpr bool rank_ok = In::rank == Axes + 1;
        if constexpr (Kind == pool_kind::max && Axes == 3)
            static_assert(rank_ok, "global_max_pooling3d: input must be a volume (D, H, W, C) per sample");
        else if constexpr (Kind == pool_kind::max && Axes == 2)
            static_assert(rank_ok, "global_max_pooling2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
        else if constexpr (Kind == pool_kind::max)
            static_assert(rank_ok, "global_max_pooling1d: input must be a sequence (T, C) per sample");
        else if constexpr (Axes == 3)
            static_assert(rank_ok, "global_average_pooling3d: input must be a volume (D, H, W, C) per sample");
        else if constexpr (Axes == 2)
            static_assert(rank_ok, "global_average_pooling2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
        else
            static_assert(rank_ok, "global_average_pooling1d: input must be a sequence (T, C) per sample");
    }
    // dim_or: a well-formed (unused) shape even for a rejected In, so no second error follows check's.
    template <class In>
    using output_shape = std::conditional_t<keep, detail::kept_dims_shape<Axes, In::dim_or(Axes, 1)>, shape<In::dim_or(Axes, 1)>>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        static constexpr std::size_t RX = Axes + 2;             // (N, ..., C)
        static constexpr std::size_t RY = keep ? RX : 2;        // (N, 1, ..., 1, C) or (N, C)
        typename B::template tensor<std::uint32_t, 2> argmax;   // (N, C), max pooling only

        void forward(const tensor<RX>& x, tensor<RY>& y, mode) {
            if constexpr (Kind == pool_kind::max) kernels::global_max_pool_forward(x, y, argmax);
            else kernels::global_avg_pool_forward(x, y);
        }
        void backward(const tensor<RX>& x, const tensor<RY>&, const tensor<RY>& dy, tensor<RX>* dx) {
            if (!dx) return;
            if constexpr (Kind == pool_kind::max) kernels::global_max_pool_backward(dy, argmax, x.shape(), *dx);
            else kernels::global_avg_pool_backward(dy, x.shape(), *dx);
        }
    };
};

template <class... Opts>
using global_average_pooling1d = global_pool<pool_kind::average, 1, Opts...>;
template <class... Opts>
using global_max_pooling1d = global_pool<pool_kind::max, 1, Opts...>;
template <class... Opts>
using global_average_pooling2d = global_pool<pool_kind::average, 2, Opts...>;
template <class... Opts>
using global_max_pooling2d = global_pool<pool_kind::max, 2, Opts...>;
template <class... Opts>
using global_average_pooling3d = global_pool<pool_kind::average, 3, Opts...>;
template <class... Opts>
using global_max_pooling3d = global_pool<pool_kind::max, 3, Opts...>;

} // namespace cascade::layers
