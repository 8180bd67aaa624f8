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
};

} // namespace cascade::losses
