#pragma once
// GPU last-axis slice copy of net::concat / net::multi_input (kernels/concat.hpp's contract on device
// tensors): to[r, to_offset + j] = from[r, from_offset + j], one thread per copied element (j fastest:
// coalesced on both sides).
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/concat.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"

namespace cascade::gpu {

template <class T>
__global__ void copy_columns_kernel(std::size_t rows, std::size_t width, const T* __restrict__ from, std::size_t from_width,
                                    std::size_t from_offset, T* __restrict__ to, std::size_t to_width, std::size_t to_offset) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < rows * width; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t r = i / width, j = i % width;
        to[r * to_width + to_offset + j] = from[r * from_width + from_offset + j];
    }
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void copy_columns(const gpu::device_tensor<T, R>& from, std::size_t from_offset, gpu::device_tensor<T, R>& to,
                  std::size_t to_offset, std::size_t width) {
    const std::size_t from_width = from.shape()[R - 1], to_width = to.shape()[R - 1];
    const std::size_t rows = from_width ? from.size() / from_width : 0;
    if (rows * width != 0)
        gpu::launch("copy_columns", gpu::copy_columns_kernel<T>, gpu::grid_for(rows * width), gpu::elementwise_block,
                    rows, width, from.data(), from_width, from_offset, to.data(), to_width, to_offset);
}

} // namespace cascade::kernels
