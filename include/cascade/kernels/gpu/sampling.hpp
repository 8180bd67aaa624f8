#pragma once
// GPU overloads of the VAE kernels of kernels/loss.hpp (layers::sampling calls them), ml (N, 2Z) = [μ, log σ²]:
//   standard_normal(ε, g)     ε ~ N(0, 1), drawn on the HOST by the CPU's Box–Muller from the layer's
//                             engine and staged to the device (init::on_host, as gaussian_noise in
//                             noise.hpp), so a seed gives the same ε — and z — on every backend
//   reparameterize_forward    z = μ + exp(½ log σ²) ε  (or z = μ without ε)
//   reparameterize_backward   dμ = dz,  d log σ² = dz · ½ exp(½ log σ²) ε
//   gaussian_kl_value         KL = (1/N) Σ −½ (1 + log σ² − μ² − σ²), in double, read back (synchronises)
//   add_gaussian_kl_gradient  dml += a · (μ, ½ (σ² − 1)) / N
// Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014. One thread per (row, z) pair.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/init/on_host.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"       // grid_for, elementwise_block
#include "cascade/kernels/gpu/regularization.hpp"    // sum_of_terms
#include "cascade/kernels/loss.hpp"                  // the CPU overloads

#include <array>

namespace cascade::gpu {

template <class T>
__global__ void reparameterize_forward_kernel(std::size_t n, std::size_t zd, const T* ml, const T* eps, T* z) {
    CASCADE_GPU_GRID_STRIDE(i, n * zd) {
        const std::size_t r = i / zd, j = i % zd;
        const T mu = ml[r * 2 * zd + j], lv = ml[r * 2 * zd + zd + j];
        z[i] = eps ? mu + exp(T(0.5) * lv) * eps[i] : mu;
    }
}
template <class T>
__global__ void reparameterize_backward_kernel(std::size_t n, std::size_t zd, const T* ml, const T* eps, const T* dz, T* dml) {
    CASCADE_GPU_GRID_STRIDE(i, n * zd) {
        const std::size_t r = i / zd, j = i % zd;
        const T lv = ml[r * 2 * zd + zd + j], g = dz[i];
        dml[r * 2 * zd + j] = g;
        dml[r * 2 * zd + zd + j] = g * T(0.5) * exp(T(0.5) * lv) * eps[i];
    }
}
template <class T>
__global__ void add_gaussian_kl_gradient_kernel(std::size_t n, std::size_t zd, const T* ml, T s, T* dml) {
    CASCADE_GPU_GRID_STRIDE(i, n * zd) {
        const std::size_t r = i / zd, j = i % zd;
        const T mu = ml[r * 2 * zd + j], lv = ml[r * 2 * zd + zd + j];
        dml[r * 2 * zd + j] += s * mu;
        dml[r * 2 * zd + zd + j] += s * T(0.5) * (exp(lv) - T(1));
    }
}
// −½ (1 + log σ² − μ² − σ²) of pair i = (row, z), in double as the CPU sums it.
template <class T>
struct gaussian_kl_term {
    const T* ml;
    std::size_t zd;
    CASCADE_HOST_DEVICE double operator()(std::size_t i) const {
        const std::size_t r = i / zd, j = i % zd;
        const double mu = ml[r * 2 * zd + j], lv = ml[r * 2 * zd + zd + j];
        return -0.5 * (1 + lv - mu * mu - exp(lv));
    }
};

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void standard_normal(gpu::device_tensor<T, R>& out, rng& g) {
    init::on_host(out, [&](T* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) p[i] = T(cascade::detail::standard_normal(g));   // the CPU overload's loop
    });
}
template <class T>
void reparameterize_forward(const gpu::device_tensor<T, 2>& ml, const gpu::device_tensor<T, 2>* eps, gpu::device_tensor<T, 2>& z) {
    const std::size_t n = ml.shape()[0], zd = ml.shape()[1] / 2;
    ensure_shape(z, std::array<std::size_t, 2>{n, zd});
    if (!z.size()) return;
    gpu::launch("reparameterize_forward", gpu::reparameterize_forward_kernel<T>, gpu::grid_for(z.size()), gpu::elementwise_block,
                n, zd, ml.data(), eps ? eps->data() : static_cast<const T*>(nullptr), z.data());
}
template <class T>
void reparameterize_backward(const gpu::device_tensor<T, 2>& ml, const gpu::device_tensor<T, 2>& eps,
                             const gpu::device_tensor<T, 2>& dz, gpu::device_tensor<T, 2>& dml) {
    ensure_shape(dml, ml.shape());
    const std::size_t n = ml.shape()[0], zd = ml.shape()[1] / 2;
    if (n == 0 || zd == 0) return;
    CASCADE_CHECK(eps.size() == n * zd, "sampling backward (GPU): no noise of the batch's shape; the forward pass must run in mode::train");
    gpu::launch("reparameterize_backward", gpu::reparameterize_backward_kernel<T>, gpu::grid_for(n * zd), gpu::elementwise_block,
                n, zd, ml.data(), eps.data(), dz.data(), dml.data());
}
template <class T>
T gaussian_kl_value(const gpu::device_tensor<T, 2>& ml) {
    const std::size_t n = ml.shape()[0], zd = ml.shape()[1] / 2;
    if (n == 0 || zd == 0) return T(0);
    return T(gpu::sum_of_terms("gaussian_kl_value", n * zd, gpu::gaussian_kl_term<T>{ml.data(), zd}, double(n)));
}
template <class T>
void add_gaussian_kl_gradient(const gpu::device_tensor<T, 2>& ml, T a, gpu::device_tensor<T, 2>& dml) {
    const std::size_t n = ml.shape()[0], zd = ml.shape()[1] / 2;
    if (n == 0 || zd == 0) return;
    gpu::launch("add_gaussian_kl_gradient", gpu::add_gaussian_kl_gradient_kernel<T>, gpu::grid_for(n * zd), gpu::elementwise_block,
                n, zd, ml.data(), a / T(n), dml.data());
}

} // namespace cascade::kernels
