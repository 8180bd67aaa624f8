#pragma once
// gaussian_noise<Stddev>: additive zero-mean Gaussian noise, a regulariser (Keras GaussianNoise(stddev);
// PyTorch has no layer: `x + σ * torch.randn_like(x)` when training).
//   mode::train:  y = x + σ z,  z ~ N(0, 1) i.i.d., a new draw each forward      dx = dy
//   mode::infer:  y = x                                                          dx = dy
//   Any input shape; the output has the input's shape; no parameters.
// Stddev is a ratio (gaussian_noise<ratio<1, 10>> is GaussianNoise(0.1)), checked ≥ 0 at compile time.
// The noise comes from the layer's own engine, seeded from the network's at construction (as dropout), so
// a seed reproduces a run; inference draws nothing.
#include "cascade/kernels/activation.hpp"
#include "cascade/kernels/noise.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/hyperparameters.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::layers {

template <class Stddev_as_ratio_eg_ratio_1_10>
struct gaussian_noise : any_input {
    using Stddev = Stddev_as_ratio_eg_ratio_1_10;
    static_assert(Stddev::num >= 0, "gaussian_noise<Stddev>: the standard deviation must be >= 0");
    static constexpr const char* name = "gaussian_noise";
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using tensor = typename B::template tensor<T, In::rank + 1>;
        ratio_setting<Stddev> stddev;   // run-time hyper-parameter "stddev" (layers/hyperparameters.hpp)
        rng engine;

        explicit impl(rng& g) : engine(g()) {}
        auto hyperparameters() { return std::array{hyperparameter{"stddev", &stddev.value, rules::non_negative, "non-negative"}}; }
        void forward(const tensor& x, tensor& y, mode m) {
            if (m == mode::train && stddev.value > 0) kernels::add_gaussian_noise(x, stddev.template as<T>(), engine, y);
            else kernels::copy(x, y);
        }
        // The noise does not depend on x: the gradient is the identity in both modes.
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (dx) kernels::copy(dy, *dx);
        }
    };
};

} // namespace cascade::layers
