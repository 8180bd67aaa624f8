#pragma once
// cropping2d<P...>: removes rows and columns at the borders of each image (Keras Cropping2D; PyTorch: a
// slice x[:, :, t : H − b, l : W − r] on NCHW).
//   y[n, i, j, c] = x[n, t + i, l + j, c]          dx = dy surrounded by zeros (the cropped border gets 0)
//   x (N, H, W, C) → y (N, H − t − b, W − l − r, C); no parameters.
// Sizes (layers/margins.hpp):
//   cropping2d<1>                         cropping=1                  1 from every side
//   cropping2d<dims<1, 2>>                cropping=(1, 2)             1 top and bottom, 2 left and right
//   cropping2d<sides<0, 1>, sides<2, 0>>  cropping=((0, 1), (2, 0))   (top, bottom), (left, right)
// At least one row and one column must remain (checked at compile time).
#include "cascade/layers/margins.hpp"

namespace cascade::layers {

template <margin... P>
struct cropping2d : margin_nd<2, margin_op::crop, P...> {
    using base = margin_nd<2, margin_op::crop, P...>;
    static constexpr const char* name = "cropping2d";
    template <class In>
    static constexpr void check() {
        static_assert(base::spec::size_form_ok,
                      "cropping2d: give one size (every side), dims<...> with one size per axis (height, width), or one sides<Before, After> per axis, e.g. cropping2d<1>, cropping2d<dims<1, 2>>, cropping2d<sides<1, 2>, sides<3, 4>>");
        static_assert(base::spec::sides_count_ok, "cropping2d: give one sides<Before, After> per axis: 2 (height, width)");
        static_assert(base::template has_rank<In>, "cropping2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
        static_assert(base::template fits_or_other_rank<In>,
                      "cropping2d: cropping removes the whole input on some axis (before + after >= its size)");
    }
};

} // namespace cascade::layers
