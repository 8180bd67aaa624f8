#pragma once
// cosine_decay: Keras 3 CosineDecay(initial_learning_rate, decay_steps, alpha, warmup_target, warmup_steps)
// (Loshchilov & Hutter, SGDR, ICLR 2017, without restarts; linear warm-up as in Goyal et al. 2017):
//   t < warmup_steps:  lr = initial + (peak − initial) · t / warmup_steps
//   else:              s = min(t − warmup_steps, decay_steps)
//                      lr = peak · ((1 − alpha) · ½(1 + cos(π s / decay_steps)) + alpha)
// where peak = warmup_target if warm-up is used, else initial. After decay_steps the rate stays at
// alpha · peak. PyTorch CosineAnnealingLR(T_max = decay_steps, eta_min = alpha · peak) without warm-up.
#include "cascade/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>

namespace cascade::schedules {

struct cosine_decay {
    double initial = 1e-3;
    std::size_t decay_steps = 1000;
    double alpha = 0.0;              // final rate as a fraction of the peak
    std::size_t warmup_steps = 0;
    double warmup_target = -1.0;     // peak reached after warm-up; < 0: no warm-up target (peak = initial)

    double operator()(std::size_t t) const {
        CASCADE_CHECK(decay_steps > 0, "cosine_decay: decay_steps must be positive");
        const double peak = warmup_target >= 0 ? warmup_target : initial;
        if (t < warmup_steps) return initial + (peak - initial) * double(t) / double(warmup_steps);
        const double s = double(std::min(t - warmup_steps, decay_steps));
        const double cosine = 0.5 * (1 + std::cos(std::numbers::pi * s / double(decay_steps)));
        return peak * ((1 - alpha) * cosine + alpha);
    }
};

} // namespace cascade::schedules
