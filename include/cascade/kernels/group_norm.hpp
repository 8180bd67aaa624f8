#pragma once
// Group normalisation of channels-last tensors (layers/group_normalization.hpp; Wu & He, ECCV 2018):
// x (N, P, C) with P the positions of a sample and the C channels in G groups of K = C/G consecutive
// channels. For each sample n and group g, over its M = P·K values e:
//   μ = Σ x_e / M,  σ² = Σ (x_e − μ)² / M (two passes),  s = 1/√(σ² + ε),  x̂_e = (x_e − μ) s
//   y_e = γ_c x̂_e + β_c                       (γ = nullptr: scale off, γ ≡ 1; β = nullptr: center off)
//   backward, with g_e = γ_c dy_e:   dx_e = s (g_e − Σ g / M − x̂_e Σ g x̂ / M)
//   dγ_c = Σ_{n, p} dy x̂,  dβ_c = Σ_{n, p} dy   (n, then p ascending, in double)
// The per-group and per-channel functions (CASCADE_HOST_DEVICE) are shared with the GPU kernels
// (kernels/gpu/group_norm.hpp): the same code in the same order on both backends. mean and inv_std (one
// value per (n, g)) are what backward needs. Tensor-level entries for the CPU backend below.
#include "cascade/kernels/cpu/host_device_math.hpp"
#include "cascade/kernels/cpu/parallel.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>
#include <cstddef>

