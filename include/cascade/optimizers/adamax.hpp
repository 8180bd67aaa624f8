#pragma once
// adamax: Adam with the infinity norm in place of the second moment (Kingma & Ba, ICLR 2015, sec. 7.1),
// in Keras' form:
//   m ← β1 m + (1 − β1) g;   u ← max(β2 u, |g|)
//   w ← w − lr · m / ((1 − β1^t) (u + ε))
// Defaults are Keras': lr 1e-3, β1 0.9, β2 0.999, ε 1e-7.
// PyTorch Adamax: lr 2e-3, eps 1e-8 added inside the max (u ← max(β2 u, |g| + ε); w ← w − lr/(1 − β1^t) · m/u).
#include "cascade/optimizers/state.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <cmath>

namespace cascade::optimizers {

// Hyper-parameters (a separate aggregate so that `adamax opt{{.lr = 2e-3}}` works).
struct adamax_options {
    double lr = 1e-3;
    double beta_1 = 0.9;
    double beta_2 = 0.999;
    double epsilon = 1e-7;
};

struct adamax {
    using options = adamax_options;
    options opt;
    explicit adamax(options o = {}) : opt(o) {}
    static constexpr const char* name = "adamax";

    void begin_step() { ++t_; }
    std::size_t iterations() const { return t_; }

    template <class P>
    void update(std::size_t k, P& w, const P& g) {
        using T = typename P::value_type;
        const std::size_t n = w.size();
        const double tt = double(t_ ? t_ : 1);
        const T lr_t = T(opt.lr / (1 - std::pow(opt.beta_1, tt)));
        const T b1 = T(opt.beta_1), b2 = T(opt.beta_2), eps = T(opt.epsilon);
        if constexpr (!is_host_tensor<P>) {   // a device tensor: the backend's fused kernel (found by ADL)
            auto& md = state_.backend_slot<P>(k, 0, [&] { return zeros_like(w); });
            auto& ud = state_.backend_slot<P>(k, 1, [&] { return zeros_like(w); });
            adamax_update_on_device(w, g, md, ud, lr_t, b1, b2, eps);
            return;
        }
        T* m = state_.slot<T>(k, 0, n);
        T* u = state_.slot<T>(k, 1, n);
        T* pw = w.data();
        const T* pg = g.data();
#pragma omp simd
        for (std::size_t i = 0; i < n; ++i) {
            m[i] = b1 * m[i] + (T(1) - b1) * pg[i];
            u[i] = std::max(b2 * u[i], std::abs(pg[i]));
            pw[i] -= lr_t * m[i] / (u[i] + eps);
        }
    }

private:
    std::size_t t_ = 0;
    detail::optimizer_state state_;
};

} // namespace cascade::optimizers
