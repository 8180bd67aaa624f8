#pragma once
// The shared part of the parameter-free pointwise activation layers whose formula is a functor of
// kernels/pointwise_terms.hpp (gelu, swish, hard_sigmoid, hard_swish, softsign, exponential, mish): any
// input shape, the output has the input's shape; forward y = f(x), backward dx = dy · f'(x) (from x, or
// from y where f' is cheaper in y, as exponential's). The layer L provides `name` and `static constexpr
// Term term`.
#include "cascade/kernels/pointwise.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers::detail {

template <class L>
struct pointwise_activation : any_input {
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, In::rank + 1>;
        void forward(const tensor& x, tensor& y, mode) { kernels::pointwise_forward(L::term, x, y); }
        void backward(const tensor& x, const tensor& y, const tensor& dy, tensor* dx) {
            if (dx) kernels::pointwise_backward(L::term, x, y, dy, *dx);
        }
    };
};

} // namespace cascade::layers::detail
