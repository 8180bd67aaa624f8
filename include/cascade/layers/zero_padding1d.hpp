#pragma once
// zero_padding1d<P...>: zeros at the start and end of each sequence (Keras ZeroPadding1D; PyTorch
// nn.ConstantPad1d((l, r), 0) on (N, C, W)).
//   y[n, l + i, c] = x[n, i, c], 0 in the margins              dx = dy[:, l : l + W, :]
//   x (N, W, C) → y (N, W + l + r, C); no parameters.
// Sizes (layers/margins.hpp):
//   zero_padding1d<2>              padding=2          2 before and 2 after
//   zero_padding1d<sides<1, 3>>    padding=(1, 3)     1 before, 3 after (Keras' 1-D tuple is (before, after))
#include "cascade/layers/margins.hpp"

namespace cascade::layers {

template <margin... P>
struct zero_padding1d : margin_nd<1, margin_op::pad, P...> {
    using base = margin_nd<1, margin_op::pad, P...>;
    static constexpr const char* name = "zero_padding1d";
    template <class In>
    static constexpr void check() {
        static_assert(base::spec::size_form_ok,
                      "zero_padding1d: give one size (both ends) or sides<Before, After>, e.g. zero_padding1d<2> or zero_padding1d<sides<1, 3>>");
        static_assert(base::spec::sides_count_ok, "zero_padding1d: give a single sides<Before, After> (1 axis)");
        static_assert(base::template has_rank<In>, "zero_padding1d: input must be a sequence (steps, C) per sample");
    }
};

} // namespace cascade::layers
