#pragma once
// GPU embedding lookup with the CPU overloads' names and formulas (kernels/embedding.hpp):
//   embedding_check_ids   one block: each thread finds the first bad id of its stride, thread 0 the
//                         smallest of those (no atomics); the position comes back to the host (one small
//                         copy and a synchronisation per forward: an embedding network trains eagerly,
//                         like the networks that draw dropout masks on the host, gpu/step_graphs.hpp),
//                         then the bad id itself for the message
//   embedding_forward     a gather, one thread per output element
//   embedding_backward    deterministic, sort-free and without float atomics: one thread per (table row r,
//                         column c) scans all positions in ascending order and sums dy[p, c] where x[p] = r —
//                         the CPU's order, the same bits. The work is V·D·(number of ids): right for the
//                         small vocabularies of particle-type or detector-id embeddings, slow for a
//                         language model's (a sort by id followed by segmented sums would scale; not done).
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/gpu/stream.hpp"
#include "cascade/kernels/embedding.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"   // grid_for, elementwise_block

#include <cstddef>

namespace cascade::gpu {

inline constexpr unsigned embedding_check_block = 256;

template <class T>
__global__ void embedding_check_kernel(std::size_t n, const T* ids, std::size_t v_count, std::size_t* first_bad) {
    __shared__ std::size_t best[embedding_check_block];
    std::size_t b = n;
    for (std::size_t p = threadIdx.x; p < n; p += blockDim.x)
        if (!cascade::kernels::cpu::embedding_id_ok(ids[p], v_count)) {
            b = p;
            break;
        }
    best[threadIdx.x] = b;
    __syncthreads();
    if (threadIdx.x == 0) {
        std::size_t m = n;
        for (unsigned k = 0; k < blockDim.x; ++k) m = best[k] < m ? best[k] : m;
        *first_bad = m;
    }
}
template <class T>
__global__ void embedding_forward_kernel(std::size_t n, std::size_t d, const T* ids, const T* table, T* y) {
    CASCADE_GPU_GRID_STRIDE(o, n * d) y[o] = table[std::size_t(ids[o / d]) * d + o % d];
}
template <class T>
__global__ void embedding_backward_kernel(std::size_t n, std::size_t v_count, std::size_t d, const T* ids, const T* dy, T* dtable) {
    CASCADE_GPU_GRID_STRIDE(o, v_count * d) {
        const T r = T(o / d);
        const std::size_t c = o % d;
        T acc = 0;
        for (std::size_t p = 0; p < n; ++p)
            if (ids[p] == r) acc += dy[p * d + c];
        dtable[o] = acc;
    }
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
void embedding_check_ids(const gpu::device_tensor<T, R>& x, std::size_t v_count) {
    const std::size_t n = x.size();
    if (n == 0) return;
    thread_local gpu::device_tensor<std::size_t, 1> slot;   // the first bad position (n: none)
    ensure_shape(slot, std::array<std::size_t, 1>{1});
    gpu::launch("embedding check ids", gpu::embedding_check_kernel<T>, 1, gpu::embedding_check_block, n, x.data(), v_count, slot.data());
    std::size_t bad = n;
    gpu::check(hipMemcpyAsync(&bad, slot.data(), sizeof bad, hipMemcpyDeviceToHost, gpu::current_stream()), "hipMemcpyAsync (device to host)");
    gpu::synchronize();
    if (bad == n) return;
    T v{};
    gpu::check(hipMemcpyAsync(&v, x.data() + bad, sizeof v, hipMemcpyDeviceToHost, gpu::current_stream()), "hipMemcpyAsync (device to host)");
    gpu::synchronize();
    detail::embedding_bad_id(v, bad, v_count);
}

template <class T, std::size_t R>
void embedding_forward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, 2>& table, gpu::device_tensor<T, R + 1>& y) {
    const std::size_t d = table.shape()[1];
    ensure_shape(y, detail::embedding_output_shape<R>(x.shape(), d));
    gpu::launch("embedding forward", gpu::embedding_forward_kernel<T>, gpu::grid_for(x.size() * d), gpu::elementwise_block, x.size(), d,
                x.data(), table.data(), y.data());
}

template <class T, std::size_t R>
void embedding_backward(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R + 1>& dy, gpu::device_tensor<T, 2>& dtable) {
    const std::size_t v_count = dtable.shape()[0], d = dtable.shape()[1];
    gpu::launch("embedding backward", gpu::embedding_backward_kernel<T>, gpu::grid_for(v_count * d), gpu::elementwise_block, x.size(),
                v_count, d, x.data(), dy.data(), dtable.data());
}

template <class T, std::size_t R>
void embedding_input_gradient(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& dx) {
    ensure_shape(dx, x.shape());
    kernels::fill(dx, T(0));
}

} // namespace cascade::kernels
