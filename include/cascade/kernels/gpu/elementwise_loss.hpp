#pragma once
// GPU element-wise losses: ONE kernel pair for every loss that is a sum of per-element terms
// (kernels/loss_terms.hpp: squared_error, absolute_error, huber_error, binary_crossentropy_term, and the
// GPU-side terms below for KL divergence, weighted categorical cross-entropy and the GAN softplus), with
// the optional factors of kernels::loss_factors (per-sample weights, per-element mask; device pointers).
// kernels/loss.hpp's elementwise_loss_value / elementwise_loss_gradient are the CPU references:
//   L = Σ_i c_i f(y_i, t_i) / D,   c_i = m_i · w_n(i),   D = Σ_i m_i (masked) or a fixed divisor (numel, rows)
//   dL/dy_i = c_i · s · f'(y_i, t_i),   s = 1/D (on the device when D depends on the mask) or a host scale
// Values: each block sums its grid-stride share in double (block_sum: fixed order), a one-block pass sums
// the blocks' partials in block order, so the value has the same bits on every run; it is read back with
// one synchronisation, as mse's. Gradients: one grid-stride pass, no synchronisation (a mask's Σ m is
// reduced on the device first, by the same partial-sum kernels).
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/gpu/block_sum.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"
#include "cascade/kernels/loss_terms.hpp"

#include <array>

namespace cascade::gpu {

// First-pass grid of the reductions: at most loss_blocks blocks of elementwise_block threads.
inline constexpr unsigned loss_blocks = 256;
inline unsigned loss_grid(std::size_t n) {
    const unsigned g = grid_for(n);
    return g < loss_blocks ? g : loss_blocks;
}

// Term of a mask-only reduction (Σ m for a gradient's normaliser).
struct no_term {};

// partial[b] = Σ c_i f(y_i, t_i), partial[gridDim + b] = Σ m_i over block b's elements (Values = false:
// only the mask sums).
template <bool Values, class T, class F, class M>
__global__ void elementwise_loss_partials_kernel(std::size_t n, const T* y, const T* t, F f, const T* w, std::size_t per,
                                                 const M* mask, std::size_t mask_size, double* partial) {
    __shared__ double scratch[32];   // block_sum: one value per warp
    double s = 0, d = 0;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
        const double m = mask ? double(mask[i % mask_size]) : 1.0;
        d += m;
        if constexpr (Values)
            if (m != 0) s += m * (w ? double(w[i / per]) : 1.0) * f.value(double(y[i]), double(t[i]));
    }
    s = block_sum(s, scratch);
    d = block_sum(d, scratch);
    if (threadIdx.x == 0) {
        partial[blockIdx.x] = s;
        partial[gridDim.x + blockIdx.x] = d;
    }
}
// One block: out[0] = Σ s / D, out[1] = 1 / D with D = divisor, or Σ m where divisor is 0; both 0 where D is 0.
template <class T>
__global__ void elementwise_loss_finish_kernel(unsigned blocks, const double* partial, double divisor, T* out) {
    __shared__ double scratch[32];
    double s = 0, d = 0;
    for (unsigned b = threadIdx.x; b < blocks; b += blockDim.x) {
        s += partial[b];
        d += partial[blocks + b];
    }
    s = block_sum(s, scratch);
    d = block_sum(d, scratch);
    if (threadIdx.x == 0) {
        if (divisor > 0) d = divisor;
        out[0] = d > 0 ? T(s / d) : T(0);
        out[1] = d > 0 ? T(1.0 / d) : T(0);
    }
}
// dy_i = m_i · w_n(i) · s · f'(y_i, t_i) with s = *device_scale when given, else scale; 0 where m_i = 0.
template <class T, class F, class M>
__global__ void elementwise_loss_gradient_kernel(std::size_t n, const T* y, const T* t, F f, const T* w, std::size_t per,
                                                 const M* mask, std::size_t mask_size, T scale, const T* device_scale,
                                                 T* dy) {
    const T s = device_scale ? *device_scale : scale;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
        const T m = mask ? T(mask[i % mask_size]) : T(1);
        const T wi = w ? w[i / per] : T(1);
        dy[i] = m == T(0) ? T(0) : m * wi * s * f.derivative(y[i], t[i]);
    }
}
template <class T>
__global__ void scale_samples_kernel(std::size_t n, std::size_t per, const T* w, T* g) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) g[i] *= w[i / per];
}

