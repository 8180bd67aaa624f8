#pragma once
// GPU optimizer updates, one fused element-wise pass per parameter tensor, in the CPU optimizers' exact
// formulas (optimizers/sgd.hpp, optimizers/adam.hpp):
//   sgd:   g ← g + wd·w;  momentum 0: w ← w − lr g;  else v ← μ v − lr g,  w ← w + v  (Nesterov: w + μ v − lr g)
//   adam:  m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  w ← w·(1 − lr·wd) − lr_t m / (√v + ε),
//          lr_t = lr √(1 − β2^t) / (1 − β1^t)   (computed on the host per step)
// The per-step scalars reach the kernels through device memory (gpu/step_scalars.hpp): a step graph
// that contains the update then replays it with each step's values.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/step_scalars.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"

namespace cascade::gpu {

template <class T>
struct sgd_scalars {
    T lr, mu, wd;
};
template <class T>
struct adam_scalars {
    T lr_t, b1, b2, eps, decay;
};

// The scalars come from device memory (gpu/step_scalars.hpp), so a replayed step graph sees this step's.
template <class T>
__global__ void sgd_kernel(std::size_t n, T* w, const T* g, T* vel, const sgd_scalars<T>* s, bool nesterov) {
    const sgd_scalars<T> p = *s;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
        const T gi = g[i] + p.wd * w[i];
        if (vel == nullptr) {
            w[i] -= p.lr * gi;
        } else {
            const T v = p.mu * vel[i] - p.lr * gi;
            vel[i] = v;
            w[i] += nesterov ? p.mu * v - p.lr * gi : v;
        }
    }
}

template <class T>
__global__ void adam_kernel(std::size_t n, T* w, const T* g, T* m, T* v, const adam_scalars<T>* s) {
    const adam_scalars<T> p = *s;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
        const T gi = g[i];
        const T mi = p.b1 * m[i] + (T(1) - p.b1) * gi;
        const T vi = p.b2 * v[i] + (T(1) - p.b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] * p.decay - p.lr_t * mi / (sqrt(vi) + p.eps);
    }
}

template <class T>
void sgd_update(std::size_t n, T* w, const T* g, T* velocity, T lr, T momentum, T weight_decay, bool nesterov) {
    if (!n) return;
    const auto* s = scalars_for<sgd_scalars<T>>(w).upload({lr, momentum, weight_decay});
    launch("sgd_update", sgd_kernel<T>, grid_for(n), elementwise_block, n, w, g, velocity, s, nesterov);
}

template <class T>
void adam_update(std::size_t n, T* w, const T* g, T* m, T* v, T lr_t, T beta_1, T beta_2, T epsilon, T decay) {
    if (!n) return;
    const auto* s = scalars_for<adam_scalars<T>>(w).upload({lr_t, beta_1, beta_2, epsilon, decay});
    launch("adam_update", adam_kernel<T>, grid_for(n), elementwise_block, n, w, g, m, v, s);
}

} // namespace cascade::gpu

namespace cascade::gpu {

// The hooks optimizers::sgd and optimizers::adam call for device tensors (found by argument-dependent
// lookup; their state tensors live in the optimizer's backend slots).
template <class T, std::size_t R>
void sgd_update_on_device(device_tensor<T, R>& w, const device_tensor<T, R>& g, T* velocity, T lr, T momentum,
                          T weight_decay, bool nesterov) {
    sgd_update<T>(w.size(), w.data(), g.data(), velocity, lr, momentum, weight_decay, nesterov);
}
template <class T, std::size_t R>
void adam_update_on_device(device_tensor<T, R>& w, const device_tensor<T, R>& g, device_tensor<T, R>& m,
                           device_tensor<T, R>& v, T lr_t, T beta_1, T beta_2, T epsilon, T decay) {
    adam_update<T>(w.size(), w.data(), g.data(), m.data(), v.data(), lr_t, beta_1, beta_2, epsilon, decay);
}

} // namespace cascade::gpu
