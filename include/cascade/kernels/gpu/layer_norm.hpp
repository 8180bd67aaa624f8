#pragma once
// GPU layer normalisation over the last axis (kernels/layer_norm.hpp, kernels/cpu/layer_norm.hpp are the
// CPU path and have the formulas). Every kernel runs the CPU's per-row / per-column function, so the
// results are the CPU's bits wherever the compiler does not contract a·b + c differently:
//   forward, dx   one thread per row (position): its C values, two passes for the statistics
//   dγ, dβ        one thread per column (feature), the rows in order, in double; consecutive threads read
//                 consecutive columns (coalesced)
// Not tuned for speed: with one thread per row, neighbouring threads read C values apart (not coalesced),
// and very few, very long rows leave the GPU underused; a warp per row (as softmax.hpp) would be faster
// but would sum in another order than the CPU.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block
#include "cascade/kernels/layer_norm.hpp"

namespace cascade::gpu {

template <class T>
__global__ void layer_norm_forward_kernel(std::size_t rows, std::size_t c, const T* x, const T* gamma, const T* beta, T eps, T* y,
                                          T* mean, T* inv_std) {
    CASCADE_GPU_GRID_STRIDE(r, rows) cascade::kernels::cpu::layer_norm_row(r, c, x, gamma, beta, eps, y, mean, inv_std);
}
template <class T>
__global__ void layer_norm_dx_kernel(std::size_t rows, std::size_t c, const T* x, const T* dy, const T* gamma, const T* mean,
                                     const T* inv_std, T* dx) {
    CASCADE_GPU_GRID_STRIDE(r, rows) cascade::kernels::cpu::layer_norm_backward_row(r, c, x, dy, gamma, mean, inv_std, dx);
}
template <class T>
__global__ void layer_norm_param_grads_kernel(std::size_t rows, std::size_t c, const T* x, const T* dy, const T* mean,
                                              const T* inv_std, T* dgamma, T* dbeta) {
    CASCADE_GPU_GRID_STRIDE(j, c) cascade::kernels::cpu::layer_norm_param_grads_column(j, rows, c, x, dy, mean, inv_std, dgamma, dbeta);
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void layer_norm_forward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, 1>* gamma,
                        const gpu::device_tensor<T, 1>* beta, T eps, gpu::device_tensor<T, R>& y, gpu::device_tensor<T, 1>& mean,
                        gpu::device_tensor<T, 1>& inv_std) {
    const std::size_t c = x.shape()[R - 1], rows = c ? x.size() / c : 0;
    ensure_shape(y, x.shape());
    ensure_shape(mean, std::array<std::size_t, 1>{rows});
    ensure_shape(inv_std, std::array<std::size_t, 1>{rows});
    gpu::launch("layer_normalization forward", gpu::layer_norm_forward_kernel<T>, gpu::grid_for(rows), gpu::elementwise_block,
                rows, c, x.data(), gamma ? gamma->data() : nullptr, beta ? beta->data() : nullptr, eps, y.data(), mean.data(),
                inv_std.data());
}

template <class T, std::size_t R>
void layer_norm_backward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& dy, const gpu::device_tensor<T, 1>* gamma,
                         const gpu::device_tensor<T, 1>& mean, const gpu::device_tensor<T, 1>& inv_std,
                         gpu::device_tensor<T, 1>* dgamma, gpu::device_tensor<T, 1>* dbeta, gpu::device_tensor<T, R>* dx) {
    const std::size_t c = x.shape()[R - 1], rows = c ? x.size() / c : 0;
    if (dgamma || dbeta)
        gpu::launch("layer_normalization parameter gradients", gpu::layer_norm_param_grads_kernel<T>, gpu::grid_for(c),
                    gpu::elementwise_block, rows, c, x.data(), dy.data(), mean.data(), inv_std.data(),
                    dgamma ? dgamma->data() : nullptr, dbeta ? dbeta->data() : nullptr);
    if (!dx) return;
    ensure_shape(*dx, x.shape());
    gpu::launch("layer_normalization input gradient", gpu::layer_norm_dx_kernel<T>, gpu::grid_for(rows), gpu::elementwise_block,
                rows, c, x.data(), dy.data(), gamma ? gamma->data() : nullptr, mean.data(), inv_std.data(), dx->data());
}

} // namespace cascade::kernels