// Device buffers of the reductions, fixed sizes (allocated once per thread and type, never resized:
// a pending kernel may still read them).
inline double* loss_partials() {
    thread_local device_tensor<double, 1> p(std::array<std::size_t, 1>{2 * loss_blocks});
    return p.data();
}
template <class T>
T* loss_result() {   // [value, 1 / D]
    thread_local device_tensor<T, 1> r(std::array<std::size_t, 1>{2});
    return r.data();
}

// Writes [Σ c f / D, 1 / D] to loss_result<T>() (Values = false: only 1 / D from the mask).
template <bool Values, class T, class F, class M>
T* reduce_elementwise_loss(std::size_t n, const T* y, const T* t, const F& f, const kernels::loss_factors<T, M>& c,
                           std::size_t per, double divisor) {
    const unsigned g = loss_grid(n);
    double* partial = loss_partials();
    launch("elementwise_loss partials", elementwise_loss_partials_kernel<Values, T, F, M>, g, elementwise_block,
           n, y, t, f, c.sample_weight, per, c.mask, c.mask_size, partial);
    T* out = loss_result<T>();
    launch("elementwise_loss finish", elementwise_loss_finish_kernel<T>, 1, elementwise_block, g, partial, divisor, out);
    return out;
}
template <class T>
T read_back(const T* v) {   // synchronises the current stream
    T r{};
    check(hipMemcpyAsync(&r, v, sizeof(T), hipMemcpyDeviceToHost, current_stream()), "hipMemcpyAsync (loss value)");
    synchronize();
    return r;
}

// GPU-side terms of the losses whose CPU code does not go through elementwise_loss_value; each is the
// per-element summand of the CPU loop in kernels/loss.hpp.
struct kl_divergence_term {   // t log(t / p), t and p clipped to [ε, 1];  ∂/∂p = −t / p, 0 where p is clipped
    double eps;
    CASCADE_HOST_DEVICE double value(double p, double t) const {
        const double q = kernels::term_math::clamp(p, eps, 1.0), u = kernels::term_math::clamp(t, eps, 1.0);
        return u * kernels::term_math::log(u / q);
    }
    template <class T> CASCADE_HOST_DEVICE T derivative(T p, T t) const {
        const T u = kernels::term_math::clamp(t, T(eps), T(1));
        return (p < T(eps) || p > T(1)) ? T(0) : -u / p;
    }
};
struct crossentropy_term {    // −t log clamp(p, lo, hi), 0 where t = 0 (bounds already rounded to T)
    double lo, hi;
    CASCADE_HOST_DEVICE double value(double p, double t) const {
        return t != 0 ? -t * kernels::term_math::log(kernels::term_math::clamp(p, lo, hi)) : 0.0;
    }
};
struct binary_probability_term {   // −(t log q + (1 − t) log(1 − q)), q = clamp(p, lo, hi), bounds rounded to T as
    double lo, hi;                  // kernels::binary_crossentropy_value clamps (binary_crossentropy_term clamps in double)
    CASCADE_HOST_DEVICE double value(double p, double t) const {
        const double q = kernels::term_math::clamp(p, lo, hi);
        return -(t * kernels::term_math::log(q) + (1 - t) * kernels::term_math::log(1 - q));
    }
};
struct identity_term {        // sums precomputed per-row losses
    CASCADE_HOST_DEVICE double value(double v, double) const { return v; }
};
struct softplus_term {        // softplus(sign · z);  ∂/∂z (without the sign) = σ(sign · z), stable for any z
    double sign;
    CASCADE_HOST_DEVICE double value(double z, double) const {
        namespace m = kernels::term_math;
        const double x = sign * z;
        return m::max(x, 0.0) + m::log1p(m::exp(-m::fabs(x)));
    }
    template <class T> CASCADE_HOST_DEVICE T derivative(T z, T) const {
        const T x = T(sign) * z;
        return x >= T(0) ? T(1) / (T(1) + kernels::term_math::exp(-x))
                         : kernels::term_math::exp(x) / (T(1) + kernels::term_math::exp(x));
    }
};

} // namespace cascade::gpu

