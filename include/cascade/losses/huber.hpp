#pragma once
// huber<Delta>: the Huber loss over all elements (Keras Huber(delta), PyTorch HuberLoss(delta)), x = y − t:
//   l(x) = ½ x²             if |x| ≤ δ          dl/dx = x
//        = δ |x| − ½ δ²      otherwise            dl/dx = δ · sign x
//   L = mean l(y − t);  Delta is a ratio (Keras' default δ = 1: huber<>; huber<ratio<1, 2>> is δ = 0.5).
//   Huber, "Robust Estimation of a Location Parameter", Ann. Math. Statist. 35 (1964).
// Per-sample weights w (N values): L = Σ_n w_n Σ_j l_nj / numel (Keras sample_weight).
// PyTorch's SmoothL1Loss(β) is huber<β> / β.
#include "cascade/kernels/loss.hpp"
#include "cascade/tensor/ratio.hpp"
#include "cascade/train/metric.hpp"

namespace cascade::losses {

template <class Delta = ratio<1>>
struct huber {
    static_assert(Delta::num > 0, "huber<Delta>: delta must be positive");
    static constexpr const char* name = "huber";
    static constexpr metric default_metric = metric::mae;
    template <class Last> static constexpr bool fuses_with = false;

    auto term() const { return kernels::huber_error{ratio_value<double, Delta>}; }
    template <class Y>
    auto value(const Y& y, const Y& t) const { return kernels::elementwise_loss_value(y, t, term()); }
    template <class Y>
    void gradient(const Y& y, const Y& t, Y& dy) const { kernels::elementwise_loss_gradient(y, t, term(), dy); }
    template <class Y, class W>
    auto value(const Y& y, const Y& t, const W& w) const {
        return kernels::elementwise_loss_value(y, t, term(), kernels::loss_factors<typename Y::value_type>{kernels::sample_weights_of(w, y, name)});
    }
    template <class Y, class W>
    void gradient(const Y& y, const Y& t, const W& w, Y& dy) const {
        kernels::elementwise_loss_gradient(y, t, term(), dy,
                                           kernels::loss_factors<typename Y::value_type>{kernels::sample_weights_of(w, y, name)});
    }
};

} // namespace cascade::losses
