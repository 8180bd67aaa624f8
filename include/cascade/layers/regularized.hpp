#pragma once
// regularized<Layer, Reg>: Layer with a penalty on its kernel, its FIRST parameter (dense's W, conv2d's
// kernel) — Keras `kernel_regularizer=Reg`:
//   layers::regularized<layers::dense<64>, regularizers::l2<ratio<1, 1000>>>   ≡  Dense(64, kernel_regularizer=l2(1e-3))
// forward is Layer's; backward is Layer's plus ∂P/∂kernel added to the kernel's gradient; the penalty
// P(kernel) is the impl's auxiliary_loss(), summed by net::regularization_loss and added to the loss
// value by train::forward_backward (net/regularization.hpp). name, shape rule (accepts / check),
// output shape, parameters and buffers are Layer's, so summary() prints the wrapped layer's line.
// Reg: regularizers::l1, l2, l1_l2 (regularizers/l1_l2.hpp) or any type with static penalty(w) and
// add_gradient(w, dw).
#include "cascade/layers/concepts.hpp"
#include "cascade/net/regularization.hpp"

#include <tuple>
#include <type_traits>

namespace cascade::layers {

template <class Layer, class Reg>
struct regularized {
    static constexpr const char* name = Layer::name;
    template <class In>
    static constexpr bool accepts = Layer::template accepts<In>;
    template <class In>
    static constexpr void check() { Layer::template check<In>(); }
    template <class In>
    using output_shape = output_shape_of<Layer, In>;

    template <class In, class B, class T>
    struct impl {
        using inner_type = layer_impl<Layer, In, B, T>;
        using X = typename io_types<In, output_shape<In>, B, T>::x_type;
        using Y = typename io_types<In, output_shape<In>, B, T>::y_type;
        static_assert(std::tuple_size_v<decltype(std::declval<inner_type&>().params())> > 0,
                      "regularized: the wrapped layer has no parameters to penalise");
        inner_type inner;

        explicit impl(rng& g) : inner(g) {}
        void forward(const X& x, Y& y, mode m) { inner.forward(x, y, m); }
        void backward(const X& x, const Y& y, const Y& dy, X* dx) {
            inner.backward(x, y, dy, dx);
            Reg::add_gradient(std::get<0>(inner.params()), std::get<0>(inner.grads()));
        }
        auto params() { return inner.params(); }
        auto grads() { return inner.grads(); }
        auto buffers()
            requires has_buffers<inner_type>
        { return inner.buffers(); }
        T auxiliary_loss() {
            T p = T(Reg::penalty(std::get<0>(inner.params())));
            if constexpr (has_auxiliary_loss<inner_type>) p += T(inner.auxiliary_loss());
            return p;
        }
    };
};

} // namespace cascade::layers
