#pragma once
// train::step: one optimisation step on one mini-batch — forward (training mode), loss, backward,
// optimizer update of every parameter. All pieces are public so that custom loops (GAN, VAE) compose
// them the same way. A loss that fuses with the network's final activation (cross-entropy after
// softmax/sigmoid) hands (y − t)/N to the layer before that activation. Optional per-sample weights
// (overloads with w); the returned value includes the layers' own losses (net/regularization.hpp).
#include "cascade/net/regularization.hpp"
#include "cascade/net/sequential.hpp"

#include <concepts>
#include <cstddef>
#include <type_traits>

namespace cascade::train {

template <class Net, class Loss>
constexpr bool fuses_final_activation() {
    if constexpr (Net::depth < 2) return false;
    else return Loss::template fuses_with<typename Net::template layer_type<Net::depth - 1>>;
}

namespace detail {
struct unweighted {};

template <class Net>
void check_targets(const typename Net::output_tensor& y, const typename Net::output_tensor& t) {
    CASCADE_CHECK(y.shape() == t.shape(), "train: targets have shape ", xt::adapt(t.shape()), " but the network outputs ",
                  xt::adapt(y.shape()));
}

// The loss of the network's output y (optionally with per-sample weights w).
template <class Loss, class Y, class W>
auto loss_value(const Loss& loss, const Y& y, const Y& t, const W& w) {
    if constexpr (!std::is_same_v<W, unweighted>) return loss.value(y, t, w);
    else return loss.value(y, t);
}

// The gradient half of a step: ∂L/∂y (or, fused with the final activation, ∂L/∂z of the layer before it)
// handed to the network's backward pass.
template <class Net, class Loss, class W>
void backward_from_loss(Net& net, const Loss& loss, const typename Net::output_tensor& y, const typename Net::output_tensor& t,
                        const W& w) {
    constexpr bool weighted = !std::is_same_v<W, unweighted>;
    if constexpr (fuses_final_activation<Net, Loss>()) {
        if (loss.fused()) {
            auto& dz = net.template grad_at<Net::depth - 2>();
            if constexpr (weighted) loss.fused_gradient(y, t, w, dz);
            else loss.fused_gradient(y, t, dz);
            net.template backward_from<Net::depth - 2>(dz);
            return;
        }
    }
    auto& dy = net.template grad_at<Net::depth - 1>();
    if constexpr (weighted) loss.gradient(y, t, w, dy);
    else loss.gradient(y, t, dy);
    net.backward(dy);
}

// Forward, loss (optionally with per-sample weights w), backward; the value includes the layers' own
// losses (weight penalties, a VAE's KL: net/regularization.hpp) like Keras' total loss.
template <class Net, class Loss, class W>
typename Net::scalar_type forward_backward_impl(Net& net, const Loss& loss, const typename Net::input_tensor& x,
                                                const typename Net::output_tensor& t, const W& w) {
    const auto& y = net.forward(x, mode::train);
    check_targets<Net>(y, t);
    auto value = loss_value(loss, y, t, w);
    backward_from_loss(net, loss, y, t, w);
    if constexpr (net::has_auxiliary_losses<Net>()) value += net::regularization_loss(net);
    return value;
}

// The same step with the loss value left out: the part a GPU captures into a graph (gpu/step_graphs.hpp),
// whose value is then taken from the output the replay leaves behind (step_value).
template <class Net, class Loss>
void forward_and_gradients(Net& net, const Loss& loss, const typename Net::input_tensor& x, const typename Net::output_tensor& t) {
    const auto& y = net.forward(x, mode::train);
    check_targets<Net>(y, t);
    backward_from_loss(net, loss, y, t, unweighted{});
}
template <class Net, class Loss>
typename Net::scalar_type step_value(Net& net, const Loss& loss, const typename Net::output_tensor& t) {
    auto value = loss_value(loss, net.output(), t, unweighted{});
    if constexpr (net::has_auxiliary_losses<Net>()) value += net::regularization_loss(net);
    return value;
}
} // namespace detail

// Forward + loss + backward; leaves the gradients in the layers. Returns the loss value (plus the
// layers' penalties / KL terms, if any).
template <class Net, class Loss>
typename Net::scalar_type forward_backward(Net& net, const Loss& loss, const typename Net::input_tensor& x,
                                           const typename Net::output_tensor& t) {
    return detail::forward_backward_impl(net, loss, x, t, detail::unweighted{});
}

// The same with per-sample weights w (N values, Keras sample_weight): loss = Σ_n w_n l_n / N for the
// loss's own normalisation (rows or elements); the loss needs value(y, t, w) and gradient(y, t, w, dy).
template <class Net, class Loss>
typename Net::scalar_type forward_backward(Net& net, const Loss& loss, const typename Net::input_tensor& x,
                                           const typename Net::output_tensor& t,
                                           const typename Net::template tensor<1>& w) {
    return detail::forward_backward_impl(net, loss, x, t, w);
}

// An optimizer that needs every gradient before the first update (optimizers::clipped with
// global_clipnorm) has begin_observing() and observe(k, g): they run first, over all parameters.
template <class Opt>
concept observes_gradients = requires(Opt& o) { { o.begin_observing() } -> std::convertible_to<bool>; };

template <class Net, class Opt>
void apply_gradients(Net& net, Opt& opt) {
    if constexpr (observes_gradients<Opt>)
        if (opt.begin_observing()) net.visit_params([&](std::size_t k, auto&, auto& g) { opt.observe(k, g); });
    opt.begin_step();
    net.visit_params([&](std::size_t k, auto& w, auto& g) { opt.update(k, w, g); });
}

template <class Net, class Loss, class Opt>
typename Net::scalar_type step(Net& net, const Loss& loss, Opt& opt, const typename Net::input_tensor& x,
                               const typename Net::output_tensor& t) {
    const auto value = forward_backward(net, loss, x, t);
    apply_gradients(net, opt);
    return value;
}

// One step with per-sample weights w (N values).
template <class Net, class Loss, class Opt>
typename Net::scalar_type step(Net& net, const Loss& loss, Opt& opt, const typename Net::input_tensor& x,
                               const typename Net::output_tensor& t, const typename Net::template tensor<1>& w) {
    const auto value = forward_backward(net, loss, x, t, w);
    apply_gradients(net, opt);
    return value;
}

} // namespace cascade::train
