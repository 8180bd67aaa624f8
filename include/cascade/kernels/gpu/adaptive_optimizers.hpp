#pragma once
// GPU updates of the adaptive optimizers and gradient clipping, one fused element-wise pass per parameter
// tensor in the CPU optimizers' exact formulas and order of operations (optimizers/*.hpp), so that float
// results agree with the CPU to a few ulps:
//   adagrad:   a ← a + g²;  w ← w − lr g / √(a + ε)  (Keras 3; epsilon_outside_root: w ← w − lr g / (√a + ε))
//              (a starts at the initial value)
//   adadelta:  E[g²] ← ρ E[g²] + (1 − ρ) g²;  Δ = −√(E[Δ²] + ε) / √(E[g²] + ε) · g;
//              E[Δ²] ← ρ E[Δ²] + (1 − ρ) Δ²;  w ← w + lr Δ
//   rmsprop:   v ← ρ v + (1 − ρ) g²;  d = v + ε  (centered: m ← ρ m + (1 − ρ) g, d −= m²);  Δ = lr g / √d;
//              momentum: b ← μ b + Δ, w ← w − b;  else w ← w − Δ
//   adamax:    m ← β1 m + (1 − β1) g;  u ← max(β2 u, |g|);  w ← w − lr_t m / (u + ε),
//              lr_t = lr / (1 − β1^t)   (computed on the host per step)
//   clipping (optimizers/clipped.hpp): c = clamp(g, −c, c) (a copy of g when clipvalue is off);
//              s = Σ g² in double (clamped to clipvalue in double first, as the CPU's observe does), summed
//              over one tensor (clipnorm) or added up over every tensor observed (global_clipnorm);
//              ‖g‖ = √s > limit:  c ← T(limit / ‖g‖) · c.
// The sum of squares stays on the device (a two-pass block reduction with a fixed order: deterministic run
// to run), and the scaling kernel reads it there: clipping needs no host synchronisation.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/gpu/step_scalars.hpp"
#include "cascade/kernels/gpu/block_sum.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"

#include <cmath>

