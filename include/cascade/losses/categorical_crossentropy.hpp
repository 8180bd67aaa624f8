#pragma once
// categorical_crossentropy: L = −(1/N) Σ_n Σ_c t_nc log p_nc  for one-hot (or soft) targets t.
//   from_logits = false (default, Keras' default): the network ends in layers::softmax and y are
//     probabilities. Training then FUSES the loss with that softmax: the gradient handed to the layer
//     before the softmax is (p − t)/N, exact and stable, and the softmax's own backward is skipped.
//     The reported value clips p to [1e-7, 1 − 1e-7] like Keras.
//   from_logits = true: y are logits z (no final softmax); L uses a stable log-sum-exp and
//     dL/dz = (softmax(z) − t)/N.  (PyTorch's CrossEntropyLoss is this form.)
#include "cascade/kernels/loss.hpp"
#include "cascade/layers/activations.hpp"
#include "cascade/train/metric.hpp"

#include <type_traits>

namespace cascade::losses {

struct categorical_crossentropy {
    bool from_logits = false;
    static constexpr const char* name = "categorical_crossentropy";
    static constexpr metric default_metric = metric::accuracy;
    static constexpr double clip = 1e-7;

    // Fused with a final softmax when the outputs are probabilities.
    template <class Last> static constexpr bool fuses_with = std::is_same_v<Last, layers::softmax>;
    bool fused() const { return !from_logits; }
    template <class Y>
    void fused_gradient(const Y& p, const Y& t, Y& dz) const {
        kernels::scaled_difference(p, t, typename Y::value_type(1) / typename Y::value_type(kernels::rows_of(p)), dz);
    }

    template <class Y>
    auto value(const Y& y, const Y& t) const {
        using T = typename Y::value_type;
        return from_logits ? kernels::categorical_crossentropy_logits_value(y, t)
                           : kernels::categorical_crossentropy_value(y, t, T(clip));
    }
    template <class Y>
    void gradient(const Y& y, const Y& t, Y& dy) const {
        using T = typename Y::value_type;
        if (from_logits) kernels::categorical_crossentropy_logits_gradient(y, t, dy);
        else kernels::categorical_crossentropy_gradient(y, t, T(clip), dy);
    }

    // Per-sample weights w (N values): Σ_rows w_n(row) l_row / rows (Keras sample_weight).
    template <class Y, class W>
    auto value(const Y& y, const Y& t, const W& w) const {
        using T = typename Y::value_type;
        const T* ws = kernels::sample_weights_of(w, y, name);
        return from_logits ? kernels::categorical_crossentropy_logits_value(y, t, ws)
                           : kernels::categorical_crossentropy_value(y, t, T(clip), ws);
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
