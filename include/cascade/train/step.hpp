#pragma once
// train::step: one optimisation step on one mini-batch — forward (training mode), loss, backward,
// optimizer update of every parameter. All pieces are public so that custom loops (GAN, VAE) compose
// them the same way. A loss that fuses with the network's final activation (cross-entropy after
// softmax/sigmoid) hands (y − t)/N to the layer before that activation.
#include "cascade/net/sequential.hpp"

#include <cstddef>

namespace cascade::train {

template <class Net, class Loss>
constexpr bool fuses_final_activation() {
    if constexpr (Net::depth < 2) return false;
    else return Loss::template fuses_with<typename Net::template layer_type<Net::depth - 1>>;
}

// Forward + loss + backward; leaves the gradients in the layers. Returns the loss value.
template <class Net, class Loss>
typename Net::scalar_type forward_backward(Net& net, const Loss& loss, const typename Net::input_tensor& x,
                                           const typename Net::output_tensor& t) {
    const auto& y = net.forward(x, mode::train);
    CASCADE_CHECK(y.shape() == t.shape(), "train: targets have shape ", xt::adapt(t.shape()), " but the network outputs ",
                  xt::adapt(y.shape()));
    const auto value = loss.value(y, t);
    if constexpr (fuses_final_activation<Net, Loss>()) {
        if (loss.fused()) {
            auto& dz = net.template grad_at<Net::depth - 2>();
            loss.fused_gradient(y, t, dz);
            net.template backward_from<Net::depth - 2>(dz);
            return value;
        }
    }
    auto& dy = net.template grad_at<Net::depth - 1>();
    loss.gradient(y, t, dy);
    net.backward(dy);
    return value;
}

template <class Net, class Opt>
void apply_gradients(Net& net, Opt& opt) {
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

} // namespace cascade::train