namespace cascade::gpu {


// Per-step scalars from device memory (gpu/step_scalars.hpp: a replayed step graph sees this step's).
template <class T>
struct adagrad_scalars {
    T lr, eps;
    int eps_outside_root;   // 1: PyTorch's / legacy g / (√a + ε); 0: Keras 3's g / √(a + ε)
};
template <class T>
struct adadelta_scalars {
    T lr, rho, eps;
};
template <class T>
struct rmsprop_scalars {
    T lr, rho, mu, eps;
};
template <class T>
struct adamax_scalars {
    T lr_t, b1, b2, eps;
};

template <class T>
__global__ void adagrad_kernel(std::size_t n, T* w, const T* g, T* a, const adagrad_scalars<T>* s) {
    const T lr = s->lr, eps = s->eps;
    const bool outside = s->eps_outside_root != 0;
    CASCADE_GPU_GRID_STRIDE(i, n) {
        const T gi = g[i];
        const T ai = a[i] + gi * gi;
        a[i] = ai;
        w[i] -= outside ? lr * gi / (sqrt(ai) + eps) : lr * gi / sqrt(ai + eps);
    }
}

template <class T>
__global__ void adadelta_kernel(std::size_t n, T* w, const T* g, T* eg, T* ed, const adadelta_scalars<T>* s) {
    const T lr = s->lr, rho = s->rho, eps = s->eps;
    CASCADE_GPU_GRID_STRIDE(i, n) {
        const T gi = g[i];
        const T egi = rho * eg[i] + (T(1) - rho) * gi * gi;
        eg[i] = egi;
        const T delta = -sqrt(ed[i] + eps) / sqrt(egi + eps) * gi;
        ed[i] = rho * ed[i] + (T(1) - rho) * delta * delta;
        w[i] += lr * delta;
    }
}

// m (centered) and b (momentum) are nullptr when off.
template <class T>
__global__ void rmsprop_kernel(std::size_t n, T* w, const T* g, T* v, T* m, T* b, const rmsprop_scalars<T>* s) {
    const T lr = s->lr, rho = s->rho, mu = s->mu, eps = s->eps;
    CASCADE_GPU_GRID_STRIDE(i, n) {
        const T gi = g[i];
        const T vi = rho * v[i] + (T(1) - rho) * gi * gi;
        v[i] = vi;
        T d = vi + eps;
        if (m != nullptr) {
            const T mi = rho * m[i] + (T(1) - rho) * gi;
            m[i] = mi;
            d -= mi * mi;
        }
        const T delta = lr * gi / sqrt(d);
        if (b != nullptr) {
            const T bi = mu * b[i] + delta;
            b[i] = bi;
            w[i] -= bi;
        } else {
            w[i] -= delta;
        }
    }
}

template <class T>
__global__ void adamax_kernel(std::size_t n, T* w, const T* g, T* m, T* u, const adamax_scalars<T>* s) {
    const T lr_t = s->lr_t, b1 = s->b1, b2 = s->b2, eps = s->eps;
    CASCADE_GPU_GRID_STRIDE(i, n) {
        const T gi = g[i];
        const T mi = b1 * m[i] + (T(1) - b1) * gi;
        m[i] = mi;
        const T bu = b2 * u[i], ag = gi < T(0) ? -gi : gi;   // |g| (fabs is not mapped for the emulator)
        const T ui = bu < ag ? ag : bu;                       // std::max(bu, ag)
        u[i] = ui;
        w[i] -= lr_t * mi / (ui + eps);
    }
}

// c = clamp(g, −lim, lim) as std::clamp does (NaN stays NaN); lim ≤ 0: c = g.
template <class T>
__global__ void clip_value_kernel(std::size_t n, const T* g, T lim, T* c) {
    CASCADE_GPU_GRID_STRIDE(i, n) {
        const T gi = g[i];
        c[i] = lim > T(0) ? (gi < -lim ? -lim : (lim < gi ? lim : gi)) : gi;
    }
}

// c ← T(limit / √s) · c when √s > limit, s = *sum (the CPU's branch and factor, in double).
template <class T>
__global__ void clip_norm_kernel(std::size_t n, const double* sum, double limit, T* c) {
    const double norm = sqrt(*sum);
    if (!(norm > limit)) return;
    const T f = T(limit / norm);
    CASCADE_GPU_GRID_STRIDE(i, n) c[i] *= f;
}

// Pass 1: partial[block] = Σ v² over a grid-stride slice, v = double(x) clamped to ±clip when clip > 0.
template <class T>
__global__ void sum_squares_partial_kernel(std::size_t n, const T* x, double clip, double* partial) {
    __shared__ double scratch[32];
    double s = 0;
    CASCADE_GPU_GRID_STRIDE(i, n) {
        double v = double(x[i]);
        if (clip > 0) v = v < -clip ? -clip : (clip < v ? clip : v);
        s += v * v;
    }
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}
// Pass 2 (one block): out = Σ partial, or out += Σ partial when `accumulate` (A = double; a template so
// that the header defines no kernel symbol).
template <class A>
__global__ void sum_partials_kernel(std::size_t blocks, const A* partial, bool accumulate, A* out) {
    __shared__ A scratch[32];
    A s = 0;
    for (std::size_t b = threadIdx.x; b < blocks; b += blockDim.x) s += partial[b];
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) out[0] = accumulate ? out[0] + s : s;
}

inline constexpr unsigned sum_squares_blocks = 256;   // pass-1 blocks at most (a fixed order for any n)

// sum[0] = Σ_i v_i² (or sum[0] += when `accumulate`), v = x clamped to ±clip when clip > 0, in double,
// on the device; sum[1 …] holds the partial sums (sum is sized here: allocates on the first call only).
template <class T>
void sum_squares(std::size_t n, const T* x, double clip, bool accumulate, device_tensor<double, 1>& sum) {
    const unsigned blocks = grid_for(n) < sum_squares_blocks ? grid_for(n) : sum_squares_blocks;
    if (sum.size() < std::size_t(sum_squares_blocks) + 1) sum.resize({std::size_t(sum_squares_blocks) + 1});
    launch("sum_squares (partial)", sum_squares_partial_kernel<T>, blocks, elementwise_block, n, x, clip, sum.data() + 1);
    launch("sum_squares", sum_partials_kernel<double>, 1, elementwise_block, std::size_t(blocks), sum.data() + 1,
        accumulate, sum.data());
}

} // namespace cascade::gpu

