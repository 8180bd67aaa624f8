#pragma once
// cropping2d<P...>: removes rows and columns at the borders of each image (Keras Cropping2D; PyTorch: a
// slice x[:, :, t : H − b, l : W − r] on NCHW).
//   y[n, i, j, c] = x[n, t + i, l + j, c]          dx = dy surrounded by zeros (the cropped border gets 0)
//   x (N, H, W, C) → y (N, H − t − b, W − l − r, C); no parameters.
// The sizes are given as in Keras (layers/margins.hpp):
//   cropping2d<1>            cropping=1               one from every side
//   cropping2d<1, 2>         cropping=(1, 2)          1 top and bottom, 2 left and right
//   cropping2d<0, 1, 2, 0>   cropping=((0, 1), (2, 0))   top, bottom, left, right
// At least one row and one column must remain (checked at compile time).
#include "cascade/kernels/spatial.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/margins.hpp"

namespace cascade::layers {

template <std::size_t... P>
struct cropping2d {
    static_assert(detail::keras_margins<P...>::valid,
                  "cropping2d<P...>: give 1 size (all sides), 2 (height, width) or 4 (top, bottom, left, right)");
    static constexpr kernels::margins2d margins = detail::keras_margins<P...>::value;
    static constexpr const char* name = "cropping2d";

    template <class In>
    static constexpr bool is_image = In::rank == 3;
    template <class In>
    static constexpr bool fits = In::dim_or(0, 1) > margins.top + margins.bottom && In::dim_or(1, 1) > margins.left + margins.right;
    template <class In>
    static constexpr bool accepts = is_image<In> && fits<In>;
    template <class In>
    static constexpr void check() {
        static_assert(is_image<In>, "cropping2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
        static_assert(!is_image<In> || fits<In>, "cropping2d: cropping removes the whole image (top + bottom >= H or left + right >= W)");
    }
    template <class In>
    using output_shape = shape<fits<In> ? In::dim_or(0, 1) - margins.top - margins.bottom : 1,
                               fits<In> ? In::dim_or(1, 1) - margins.left - margins.right : 1, In::dim_or(2, 1)>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, 4>;
        void forward(const tensor& x, tensor& y, mode) { kernels::crop2d(x, margins, y); }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (dx) kernels::zero_pad2d(dy, margins, *dx);
        }
    };
};

} // namespace cascade::layers
