#pragma once
// elu<Alpha = ratio<1, 1>>: exponential linear unit (Keras ELU(alpha=1.0) / Activation('elu'); PyTorch
// nn.ELU(alpha=1.0)).   Clevert, Unterthiner & Hochreiter, "Fast and Accurate Deep Network Learning by
// Exponential Linear Units (ELUs)", ICLR 2016.
//   y = x if x > 0 else α (e^x − 1)          dx = dy if x > 0 else dy · (y + α)   (= dy · α e^x)
//   Any input shape; the output has the input's shape; no parameters.
// Alpha is a ratio type like leaky_relu's (elu<ratio<1, 2>> is ELU(alpha=0.5)): floating-point template
// arguments are not accepted by clang 14 / hipcc 5.2 (docs/decisions/0003).
#include "cascade/kernels/smooth_activation.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/hyperparameters.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::layers {

template <class Alpha_as_ratio_eg_ratio_1_1 = ratio<1, 1>>
struct elu : any_input {
    using Alpha = Alpha_as_ratio_eg_ratio_1_1;
    static constexpr const char* name = "elu";
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, In::rank + 1>;
        ratio_setting<Alpha> alpha;   // run-time hyper-parameter "alpha" (layers/hyperparameters.hpp)
        auto hyperparameters() { return std::array{hyperparameter{"alpha", &alpha.value, rules::finite, "finite"}}; }
        void forward(const tensor& x, tensor& y, mode) { kernels::elu_forward(x, y, alpha.template as<T>()); }
        void backward(const tensor& x, const tensor& y, const tensor& dy, tensor* dx) {
            if (dx) kernels::elu_backward(x, y, dy, *dx, alpha.template as<T>());
        }
    };
};

} // namespace cascade::layers
