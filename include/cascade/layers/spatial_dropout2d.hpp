#pragma once
// spatial_dropout2d<Rate>: dropout of whole feature maps (Keras SpatialDropout2D(rate); PyTorch
// nn.Dropout2d(p) on NCHW).   Tompson et al., "Efficient Object Localization Using Convolutional
// Networks", CVPR 2015.
//   mode::train:  y[n, i, j, c] = x[n, i, j, c] · m[n, c],  m[n, c] = 1/(1 − p) with probability 1 − p,
//                 else 0 — one draw per sample and channel, shared by all H·W positions   dx = dy ⊙ m
//   mode::infer:  y = x                                                                 dx = dy
//   x (N, H, W, C) → y (N, H, W, C); no parameters.
// Rate is a ratio in [0, 1) (spatial_dropout2d<ratio<1, 5>> is SpatialDropout2D(0.2)), checked at compile
// time. Inverted scaling as Keras and PyTorch. The mask comes from the layer's own engine, seeded from
// the network seed (as dropout).
#include "cascade/kernels/activation.hpp"
#include "cascade/kernels/noise.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/tensor/ratio.hpp"

#include <array>

namespace cascade::layers {

template <class Rate>
struct spatial_dropout2d {
    static_assert(Rate::num >= 0 && Rate::num < Rate::den, "spatial_dropout2d<Rate>: the rate must be in [0, 1)");
    static constexpr const char* name = "spatial_dropout2d";
    template <class In>
    static constexpr bool accepts = In::rank == 3;
    template <class In>
    static constexpr void check() {
        static_assert(accepts<In>, "spatial_dropout2d: input must be an image (H, W, C) per sample; use dropout for other shapes");
    }
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        static constexpr std::size_t C = In::dim(2);
        static constexpr double rate = double(Rate::num) / double(Rate::den);
        static constexpr T keep = T(Rate::den) / T(Rate::den - Rate::num);
        rng engine;
        tensor<2> mask;        // (N, C)
        bool masked = false;   // whether the last forward applied a mask (training) or copied (inference)

        explicit impl(rng& g) : engine(g()) {}
        void forward(const tensor<4>& x, tensor<4>& y, mode m) {
            masked = m == mode::train && Rate::num > 0;
            if (!masked) return kernels::copy(x, y);
            kernels::dropout_mask(std::array<std::size_t, 2>{x.shape()[0], C}, rate, keep, engine, mask);
            kernels::multiply_channels(x, mask, y);
        }
        void backward(const tensor<4>&, const tensor<4>&, const tensor<4>& dy, tensor<4>* dx) {
            if (!dx) return;
            if (masked) kernels::multiply_channels(dy, mask, *dx);
            else kernels::copy(dy, *dx);
        }
    };
};

} // namespace cascade::layers
