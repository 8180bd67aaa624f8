#pragma once
// upsampling3d<Size = 2>: repeats each voxel of a volume (Keras UpSampling3D(size); PyTorch
// nn.Upsample(scale_factor=(fd, fh, fw), mode='nearest') on (N, C, D, H, W)).
//   upsampling3d<2>   size=2 (Keras' default)        upsampling3d<dims<1, 2, 2>>   size=(1, 2, 2)
//   y[n, z, i, j, c] = x[n, ⌊z/fd⌋, ⌊i/fh⌋, ⌊j/fw⌋, c]      dx = Σ of dy over each fd × fh × fw block
//   x (N, D, H, W, C) → y (N, fd·D, fh·H, fw·W, C); no parameters. No options (Keras' UpSampling3D has no
//   interpolation). Formulas and conventions: layers/upsampling_nd.hpp.
#include "cascade/layers/upsampling_nd.hpp"

namespace cascade::layers {

template <extent Size = 2, class... Opts>
struct upsampling3d : detail::upsampling_base<3, Size, Opts...> {
    using base = detail::upsampling_base<3, Size, Opts...>;
    static constexpr const char* name = "upsampling3d";
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::upsampling_kinds_t<3>, Opts...>();
        static_assert(base::size_ok, "upsampling3d: give one positive factor or dims<fd, fh, fw>, e.g. upsampling3d<2> or upsampling3d<dims<1, 2, 2>>");
        static_assert(base::template has_rank<In>, "upsampling3d: input must be a volume (D, H, W, C) per sample; it cannot follow flatten/dense");
    }
};

} // namespace cascade::layers
