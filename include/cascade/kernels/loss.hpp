#pragma once
// Loss kernels on the CPU backend: per-batch loss values (summed in double, fixed order) and the
// gradients with respect to the network output. C = last axis; categorical losses average over the rows
// (every axis but the last: N for (N, C), N·T for (N, T, C)), element-wise losses over all elements —
// as Keras does. Optional per-sample weights (Keras sample_weight: Σ_n w_n l_n / D with the same D
// as without weights) and per-element masks (D = Σ mask); the KL divergence, GAN and VAE terms and the
// L1/L2 weight penalties are below.
#include "cascade/config.hpp"
#include "cascade/init/initializers.hpp"
#include "cascade/kernels/loss_terms.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>
#include <cmath>
// GPU translation units (nvcc, hipcc with -x hip, or the emulator build) see backend::gpu and the device
// overloads of every kernel before any layer or loss template is defined: those call kernels:: by
// qualified name, and a qualified name only finds the overloads declared before the template.
#if CASCADE_WITH_GPU
#include "cascade/backend/gpu.hpp"
#endif

namespace cascade::kernels {

// Rows of a (..., C) tensor: the number of class distributions it holds.
template <class T, std::size_t R>
std::size_t rows_of(const host_tensor<T, R>& y) {
    return y.shape()[R - 1] ? y.size() / y.shape()[R - 1] : 0;
}

// Elements per sample of a (N, ...) tensor, and the weight of element i (1 without weights).
template <class T, std::size_t R>
std::size_t per_sample_of(const host_tensor<T, R>& y) {
    return y.shape()[0] ? y.size() / y.shape()[0] : 0;
}
template <class T>
double sample_factor(const T* w, std::size_t i, std::size_t per_sample) {
    return w ? double(w[i / per_sample]) : 1.0;
}

// mse: L = mean((y − t)²) over all elements;  dL/dy = 2 (y − t) / numel
template <class T, std::size_t R>
T mse_value(const host_tensor<T, R>& y, const host_tensor<T, R>& t) {
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) { const double d = double(y.data()[i]) - double(t.data()[i]); s += d * d; }
    return T(s / double(y.size()));
}
template <class T, std::size_t R>
void mse_gradient(const host_tensor<T, R>& y, const host_tensor<T, R>& t, host_tensor<T, R>& dy) {
    ensure_shape(dy, y.shape());
    const T s = T(2) / T(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) dy.data()[i] = s * (y.data()[i] - t.data()[i]);
}

// dz = (y − t) · s: the gradient of cross-entropy through its matching output activation
// (softmax for categorical, sigmoid for binary), s = 1 / N or 1 / numel.
template <class T, std::size_t R>
void scaled_difference(const host_tensor<T, R>& y, const host_tensor<T, R>& t, T s, host_tensor<T, R>& dz) {
    ensure_shape(dz, y.shape());
    for (std::size_t i = 0; i < y.size(); ++i) dz.data()[i] = s * (y.data()[i] - t.data()[i]);
}

// categorical cross-entropy on probabilities p (clipped to [ε, 1 − ε] like Keras):
//   L = −(1/rows) Σ_rows Σ_c t log p          dL/dp = −t / (rows · p)
template <class T, std::size_t R>
T categorical_crossentropy_value(const host_tensor<T, R>& p, const host_tensor<T, R>& t, T eps, const T* w = nullptr) {
    double s = 0;
    const std::size_t per = per_sample_of(p);
    for (std::size_t i = 0; i < p.size(); ++i)
        if (t.data()[i] != T(0))
            s -= sample_factor(w, i, per) * double(t.data()[i]) * std::log(double(std::clamp(p.data()[i], eps, T(1) - eps)));
    return T(s / double(rows_of(p)));
}
template <class T, std::size_t R>
void categorical_crossentropy_gradient(const host_tensor<T, R>& p, const host_tensor<T, R>& t, T eps,
                                       host_tensor<T, R>& dp) {
    ensure_shape(dp, p.shape());
    const T inv_n = T(1) / T(rows_of(p));
    for (std::size_t i = 0; i < p.size(); ++i)
        dp.data()[i] = -t.data()[i] * inv_n / std::clamp(p.data()[i], eps, T(1) - eps);
}
// ... on logits z, through a stable log-softmax:  L = (1/N) Σ_n (logsumexp(z_n) − Σ_c t z)
//   dL/dz = (softmax(z) − t · Σ_c t) / N
template <class T, std::size_t R>
T categorical_crossentropy_logits_value(const host_tensor<T, R>& z, const host_tensor<T, R>& t, const T* w = nullptr) {
    const std::size_t c = z.shape()[R - 1], rows = z.size() / c, rows_per_sample = z.shape()[0] ? rows / z.shape()[0] : 1;
    double s = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const T* zr = z.data() + r * c;
        const T* tr = t.data() + r * c;
        const double m = *std::max_element(zr, zr + c);
        double e = 0, tz = 0, tsum = 0;
        for (std::size_t j = 0; j < c; ++j) { e += std::exp(double(zr[j]) - m); tz += double(tr[j]) * zr[j]; tsum += tr[j]; }
        s += sample_factor(w, r, rows_per_sample) * (tsum * (m + std::log(e)) - tz);
    }
    return T(s / double(rows));
}
template <class T, std::size_t R>
void categorical_crossentropy_logits_gradient(const host_tensor<T, R>& z, const host_tensor<T, R>& t,
                                              host_tensor<T, R>& dz) {
    ensure_shape(dz, z.shape());
    const std::size_t c = z.shape()[R - 1], rows = z.size() / c;
    const T inv_n = T(1) / T(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        const T* zr = z.data() + r * c;
        const T* tr = t.data() + r * c;
        T* gr = dz.data() + r * c;
        const T m = *std::max_element(zr, zr + c);
        T e = 0, tsum = 0;
        for (std::size_t j = 0; j < c; ++j) { gr[j] = std::exp(zr[j] - m); e += gr[j]; tsum += tr[j]; }
        for (std::size_t j = 0; j < c; ++j) gr[j] = (gr[j] / e * tsum - tr[j]) * inv_n;
    }
}

