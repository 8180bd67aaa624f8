#pragma once
// upsampling_nd<Dims, Size, Interp, OptionsOk>: what upsampling1d, upsampling2d and upsampling3d share —
// the factors, the shape rule and the run-time layer. The layers derive from it and add their names,
// options and check() messages.
//   Size: one factor for every axis (upsampling2d<2>) or one per axis (upsampling2d<dims<2, 1>>, axes in
//   the layer's order: width; height, width; depth, height, width); Keras' size=2 is the default.
//   nearest:   y[n, o…, c] = x[n, ⌊o/f⌋…, c]          dx[n, i…, c] = Σ of dy over the f_d × f_h × f_w block
//   bilinear (upsampling2d only, as Keras): half-pixel centres; per axis, output o reads the input at
//                src = max((o + ½)/f − ½, 0),  i0 = ⌊src⌋,  i1 = min(i0 + 1, H − 1),  λ = src − i0
//              and y = (1−λy)(1−λx) x[y0,x0] + (1−λy) λx x[y0,x1] + λy (1−λx) x[y1,x0] + λy λx x[y1,x1];
//              dx is the adjoint (dy scattered with the same weights).
//   out = f · in per spatial axis; no parameters.
// Conventions: bilinear is the one of tf.keras 2.x / Keras 3 with TensorFlow (UpSampling2D calls
// tf.image.resize, i.e. half_pixel_centers=True) and of PyTorch F.interpolate(mode='bilinear',
// align_corners=False): the two agree for up-sampling (e.g. [1, 2] → [1, 1.25, 1.75, 2]). It is NOT the
// legacy align_corners=False, half_pixel_centers=False of Keras ≤ 2.2 on TF 1 (src = o/f, which shifts the
// image by (f − 1)/2f pixels), nor align_corners=True. nearest is a plain repeat (Keras' and PyTorch's
// 'nearest' for integer factors).
// Up-sampling followed by a convolution ("resize-convolution") avoids the checkerboard artifacts of strided
// transposed convolutions: Odena, Dumoulin & Olah, Distill 2016.
#include "cascade/kernels/spatial.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"
#include "cascade/layers/spatial_axes.hpp"

#include <cstddef>
#include <type_traits>

namespace cascade::layers {

namespace detail {
// The options upsampling2d takes; upsampling1d and upsampling3d take none (as Keras' UpSampling1D/3D).
struct upsampling2d_option_kinds : option_kinds_list<option_kinds::interpolation> {};
struct upsampling_option_kinds : option_kinds_list<> {};
} // namespace detail

template <std::size_t Dims, extent Size, interpolation_mode Interp, bool OptionsOk>
struct upsampling_nd {
    static_assert(Dims >= 1 && Dims <= 3, "upsampling_nd: 1, 2 or 3 spatial axes");
    static_assert(Interp == interpolation_mode::nearest || Dims == 2, "upsampling_nd: bilinear is for images only");
    static constexpr bool size_ok = (Size.n == 1 || Size.n == Dims) && Size.positive();
    // The factor of kernel axis a (0 = depth, 1 = height, 2 = width); 1 for a missing axis.
    static constexpr std::size_t factor(std::size_t a) {
        return detail::has_axis(Dims, a) && size_ok ? Size.of(Dims, a + Dims - 3) : 1;
    }
    static constexpr kernels::spatial_factors factors{factor(0), factor(1), factor(2)};

    template <class In>
    static constexpr bool has_rank = In::rank == Dims + 1;
    template <class In>
    static constexpr bool accepts = OptionsOk && size_ok && has_rank<In>;
    template <class In>
    using output_shape = detail::channels_last_t<Dims, detail::size_of<Dims, In>(0) * factor(0), detail::size_of<Dims, In>(1) * factor(1),
                                                 detail::size_of<Dims, In>(2) * factor(2), In::dim_or(Dims, 1)>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, Dims + 2>;
        void forward(const tensor& x, tensor& y, mode) {
            if constexpr (Interp == interpolation_mode::nearest) kernels::upsample_nearest_forward(x, factors, y);
            else kernels::upsample_bilinear_forward(x, factors.h, factors.w, y);
        }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (!dx) return;
            if constexpr (Interp == interpolation_mode::nearest) kernels::upsample_nearest_backward(dy, factors, *dx);
            else kernels::upsample_bilinear_backward(dy, factors.h, factors.w, *dx);
        }
    };
};

namespace detail {
// The options each upsampling layer takes: interpolation for upsampling2d, none for the others.
template <std::size_t Dims>
using upsampling_kinds_t = std::conditional_t<Dims == 2, upsampling2d_option_kinds, upsampling_option_kinds>;
// upsamplingNd<Size, Opts...>'s base.
template <std::size_t Dims, extent Size, class... Opts>
using upsampling_base =
    upsampling_nd<Dims, Size,
                  Dims == 2 ? option_t<option_kinds::interpolation, interpolation::nearest, Opts...>::value
                            : interpolation_mode::nearest,
                  options_ok<upsampling_kinds_t<Dims>, Opts...>>;
} // namespace detail

} // namespace cascade::layers
