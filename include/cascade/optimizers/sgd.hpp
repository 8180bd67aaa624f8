#pragma once
// sgd: stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, in
// Keras' form (identical to PyTorch's for a constant learning rate):
//   g ← g + wd · w                                   (weight decay as an L2 term, PyTorch's weight_decay)
//   momentum = 0:   w ← w − lr · g
//   momentum μ:     v ← μ v − lr g;   w ← w + v                (Nesterov: w ← w + μ v − lr g)
// Sutskever et al., ICML 2013.
#include "cascade/optimizers/state.hpp"
#include "cascade/tensor/tensor.hpp"

namespace cascade::optimizers {

// Hyper-parameters (a separate aggregate so that `sgd opt{{.lr = 0.01}}` works).
struct sgd_options {
    double lr = 0.01;
    double momentum = 0.0;
    bool nesterov = false;
    double weight_decay = 0.0;
};

struct sgd {
    using options = sgd_options;
    options opt;
    explicit sgd(options o = {}) : opt(o) {}
    static constexpr const char* name = "sgd";

    void begin_step() {}
    template <class P>
    void update(std::size_t k, P& w, const P& g) {
        using T = typename P::value_type;
        const T lr = T(opt.lr), mu = T(opt.momentum), wd = T(opt.weight_decay);
        if constexpr (!is_host_tensor<P>) {   // a device tensor: the backend's fused kernel (found by ADL)
            T* vel = opt.momentum == 0.0 ? nullptr : state_.backend_slot<P>(k, 0, [&] { return zeros_like(w); }).data();
            sgd_update_on_device(w, g, vel, lr, mu, wd, opt.nesterov);
            return;
        }
        T* pw = w.data();
        const T* pg = g.data();
        const std::size_t n = w.size();
        if (opt.momentum == 0.0) {
#pragma omp simd
            for (std::size_t i = 0; i < n; ++i) pw[i] -= lr * (pg[i] + wd * pw[i]);
            return;
        }
        T* v = state_.slot<T>(k, 0, n);
        for (std::size_t i = 0; i < n; ++i) {
            const T gi = pg[i] + wd * pw[i];
            v[i] = mu * v[i] - lr * gi;
            pw[i] += opt.nesterov ? mu * v[i] - lr * gi : v[i];
        }
    }

private:
    detail::optimizer_state state_;
};

} // namespace cascade::optimizers