// binary cross-entropy on probabilities p (clipped):  L = −mean(t log p + (1 − t) log(1 − p))
//   dL/dp = (p − t) / (p (1 − p) numel)
template <class T, std::size_t R>
T binary_crossentropy_value(const host_tensor<T, R>& p, const host_tensor<T, R>& t, T eps) {
    double s = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double q = std::clamp(p.data()[i], eps, T(1) - eps), y = t.data()[i];
        s -= y * std::log(q) + (1 - y) * std::log(1 - q);
    }
    return T(s / double(p.size()));
}
template <class T, std::size_t R>
void binary_crossentropy_gradient(const host_tensor<T, R>& p, const host_tensor<T, R>& t, T eps, host_tensor<T, R>& dp) {
    ensure_shape(dp, p.shape());
    const T inv = T(1) / T(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
        const T q = std::clamp(p.data()[i], eps, T(1) - eps);
        dp.data()[i] = (q - t.data()[i]) / (q * (T(1) - q)) * inv;
    }
}
// ... on logits z (stable):  L = mean(max(z, 0) − z t + log(1 + e^−|z|))    dL/dz = (σ(z) − t) / numel
template <class T, std::size_t R>
T binary_crossentropy_logits_value(const host_tensor<T, R>& z, const host_tensor<T, R>& t) {
    double s = 0;
    for (std::size_t i = 0; i < z.size(); ++i) {
        const double v = z.data()[i];
        s += std::max(v, 0.0) - v * double(t.data()[i]) + std::log1p(std::exp(-std::abs(v)));
    }
    return T(s / double(z.size()));
}
template <class T, std::size_t R>
void binary_crossentropy_logits_gradient(const host_tensor<T, R>& z, const host_tensor<T, R>& t, host_tensor<T, R>& dz) {
    ensure_shape(dz, z.shape());
    const T inv = T(1) / T(z.size());
    for (std::size_t i = 0; i < z.size(); ++i) dz.data()[i] = (T(1) / (T(1) + std::exp(-z.data()[i])) - t.data()[i]) * inv;
}

// ---- Per-sample weights and masks ---------------------------------------------------------------
// The weights' data after checking there is one per sample of y (`who` names the loss in the error).
template <class T, std::size_t R>
const T* sample_weights_of(const host_tensor<T, 1>& w, const host_tensor<T, R>& y, const char* who) {
    CASCADE_CHECK(w.size() == y.shape()[0], who, ": sample_weight has ", w.size(), " values but the batch has ",
                  y.shape()[0], " samples");
    return w.data();
}
// Multiplies sample n's slice of g by w[n]: the gradient of Σ_n w_n l_n / D from that of Σ_n l_n / D,
// exact for every loss here, since each sample's terms depend on that sample's outputs only.
template <class T, std::size_t R>
void scale_samples(host_tensor<T, R>& g, const T* w) {
    const std::size_t per = per_sample_of(g);
    for (std::size_t i = 0; i < g.size(); ++i) g.data()[i] *= w[i / per];
}

