#pragma once
// alpha_dropout<Rate>: dropout that keeps SELU's self-normalisation (Keras AlphaDropout, PyTorch
// AlphaDropout; Klambauer et al., "Self-Normalizing Neural Networks", NeurIPS 2017). In training each value
// is kept with probability 1 − p, else set to SELU's negative saturation α' = −λα; then an affine map
// restores zero mean and unit variance for standardised inputs:
//   y = a (x k + α' (1 − k)) + b,   k ∈ {0, 1},   a = ((1 − p)(1 + p α'²))^(−1/2),   b = −a α' p
//   dx = a k dy;      inference: y = x.
// λ = 1.0507009873554805, α = 1.6732632423543772 (as layers::selu). The mask comes from the layer's own
// engine, seeded from the network seed.
#include "cascade/kernels/activation.hpp"
#include "cascade/kernels/noise.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/hyperparameters.hpp"
#include "cascade/tensor/ratio.hpp"

#include <cmath>

namespace cascade::layers {

template <class Rate_as_ratio_eg_ratio_1_10>
struct alpha_dropout : any_input {
    using Rate = Rate_as_ratio_eg_ratio_1_10;
    static_assert(Rate::num >= 0 && Rate::num < Rate::den, "alpha_dropout<Rate>: the rate must be in [0, 1)");
    static constexpr const char* name = "alpha_dropout";
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using tensor = typename B::template tensor<T, In::rank + 1>;
        ratio_setting<Rate> rate;   // run-time hyper-parameter "rate" (layers/hyperparameters.hpp)
        static constexpr double alpha_p = -1.6732632423543772 * 1.0507009873554805;   // −λα
        rng engine;
        tensor scale;    // a·k: a where kept, 0 where dropped
        tensor offset;   // a α' (1 − k) + b
        bool masked = false;

        explicit impl(rng& g) : engine(g()) {}
        auto hyperparameters() { return std::array{hyperparameter{"rate", &rate.value, rules::unit_interval_open, "in [0, 1)"}}; }
        void forward(const tensor& x, tensor& y, mode m) {
            const double p = rate.value;
            masked = m == mode::train && p > 0;
            if (!masked) return kernels::copy(x, y);
            const double a = 1 / std::sqrt((1 - p) * (1 + p * alpha_p * alpha_p)), b = -a * alpha_p * p;
            kernels::dropout_mask(x.shape(), p, T(a), engine, scale);
            kernels::select_by_mask(scale, T(b), T(a * alpha_p + b), offset);
            kernels::multiply(x, scale, y);
            kernels::add_scaled(y, offset, T(1), y);
        }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (!dx) return;
            if (masked) kernels::multiply(dy, scale, *dx);
            else kernels::copy(dy, *dx);
        }
    };
};

} // namespace cascade::layers
