#pragma once
// Loss kernels on the CPU backend: per-batch loss values (summed in double, fixed order) and the
// gradients with respect to the network output. C = last axis; categorical losses average over the rows
// (every axis but the last: N for (N, C), N·T for (N, T, C)), element-wise losses over all elements —
// as Keras does.
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <cmath>

namespace cascade::kernels {

// Rows of a (..., C) tensor: the number of class distributions it holds.
template <class T, std::size_t R>
std::size_t rows_of(const host_tensor<T, R>& y) {
    return y.shape()[R - 1] ? y.size() / y.shape()[R - 1] : 0;
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
T categorical_crossentropy_value(const host_tensor<T, R>& p, const host_tensor<T, R>& t, T eps) {
    double s = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (t.data()[i] != T(0)) s -= double(t.data()[i]) * std::log(double(std::clamp(p.data()[i], eps, T(1) - eps)));
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
T categorical_crossentropy_logits_value(const host_tensor<T, R>& z, const host_tensor<T, R>& t) {
    const std::size_t c = z.shape()[R - 1], rows = z.size() / c;
    double s = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const T* zr = z.data() + r * c;
        const T* tr = t.data() + r * c;
        const double m = *std::max_element(zr, zr + c);
        double e = 0, tz = 0, tsum = 0;
        for (std::size_t j = 0; j < c; ++j) { e += std::exp(double(zr[j]) - m); tz += double(tr[j]) * zr[j]; tsum += tr[j]; }
        s += tsum * (m + std::log(e)) - tz;
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

} // namespace cascade::kernels
