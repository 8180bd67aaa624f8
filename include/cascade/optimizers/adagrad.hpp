#pragma once
// adagrad: per-coordinate learning rates from the running sum of squared gradients (Duchi, Hazan &
// Singer, JMLR 2011), in Keras 3's form (keras/src/optimizers/adagrad.py; tf.keras >= 2.11 likewise):
//   a ← a + g²            (a starts at initial_accumulator_value)
//   w ← w − lr · g / √(a + ε)
// epsilon_outside_root = true gives the legacy form of PyTorch (torch.optim.Adagrad), tf.keras < 2.11
// (ApplyAdagradV2) and the paper: w ← w − lr · g / (√a + ε).
// Defaults are Keras': lr 1e-3, initial_accumulator_value 0.1, ε 1e-7. With a ≥ 0.1 and ε = 1e-7 the two
// forms differ by less than 1e-6 relative; with PyTorch's a₀ = 0 they differ much more in the first steps.
// PyTorch Adagrad: adagrad{{.lr = 1e-2, .initial_accumulator_value = 0, .epsilon = 1e-10,
// .epsilon_outside_root = true}} (its lr_decay is not provided here).
#include "cascade/optimizers/state.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <cmath>

namespace cascade::optimizers {

// Hyper-parameters (a separate aggregate so that `adagrad opt{{.lr = 0.01}}` works).
struct adagrad_options {
    double lr = 1e-3;
    double initial_accumulator_value = 0.1;
    double epsilon = 1e-7;
    // false: Keras 3's g / √(a + ε); true: PyTorch's / legacy g / (√a + ε).
    bool epsilon_outside_root = false;
};

struct adagrad {
    using options = adagrad_options;
    options opt;
    explicit adagrad(options o = {}) : opt(o) {}
    static constexpr const char* name = "adagrad";

    void begin_step() {}
    template <class P>
    void update(std::size_t k, P& w, const P& g) {
        using T = typename P::value_type;
        if constexpr (!is_host_tensor<P>) {   // a device tensor: the backend's fused kernel (found by ADL)
            auto& ad = state_.backend_slot<P>(k, 0, [&] { return full_like(w, T(opt.initial_accumulator_value)); });
            adagrad_update_on_device(w, g, ad, T(opt.lr), T(opt.epsilon), opt.epsilon_outside_root);
            return;
        }
        const std::size_t n = w.size();
        bool fresh = false;
        T* a = state_.slot<T>(k, 0, n, &fresh);
        if (fresh) std::fill(a, a + n, T(opt.initial_accumulator_value));
        const T lr = T(opt.lr), eps = T(opt.epsilon);
        T* pw = w.data();
        const T* pg = g.data();
        if (opt.epsilon_outside_root) {
#pragma omp simd
            for (std::size_t i = 0; i < n; ++i) {
                a[i] += pg[i] * pg[i];
                pw[i] -= lr * pg[i] / (std::sqrt(a[i]) + eps);
            }
        } else {
#pragma omp simd
            for (std::size_t i = 0; i < n; ++i) {
                a[i] += pg[i] * pg[i];
                pw[i] -= lr * pg[i] / std::sqrt(a[i] + eps);
            }
        }
    }

private:
    detail::optimizer_state state_;
};

} // namespace cascade::optimizers
