#pragma once
// upsampling1d<Size = 2>: repeats each step of a sequence Size times (Keras UpSampling1D(size); PyTorch
// nn.Upsample(scale_factor=Size, mode='nearest') on (N, C, W)).
//   y[n, o, c] = x[n, ⌊o/f⌋, c]          dx[n, i, c] = Σ_{j<f} dy[n, i·f + j, c]
//   x (N, W, C) → y (N, f·W, C); no parameters. No options (Keras' UpSampling1D has no interpolation).
//   Formulas and conventions: layers/upsampling_nd.hpp.
#include "cascade/layers/upsampling_nd.hpp"

namespace cascade::layers {

template <extent Size = 2, class... Opts>
struct upsampling1d : detail::upsampling_base<1, Size, Opts...> {
    using base = detail::upsampling_base<1, Size, Opts...>;
    static constexpr const char* name = "upsampling1d";
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::upsampling_kinds_t<1>, Opts...>();
        static_assert(base::size_ok, "upsampling1d: give one positive factor, e.g. upsampling1d<2>");
        static_assert(base::template has_rank<In>, "upsampling1d: input must be a sequence (steps, C) per sample");
    }
};

} // namespace cascade::layers
