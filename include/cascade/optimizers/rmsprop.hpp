#pragma once
// rmsprop: divide the gradient by a running root mean square of recent gradients (Hinton, Coursera
// lecture 6e, 2012), in Keras' form (tf.keras ApplyRMSProp / ApplyCenteredRMSProp, Keras 3):
//   v ← ρ v + (1 − ρ) g²
//   centered:  m ← ρ m + (1 − ρ) g;   d = v − m² + ε      (Graves 2013)     else  d = v + ε
//   Δ = lr · g / √d
//   momentum μ > 0:  b ← μ b + Δ;  w ← w − b             else  w ← w − Δ
// Defaults are Keras': lr 1e-3, ρ 0.9, momentum 0, ε 1e-7, centered false.
// PyTorch RMSprop: lr 1e-2, alpha (= ρ) 0.99, eps 1e-8 added *outside* the root (g / (√v + ε)), and
// with momentum it keeps lr outside the buffer (b ← μ b + g/(√v + ε); w ← w − lr b), which differs from
// Keras only when lr changes during training.
#include "cascade/optimizers/state.hpp"
#include "cascade/tensor/tensor.hpp"

#include <cmath>

namespace cascade::optimizers {

// Hyper-parameters (a separate aggregate so that `rmsprop opt{{.lr = 0.01, .centered = true}}` works).
struct rmsprop_options {
    double lr = 1e-3;
    double rho = 0.9;
    double momentum = 0.0;
    double epsilon = 1e-7;
    bool centered = false;
};

struct rmsprop {
    using options = rmsprop_options;
    options opt;
    explicit rmsprop(options o = {}) : opt(o) {}
    static constexpr const char* name = "rmsprop";

    void begin_step() {}
    template <class P>
    void update(std::size_t k, P& w, const P& g) {
        using T = typename P::value_type;
        if constexpr (!is_host_tensor<P>) {   // a device tensor: the backend's fused kernel (found by ADL)
            auto& vd = state_.backend_slot<P>(k, 0, [&] { return zeros_like(w); });
            T* md = opt.centered ? state_.backend_slot<P>(k, 1, [&] { return zeros_like(w); }).data() : nullptr;
            T* bd = opt.momentum > 0 ? state_.backend_slot<P>(k, 2, [&] { return zeros_like(w); }).data() : nullptr;
            rmsprop_update_on_device(w, g, vd, md, bd, T(opt.lr), T(opt.rho), T(opt.momentum), T(opt.epsilon));
            return;
        }
        const std::size_t n = w.size();
        T* v = state_.slot<T>(k, 0, n);
        T* m = opt.centered ? state_.slot<T>(k, 1, n) : nullptr;
        T* b = opt.momentum > 0 ? state_.slot<T>(k, 2, n) : nullptr;
        const T lr = T(opt.lr), rho = T(opt.rho), mu = T(opt.momentum), eps = T(opt.epsilon);
        T* pw = w.data();
        const T* pg = g.data();
        for (std::size_t i = 0; i < n; ++i) {
            v[i] = rho * v[i] + (T(1) - rho) * pg[i] * pg[i];
            T d = v[i] + eps;
            if (m) {
                m[i] = rho * m[i] + (T(1) - rho) * pg[i];
                d -= m[i] * m[i];
            }
            const T delta = lr * pg[i] / std::sqrt(d);
            if (b) {
                b[i] = mu * b[i] + delta;
                pw[i] -= b[i];
            } else {
                pw[i] -= delta;
            }
        }
    }

private:
    detail::optimizer_state state_;
};

} // namespace cascade::optimizers
