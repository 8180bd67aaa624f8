#pragma once
// adam: Kingma & Ba, ICLR 2015, in Keras' formulation (ε added to √v, bias correction folded into the
// step size; Keras defaults, ε = 1e-7; PyTorch uses ε = 1e-8 and adds ε to √v̂ — the two agree when ε
// is negligible):
//   m ← β1 m + (1 − β1) g;   v ← β2 v + (1 − β2) g²
//   lr_t = lr · √(1 − β2^t) / (1 − β1^t);   w ← w − lr_t · m / (√v + ε)
// weight_decay > 0 gives AdamW (decoupled, Loshchilov & Hutter 2019): w ← w − lr · wd · w before the step.
#include "cascade/optimizers/state.hpp"
#include "cascade/tensor/tensor.hpp"
#include "cascade/tensor/simd.hpp"

#include <cmath>

namespace cascade::optimizers {

// Hyper-parameters (a separate aggregate so that `adam opt{{.lr = 0.01}}` works).
struct adam_options {
    double lr = 1e-3;
    double beta_1 = 0.9;
    double beta_2 = 0.999;
    double epsilon = 1e-7;
    double weight_decay = 0.0;
};

struct adam {
    using options = adam_options;
    options opt;
    explicit adam(options o = {}) : opt(o) {}
    static constexpr const char* name = "adam";

    void begin_step() { ++t_; }
    std::size_t iterations() const { return t_; }

    template <class P>
    void update(std::size_t k, P& w, const P& g) {
        using T = typename P::value_type;
        using batch = simd::batch<T>;
        const std::size_t n = w.size();
        const double tt = double(t_ ? t_ : 1);
        const T lr_t = T(opt.lr * std::sqrt(1 - std::pow(opt.beta_2, tt)) / (1 - std::pow(opt.beta_1, tt)));
        const T b1 = T(opt.beta_1), b2 = T(opt.beta_2), eps = T(opt.epsilon), decay = T(1 - opt.lr * opt.weight_decay);
        if constexpr (!is_host_tensor<P>) {   // a device tensor: the backend's fused kernel (found by ADL)
            auto& md = state_.backend_slot<P>(k, 0, [&] { return zeros_like(w); });
            auto& vd = state_.backend_slot<P>(k, 1, [&] { return zeros_like(w); });
            adam_update_on_device(w, g, md, vd, lr_t, b1, b2, eps, decay);
            return;
        }
        T* m = state_.slot<T>(k, 0, n);
        T* v = state_.slot<T>(k, 1, n);
        T* pw = w.data();
        const T* pg = g.data();
        std::size_t i = 0;
        for (; i + batch::size <= n; i += batch::size) {
            const batch gi = batch::load_unaligned(pg + i);
            const batch mi = batch(b1) * batch::load_unaligned(m + i) + batch(T(1) - b1) * gi;
            const batch vi = batch(b2) * batch::load_unaligned(v + i) + batch(T(1) - b2) * gi * gi;
            mi.store_unaligned(m + i);
            vi.store_unaligned(v + i);
            const batch wi = batch::load_unaligned(pw + i) * batch(decay) - batch(lr_t) * mi / (xsimd::sqrt(vi) + batch(eps));
            wi.store_unaligned(pw + i);
        }
        for (; i < n; ++i) {
            m[i] = b1 * m[i] + (T(1) - b1) * pg[i];
            v[i] = b2 * v[i] + (T(1) - b2) * pg[i] * pg[i];
            pw[i] = pw[i] * decay - lr_t * m[i] / (std::sqrt(v[i]) + eps);
        }
    }

private:
    std::size_t t_ = 0;
    detail::optimizer_state state_;
};

} // namespace cascade::optimizers