// Σ_i c_i f(y_i, t_i) / D with c_i = w[n(i)] · mask_i; D = Σ_i mask_i over the batch (masked) or numel.
// A batch whose mask is all zero has loss 0 and gradient 0 (not 0/0).
template <class T, std::size_t R, class F, class M = float>
T elementwise_loss_value(const host_tensor<T, R>& y, const host_tensor<T, R>& t, const F& f,
                         const loss_factors<T, M>& c = {}) {
    const std::size_t per = per_sample_of(y);
    double s = 0, d = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double m = c.mask ? double(c.mask[i % c.mask_size]) : 1.0;
        d += m;
        if (m != 0) s += m * sample_factor(c.sample_weight, i, per) * f.value(double(y.data()[i]), double(t.data()[i]));
    }
    return d > 0 ? T(s / d) : T(0);
}
template <class T, std::size_t R, class F, class M = float>
void elementwise_loss_gradient(const host_tensor<T, R>& y, const host_tensor<T, R>& t, const F& f,
                               host_tensor<T, R>& dy, const loss_factors<T, M>& c = {}) {
    ensure_shape(dy, y.shape());
    const std::size_t per = per_sample_of(y);
    double d = double(y.size());
    if (c.mask) {
        d = 0;
        for (std::size_t i = 0; i < y.size(); ++i) d += double(c.mask[i % c.mask_size]);
    }
    const T inv = d > 0 ? T(1.0 / d) : T(0);
    for (std::size_t i = 0; i < y.size(); ++i) {
        const T m = c.mask ? T(c.mask[i % c.mask_size]) : T(1);
        const T w = c.sample_weight ? c.sample_weight[i / per] : T(1);
        dy.data()[i] = m == T(0) ? T(0) : m * w * inv * f.derivative(y.data()[i], t.data()[i]);
    }
}

// The element-wise terms (squared_error, absolute_error, huber_error, binary_crossentropy_term,
// difference_term) and loss_factors are in kernels/loss_terms.hpp, shared with the GPU kernels.
template <class T, std::size_t R, class M = float>
void masked_scaled_difference(const host_tensor<T, R>& p, const host_tensor<T, R>& t, host_tensor<T, R>& dz,
                              const loss_factors<T, M>& c) {
    elementwise_loss_gradient(p, t, difference_term{}, dz, c);
}

// ---- Kullback–Leibler divergence on probabilities (Keras KLDivergence) ------------------------------
//   L = (1/rows) Σ_rows Σ_c t log(t / p),  t and p clipped to [ε, 1]
//   dL/dp = −t / (p · rows), 0 where p is clipped (as TensorFlow's clip_by_value)
template <class T, std::size_t R>
T kl_divergence_value(const host_tensor<T, R>& p, const host_tensor<T, R>& t, T eps, const T* w = nullptr) {
    const std::size_t per = per_sample_of(p);
    double s = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double q = std::clamp(double(p.data()[i]), double(eps), 1.0), u = std::clamp(double(t.data()[i]), double(eps), 1.0);
        s += sample_factor(w, i, per) * u * std::log(u / q);
    }
    return T(s / double(rows_of(p)));
}
template <class T, std::size_t R>
void kl_divergence_gradient(const host_tensor<T, R>& p, const host_tensor<T, R>& t, T eps, host_tensor<T, R>& dp) {
    ensure_shape(dp, p.shape());
    const T inv = T(1) / T(rows_of(p));
    for (std::size_t i = 0; i < p.size(); ++i) {
        const T q = p.data()[i], u = std::clamp(t.data()[i], eps, T(1));
        dp.data()[i] = (q < eps || q > T(1)) ? T(0) : -u / q * inv;
    }
}

// ---- GAN losses on discriminator logits (softplus form, stable for any logit) -----------------------
//   softplus(x) = log(1 + eˣ) = max(x, 0) + log(1 + e^−|x|);  −log σ(x) = softplus(−x);  −log(1 − σ(x)) = softplus(x)
inline double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }
template <class T>
T sigmoid(T x) {   // stable for large |x|
    return x >= T(0) ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x));
}
// mean_i softplus(sign · z_i), and its gradient sign · σ(sign · z_i) / n (scaled by a), written to dz.
template <class T, std::size_t R>
T mean_softplus(const host_tensor<T, R>& z, T sign) {
    double s = 0;
    for (std::size_t i = 0; i < z.size(); ++i) s += softplus(double(sign) * double(z.data()[i]));
    return T(s / double(z.size()));
}
template <class T, std::size_t R>
void mean_softplus_gradient(const host_tensor<T, R>& z, T sign, T a, host_tensor<T, R>& dz) {
    ensure_shape(dz, z.shape());
    const T s = a * sign / T(z.size());
    for (std::size_t i = 0; i < z.size(); ++i) dz.data()[i] = s * sigmoid(sign * z.data()[i]);
}