namespace cascade::gpu {

// The hooks the optimizers call for device tensors (found by argument-dependent lookup; their state
// tensors live in the optimizer's backend slots). Optional state (rmsprop's m and b) is nullptr when off.
template <class T, std::size_t R>
device_tensor<T, R> full_like(const device_tensor<T, R>& t, T v) {   // adagrad's initial accumulator
    device_tensor<T, R> a(t.shape());
    if (a.size()) launch("full_like", fill_kernel<T>, grid_for(a.size()), elementwise_block, a.size(), v, a.data());
    return a;
}
template <class T, std::size_t R>
void adagrad_update_on_device(device_tensor<T, R>& w, const device_tensor<T, R>& g, device_tensor<T, R>& a, T lr, T epsilon,
                              bool epsilon_outside_root) {
    if (!w.size()) return;
    const auto* s = scalars_for<adagrad_scalars<T>>(w.data()).upload({lr, epsilon, epsilon_outside_root ? 1 : 0});
    launch("adagrad_update", adagrad_kernel<T>, grid_for(w.size()), elementwise_block, w.size(), w.data(), g.data(), a.data(), s);
}
template <class T, std::size_t R>
void adadelta_update_on_device(device_tensor<T, R>& w, const device_tensor<T, R>& g, device_tensor<T, R>& eg,
                               device_tensor<T, R>& ed, T lr, T rho, T epsilon) {
    if (!w.size()) return;
    const auto* s = scalars_for<adadelta_scalars<T>>(w.data()).upload({lr, rho, epsilon});
    launch("adadelta_update", adadelta_kernel<T>, grid_for(w.size()), elementwise_block,
        w.size(), w.data(), g.data(), eg.data(), ed.data(), s);
}
template <class T, std::size_t R>
void rmsprop_update_on_device(device_tensor<T, R>& w, const device_tensor<T, R>& g, device_tensor<T, R>& v, T* m, T* b,
                              T lr, T rho, T momentum, T epsilon) {
    if (!w.size()) return;
    const auto* s = scalars_for<rmsprop_scalars<T>>(w.data()).upload({lr, rho, momentum, epsilon});
    launch("rmsprop_update", rmsprop_kernel<T>, grid_for(w.size()), elementwise_block,
        w.size(), w.data(), g.data(), v.data(), m, b, s);
}
template <class T, std::size_t R>
void adamax_update_on_device(device_tensor<T, R>& w, const device_tensor<T, R>& g, device_tensor<T, R>& m,
                             device_tensor<T, R>& u, T lr_t, T beta_1, T beta_2, T epsilon) {
    if (!w.size()) return;
    const auto* s = scalars_for<adamax_scalars<T>>(w.data()).upload({lr_t, beta_1, beta_2, epsilon});
    launch("adamax_update", adamax_kernel<T>, grid_for(w.size()), elementwise_block,
        w.size(), w.data(), g.data(), m.data(), u.data(), s);
}

// clipped<Opt>: c = clamp(g, ±clipvalue) (a plain copy when clipvalue ≤ 0), c resized to g's shape.
template <class T, std::size_t R>
void clip_value_on_device(const device_tensor<T, R>& g, device_tensor<T, R>& c, T clipvalue) {
    ensure_shape(c, g.shape());
    if (!g.size()) return;
    launch("clip_value", clip_value_kernel<T>, grid_for(g.size()), elementwise_block, g.size(), g.data(), clipvalue, c.data());
}
// The device buffer that holds a sum of squares for clipped<Opt> (kept in the optimizer, type-erased).
template <class T, std::size_t R>
device_tensor<double, 1> sum_squares_buffer(const device_tensor<T, R>&) {
    device_tensor<double, 1> s(std::array<std::size_t, 1>{std::size_t(sum_squares_blocks) + 1});
    if (!host_pass()) check(hipMemsetAsync(s.data(), 0, s.size() * sizeof(double), current_stream()), "hipMemsetAsync");
    return s;
}
// sum[0] = Σ clamp(double(g), ±clipvalue)² (no clamping when clipvalue ≤ 0); += when `accumulate`.
template <class T, std::size_t R>
void sum_squares_on_device(const device_tensor<T, R>& g, double clipvalue, bool accumulate, device_tensor<double, 1>& sum) {
    sum_squares(g.size(), g.data(), clipvalue, accumulate, sum);
}
// c ← T(limit / ‖·‖) · c where ‖·‖ = √sum[0] > limit; decided on the device (no synchronisation).
template <class T, std::size_t R>
void clip_norm_on_device(device_tensor<T, R>& c, const device_tensor<double, 1>& sum, double limit) {
    if (!c.size()) return;
    launch("clip_norm", clip_norm_kernel<T>, grid_for(c.size()), elementwise_block, c.size(), sum.data(), limit, c.data());
}
// √sum[0] on the host (reads it back: synchronises the current stream; only clipped::global_norm() asks).
inline double norm_from_device(const device_tensor<double, 1>& sum) {
    double s = 0;
    check(hipMemcpyAsync(&s, sum.data(), sizeof(double), hipMemcpyDeviceToHost, current_stream()), "hipMemcpyAsync (norm)");
    synchronize();
    return std::sqrt(s);
}

} // namespace cascade::gpu
