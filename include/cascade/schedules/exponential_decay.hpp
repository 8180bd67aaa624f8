#pragma once
// exponential_decay: Keras ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase):
//   lr(t) = initial · rate^(t / decay_steps)        (staircase: rate^⌊t / decay_steps⌋)
// PyTorch ExponentialLR(gamma) is decay_steps = 1, rate = gamma.
#include "cascade/config.hpp"

#include <cmath>
#include <cstddef>

namespace cascade::schedules {

struct exponential_decay {
    double initial = 1e-3;
    std::size_t decay_steps = 1;
    double rate = 0.96;
    bool staircase = false;

    double operator()(std::size_t t) const {
        CASCADE_CHECK(decay_steps > 0, "exponential_decay: decay_steps must be positive");
        const double p = staircase ? double(t / decay_steps) : double(t) / double(decay_steps);
        return initial * std::pow(rate, p);
    }
};

} // namespace cascade::schedules