// ---- VAE: reparameterization and the Gaussian KL term ----------------------------------------------
// ml (N, 2Z) holds [μ, log σ²] per row; Kingma & Welling, "Auto-Encoding Variational Bayes", 2014.
//   z = μ + exp(½ log σ²) ε                           ∂z/∂μ = 1,  ∂z/∂log σ² = ½ exp(½ log σ²) ε
//   KL(N(μ, σ²) ‖ N(0, 1)) = −½ Σ_z (1 + log σ² − μ² − σ²),  averaged over the N rows (Keras' VAE example)
//   ∂KL/∂μ = μ / N,  ∂KL/∂log σ² = ½ (σ² − 1) / N
// out = N(0, 1) draws from g (the initializers' scalar Box–Muller: N·Z values per step, too few to
// vectorise), out's shape unchanged.
template <class T, std::size_t R>
void standard_normal(host_tensor<T, R>& out, rng& g) {
    for (std::size_t i = 0; i < out.size(); ++i) out.data()[i] = T(cascade::detail::standard_normal(g));
}
template <class T>
void reparameterize_forward(const host_tensor<T, 2>& ml, const host_tensor<T, 2>* eps, host_tensor<T, 2>& z) {
    const std::size_t n = ml.shape()[0], zd = ml.shape()[1] / 2;
    ensure_shape(z, std::array<std::size_t, 2>{n, zd});
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < zd; ++j) {
            const T mu = ml.data()[r * 2 * zd + j], lv = ml.data()[r * 2 * zd + zd + j];
            z.data()[r * zd + j] = eps ? mu + std::exp(T(0.5) * lv) * eps->data()[r * zd + j] : mu;
        }
}
template <class T>
void reparameterize_backward(const host_tensor<T, 2>& ml, const host_tensor<T, 2>& eps, const host_tensor<T, 2>& dz,
                             host_tensor<T, 2>& dml) {
    ensure_shape(dml, ml.shape());
    const std::size_t n = ml.shape()[0], zd = ml.shape()[1] / 2;
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < zd; ++j) {
            const T lv = ml.data()[r * 2 * zd + zd + j], g = dz.data()[r * zd + j];
            dml.data()[r * 2 * zd + j] = g;
            dml.data()[r * 2 * zd + zd + j] = g * T(0.5) * std::exp(T(0.5) * lv) * eps.data()[r * zd + j];
        }
}
template <class T>
T gaussian_kl_value(const host_tensor<T, 2>& ml) {
    const std::size_t n = ml.shape()[0], zd = ml.shape()[1] / 2;
    double s = 0;
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < zd; ++j) {
            const double mu = ml.data()[r * 2 * zd + j], lv = ml.data()[r * 2 * zd + zd + j];
            s += -0.5 * (1 + lv - mu * mu - std::exp(lv));
        }
    return n ? T(s / double(n)) : T(0);
}
// dml += a · ∂KL/∂ml
template <class T>
void add_gaussian_kl_gradient(const host_tensor<T, 2>& ml, T a, host_tensor<T, 2>& dml) {
    const std::size_t n = ml.shape()[0], zd = ml.shape()[1] / 2;
    const T s = a / T(n);
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < zd; ++j) {
            const T mu = ml.data()[r * 2 * zd + j], lv = ml.data()[r * 2 * zd + zd + j];
            dml.data()[r * 2 * zd + j] += s * mu;
            dml.data()[r * 2 * zd + zd + j] += s * T(0.5) * (std::exp(lv) - T(1));
        }
}

// ---- Weight penalties (Keras L1 / L2 kernel regularizers) -------------------------------------------
//   l1: Σ|w|  (gradient sign w, 0 at 0)      l2: Σ w²  (gradient 2w)
template <class T, std::size_t R>
double abs_sum(const host_tensor<T, R>& w) {
    double s = 0;
    for (std::size_t i = 0; i < w.size(); ++i) s += std::abs(double(w.data()[i]));
    return s;
}
template <class T, std::size_t R>
double square_sum(const host_tensor<T, R>& w) {
    double s = 0;
    for (std::size_t i = 0; i < w.size(); ++i) s += double(w.data()[i]) * double(w.data()[i]);
    return s;
}
// dw += a · sign(w)
template <class T, std::size_t R>
void add_sign_scaled(const host_tensor<T, R>& w, T a, host_tensor<T, R>& dw) {
    for (std::size_t i = 0; i < w.size(); ++i) {
        const T v = w.data()[i];
        dw.data()[i] += v > T(0) ? a : (v < T(0) ? -a : T(0));
    }
}
// dw += a · w
template <class T, std::size_t R>
void add_weight_scaled(const host_tensor<T, R>& w, T a, host_tensor<T, R>& dw) {
    for (std::size_t i = 0; i < w.size(); ++i) dw.data()[i] += a * w.data()[i];
}

} // namespace cascade::kernels
