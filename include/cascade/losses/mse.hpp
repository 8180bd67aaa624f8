#pragma once
// mse: mean squared error over all elements (Keras MeanSquaredError, PyTorch MSELoss).
//   L = mean((y − t)²)          dL/dy = 2 (y − t) / numel(y)
#include "cascade/kernels/loss.hpp"
#include "cascade/train/metric.hpp"

namespace cascade::losses {

struct mse {
    static constexpr const char* name = "mse";
    static constexpr metric default_metric = metric::mae;
    template <class Last> static constexpr bool fuses_with = false;

    template <class Y>
    auto value(const Y& y, const Y& t) const { return kernels::mse_value(y, t); }
    template <class Y>
    void gradient(const Y& y, const Y& t, Y& dy) const { kernels::mse_gradient(y, t, dy); }

    // Per-sample weights w (N values): Σ_n w_n Σ_j (y − t)²_nj / numel (Keras sample_weight).
    auto term() const { return kernels::squared_error{}; }
    template <class Y, class W>
    auto value(const Y& y, const Y& t, const W& w) const {
        return kernels::elementwise_loss_value(y, t, term(), kernels::loss_factors<typename Y::value_type>{kernels::sample_weights_of(w, y, name)});
    }
    template <class Y, class W>
    void gradient(const Y& y, const Y& t, const W& w, Y& dy) const {
        gradient(y, t, dy);
        kernels::scale_samples(dy, kernels::sample_weights_of(w, y, name));
    }
};

} // namespace cascade::losses
