#pragma once
// kl_divergence: Kullback–Leibler divergence between target and predicted distributions over the last
// axis (Keras KLDivergence; PyTorch KLDivLoss(reduction='batchmean') takes log-probabilities instead).
//   L = (1/rows) Σ_rows Σ_c t log(t / p),   t and p clipped to [1e-7, 1] like Keras
//   dL/dp = −t / (p · rows)  (0 where p lies outside [1e-7, 1], as TensorFlow's clip)
// y are probabilities (e.g. after layers::softmax; the softmax is back-propagated, not fused).
// Per-sample weights w (N values): Σ_rows w_n(row) l_row / rows (Keras sample_weight).
#include "cascade/kernels/loss.hpp"
#include "cascade/train/metric.hpp"

namespace cascade::losses {

struct kl_divergence {
    static constexpr const char* name = "kl_divergence";
    static constexpr metric default_metric = metric::accuracy;   // Keras has none; arg-max agreement
    static constexpr double clip = 1e-7;
    template <class Last> static constexpr bool fuses_with = false;

    template <class Y>
    auto value(const Y& y, const Y& t) const {
        return kernels::kl_divergence_value(y, t, typename Y::value_type(clip));
    }
    template <class Y>
    void gradient(const Y& y, const Y& t, Y& dy) const {
        kernels::kl_divergence_gradient(y, t, typename Y::value_type(clip), dy);
    }
    template <class Y, class W>
    auto value(const Y& y, const Y& t, const W& w) const {
        return kernels::kl_divergence_value(y, t, typename Y::value_type(clip), kernels::sample_weights_of(w, y, name));
    }
    template <class Y, class W>
    void gradient(const Y& y, const Y& t, const W& w, Y& dy) const {
        gradient(y, t, dy);
        kernels::scale_samples(dy, kernels::sample_weights_of(w, y, name));
    }
};

} // namespace cascade::losses
