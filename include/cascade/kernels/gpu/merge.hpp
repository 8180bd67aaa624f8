#pragma once
// GPU element-wise kernels of the merge layers (net/merge.hpp; kernels/merge.hpp's contract on device
// tensors): divide_by, extremum_merge_step (the same merge_takes rule as on the CPU: ties keep the
// earlier branch, the first NaN wins) and route_by_index. One thread per element, grid-stride.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"
#include "cascade/kernels/merge.hpp"

namespace cascade::gpu {

template <class T>
__global__ void divide_by_kernel(std::size_t n, const T* x, T d, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = x[i] / d;
}
template <class T>
__global__ void extremum_merge_step_kernel(std::size_t n, const T* f, std::size_t index, T* y, T* arg, bool minimum) {
    CASCADE_GPU_GRID_STRIDE(i, n) {
        if (index == 0 || kernels::merge_takes(f[i], y[i], minimum)) {
            y[i] = f[i];
            arg[i] = T(index);
        }
    }
}
template <class T>
__global__ void route_by_index_kernel(std::size_t n, const T* dy, const T* arg, std::size_t index, T* d) {
    CASCADE_GPU_GRID_STRIDE(i, n) d[i] = arg[i] == T(index) ? dy[i] : T(0);
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void divide_by(const gpu::device_tensor<T, R>& x, T d, gpu::device_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    gpu::launch("divide_by", gpu::divide_by_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block, x.size(), x.data(), d,
                y.data());
}

template <class T, std::size_t R>
void extremum_merge_step(const gpu::device_tensor<T, R>& f, std::size_t index, gpu::device_tensor<T, R>& y,
                         gpu::device_tensor<T, R>& arg, bool minimum) {
    if (index == 0) {
        ensure_shape(y, f.shape());
        ensure_shape(arg, f.shape());
    }
    gpu::launch("extremum_merge_step", gpu::extremum_merge_step_kernel<T>, gpu::grid_for(f.size()), gpu::elementwise_block,
                f.size(), f.data(), index, y.data(), arg.data(), minimum);
}

template <class T, std::size_t R>
void route_by_index(const gpu::device_tensor<T, R>& dy, const gpu::device_tensor<T, R>& arg, std::size_t index,
                    gpu::device_tensor<T, R>& d) {
    ensure_shape(d, dy.shape());
    gpu::launch("route_by_index", gpu::route_by_index_kernel<T>, gpu::grid_for(dy.size()), gpu::elementwise_block, dy.size(),
                dy.data(), arg.data(), index, d.data());
}

} // namespace cascade::kernels
