#pragma once
// gaussian_dropout<Rate>: multiplicative Gaussian noise (Keras GaussianDropout(rate); PyTorch has no layer:
// `x * (1 + σ * torch.randn_like(x))` when training).   Srivastava et al., "Dropout: A Simple Way to Prevent
// Neural Networks from Overfitting", JMLR 2014, section 10.
//   mode::train:  y = x ⊙ ε,  ε_i = 1 + σ z_i,  z_i ~ N(0, 1) i.i.d.,  σ = √(p / (1 − p)),
//                 a new draw each forward                                       dx = dy ⊙ ε
//   mode::infer:  y = x                                                         dx = dy
//   Any input shape; the output has the input's shape; no parameters.
// Rate is a ratio in [0, 1) (gaussian_dropout<ratio<1, 5>> is GaussianDropout(0.2)), checked at compile
// time, and the run-time hyper-parameter "rate" (layers/hyperparameters.hpp); p = 0 is the identity. The
// noise comes from the layer's own engine, seeded from the network's (as dropout), drawn on the host with
// gaussian_noise's Box–Muller on every backend (kernels/noise.hpp), so a seed gives the same ε everywhere.
#include "cascade/kernels/activation.hpp"
#include "cascade/kernels/noise.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/hyperparameters.hpp"
#include "cascade/tensor/ratio.hpp"

#include <array>
#include <cmath>

namespace cascade::layers {

template <class Rate_as_ratio_eg_ratio_3_10>
struct gaussian_dropout : any_input {
    using Rate = Rate_as_ratio_eg_ratio_3_10;
    static_assert(Rate::num >= 0 && Rate::num < Rate::den, "gaussian_dropout<Rate>: the rate must be in [0, 1)");
    static constexpr const char* name = "gaussian_dropout";
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using tensor = typename B::template tensor<T, In::rank + 1>;
        rng engine;
        tensor noise;          // ε of the last training forward
        bool noisy = false;    // whether the last forward multiplied by ε (training) or copied (inference)
        ratio_setting<Rate> rate;   // run-time hyper-parameter "rate" (layers/hyperparameters.hpp)

        explicit impl(rng& g) : engine(g()) {}
        auto hyperparameters() { return std::array{hyperparameter{"rate", &rate.value, rules::unit_interval_open, "in [0, 1)"}}; }
        void forward(const tensor& x, tensor& y, mode m) {
            noisy = m == mode::train && rate.value > 0;
            if (!noisy) return kernels::copy(x, y);
            const T stddev = T(std::sqrt(rate.value / (1 - rate.value)));
            kernels::gaussian_multiplier(x.shape(), stddev, engine, noise);
            kernels::multiply(x, noise, y);
        }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (!dx) return;
            if (noisy) kernels::multiply(dy, noise, *dx);
            else kernels::copy(dy, *dx);
        }
    };
};

} // namespace cascade::layers
