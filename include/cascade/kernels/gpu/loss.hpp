#pragma once
// GPU overloads of the tensor-level kernels that losses and a few layers call (kernels/loss.hpp and
// kernels/activation.hpp are the CPU references): copies, the softmax backward pass, (y − t)·s, mean
// squared error and categorical cross-entropy values. Values are reduced on the device and read back
// (one synchronisation per loss value). The element-wise losses (mae, huber, binary cross-entropy, KL,
// masked, GAN), per-sample weights and scale_samples are in elementwise_loss.hpp.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"
#include "cascade/kernels/gpu/elementwise_loss.hpp"
#include "cascade/kernels/gpu/softmax.hpp"

namespace cascade::gpu {

template <class T>
__global__ void scaled_difference_kernel(std::size_t n, const T* y, const T* t, T s, T* dz) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x)
        dz[i] = (y[i] - t[i]) * s;
}
template <class T>
__global__ void squared_difference_kernel(std::size_t n, const T* y, const T* t, T* out) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
        const T d = y[i] - t[i];
        out[i] = d * d;
    }
}
// dx = y ⊙ (dy − Σ_c dy ⊙ y), one warp per row.
template <class T>
__global__ void softmax_backward_rows_kernel(std::size_t rows, std::size_t cols, const T* y, const T* dy, T* dx) {
    const std::size_t row = std::size_t(blockIdx.x) * (blockDim.x / warp_size) + threadIdx.x / warp_size;
    const int lane = int(threadIdx.x % warp_size);
    if (row >= rows) return;
    const T* yr = y + row * cols;
    const T* gr = dy + row * cols;
    T s = 0;
    for (std::size_t c = lane; c < cols; c += warp_size) s += yr[c] * gr[c];
    s = warp_sum(s);
    for (std::size_t c = lane; c < cols; c += warp_size) dx[row * cols + c] = yr[c] * (gr[c] - s);
}

// Per-row −Σ_c t log softmax(z)_c = Σ_c t_c (logsumexp(z) − z_c), one warp per row.
template <class T>
__global__ void xent_logits_rows_kernel(std::size_t rows, std::size_t cols, const T* z, const T* t, T* row_loss) {
    const std::size_t row = std::size_t(blockIdx.x) * (blockDim.x / warp_size) + threadIdx.x / warp_size;
    const int lane = int(threadIdx.x % warp_size);
    if (row >= rows) return;
    const T* zr = z + row * cols;
    const T* tr = t + row * cols;
    T m = -INFINITY;
    for (std::size_t c = lane; c < cols; c += warp_size) m = zr[c] > m ? zr[c] : m;
    m = warp_max(m);
    T e = 0, tsum = 0, tz = 0;
    for (std::size_t c = lane; c < cols; c += warp_size) {
        e += exp(zr[c] - m);
        tsum += tr[c];
        tz += tr[c] * zr[c];
    }
    e = warp_sum(e);
    tsum = warp_sum(tsum);
    tz = warp_sum(tz);
    if (lane == 0) row_loss[row] = tsum * (m + log(e)) - tz;
}
// dp = −t / (rows · clamp(p, ε, 1 − ε)).
template <class T>
__global__ void xent_probability_gradient_kernel(std::size_t n, const T* p, const T* t, T eps, T inv_rows, T* dp) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
        const T q = p[i] < eps ? eps : (p[i] > T(1) - eps ? T(1) - eps : p[i]);
        dp[i] = -t[i] * inv_rows / q;
    }
}

