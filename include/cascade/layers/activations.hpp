#pragma once
// Shape-preserving activation layers without parameters (Keras Activation / ReLU / LeakyReLU):
//   relu         y = max(x, 0)                                dx = dy · [x > 0]
//   leaky_relu   y = x if x > 0 else a·x, a = Alpha (ratio)     dx = dy · (1 or a)     Maas et al. 2013
//   sigmoid      y = 1 / (1 + e^−x)                            dx = dy · y (1 − y)
//   tanh         y = tanh x                                    dx = dy · (1 − y²)
//   softmax      y_i = e^{x_i} / Σ_j e^{x_j} over the last axis  dx = y ⊙ (dy − Σ dy ⊙ y)
// leaky_relu's slope is a ratio type (Keras' default 0.3 = leaky_relu<ratio<3, 10>>): floating-point
// template arguments are not accepted by clang 14 / hipcc 5.2 (docs/decisions/0003).
#include "cascade/kernels/activation.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/hyperparameters.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::layers {

namespace detail {
// The common part of every element-wise activation: shapes, check, tensor types.
template <class Derived>
struct elementwise_layer : any_input {
    template <class In>
    using output_shape = In;
};
} // namespace detail

#define CASCADE_ACTIVATION_LAYER(NAME, BACKWARD_INPUT)                                                    \
    struct NAME : detail::elementwise_layer<NAME> {                                                       \
        static constexpr const char* name = #NAME;                                                        \
        template <class In, class B, class T>                                                             \
        struct impl : no_params {                                                                         \
            using no_params::no_params;                                                                   \
            using tensor = typename B::template tensor<T, In::rank + 1>;                                  \
            void forward(const tensor& x, tensor& y, mode) { kernels::NAME##_forward(x, y); }             \
            void backward(const tensor& x, const tensor& y, const tensor& dy, tensor* dx) {               \
                (void)x; (void)y;                                                                         \
                if (dx) kernels::NAME##_backward(BACKWARD_INPUT, dy, *dx);                                \
            }                                                                                             \
        };                                                                                                \
    };
// These differ only in the kernel names; the macro keeps the four from drifting apart.
CASCADE_ACTIVATION_LAYER(relu, y)
CASCADE_ACTIVATION_LAYER(sigmoid, y)
CASCADE_ACTIVATION_LAYER(tanh, y)
CASCADE_ACTIVATION_LAYER(softmax, y)
#undef CASCADE_ACTIVATION_LAYER

template <class Alpha_as_ratio_eg_ratio_3_10 = ratio<3, 10>>
struct leaky_relu : detail::elementwise_layer<leaky_relu<Alpha_as_ratio_eg_ratio_3_10>> {
    using Alpha = Alpha_as_ratio_eg_ratio_3_10;
    static constexpr const char* name = "leaky_relu";
    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, In::rank + 1>;
        ratio_setting<Alpha> alpha;   // run-time hyper-parameter "alpha" (layers/hyperparameters.hpp)
        auto hyperparameters() { return std::array{hyperparameter{"alpha", &alpha.value, rules::finite, "finite"}}; }
        void forward(const tensor& x, tensor& y, mode) { kernels::leaky_relu_forward(x, y, alpha.template as<T>()); }
        void backward(const tensor& x, const tensor&, const tensor& dy, tensor* dx) {
            if (dx) kernels::leaky_relu_backward(x, dy, *dx, alpha.template as<T>());
        }
    };
};

} // namespace cascade::layers
