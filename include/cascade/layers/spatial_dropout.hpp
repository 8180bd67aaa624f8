#pragma once
// spatial_dropout_nd<Axes, Rate>: dropout of whole feature maps over Axes spatial axes, the one
// implementation behind spatial_dropout1d (sequences (T, C)), spatial_dropout2d (images (H, W, C)) and
// spatial_dropout3d (volumes (D, H, W, C)). Keras SpatialDropout1D/2D/3D(rate); PyTorch nn.Dropout1d/2d/3d(p)
// on channels-first tensors.   Tompson et al., "Efficient Object Localization Using Convolutional
// Networks", CVPR 2015.
//   mode::train:  y[n, ..., c] = x[n, ..., c] · m[n, c],  m[n, c] = 1/(1 − p) with probability 1 − p, else 0
//                 — one draw per sample and channel, shared by all positions            dx = dy ⊙ m
//   mode::infer:  y = x                                                                dx = dy
//   The output has the input's shape; no parameters.
// Rate is a ratio in [0, 1) (spatial_dropout2d<ratio<1, 5>> is SpatialDropout2D(0.2)), checked at compile
// time, and the run-time hyper-parameter "rate" (layers/hyperparameters.hpp). Inverted scaling as Keras and
// PyTorch. The mask comes from the layer's own engine, seeded from the network seed (as dropout), drawn on
// the host on every backend (kernels/noise.hpp).
#include "cascade/kernels/activation.hpp"
#include "cascade/kernels/noise.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/hyperparameters.hpp"
#include "cascade/tensor/ratio.hpp"

#include <array>

namespace cascade::layers {

template <std::size_t Axes, class Rate_as_ratio_eg_ratio_3_10>
struct spatial_dropout_nd {
    using Rate = Rate_as_ratio_eg_ratio_3_10;
    static_assert(Axes >= 1 && Axes <= 3, "spatial_dropout_nd<Axes, Rate>: Axes must be 1, 2 or 3");
    static constexpr bool rate_ok = Rate::num >= 0 && Rate::num < Rate::den;
    static_assert(Axes != 1 || rate_ok, "spatial_dropout1d<Rate>: the rate must be in [0, 1)");
    static_assert(Axes != 2 || rate_ok, "spatial_dropout2d<Rate>: the rate must be in [0, 1)");
    static_assert(Axes != 3 || rate_ok, "spatial_dropout3d<Rate>: the rate must be in [0, 1)");
    static constexpr const char* name = Axes == 1 ? "spatial_dropout1d" : Axes == 2 ? "spatial_dropout2d" : "spatial_dropout3d";
    template <class In>
    static constexpr bool accepts = In::rank == Axes + 1;
    template <class In>
    static constexpr void check() {
        if constexpr (Axes == 1)
            static_assert(accepts<In>, "spatial_dropout1d: input must be a sequence (T, C) per sample; use dropout for other shapes");
        else if constexpr (Axes == 2)
            static_assert(accepts<In>, "spatial_dropout2d: input must be an image (H, W, C) per sample; use dropout for other shapes");
        else
            static_assert(accepts<In>, "spatial_dropout3d: input must be a volume (D, H, W, C) per sample; use dropout for other shapes");
    }
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        static constexpr std::size_t RX = In::rank + 1;
        using tensor = typename B::template tensor<T, RX>;
        static constexpr std::size_t C = In::dim(In::rank - 1);
        rng engine;
        typename B::template tensor<T, 2> mask;   // (N, C)
        bool masked = false;   // whether the last forward applied a mask (training) or copied (inference)
        ratio_setting<Rate> rate;   // run-time hyper-parameter "rate" (layers/hyperparameters.hpp)

        explicit impl(rng& g) : engine(g()) {}
        auto hyperparameters() { return std::array{hyperparameter{"rate", &rate.value, rules::unit_interval_open, "in [0, 1)"}}; }
        void forward(const tensor& x, tensor& y, mode m) {
            masked = m == mode::train && rate.value > 0;
            if (!masked) return kernels::copy(x, y);
            const T keep = rate.value == ratio_value<double, Rate> ? T(Rate::den) / T(Rate::den - Rate::num) : T(1 / (1 - rate.value));
            kernels::dropout_mask(std::array<std::size_t, 2>{x.shape()[0], C}, rate.value, keep, engine, mask);
            kernels::multiply_channels(x, mask, y);
        }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (!dx) return;
            if (masked) kernels::multiply_channels(dy, mask, *dx);
            else kernels::copy(dy, *dx);
        }
    };
};

} // namespace cascade::layers
