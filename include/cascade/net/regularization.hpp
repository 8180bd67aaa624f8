#pragma once
// Losses that layers add to the objective themselves (Keras `model.losses`: kernel_regularizer
// penalties and add_loss terms):
//   - layers::regularized<Layer, Reg>: the weight penalty of the wrapped layer's kernel;
//   - layers::sampling<β>: β × the VAE's KL term of its last forward.
// A layer impl takes part by having `auxiliary_loss()` (its current value) and by adding that term's
// gradient to its grads / dx in backward. train::forward_backward adds regularization_loss(net) to the
// returned loss value, so fit reports loss + penalties as Keras does; the gradients already contain them.
#include "cascade/net/sequential.hpp"

#include <cstddef>
#include <utility>

namespace cascade {

namespace layers {
template <class I>
concept has_auxiliary_loss = requires(I& i) { i.auxiliary_loss(); };
} // namespace layers

namespace net {

// Whether any layer of Net adds a loss (decided at compile time: other networks pay nothing). A network
// that is itself a composite (multi_input) answers through its own auxiliary_loss().
template <class Net>
constexpr bool has_auxiliary_losses() {
    if constexpr (layers::has_auxiliary_loss<Net>) return true;
    else
        return []<std::size_t... K>(std::index_sequence<K...>) {
            return (layers::has_auxiliary_loss<std::remove_cvref_t<decltype(std::declval<Net&>().template layer<K>())>> || ...);
        }(std::make_index_sequence<Net::depth>{});
}

// Σ of every layer's auxiliary_loss(): weight penalties at the current weights, KL terms of the last forward.
template <class Net>
typename Net::scalar_type regularization_loss(Net& net) {
    if constexpr (layers::has_auxiliary_loss<Net>) return net.auxiliary_loss();
    double s = 0;
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ([&] {
             auto& l = net.template layer<K>();
             if constexpr (layers::has_auxiliary_loss<std::remove_cvref_t<decltype(l)>>) s += double(l.auxiliary_loss());
         }(), ...);
    }(std::make_index_sequence<Net::depth>{});
    return typename Net::scalar_type(s);
}

} // namespace net
} // namespace cascade
