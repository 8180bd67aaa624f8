#pragma once
// cropping3d<P...>: removes slices at the borders of each volume (Keras Cropping3D; PyTorch: a slice
// x[:, :, f : D − k, t : H − b, l : W − r] on (N, C, D, H, W)).
//   y[n, z, i, j, c] = x[n, f + z, t + i, l + j, c]          dx = dy surrounded by zeros
//   x (N, D, H, W, C) → y (N, D − f − k, H − t − b, W − l − r, C); no parameters.
// Sizes (layers/margins.hpp):
//   cropping3d<1>                                      cropping=1           1 from every side
//   cropping3d<dims<1, 2, 3>>                          cropping=(1, 2, 3)   per axis (depth, height, width)
//   cropping3d<sides<0, 1>, sides<2, 0>, sides<1, 1>>  cropping=((0, 1), (2, 0), (1, 1))
// At least one slice must remain on every axis (checked at compile time).
#include "cascade/layers/margins.hpp"

namespace cascade::layers {

template <margin... P>
struct cropping3d : margin_nd<3, margin_op::crop, P...> {
    using base = margin_nd<3, margin_op::crop, P...>;
    static constexpr const char* name = "cropping3d";
    template <class In>
    static constexpr void check() {
        static_assert(base::spec::size_form_ok,
                      "cropping3d: give one size (every side), dims<...> with one size per axis (depth, height, width), or one sides<Before, After> per axis, e.g. cropping3d<1>, cropping3d<dims<1, 2, 3>>");
        static_assert(base::spec::sides_count_ok, "cropping3d: give one sides<Before, After> per axis: 3 (depth, height, width)");
        static_assert(base::template has_rank<In>, "cropping3d: input must be a volume (D, H, W, C) per sample; it cannot follow flatten/dense");
        static_assert(base::template fits_or_other_rank<In>,
                      "cropping3d: cropping removes the whole input on some axis (before + after >= its size)");
    }
};

} // namespace cascade::layers
