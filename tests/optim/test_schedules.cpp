// Learning-rate schedules at chosen steps (values by hand from the Keras / PyTorch definitions) and
// the reduce-on-plateau rule over a sequence of epochs.
#include <cascade/schedules/cosine_decay.hpp>
#include <cascade/schedules/exponential_decay.hpp>
#include <cascade/schedules/reduce_on_plateau.hpp>
#include <cascade/schedules/step_decay.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace S = cascade::schedules;

TEST_CASE("step_decay drops by factor every step_size epochs") {
    const S::step_decay s{.initial = 0.1, .step_size = 3, .factor = 0.5};
    CHECK(s(0) == 0.1);
    CHECK(s(2) == 0.1);
    CHECK(s(3) == 0.05);
    CHECK(s(5) == 0.05);
    CHECK(s(6) == 0.025);
    CHECK(s(10) == doctest::Approx(0.0125).epsilon(1e-15));
    CHECK_THROWS_AS((S::step_decay{.step_size = 0})(1), cascade::error);
}

TEST_CASE("exponential_decay, smooth and staircase (Keras ExponentialDecay)") {
    const S::exponential_decay s{.initial = 0.01, .decay_steps = 100, .rate = 0.5};
    CHECK(s(0) == 0.01);
    CHECK(s(100) == doctest::Approx(0.005).epsilon(1e-15));
    CHECK(s(50) == doctest::Approx(0.01 / std::sqrt(2.0)).epsilon(1e-15));
    CHECK(s(250) == doctest::Approx(0.01 * std::pow(0.5, 2.5)).epsilon(1e-15));
    const S::exponential_decay st{.initial = 0.01, .decay_steps = 100, .rate = 0.5, .staircase = true};
    CHECK(st(99) == 0.01);
    CHECK(st(150) == doctest::Approx(0.005).epsilon(1e-15));
    CHECK(st(250) == doctest::Approx(0.0025).epsilon(1e-15));
}

TEST_CASE("cosine_decay without and with linear warm-up (Keras 3 CosineDecay)") {
    const S::cosine_decay c{.initial = 0.1, .decay_steps = 100, .alpha = 0.1};
    CHECK(c(0) == doctest::Approx(0.1).epsilon(1e-15));
    CHECK(c(50) == doctest::Approx(0.1 * (0.9 * 0.5 + 0.1)).epsilon(1e-15));   // half way: cos = 0
    CHECK(c(25) == doctest::Approx(0.1 * (0.9 * 0.5 * (1 + std::sqrt(0.5)) + 0.1)).epsilon(1e-14));
    CHECK(c(100) == doctest::Approx(0.01).epsilon(1e-15));
    CHECK(c(1000) == doctest::Approx(0.01).epsilon(1e-15));   // stays at alpha · initial
    const S::cosine_decay w{.initial = 0.0, .decay_steps = 10, .warmup_steps = 5, .warmup_target = 1.0};
    CHECK(w(0) == 0.0);
    CHECK(w(1) == doctest::Approx(0.2).epsilon(1e-15));
    CHECK(w(4) == doctest::Approx(0.8).epsilon(1e-15));
    CHECK(w(5) == doctest::Approx(1.0).epsilon(1e-15));                                    // the peak
    CHECK(w(10) == doctest::Approx(0.5).epsilon(1e-15));                                   // half the decay
    CHECK(w(7) == doctest::Approx(0.5 * (1 + std::cos(std::numbers::pi * 0.2))).epsilon(1e-15));
    CHECK(w(15) == doctest::Approx(0.0).scale(1.0).epsilon(1e-15));
}

TEST_CASE("reduce_on_plateau: patience, min_delta, cooldown and min_lr over a sequence (Keras ReduceLROnPlateau)") {
    S::reduce_on_plateau r{{.monitor = "val_loss", .factor = 0.5, .patience = 2, .min_delta = 0.01, .cooldown = 2, .min_lr = 0.01}};
    // epoch:                         0    1      2     3     4     5     6     7     8     9     10    11
    const std::vector<double> v = {1.0, 0.995, 0.99, 0.98, 0.98, 0.98, 0.98, 0.97, 0.97, 0.97, 0.97, 0.97};
    // 0: best 1.0. 1: 0.995 is not < 1.0 − 0.01 → wait 1. 2: wait 2 → lr 0.1 → 0.05, cooldown 2.
    // 3: cooling (1 left); 0.98 < 0.99 → best 0.98. 4: cooldown over (Keras counts the epoch on which it
    // ends) → wait 1. 5: wait 2 → 0.025, cooldown 2. 6: cooling, not counted. 7: wait 1. 8: wait 2 →
    // 0.0125. 9: cooling. 10: wait 1. 11: wait 2 → 0.00625, raised to min_lr 0.01.
    const std::vector<double> want = {0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.01};
    double lr = 0.1;
    for (std::size_t e = 0; e < v.size(); ++e) {
        lr = r.step(v[e], lr);
        INFO("epoch ", e);
        CHECK(lr == doctest::Approx(want[e]).epsilon(1e-15));
    }
    CHECK(r.best() == 0.98);
    // At min_lr nothing changes any more.
    for (int e = 0; e < 5; ++e) lr = r.step(0.97, lr);
    CHECK(lr == 0.01);
}

TEST_CASE("reduce_on_plateau in max mode for accuracies, and reset") {
    S::reduce_on_plateau r{{.monitor = "val_accuracy", .factor = 0.1, .patience = 1, .min_delta = 0.0}};
    double lr = 1.0;
    lr = r.step(0.5, lr);
    CHECK(lr == 1.0);
    lr = r.step(0.6, lr);   // improved (max mode: accuracy)
    CHECK(lr == 1.0);
    lr = r.step(0.6, lr);   // not strictly better → patience 1 reached
    CHECK(lr == doctest::Approx(0.1).epsilon(1e-15));
    r.reset();
    CHECK(r.best() == -INFINITY);
    CHECK(S::maximises(S::monitor_mode::automatic, "val_loss") == false);
    CHECK(S::maximises(S::monitor_mode::max, "val_loss") == true);
}
