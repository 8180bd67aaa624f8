#pragma once
// zero_padding3d<P...>: zeros around each volume (Keras ZeroPadding3D; PyTorch nn.ConstantPad3d((l, r, t, b,
// f, k), 0) on (N, C, D, H, W) — width first).
//   y[n, f + z, t + i, l + j, c] = x[n, z, i, j, c], 0 in the margins      dx = the matching slice of dy
//   x (N, D, H, W, C) → y (N, D + f + k, H + t + b, W + l + r, C); no parameters.
// Sizes (layers/margins.hpp):
//   zero_padding3d<1>                                      padding=1            1 on every side (Keras' default)
//   zero_padding3d<dims<1, 2, 3>>                          padding=(1, 2, 3)    per axis (depth, height, width)
//   zero_padding3d<sides<0, 1>, sides<2, 0>, sides<1, 1>>  padding=((0, 1), (2, 0), (1, 1))   (front, back), (top, bottom), (left, right)
#include "cascade/layers/margins.hpp"

namespace cascade::layers {

template <margin... P>
struct zero_padding3d : margin_nd<3, margin_op::pad, P...> {
    using base = margin_nd<3, margin_op::pad, P...>;
    static constexpr const char* name = "zero_padding3d";
    template <class In>
    static constexpr void check() {
        static_assert(base::spec::size_form_ok,
                      "zero_padding3d: give one size (every side), dims<...> with one size per axis (depth, height, width), or one sides<Before, After> per axis, e.g. zero_padding3d<1>, zero_padding3d<dims<1, 2, 3>>");
        static_assert(base::spec::sides_count_ok, "zero_padding3d: give one sides<Before, After> per axis: 3 (depth, height, width)");
        static_assert(base::template has_rank<In>, "zero_padding3d: input must be a volume (D, H, W, C) per sample; it cannot follow flatten/dense");
    }
};

} // namespace cascade::layers
