#pragma once
// adadelta: step sizes from running averages of squared gradients and squared updates (Zeiler 2012,
// arXiv:1212.5701). Keras, tf.keras and PyTorch use the same formula:
//   E[g²] ← ρ E[g²] + (1 − ρ) g²
//   Δ = −√(E[Δ²] + ε) / √(E[g²] + ε) · g
//   E[Δ²] ← ρ E[Δ²] + (1 − ρ) Δ²
//   w ← w + lr · Δ
// but the defaults differ, and a model ported from Keras must use the lr it was trained with:
//   Keras 3 / tf.keras ≥ 2.3 (the defaults here):   lr 0.001, ρ 0.95, ε 1e-7
//   standalone Keras ≤ 2.2 (`Adadelta()` in older scripts, e.g. the Telescope Array models):
//                                                   lr 1.0,   ρ 0.95, ε 1e-7
//   PyTorch Adadelta():                             lr 1.0,   ρ 0.9,  ε 1e-6
// Zeiler's paper has no learning rate (lr = 1).
#include "cascade/optimizers/state.hpp"
#include "cascade/tensor/tensor.hpp"

#include <cmath>

namespace cascade::optimizers {

// Hyper-parameters (a separate aggregate so that `adadelta opt{{.lr = 1.0}}` works).
struct adadelta_options {
    double lr = 1e-3;
    double rho = 0.95;
    double epsilon = 1e-7;
};

struct adadelta {
    using options = adadelta_options;
    options opt;
    explicit adadelta(options o = {}) : opt(o) {}
    static constexpr const char* name = "adadelta";

    void begin_step() {}
    template <class P>
    void update(std::size_t k, P& w, const P& g) {
        using T = typename P::value_type;
        if constexpr (!is_host_tensor<P>) {   // a device tensor: the backend's fused kernel (found by ADL)
            auto& egd = state_.backend_slot<P>(k, 0, [&] { return zeros_like(w); });
            auto& edd = state_.backend_slot<P>(k, 1, [&] { return zeros_like(w); });
            adadelta_update_on_device(w, g, egd, edd, T(opt.lr), T(opt.rho), T(opt.epsilon));
            return;
        }
        const std::size_t n = w.size();
        T* eg = state_.slot<T>(k, 0, n);   // E[g²]
        T* ed = state_.slot<T>(k, 1, n);   // E[Δ²]
        const T lr = T(opt.lr), rho = T(opt.rho), eps = T(opt.epsilon);
        T* pw = w.data();
        const T* pg = g.data();
#pragma omp simd
        for (std::size_t i = 0; i < n; ++i) {
            eg[i] = rho * eg[i] + (T(1) - rho) * pg[i] * pg[i];
            const T delta = -std::sqrt(ed[i] + eps) / std::sqrt(eg[i] + eps) * pg[i];
            ed[i] = rho * ed[i] + (T(1) - rho) * delta * delta;
            pw[i] += lr * delta;
        }
    }

private:
    detail::optimizer_state state_;
};

} // namespace cascade::optimizers