namespace cascade::kernels {

// Rows over which losses average: every position of the last axis (kernels/loss.hpp's rows_of).
template <class T, std::size_t R>
std::size_t rows_of(const gpu::device_tensor<T, R>& y) {
    const std::size_t c = y.shape()[R - 1];
    return c ? y.size() / c : 0;
}
// Elements per sample of a (N, ...) tensor.
template <class T, std::size_t R>
std::size_t per_sample_of(const gpu::device_tensor<T, R>& y) {
    return y.shape()[0] ? y.size() / y.shape()[0] : 0;
}

// Σ_i c_i f(y_i, t_i) / D (kernels/loss.hpp's elementwise_loss_value); D = Σ mask or numel.
template <class T, std::size_t R, class F, class M = float>
T elementwise_loss_value(const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& t, const F& f,
                         const loss_factors<T, M>& c = {}) {
    return gpu::read_back(gpu::reduce_elementwise_loss<true>(y.size(), y.data(), t.data(), f, c, per_sample_of(y),
                                                             c.mask ? 0.0 : double(y.size())));
}
template <class T, std::size_t R, class F, class M = float>
void elementwise_loss_gradient(const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& t, const F& f,
                               gpu::device_tensor<T, R>& dy, const loss_factors<T, M>& c = {}) {
    ensure_shape(dy, y.shape());
    const T* device_scale = nullptr;
    if (c.mask) device_scale = gpu::reduce_elementwise_loss<false>(y.size(), y.data(), t.data(), gpu::no_term{}, c, 0, 0.0) + 1;
    gpu::launch("elementwise_loss_gradient", gpu::elementwise_loss_gradient_kernel<T, F, M>, gpu::grid_for(y.size()),
                gpu::elementwise_block, y.size(), y.data(), t.data(), f, c.sample_weight, per_sample_of(y), c.mask,
                c.mask_size, T(1.0 / double(y.size() ? y.size() : 1)), device_scale, dy.data());
}
template <class T, std::size_t R, class M = float>
void masked_scaled_difference(const gpu::device_tensor<T, R>& p, const gpu::device_tensor<T, R>& t,
                              gpu::device_tensor<T, R>& dz, const loss_factors<T, M>& c) {
    elementwise_loss_gradient(p, t, difference_term{}, dz, c);
}

// Per-sample weights: a device vector of N values.
template <class T, std::size_t R>
const T* sample_weights_of(const gpu::device_tensor<T, 1>& w, const gpu::device_tensor<T, R>& y, const char* who) {
    CASCADE_CHECK(w.size() == y.shape()[0], who, ": sample_weight has ", w.size(), " values but the batch has ",
                  y.shape()[0], " samples");
    return w.data();
}
template <class T, std::size_t R>
void scale_samples(gpu::device_tensor<T, R>& g, const T* w) {
    gpu::launch("scale_samples", gpu::scale_samples_kernel<T>, gpu::grid_for(g.size()), gpu::elementwise_block,
                g.size(), per_sample_of(g), w, g.data());
}

// Binary cross-entropy (kernels/loss.hpp): probabilities clipped to [ε, 1 − ε], or logits.
template <class T, std::size_t R>
T binary_crossentropy_value(const gpu::device_tensor<T, R>& p, const gpu::device_tensor<T, R>& t, T eps) {
    return elementwise_loss_value(p, t, gpu::binary_probability_term{double(eps), double(T(1) - eps)});
}
template <class T, std::size_t R>
void binary_crossentropy_gradient(const gpu::device_tensor<T, R>& p, const gpu::device_tensor<T, R>& t, T eps,
                                  gpu::device_tensor<T, R>& dp) {
    ensure_shape(dp, p.shape());
    gpu::launch("binary_crossentropy_gradient", gpu::elementwise_loss_gradient_kernel<T, binary_crossentropy_term, float>,
                gpu::grid_for(p.size()), gpu::elementwise_block, p.size(), p.data(), t.data(),
                binary_crossentropy_term{false, double(eps)}, static_cast<const T*>(nullptr), std::size_t(1),
                static_cast<const float*>(nullptr), std::size_t(0), T(1) / T(p.size() ? p.size() : 1),
                static_cast<const T*>(nullptr), dp.data());
}
template <class T, std::size_t R>
T binary_crossentropy_logits_value(const gpu::device_tensor<T, R>& z, const gpu::device_tensor<T, R>& t) {
    return elementwise_loss_value(z, t, binary_crossentropy_term{true});
}
template <class T, std::size_t R>
void binary_crossentropy_logits_gradient(const gpu::device_tensor<T, R>& z, const gpu::device_tensor<T, R>& t,
                                         gpu::device_tensor<T, R>& dz) {
    ensure_shape(dz, z.shape());
    gpu::launch("binary_crossentropy_logits_gradient", gpu::elementwise_loss_gradient_kernel<T, binary_crossentropy_term, float>,
                gpu::grid_for(z.size()), gpu::elementwise_block, z.size(), z.data(), t.data(),
                binary_crossentropy_term{true}, static_cast<const T*>(nullptr), std::size_t(1),
                static_cast<const float*>(nullptr), std::size_t(0), T(1) / T(z.size() ? z.size() : 1),
                static_cast<const T*>(nullptr), dz.data());
}

// Kullback–Leibler divergence over the last axis, averaged over the rows; optional per-sample weights w.
template <class T, std::size_t R>
T kl_divergence_value(const gpu::device_tensor<T, R>& p, const gpu::device_tensor<T, R>& t, T eps, const T* w = nullptr) {
    return gpu::read_back(gpu::reduce_elementwise_loss<true>(p.size(), p.data(), t.data(), gpu::kl_divergence_term{double(eps)},
                                                             loss_factors<T>{w}, per_sample_of(p), double(rows_of(p))));
}
template <class T, std::size_t R>
void kl_divergence_gradient(const gpu::device_tensor<T, R>& p, const gpu::device_tensor<T, R>& t, T eps,
                            gpu::device_tensor<T, R>& dp) {
    ensure_shape(dp, p.shape());
    gpu::launch("kl_divergence_gradient", gpu::elementwise_loss_gradient_kernel<T, gpu::kl_divergence_term, float>,
                gpu::grid_for(p.size()), gpu::elementwise_block, p.size(), p.data(), t.data(),
                gpu::kl_divergence_term{double(eps)}, static_cast<const T*>(nullptr), std::size_t(1),
                static_cast<const float*>(nullptr), std::size_t(0), T(1) / T(rows_of(p) ? rows_of(p) : 1),
                static_cast<const T*>(nullptr), dp.data());
}

// GAN losses: mean_i softplus(sign · z_i) and its gradient a · sign · σ(sign · z_i) / n.
template <class T, std::size_t R>
T mean_softplus(const gpu::device_tensor<T, R>& z, T sign) {
    return elementwise_loss_value(z, z, gpu::softplus_term{double(sign)});
}
template <class T, std::size_t R>
void mean_softplus_gradient(const gpu::device_tensor<T, R>& z, T sign, T a, gpu::device_tensor<T, R>& dz) {
    ensure_shape(dz, z.shape());
    gpu::launch("mean_softplus_gradient", gpu::elementwise_loss_gradient_kernel<T, gpu::softplus_term, float>,
                gpu::grid_for(z.size()), gpu::elementwise_block, z.size(), z.data(), z.data(),
                gpu::softplus_term{double(sign)}, static_cast<const T*>(nullptr), std::size_t(1),
                static_cast<const float*>(nullptr), std::size_t(0), a * sign / T(z.size() ? z.size() : 1),
                static_cast<const T*>(nullptr), dz.data());
}

} // namespace cascade::kernels
