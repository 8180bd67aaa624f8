#pragma once
// softplus: a smooth relu (Keras Activation('softplus'); PyTorch nn.Softplus(beta=1)).   Dugas et al.,
// "Incorporating Second-Order Functional Knowledge for Better Option Pricing", NIPS 2000.
//   y = log(1 + e^x) = max(x, 0) + log1p(e^−|x|)       dx = dy · σ(x) = dy / (1 + e^−x)
//   Any input shape; the output has the input's shape; no parameters.
// Exact for every x (no overflow); PyTorch returns x itself above its threshold 20 (a difference below
// 2.1e-9), Keras computes the same function.
#include "cascade/kernels/smooth_activation.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

struct softplus : any_input {
    static constexpr const char* name = "softplus";
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, In::rank + 1>;
        void forward(const tensor& x, tensor& y, mode) { kernels::softplus_forward(x, y); }
        void backward(const tensor& x, const tensor&, const tensor& dy, tensor* dx) {
            if (dx) kernels::softplus_backward(x, dy, *dx);
        }
    };
};

} // namespace cascade::layers
