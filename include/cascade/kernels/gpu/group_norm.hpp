#pragma once
// GPU group normalisation (kernels/group_norm.hpp has the formulas and the CPU path): one thread per
// (sample, group) for the statistics, y and dx, one thread per channel for dγ, dβ (samples and positions
// in order, in double), each running the CPU's function: the CPU's bits wherever the compiler does not
// contract a·b + c differently. Not tuned: a group's values are read with stride C.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block
#include "cascade/kernels/group_norm.hpp"

namespace cascade::gpu {

template <class T>
__global__ void group_norm_forward_kernel(cascade::kernels::cpu::group_norm_geometry geo, const T* x, const T* gamma, const T* beta, T eps,
                                          T* y, T* mean, T* inv_std) {
    CASCADE_GPU_GRID_STRIDE(q, geo.n * geo.groups) cascade::kernels::cpu::group_norm_group(geo, q, x, gamma, beta, eps, y, mean, inv_std);
}
template <class T>
__global__ void group_norm_dx_kernel(cascade::kernels::cpu::group_norm_geometry geo, const T* x, const T* dy, const T* gamma, const T* mean,
                                     const T* inv_std, T* dx) {
    CASCADE_GPU_GRID_STRIDE(q, geo.n * geo.groups) cascade::kernels::cpu::group_norm_backward_group(geo, q, x, dy, gamma, mean, inv_std, dx);
}
template <class T>
__global__ void group_norm_param_grads_kernel(cascade::kernels::cpu::group_norm_geometry geo, const T* x, const T* dy, const T* mean,
                                              const T* inv_std, T* dgamma, T* dbeta) {
    CASCADE_GPU_GRID_STRIDE(c, geo.channels) cascade::kernels::cpu::group_norm_param_grads_channel(geo, c, x, dy, mean, inv_std, dgamma, dbeta);
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void group_norm_forward(const gpu::device_tensor<T, R>& x, std::size_t groups, const gpu::device_tensor<T, 1>* gamma,
                        const gpu::device_tensor<T, 1>* beta, T eps, gpu::device_tensor<T, R>& y, gpu::device_tensor<T, 1>& mean,
                        gpu::device_tensor<T, 1>& inv_std) {
    const auto geo = detail::group_norm_geometry_of<R>(x.shape(), groups);
    ensure_shape(y, x.shape());
    ensure_shape(mean, std::array<std::size_t, 1>{geo.n * groups});
    ensure_shape(inv_std, std::array<std::size_t, 1>{geo.n * groups});
    gpu::launch("group_normalization forward", gpu::group_norm_forward_kernel<T>, gpu::grid_for(geo.n * groups), gpu::elementwise_block, geo,
                x.data(), gamma ? gamma->data() : nullptr, beta ? beta->data() : nullptr, eps, y.data(), mean.data(), inv_std.data());
}

template <class T, std::size_t R>
void group_norm_backward(const gpu::device_tensor<T, R>& x, std::size_t groups, const gpu::device_tensor<T, R>& dy,
                         const gpu::device_tensor<T, 1>* gamma, const gpu::device_tensor<T, 1>& mean, const gpu::device_tensor<T, 1>& inv_std,
                         gpu::device_tensor<T, 1>* dgamma, gpu::device_tensor<T, 1>* dbeta, gpu::device_tensor<T, R>* dx) {
    const auto geo = detail::group_norm_geometry_of<R>(x.shape(), groups);
    if (dgamma || dbeta)
        gpu::launch("group_normalization parameter gradients", gpu::group_norm_param_grads_kernel<T>, gpu::grid_for(geo.channels),
                    gpu::elementwise_block, geo, x.data(), dy.data(), mean.data(), inv_std.data(), dgamma ? dgamma->data() : nullptr,
                    dbeta ? dbeta->data() : nullptr);
    if (!dx) return;
    ensure_shape(*dx, x.shape());
    gpu::launch("group_normalization input gradient", gpu::group_norm_dx_kernel<T>, gpu::grid_for(geo.n * groups), gpu::elementwise_block,
                geo, x.data(), dy.data(), gamma ? gamma->data() : nullptr, mean.data(), inv_std.data(), dx->data());
}

} // namespace cascade::kernels