namespace cascade::kernels {

namespace cpu {
struct group_norm_geometry {
    std::size_t n = 0, positions = 1, channels = 1, groups = 1;
    CASCADE_HOST_DEVICE std::size_t per_group() const { return channels / groups; }
    // The flat index of the m-th value (m < positions · per_group) of group q = sample · groups + g.
    CASCADE_HOST_DEVICE std::size_t element(std::size_t q, std::size_t m) const {
        const std::size_t k = per_group(), s = q / groups, g = q % groups;
        return (s * positions + m / k) * channels + g * k + m % k;
    }
};

template <class T>
CASCADE_HOST_DEVICE void group_norm_group(const group_norm_geometry& geo, std::size_t q, const T* x, const T* gamma, const T* beta, T eps,
                                          T* y, T* mean, T* inv_std) {
    const std::size_t m_count = geo.positions * geo.per_group();
    T s = 0;
    for (std::size_t m = 0; m < m_count; ++m) s += x[geo.element(q, m)];
    const T mu = s / T(m_count);
    T v = 0;
    for (std::size_t m = 0; m < m_count; ++m) {
        const T d = x[geo.element(q, m)] - mu;
        v += d * d;
    }
    const T inv = T(1) / T(hd_math::sqrt(v / T(m_count) + eps));
    for (std::size_t m = 0; m < m_count; ++m) {
        const std::size_t e = geo.element(q, m), c = e % geo.channels;
        const T xh = (x[e] - mu) * inv;
        y[e] = (gamma ? gamma[c] * xh : xh) + (beta ? beta[c] : T(0));
    }
    mean[q] = mu;
    inv_std[q] = inv;
}

template <class T>
CASCADE_HOST_DEVICE void group_norm_backward_group(const group_norm_geometry& geo, std::size_t q, const T* x, const T* dy, const T* gamma,
                                                   const T* mean, const T* inv_std, T* dx) {
    const std::size_t m_count = geo.positions * geo.per_group();
    const T mu = mean[q], inv = inv_std[q];
    T a = 0, b = 0;
    for (std::size_t m = 0; m < m_count; ++m) {
        const std::size_t e = geo.element(q, m), c = e % geo.channels;
        const T g = gamma ? gamma[c] * dy[e] : dy[e];
        a += g;
        b += g * ((x[e] - mu) * inv);
    }
    a /= T(m_count);
    b /= T(m_count);
    for (std::size_t m = 0; m < m_count; ++m) {
        const std::size_t e = geo.element(q, m), c = e % geo.channels;
        const T g = gamma ? gamma[c] * dy[e] : dy[e];
        dx[e] = inv * (g - a - ((x[e] - mu) * inv) * b);
    }
}

// Channel c: dγ_c (if dgamma) and dβ_c (if dbeta).
template <class T>
CASCADE_HOST_DEVICE void group_norm_param_grads_channel(const group_norm_geometry& geo, std::size_t c, const T* x, const T* dy,
                                                        const T* mean, const T* inv_std, T* dgamma, T* dbeta) {
    const std::size_t g = c / geo.per_group();
    double sg = 0, sb = 0;
    for (std::size_t s = 0; s < geo.n; ++s) {
        const std::size_t q = s * geo.groups + g;
        for (std::size_t p = 0; p < geo.positions; ++p) {
            const std::size_t e = (s * geo.positions + p) * geo.channels + c;
            sg += double(dy[e] * ((x[e] - mean[q]) * inv_std[q]));
            sb += double(dy[e]);
        }
    }
    if (dgamma) dgamma[c] = T(sg);
    if (dbeta) dbeta[c] = T(sb);
}
} // namespace cpu

namespace detail {
template <std::size_t R>
cpu::group_norm_geometry group_norm_geometry_of(const std::array<std::size_t, R>& s, std::size_t groups) {
    cpu::group_norm_geometry g;
    g.n = s[0];
    g.channels = s[R - 1];
    g.positions = 1;
    for (std::size_t i = 1; i + 1 < R; ++i) g.positions *= s[i];
    g.groups = groups;
    return g;
}
} // namespace detail

template <class T, std::size_t R>
void group_norm_forward(const host_tensor<T, R>& x, std::size_t groups, const host_tensor<T, 1>* gamma, const host_tensor<T, 1>* beta, T eps,
                        host_tensor<T, R>& y, host_tensor<T, 1>& mean, host_tensor<T, 1>& inv_std) {
    const auto geo = detail::group_norm_geometry_of<R>(x.shape(), groups);
    ensure_shape(y, x.shape());
    ensure_shape(mean, std::array<std::size_t, 1>{geo.n * groups});
    ensure_shape(inv_std, std::array<std::size_t, 1>{geo.n * groups});
    const T* g = gamma ? gamma->data() : nullptr;
    const T* b = beta ? beta->data() : nullptr;
    cpu::parallel_for(geo.n * groups, 16, [&](std::size_t q0, std::size_t q1) {
        for (std::size_t q = q0; q < q1; ++q) cpu::group_norm_group(geo, q, x.data(), g, b, eps, y.data(), mean.data(), inv_std.data());
    });
}

// Overwrites *dgamma, *dbeta (each may be nullptr) and *dx (nullptr: not needed).
template <class T, std::size_t R>
void group_norm_backward(const host_tensor<T, R>& x, std::size_t groups, const host_tensor<T, R>& dy, const host_tensor<T, 1>* gamma,
                         const host_tensor<T, 1>& mean, const host_tensor<T, 1>& inv_std, host_tensor<T, 1>* dgamma,
                         host_tensor<T, 1>* dbeta, host_tensor<T, R>* dx) {
    const auto geo = detail::group_norm_geometry_of<R>(x.shape(), groups);
    if (dgamma || dbeta)
        cpu::parallel_for(geo.channels, 4, [&](std::size_t c0, std::size_t c1) {
            for (std::size_t c = c0; c < c1; ++c)
                cpu::group_norm_param_grads_channel(geo, c, x.data(), dy.data(), mean.data(), inv_std.data(),
                                                    dgamma ? dgamma->data() : nullptr, dbeta ? dbeta->data() : nullptr);
        });
    if (!dx) return;
    ensure_shape(*dx, x.shape());
    const T* g = gamma ? gamma->data() : nullptr;
    cpu::parallel_for(geo.n * groups, 16, [&](std::size_t q0, std::size_t q1) {
        for (std::size_t q = q0; q < q1; ++q)
            cpu::group_norm_backward_group(geo, q, x.data(), dy.data(), g, mean.data(), inv_std.data(), dx->data());
    });
}

} // namespace cascade::kernels
