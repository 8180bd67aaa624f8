#pragma once
// selu: scaled exponential linear unit (Keras Activation('selu'); PyTorch nn.SELU()).   Klambauer,
// Unterthiner, Mayr & Hochreiter, "Self-Normalizing Neural Networks", NeurIPS 2017.
//   y = λ x if x > 0 else λ α (e^x − 1)       dx = λ dy if x > 0 else dy · (y + λ α)
//   λ = 1.0507009873554804934193349852946, α = 1.6732632423543772848170429916717 (the paper's constants,
//   as in TensorFlow and PyTorch).
//   Any input shape; the output has the input's shape; no parameters. The self-normalising property
//   assumes lecun_normal weights (not in cascade yet) and alpha dropout, as Keras' documentation says.
#include "cascade/kernels/smooth_activation.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

struct selu : any_input {
    static constexpr const char* name = "selu";
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, In::rank + 1>;
        void forward(const tensor& x, tensor& y, mode) { kernels::selu_forward(x, y); }
        void backward(const tensor& x, const tensor& y, const tensor& dy, tensor* dx) {
            if (dx) kernels::selu_backward(x, y, dy, *dx);
        }
    };
};

} // namespace cascade::layers
