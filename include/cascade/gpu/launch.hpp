#pragma once
// gpu::launch: the one way cascade starts a kernel. It runs `k` on grid × block threads on the current
// stream and checks the launch, naming the kernel in the error:
//   launch("gemm", gemm_tiled_kernel<...>, grid, block, M, N, K, ...)   ≡   k<<<grid, block, 0, stream>>>(...)
// Arguments convert to the kernel's parameter types as in a <<<>>> launch. One function instead of the
// chevron syntax, so that the host compiler can build the same sources for the CPU emulator
// (gpu/emulator.hpp), and a stream being captured into a graph records the launch there too.
#include "cascade/gpu/stream.hpp"
#include "cascade/gpu/vendor.hpp"

#include <utility>

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
