#pragma once
// upsampling2d<Size = 2, Options...>: enlarges each image by integer factors (Keras UpSampling2D(size,
// interpolation); PyTorch nn.Upsample(scale_factor=(fh, fw), mode='nearest' | 'bilinear',
// align_corners=False)).
//   upsampling2d<2>                               size=2 (Keras' default)     both axes × 2
//   upsampling2d<dims<2, 1>>                      size=(2, 1)                 height × 2, width × 1
//   upsampling2d<3, interpolation::bilinear>      size=3, interpolation='bilinear'
//   Options: interpolation::nearest (the default) | interpolation::bilinear.
//   nearest:  y[n, i, j, c] = x[n, ⌊i/fh⌋, ⌊j/fw⌋, c]      dx = Σ of dy over each fh × fw block
//   bilinear: half-pixel centres, as TF 2's tf.image.resize (half_pixel_centers=True), which Keras'
//             UpSampling2D calls, and PyTorch's align_corners=False; formulas in layers/upsampling_nd.hpp.
//   x (N, H, W, C) → y (N, fh·H, fw·W, C); no parameters.
#include "cascade/layers/upsampling_nd.hpp"

namespace cascade::layers {

template <extent Size = 2, class... Opts>
struct upsampling2d : detail::upsampling_base<2, Size, Opts...> {
    using base = detail::upsampling_base<2, Size, Opts...>;
    static constexpr const char* name = "upsampling2d";
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::upsampling2d_option_kinds, Opts...>();
        static_assert(base::size_ok, "upsampling2d: give one positive factor or dims<fh, fw>, e.g. upsampling2d<2> or upsampling2d<dims<2, 1>>");
        static_assert(base::template has_rank<In>, "upsampling2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
    }
};

} // namespace cascade::layers
