#pragma once
// mae: mean absolute error over all elements (Keras MeanAbsoluteError, PyTorch L1Loss).
//   L = mean|y − t|          dL/dy = sign(y − t) / numel   (0 where y = t, as TensorFlow)
// Per-sample weights w (N values): L = Σ_n w_n Σ_j |y − t|_nj / numel (Keras sample_weight).
#include "cascade/kernels/loss.hpp"
#include "cascade/train/metric.hpp"

namespace cascade::losses {

struct mae {
    static constexpr const char* name = "mae";
    static constexpr metric default_metric = metric::mae;
    template <class Last> static constexpr bool fuses_with = false;

    auto term() const { return kernels::absolute_error{}; }
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