// Σ v · scale, read back to the host (synchronises the current stream). `scratch` is reused.
template <class T>
T device_sum(const T* v, std::size_t n, T scale, device_tensor<T, 1>& scratch) {
    ensure_shape(scratch, std::array<std::size_t, 1>{1});
    launch("sum", sum_kernel<T>, 1, 1024, n, v, scale, scratch.data());
    T r{};
    check(hipMemcpyAsync(&r, scratch.data(), sizeof(T), hipMemcpyDeviceToHost, current_stream()), "hipMemcpyAsync (sum)");
    synchronize();
    return r;
}
template <class T>
device_tensor<T, 1>& loss_scratch() {
    thread_local device_tensor<T, 1> s;
    return s;
}
template <class T>
device_tensor<T, 1>& loss_terms() {
    thread_local device_tensor<T, 1> s;
    return s;
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void copy(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    if (x.size())
        gpu::check(hipMemcpyAsync(y.data(), x.data(), x.size() * sizeof(T), hipMemcpyDeviceToDevice, gpu::current_stream()),
                   "hipMemcpyAsync (copy)");
}

// flatten / reshape: the same values under a new shape.
template <class T, std::size_t R1, std::size_t R2, class Shape>
void reshape_copy(const gpu::device_tensor<T, R1>& x, gpu::device_tensor<T, R2>& y, const Shape& s) {
    ensure_shape(y, s);
    if (x.size())
        gpu::check(hipMemcpyAsync(y.data(), x.data(), x.size() * sizeof(T), hipMemcpyDeviceToDevice, gpu::current_stream()),
                   "hipMemcpyAsync (reshape)");
}

template <class T, std::size_t R>
void softmax_backward(const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& dy, gpu::device_tensor<T, R>& dx) {
    ensure_shape(dx, y.shape());
    const std::size_t cols = y.shape()[R - 1], rows = cols ? y.size() / cols : 0;
    if (!rows) return;
    gpu::launch("softmax_backward", gpu::softmax_backward_rows_kernel<T>, gpu::row_blocks(rows), gpu::row_block,
        rows, cols, y.data(), dy.data(), dx.data());
}

template <class T, std::size_t R>
void scaled_difference(const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& t, T s, gpu::device_tensor<T, R>& dz) {
    ensure_shape(dz, y.shape());
    gpu::launch("scaled_difference", gpu::scaled_difference_kernel<T>, gpu::grid_for(y.size()), gpu::elementwise_block,
        y.size(), y.data(), t.data(), s, dz.data());
}

template <class T, std::size_t R>
T mse_value(const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& t) {
    auto& terms = gpu::loss_terms<T>();
    ensure_shape(terms, std::array<std::size_t, 1>{y.size()});
    gpu::launch("mse_value", gpu::squared_difference_kernel<T>, gpu::grid_for(y.size()), gpu::elementwise_block,
        y.size(), y.data(), t.data(), terms.data());
    return gpu::device_sum(terms.data(), y.size(), T(1) / T(y.size() ? y.size() : 1), gpu::loss_scratch<T>());
}
template <class T, std::size_t R>
void mse_gradient(const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& t, gpu::device_tensor<T, R>& dy) {
    scaled_difference(y, t, T(2) / T(y.size() ? y.size() : 1), dy);
}

template <class T, std::size_t R>
T categorical_crossentropy_value(const gpu::device_tensor<T, R>& p, const gpu::device_tensor<T, R>& t, T eps,
                                 const T* w = nullptr) {
    if (!w) return categorical_crossentropy_value(p, t, eps, gpu::loss_scratch<T>());
    // Σ_i w_n(i) (−t_i log clamp(p_i)) / rows, the bounds rounded to T as the CPU loop clamps in T.
    const gpu::crossentropy_term f{double(eps), double(T(1) - eps)};
    return gpu::read_back(gpu::reduce_elementwise_loss<true>(p.size(), p.data(), t.data(), f, loss_factors<T>{w},
                                                             per_sample_of(p), double(rows_of(p))));
}

template <class T, std::size_t R>
void categorical_crossentropy_gradient(const gpu::device_tensor<T, R>& p, const gpu::device_tensor<T, R>& t, T eps,
                                       gpu::device_tensor<T, R>& dp) {
    ensure_shape(dp, p.shape());
    gpu::launch("categorical_crossentropy_gradient", gpu::xent_probability_gradient_kernel<T>, gpu::grid_for(p.size()), gpu::elementwise_block,
        p.size(), p.data(), t.data(), eps, T(1) / T(rows_of(p) ? rows_of(p) : 1), dp.data());
}

template <class T, std::size_t R>
T categorical_crossentropy_logits_value(const gpu::device_tensor<T, R>& z, const gpu::device_tensor<T, R>& t,
                                        const T* w = nullptr) {
    const std::size_t rows = rows_of(z), cols = z.shape()[R - 1];
    auto& terms = gpu::loss_terms<T>();
    ensure_shape(terms, std::array<std::size_t, 1>{rows});
    gpu::launch("categorical_crossentropy_logits_value", gpu::xent_logits_rows_kernel<T>, gpu::row_blocks(rows), gpu::row_block,
        rows, cols, z.data(), t.data(), terms.data());
    if (!w) return gpu::device_sum(terms.data(), rows, T(1) / T(rows ? rows : 1), gpu::loss_scratch<T>());
    // Σ_rows w_n(row) l_row / rows: the per-row losses weighted by the deterministic reduction.
    const std::size_t rows_per_sample = z.shape()[0] ? rows / z.shape()[0] : 1;
    return gpu::read_back(gpu::reduce_elementwise_loss<true>(rows, terms.data(), terms.data(), gpu::identity_term{},
                                                             loss_factors<T>{w}, rows_per_sample, double(rows)));
}

// dz = (softmax(z) − t) / rows.
template <class T, std::size_t R>
void categorical_crossentropy_logits_gradient(const gpu::device_tensor<T, R>& z, const gpu::device_tensor<T, R>& t,
                                              gpu::device_tensor<T, R>& dz) {
    softmax_forward(z, dz);
    scaled_difference(dz, t, T(1) / T(rows_of(z) ? rows_of(z) : 1), dz);
}

} // namespace cascade::kernels
