#pragma once
// upsampling2d<Factor = 2, Interp = interpolation::nearest>: enlarges each image by an integer factor on
// both axes (Keras UpSampling2D(size=(Factor, Factor), interpolation=...); PyTorch nn.Upsample(
// scale_factor=Factor, mode='nearest' | 'bilinear', align_corners=False)).
//   nearest:   y[n, i, j, c] = x[n, ⌊i/F⌋, ⌊j/F⌋, c]         dx[n, i, j, c] = Σ of dy over the F × F block
//   bilinear:  half-pixel centres: per axis, output o reads the input at
//                src = max((o + ½)/F − ½, 0),  i0 = ⌊src⌋,  i1 = min(i0 + 1, H − 1),  λ = src − i0
//              and y = (1−λy)(1−λx) x[y0,x0] + (1−λy) λx x[y0,x1] + λy (1−λx) x[y1,x0] + λy λx x[y1,x1];
//              dx is the adjoint (dy scattered with the same weights).
//   x (N, H, W, C) → y (N, F·H, F·W, C); no parameters.
// Conventions: bilinear is the one of tf.keras 2.x / Keras 3 with TensorFlow (tf.image.resize, i.e.
// half_pixel_centers=True) and of PyTorch F.interpolate(mode='bilinear', align_corners=False): the two agree
// for up-sampling (e.g. [1, 2] → [1, 1.25, 1.75, 2]). It is NOT the legacy align_corners=False,
// half_pixel_centers=False of Keras ≤ 2.2 on TF 1 (src = o/F, which shifts the image by (F − 1)/2F pixels),
// nor align_corners=True. nearest is a plain repeat (Keras' and PyTorch's 'nearest' for integer factors).
#include "cascade/kernels/spatial.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

enum class interpolation { nearest, bilinear };

template <std::size_t Factor = 2, interpolation Interp = interpolation::nearest>
struct upsampling2d {
    static_assert(Factor > 0, "upsampling2d<Factor>: the factor must be positive");
    static constexpr const char* name = "upsampling2d";

    template <class In>
    static constexpr bool accepts = In::rank == 3;
    template <class In>
    static constexpr void check() {
        static_assert(accepts<In>, "upsampling2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
    }
    template <class In>
    using output_shape = shape<In::dim_or(0, 1) * Factor, In::dim_or(1, 1) * Factor, In::dim_or(2, 1)>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, 4>;
        void forward(const tensor& x, tensor& y, mode) {
            if constexpr (Interp == interpolation::nearest) kernels::upsample2d_nearest_forward(x, Factor, Factor, y);
            else kernels::upsample2d_bilinear_forward(x, Factor, Factor, y);
        }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (!dx) return;
            if constexpr (Interp == interpolation::nearest) kernels::upsample2d_nearest_backward(dy, Factor, Factor, *dx);
            else kernels::upsample2d_bilinear_backward(dy, Factor, Factor, *dx);
        }
    };
};

} // namespace cascade::layers
