#pragma once
// cropping1d<P...>: removes steps at the start and end of each sequence (Keras Cropping1D; PyTorch: a slice
// x[:, :, l : W − r] on (N, C, W)).
//   y[n, i, c] = x[n, l + i, c]          dx = dy surrounded by zeros (the cropped steps get 0)
//   x (N, W, C) → y (N, W − l − r, C); no parameters.
// Sizes (layers/margins.hpp):
//   cropping1d<2>              cropping=2          2 from each end
//   cropping1d<sides<1, 3>>    cropping=(1, 3)     1 from the start, 3 from the end
// At least one step must remain (checked at compile time).
#include "cascade/layers/margins.hpp"

namespace cascade::layers {

template <margin... P>
struct cropping1d : margin_nd<1, margin_op::crop, P...> {
    using base = margin_nd<1, margin_op::crop, P...>;
    static constexpr const char* name = "cropping1d";
    template <class In>
    static constexpr void check() {
        static_assert(base::spec::size_form_ok,
                      "cropping1d: give one size (both ends) or sides<Before, After>, e.g. cropping1d<2> or cropping1d<sides<1, 3>>");
        static_assert(base::spec::sides_count_ok, "cropping1d: give a single sides<Before, After> (1 axis)");
        static_assert(base::template has_rank<In>, "cropping1d: input must be a sequence (steps, C) per sample");
        static_assert(base::template fits_or_other_rank<In>,
                      "cropping1d: cropping removes the whole input on some axis (before + after >= its size)");
    }
};

} // namespace cascade::layers
