#pragma once
// zero_padding2d<P...>: rows and columns of zeros around each image (Keras ZeroPadding2D; PyTorch
// nn.ZeroPad2d((left, right, top, bottom)) — note PyTorch's order, width first).
//   y[n, t + i, l + j, c] = x[n, i, j, c], 0 in the margins          dx = dy[:, t : t + H, l : l + W, :]
//   x (N, H, W, C) → y (N, H + t + b, W + l + r, C); no parameters.
// Sizes (layers/margins.hpp):
//   zero_padding2d<1>                         padding=1                  1 on every side (Keras' default)
//   zero_padding2d<dims<1, 2>>                padding=(1, 2)             1 top and bottom, 2 left and right
//   zero_padding2d<sides<0, 1>, sides<2, 3>>  padding=((0, 1), (2, 3))   (top, bottom), (left, right)
#include "cascade/layers/margins.hpp"

namespace cascade::layers {

template <margin... P>
struct zero_padding2d : margin_nd<2, margin_op::pad, P...> {
    using base = margin_nd<2, margin_op::pad, P...>;
    static constexpr const char* name = "zero_padding2d";
    template <class In>
    static constexpr void check() {
        static_assert(base::spec::size_form_ok,
                      "zero_padding2d: give one size (every side), dims<...> with one size per axis (height, width), or one sides<Before, After> per axis, e.g. zero_padding2d<1>, zero_padding2d<dims<1, 2>>, zero_padding2d<sides<1, 2>, sides<3, 4>>");
        static_assert(base::spec::sides_count_ok, "zero_padding2d: give one sides<Before, After> per axis: 2 (height, width)");
        static_assert(base::template has_rank<In>, "zero_padding2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
    }
};

} // namespace cascade::layers
