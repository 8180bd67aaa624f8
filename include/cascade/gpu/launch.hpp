#pragma once
// gpu::launch: the one way cascade starts a kernel. It runs `k` on grid × block threads on the current
// stream and checks the launch, naming the kernel in the error:
//   launch("gemm", gemm_tiled_kernel<...>, grid, block, M, N, K, ...)   ≡   k<<<grid, block, 0, stream>>>(...)
// Arguments convert to the kernel's parameter types as in a <<<>>> launch. One function instead of the
// chevron syntax, so that the host compiler can build the same sources for the CPU emulator
// (gpu/emulator.hpp), and a stream being captured into a graph records the launch there too.
#include "cascade/gpu/stream.hpp"
#include "cascade/gpu/vendor.hpp"

#include <cstddef>
#include <utility>

// The loop of a grid-stride kernel: i runs over [0, n) in steps of the whole grid, so any n works with a
// bounded grid (for (i ...) { body } in every element-wise kernel).
#define CASCADE_GPU_GRID_STRIDE(i, n) \
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); i += std::size_t(gridDim.x) * blockDim.x)

namespace cascade::gpu {

// Whether device work is being skipped: the host pass before a step graph's replay (gpu/step_scalars.hpp).
inline bool& host_pass_flag() {
    thread_local bool on = false;
    return on;
}
inline bool host_pass() { return host_pass_flag(); }

template <class... P, class... A>
void launch(const char* name, void (*k)(P...), dim3 grid, dim3 block, A&&... args) {
    if (host_pass()) return;   // the graph being replayed launches it
#if defined(CASCADE_GPU_EMULATE)
    emu::launch(name, k, grid, block, current_stream(), std::forward<A>(args)...);
    check(hipGetLastError(), name);
#else
    k<<<grid, block, 0, current_stream()>>>(std::forward<A>(args)...);
    check(hipGetLastError(), name);
#endif
}

} // namespace cascade::gpu
