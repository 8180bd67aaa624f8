#pragma once
// GPU maxout pooling step (kernels/maxout.hpp's contract on device tensors): one thread per (row, unit).
//   forward   y[r, u] = max_k z[r, u·P + k]
//   backward  dz[r, u·P + k] = dy[r, u] at the first maximal k (the CPU's tie rule, kernels/cpu/maxout.hpp), else 0
// The comparisons are the CPU's, so the routing (ties, NaN) is identical on both backends.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"
#include "cascade/kernels/maxout.hpp"

namespace cascade::gpu {

template <class T>
__global__ void max_pieces_forward_kernel(std::size_t groups, std::size_t pieces, const T* __restrict__ z, T* __restrict__ y) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < groups; i += std::size_t(gridDim.x) * blockDim.x) {
        const T* p = z + i * pieces;
        T m = p[0];
        for (std::size_t k = 1; k < pieces; ++k) m = p[k] > m ? p[k] : m;
        y[i] = m;
    }
}

template <class T>
__global__ void max_pieces_backward_kernel(std::size_t groups, std::size_t pieces, const T* __restrict__ z,
                                           const T* __restrict__ dy, T* __restrict__ dz) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < groups; i += std::size_t(gridDim.x) * blockDim.x) {
        const T* p = z + i * pieces;
        std::size_t best = 0;
        for (std::size_t k = 1; k < pieces; ++k) best = p[k] > p[best] ? k : best;
        for (std::size_t k = 0; k < pieces; ++k) dz[i * pieces + k] = k == best ? dy[i] : T(0);
    }
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T>
void max_pieces_forward(const gpu::device_tensor<T, 2>& z, std::size_t pieces, gpu::device_tensor<T, 2>& y) {
    const std::size_t n = z.shape()[0], units = z.shape()[1] / pieces;
    ensure_shape(y, std::array{n, units});
    if (n * units != 0)
        gpu::launch("max_pieces_forward", gpu::max_pieces_forward_kernel<T>, gpu::grid_for(n * units), gpu::elementwise_block,
                    n * units, pieces, z.data(), y.data());
}

template <class T>
void max_pieces_backward(const gpu::device_tensor<T, 2>& z, const gpu::device_tensor<T, 2>& dy, std::size_t pieces,
                         gpu::device_tensor<T, 2>& dz) {
    ensure_shape(dz, z.shape());
    const std::size_t groups = z.shape()[0] * dy.shape()[1];
    if (groups)
        gpu::launch("max_pieces_backward", gpu::max_pieces_backward_kernel<T>, gpu::grid_for(groups), gpu::elementwise_block,
                    groups, pieces, z.data(), dy.data(), dz.data());
}

} // namespace cascade::kernels
