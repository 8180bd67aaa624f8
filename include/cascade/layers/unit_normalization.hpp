#pragma once
// unit_normalization: scales each position's feature vector (the last axis) to unit L2 norm (Keras 3
// UnitNormalization(axis=-1); PyTorch torch.nn.functional.normalize(x, p=2, dim=-1, eps=1e-12)).
//   ‖x‖ = √(Σ_c x_c²),  y = x / max(‖x‖, ε),  ε = 1e-12 (Keras 3's ops.normalize: x · min(1/‖x‖, 1/ε))
//   dx = (dy − y (y · dy)) / ‖x‖ where ‖x‖ > ε, dy / ε otherwise. tf.keras 2's l2_normalize put ε on Σ x²
//   (a norm floor of 1e-6); that differs only for vectors shorter than 1e-6.
//   Any input shape; the output has the input's shape; no parameters. Formulas: kernels/unit_norm.hpp.
#include "cascade/kernels/unit_norm.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

struct unit_normalization : any_input {
    static constexpr const char* name = "unit_normalization";
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, In::rank + 1>;
        typename B::template tensor<T, 1> norm;   // ‖x‖ per position of the last forward
        void forward(const tensor& x, tensor& y, mode) { kernels::unit_norm_forward(x, y, norm); }
        void backward(const tensor&, const tensor& y, const tensor& dy, tensor* dx) {
            if (dx) kernels::unit_norm_backward(y, dy, norm, *dx);
        }
    };
};

} // namespace cascade::layers
