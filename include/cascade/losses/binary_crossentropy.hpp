#pragma once
// binary_crossentropy: L = −mean(t log p + (1 − t) log(1 − p)) over all elements, t ∈ [0, 1].
//   from_logits = true (recommended): y are logits z, L = mean(max(z, 0) − z t + log(1 + e^−|z|)),
//     dL/dz = (σ(z) − t)/numel — stable for any z (PyTorch BCEWithLogitsLoss).
//   from_logits = false: y are probabilities from a final layers::sigmoid; training fuses the loss
//     with that sigmoid (gradient (p − t)/numel to the layer before it); the value clips p like Keras.
#include "cascade/kernels/loss.hpp"
#include "cascade/layers/activations.hpp"
#include "cascade/train/metric.hpp"

#include <type_traits>

namespace cascade::losses {

struct binary_crossentropy {
    bool from_logits = false;
    static constexpr const char* name = "binary_crossentropy";
    static constexpr metric default_metric = metric::binary_accuracy;
    static constexpr double clip = 1e-7;

    template <class Last> static constexpr bool fuses_with = std::is_same_v<Last, layers::sigmoid>;
    bool fused() const { return !from_logits; }
    template <class Y>
    void fused_gradient(const Y& p, const Y& t, Y& dz) const {
        kernels::scaled_difference(p, t, typename Y::value_type(1) / typename Y::value_type(p.size()), dz);
    }

    template <class Y>
    auto value(const Y& y, const Y& t) const {
        using T = typename Y::value_type;
        return from_logits ? kernels::binary_crossentropy_logits_value(y, t)
                           : kernels::binary_crossentropy_value(y, t, T(clip));
    }
    template <class Y>
    void gradient(const Y& y, const Y& t, Y& dy) const {
        using T = typename Y::value_type;
        if (from_logits) kernels::binary_crossentropy_logits_gradient(y, t, dy);
        else kernels::binary_crossentropy_gradient(y, t, T(clip), dy);
    }

    // Per-sample weights w (N values): Σ_n w_n Σ_j l_nj / numel (Keras sample_weight).
    auto term() const { return kernels::binary_crossentropy_term{from_logits, clip}; }
    template <class Y, class W>
    auto value(const Y& y, const Y& t, const W& w) const {
        return kernels::elementwise_loss_value(y, t, term(), kernels::loss_factors<typename Y::value_type>{kernels::sample_weights_of(w, y, name)});
    }
    template <class Y, class W>
    void gradient(const Y& y, const Y& t, const W& w, Y& dy) const {
        gradient(y, t, dy);
        kernels::scale_samples(dy, kernels::sample_weights_of(w, y, name));
    }
    template <class Y, class W>
    void fused_gradient(const Y& p, const Y& t, const W& w, Y& dz) const {
        fused_gradient(p, t, dz);
        kernels::scale_samples(dz, kernels::sample_weights_of(w, p, name));
    }
};

} // namespace cascade::losses
