#pragma once
// GPU axis slice copies of the joins (net::concat / net::concatenate<Axis>, net::multi_input;
// kernels/concat.hpp's contract on device tensors): `rows` runs of `width` elements,
//   to[r·to_width + to_offset + j] = from[r·from_width + from_offset + j],
// one thread per copied element (j fastest: coalesced on both sides).
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
void copy_axis_slice(const gpu::device_tensor<T, R>& from, std::size_t from_offset, gpu::device_tensor<T, R>& to,
                     std::size_t to_offset, std::size_t width, std::size_t axis) {
    const axis_runs c = runs_on_axis(from.shape(), from_offset, to.shape(), to_offset, width, axis);
    if (c.rows * c.width != 0)
        gpu::launch("copy_axis_slice", gpu::copy_columns_kernel<T>, gpu::grid_for(c.rows * c.width), gpu::elementwise_block,
                    c.rows, c.width, from.data(), c.from_width, c.from_offset, to.data(), c.to_width, c.to_offset);
}

template <class T, std::size_t R>
void copy_columns(const gpu::device_tensor<T, R>& from, std::size_t from_offset, gpu::device_tensor<T, R>& to,
                  std::size_t to_offset, std::size_t width) {
    copy_axis_slice(from, from_offset, to, to_offset, width, R - 1);
}

} // namespace cascade::kernels
