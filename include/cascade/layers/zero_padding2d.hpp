#pragma once
// zero_padding2d<P...>: rows and columns of zeros around each image (Keras ZeroPadding2D; PyTorch
// nn.ZeroPad2d((left, right, top, bottom)) — note PyTorch's order, width first).
//   y[n, t + i, l + j, c] = x[n, i, j, c], 0 in the margins          dx = dy[:, t : t + H, l : l + W, :]
//   x (N, H, W, C) → y (N, H + t + b, W + l + r, C); no parameters.
// The sizes are given as in Keras (layers/margins.hpp):
//   zero_padding2d<1>            padding=1             one on every side (Keras' default is (1, 1))
//   zero_padding2d<1, 2>         padding=(1, 2)        1 top and bottom, 2 left and right
//   zero_padding2d<0, 1, 0, 1>   padding=((0, 1), (0, 1))   top, bottom, left, right
#include "cascade/kernels/spatial.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/margins.hpp"

namespace cascade::layers {

template <std::size_t... P>
struct zero_padding2d {
    static_assert(detail::keras_margins<P...>::valid,
                  "zero_padding2d<P...>: give 1 size (all sides), 2 (height, width) or 4 (top, bottom, left, right)");
    static constexpr kernels::margins2d margins = detail::keras_margins<P...>::value;
    static constexpr const char* name = "zero_padding2d";

    template <class In>
    static constexpr bool accepts = In::rank == 3;
    template <class In>
    static constexpr void check() {
        static_assert(accepts<In>, "zero_padding2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
    }
    template <class In>
    using output_shape = shape<In::dim_or(0, 1) + margins.top + margins.bottom, In::dim_or(1, 1) + margins.left + margins.right,
                               In::dim_or(2, 1)>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, 4>;
        void forward(const tensor& x, tensor& y, mode) { kernels::zero_pad2d(x, margins, y); }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (dx) kernels::crop2d(dy, margins, *dx);
        }
    };
};

} // namespace cascade::layers
