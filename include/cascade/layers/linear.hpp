#pragma once
// linear: the identity activation (Keras Activation('linear') / Activation(None); PyTorch nn.Identity()).
//   y = x          dx = dy
//   Any input shape; the output has the input's shape; no parameters. Useful as an explicit, named
//   placeholder (e.g. where a configurable activation is "none"); it costs one copy each way.
#include "cascade/kernels/activation.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

struct linear : any_input {
    static constexpr const char* name = "linear";
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, In::rank + 1>;
        void forward(const tensor& x, tensor& y, mode) { kernels::copy(x, y); }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (dx) kernels::copy(dy, *dx);
        }
    };
};

} // namespace cascade::layers
