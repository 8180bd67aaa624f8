#pragma once
// step_decay: the learning rate drops by a factor every `step_size` epochs (or steps):
//   lr(t) = initial · factor^⌊t / step_size⌋
// PyTorch StepLR(step_size, gamma = factor); in Keras the `step_decay` function of its
// LearningRateScheduler examples, or ExponentialDecay(staircase=True).
// A schedule is a value: lr as a function of t; train::lr_scheduler applies it per epoch or per step.
#include "cascade/config.hpp"

#include <cmath>
#include <cstddef>

namespace cascade::schedules {

struct step_decay {
    double initial = 1e-3;
    std::size_t step_size = 10;
    double factor = 0.1;

    double operator()(std::size_t t) const {
        CASCADE_CHECK(step_size > 0, "step_decay: step_size must be positive");
        return initial * std::pow(factor, double(t / step_size));
    }
};

} // namespace cascade::schedules
