#pragma once
// GPU softmax over the last axis, fused with categorical cross-entropy (kernels/cpu/softmax.hpp and
// kernels/loss.hpp are the CPU references):
//   y_c = e^{x_c − m} / Σ_j e^{x_j − m},  m = max_j x_j           one warp per row
//   L = −(1/rows) Σ_rows Σ_c t_c log clamp(y_c, ε, 1 − ε)       per-row terms, then one block sums them
//   fused gradient w.r.t. the softmax input:  dz = (y − t) / rows
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"

namespace cascade::gpu {

// Row kernels: one warp per row, row_block threads per block; a block holds row_block / warp width rows
// (8 on NVIDIA, 4 on CDNA's 64-wide wavefronts — the host asks the device, see device_warp_size).
inline constexpr unsigned row_block = 256;
inline unsigned row_blocks(std::size_t rows) {
    const std::size_t per_block = row_block / unsigned(device_warp_size());
    return unsigned((rows + per_block - 1) / per_block);
}

template <class T>
__global__ void softmax_rows_kernel(std::size_t rows, std::size_t cols, const T* x, T* y) {
    const std::size_t row = std::size_t(blockIdx.x) * (blockDim.x / warp_size) + threadIdx.x / warp_size;
    const int lane = int(threadIdx.x % warp_size);
    if (row >= rows) return;
    const T* xr = x + row * cols;
    T* yr = y + row * cols;
    T m = -INFINITY;
    for (std::size_t c = lane; c < cols; c += warp_size) m = xr[c] > m ? xr[c] : m;
    m = warp_max(m);
    T s = 0;
    for (std::size_t c = lane; c < cols; c += warp_size) {
        const T e = exp(xr[c] - m);
        yr[c] = e;
        s += e;
    }
    s = warp_sum(s);
    const T inv = T(1) / s;
    for (std::size_t c = lane; c < cols; c += warp_size) yr[c] *= inv;
}

template <class T>
__global__ void xent_rows_kernel(std::size_t rows, std::size_t cols, const T* p, const T* t, T eps, T* row_loss) {
    const std::size_t row = std::size_t(blockIdx.x) * (blockDim.x / warp_size) + threadIdx.x / warp_size;
    const int lane = int(threadIdx.x % warp_size);
    if (row >= rows) return;
    T s = 0;
    for (std::size_t c = lane; c < cols; c += warp_size) {
        T q = p[row * cols + c];
        q = q < eps ? eps : (q > T(1) - eps ? T(1) - eps : q);
        s -= t[row * cols + c] * log(q);
    }
    s = warp_sum(s);
    if (lane == 0) row_loss[row] = s;
}

// out[0] = scale · Σ v (one block; loss values are small vectors).
template <class T>
__global__ void sum_kernel(std::size_t n, const T* v, T scale, T* out) {
    __shared__ T partial[32];
    T s = 0;
    for (std::size_t i = threadIdx.x; i < n; i += blockDim.x) s += v[i];
    s = warp_sum(s);
    const int warp = int(threadIdx.x / warp_size), lane = int(threadIdx.x % warp_size);
    if (lane == 0) partial[warp] = s;
    __syncthreads();
    if (warp == 0) {
        const int warps = int((blockDim.x + warp_size - 1) / warp_size);
        s = lane < warps ? partial[lane] : T(0);
        s = warp_sum(s);
        if (lane == 0) out[0] = s * scale;
    }
}

template <class T>
__global__ void softmax_xent_gradient_kernel(std::size_t n, const T* y, const T* t, T inv_rows, T* dz) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x)
        dz[i] = (y[i] - t[i]) * inv_rows;
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void softmax_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    const std::size_t cols = x.shape()[R - 1], rows = cols ? x.size() / cols : 0;
    if (!rows) return;
    gpu::launch("softmax_forward", gpu::softmax_rows_kernel<T>, gpu::row_blocks(rows), gpu::row_block,
        rows, cols, x.data(), y.data());
}

// Categorical cross-entropy of probabilities p against one-hot (or soft) targets t; `scratch` holds the
// per-row terms and the result. Synchronises the stream to return the value.
template <class T, std::size_t R>
T categorical_crossentropy_value(const gpu::device_tensor<T, R>& p, const gpu::device_tensor<T, R>& t, T eps,
                                 gpu::device_tensor<T, 1>& scratch) {
    const std::size_t cols = p.shape()[R - 1], rows = cols ? p.size() / cols : 0;
    ensure_shape(scratch, std::array<std::size_t, 1>{rows + 1});
    gpu::launch("categorical_crossentropy rows", gpu::xent_rows_kernel<T>, gpu::row_blocks(rows), gpu::row_block,
        rows, cols, p.data(), t.data(), eps, scratch.data() + 1);
    gpu::launch("categorical_crossentropy sum", gpu::sum_kernel<T>, 1, 1024,
        rows, scratch.data() + 1, T(1) / T(rows), scratch.data());
    T v{};
    gpu::check(hipMemcpyAsync(&v, scratch.data(), sizeof(T), hipMemcpyDeviceToHost, gpu::current_stream()), "hipMemcpyAsync (loss)");
    gpu::synchronize();
    return v;
}

// dz = (y − t) / rows: the gradient of softmax + cross-entropy w.r.t. the softmax input.
template <class T, std::size_t R>
void softmax_crossentropy_gradient(const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& t,
                                   gpu::device_tensor<T, R>& dz) {
    ensure_shape(dz, y.shape());
    const std::size_t cols = y.shape()[R - 1], rows = cols ? y.size() / cols : 0;
    gpu::launch("softmax_crossentropy_gradient", gpu::softmax_xent_gradient_kernel<T>, gpu::grid_for(y.size()), gpu::elementwise_block,
        y.size(), y.data(), t.data(), T(1) / T(rows ? rows : 1), dz.data());
}

} // namespace cascade::kernels
