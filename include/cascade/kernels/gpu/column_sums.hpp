#pragma once
// Column sums of a row-major (rows, cols) matrix on the GPU, s_c = Σ_r f(r, c): bias gradients (dense,
// convolutions: rows = batch × pixels, cols = channels), batch-norm statistics and their gradient sums.
// These matrices are tall and narrow (a conv layer of mnist_cnn: 36,864 × 32), so one thread or one block
// per column leaves the GPU idle and reads with a stride of cols. Instead, two passes:
//   1. blocks of 32 columns × 8 row lanes, one block per (32 columns, chunk of rows): consecutive threads
//      read consecutive columns (coalesced); the lanes' sums meet in shared memory; one partial per
//      (chunk, column). About 1024 blocks in all, ≥ 64 rows per chunk.
//   2. one thread per column adds its chunks' partials in chunk order and hands the total to g(c, total).
// The summation order depends only on (rows, cols), so every run gives the same bits. The accumulator type
// A may be wider than the data (batch norm sums in double, like the CPU).
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"

#include <algorithm>

namespace cascade::gpu {

inline constexpr unsigned column_tile = 32, column_lanes = 8;

template <class A, class F>
__global__ void column_partials_kernel(std::size_t rows, std::size_t cols, std::size_t chunk, F f, A* partial) {
    __shared__ A lanes[column_lanes][column_tile + 1];
    const std::size_t c = std::size_t(blockIdx.x) * column_tile + threadIdx.x;
    const std::size_t r0 = std::size_t(blockIdx.y) * chunk, r1 = r0 + chunk < rows ? r0 + chunk : rows;
    A acc = 0;
    if (c < cols)
        for (std::size_t r = r0 + threadIdx.y; r < r1; r += column_lanes) acc += f(r, c);
    lanes[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
        A s = 0;
        for (unsigned k = 0; k < column_lanes; ++k) s += lanes[k][threadIdx.x];
        partial[std::size_t(blockIdx.y) * cols + c] = s;
    }
}

template <class A, class G>
__global__ void column_totals_kernel(std::size_t chunks, std::size_t cols, const A* partial, G g) {
    for (std::size_t c = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; c < cols; c += std::size_t(gridDim.x) * blockDim.x) {
        A s = 0;
        for (std::size_t k = 0; k < chunks; ++k) s += partial[k * cols + c];
        g(c, s);
    }
}

// The partials of the current thread's column sums (grown, never shrunk: no allocation in steady state).
template <class A>
device_tensor<A, 1>& column_partials() {
    thread_local device_tensor<A, 1> p;
    return p;
}

// g(c, Σ_r f(r, c)) for every column c; f and g are device functors (captured by value).
template <class A, class F, class G>
void column_sums(const char* name, std::size_t rows, std::size_t cols, F f, G g) {
    if (cols == 0) return;
    const std::size_t col_blocks = (cols + column_tile - 1) / column_tile;
    const std::size_t chunks = std::clamp<std::size_t>(std::min((rows + 63) / 64, (1024 + col_blocks - 1) / col_blocks), 1, 65535);
    const std::size_t chunk = (rows + chunks - 1) / chunks;
    auto& p = column_partials<A>();
    ensure_shape(p, std::array<std::size_t, 1>{chunks * cols});
    launch(name, column_partials_kernel<A, F>, dim3(unsigned(col_blocks), unsigned(chunks)), dim3(column_tile, column_lanes),
           rows, cols, chunk, f, p.data());
    launch(name, column_totals_kernel<A, G>, grid_for(cols), elementwise_block, chunks, cols, p.data(), g);
}

namespace columns {
template <class T>
struct element {   // f(r, c) = y[r, c]
    const T* y;
    std::size_t cols;
    __device__ T operator()(std::size_t r, std::size_t c) const { return y[r * cols + c]; }
};
template <class T>
struct store {   // s[c] = total
    T* s;
    __device__ void operator()(std::size_t c, T total) const { s[c] = total; }
};
} // namespace columns

} // namespace cascade::gpu

namespace cascade::kernels {

// db = Σ over rows of dy (N, C): a bias gradient.
template <class T>
void sum_rows(const gpu::device_tensor<T, 2>& dy, gpu::device_tensor<T, 1>& db) {
    const std::size_t rows = dy.shape()[0], cols = dy.shape()[1];
    ensure_shape(db, std::array<std::size_t, 1>{cols});
    gpu::column_sums<T>("sum_rows", rows, cols, gpu::columns::element<T>{dy.data(), cols}, gpu::columns::store<T>{db.data()});
}

} // namespace cascade::kernels
