#pragma once
// The one file that knows HIP from CUDA. cascade's GPU code is written in HIP dialect; kernel bodies
// (threadIdx, blockIdx, __syncthreads, atomicAdd) are spelled the same by both, so this header
// only maps the small host runtime API (memory, copies, streams, events, graphs, errors) from HIP names to
// CUDA for nvcc, and provides the warp-level primitives as functions. Debian's HIP 5.2 headers do not
// compile under CUDA 13, so an nvcc build never includes HIP headers (../shared/STYLE.md §3.8).
//
// Compile GPU translation units with hipcc (-x hip --offload-arch=gfx90a ...) or nvcc (-arch=sm_90); with
// -DCASCADE_GPU_EMULATE the host compiler builds them against gpu/emulator.hpp, which runs the kernels on the
// CPU (CI's way of executing the GPU tests). Kernels are launched through gpu::launch (gpu/launch.hpp).
#if defined(__HIPCC__)
#include <hip/hip_runtime.h>
#elif defined(__CUDACC__)
#include <cuda_runtime.h>
// HIP → CUDA, host API only. Anything whose signature differs between the two is a function below.
#define hipError_t cudaError_t
#define hipSuccess cudaSuccess
#define hipMalloc cudaMalloc
#define hipFree cudaFree
#define hipHostFree cudaFreeHost
#define hipMemcpy cudaMemcpy
#define hipMemcpyAsync cudaMemcpyAsync
#define hipMemcpyHostToDevice cudaMemcpyHostToDevice
#define hipMemcpyDeviceToHost cudaMemcpyDeviceToHost
#define hipMemcpyDeviceToDevice cudaMemcpyDeviceToDevice
#define hipMemsetAsync cudaMemsetAsync
#define hipGetLastError cudaGetLastError
#define hipGetErrorString cudaGetErrorString
#define hipGetDeviceCount cudaGetDeviceCount
#define hipGetDeviceProperties cudaGetDeviceProperties
#define hipDeviceProp_t cudaDeviceProp
#define hipDeviceSynchronize cudaDeviceSynchronize
#define hipStream_t cudaStream_t
#define hipStreamCreateWithFlags cudaStreamCreateWithFlags
#define hipStreamNonBlocking cudaStreamNonBlocking
#define hipStreamDestroy cudaStreamDestroy
#define hipStreamSynchronize cudaStreamSynchronize
#define hipEvent_t cudaEvent_t
#define hipEventCreate cudaEventCreate
#define hipEventRecord cudaEventRecord
#define hipEventSynchronize cudaEventSynchronize
#define hipEventElapsedTime cudaEventElapsedTime
#define hipEventDestroy cudaEventDestroy
#define hipGraph_t cudaGraph_t
#define hipGraphExec_t cudaGraphExec_t
#define hipStreamBeginCapture cudaStreamBeginCapture
#define hipStreamEndCapture cudaStreamEndCapture
#define hipStreamCaptureModeThreadLocal cudaStreamCaptureModeThreadLocal
#define hipGraphLaunch cudaGraphLaunch
#define hipGraphDestroy cudaGraphDestroy
#define hipGraphExecDestroy cudaGraphExecDestroy
#elif defined(CASCADE_GPU_EMULATE)
#include "cascade/gpu/emulator.hpp"   // the HIP model run on the CPU by the host compiler (tests in CI)
#else
#error "cascade/gpu/vendor.hpp must be compiled by hipcc or nvcc (CASCADE_GPU=hip|cuda), or with CASCADE_GPU_EMULATE"
#endif

#include "cascade/config.hpp"

#include <cstddef>
#include <string>

namespace cascade::gpu {

// Throws cascade::error with the call's name and the runtime's error string; every runtime call goes
// through it.
inline void check(hipError_t e, const char* what) {
    if (e != hipSuccess) throw cascade::error(std::string("cascade GPU: ") + what + " failed: " + hipGetErrorString(e));
}

// Number of usable devices; 0 where there is no GPU or no driver (tests skip then).
inline int device_count() {
    int n = 0;
    if (hipGetDeviceCount(&n) != hipSuccess) {
        (void)hipGetLastError();   // clear the sticky "no device" error
        return 0;
    }
    return n;
}

inline std::string device_name() {
    hipDeviceProp_t p{};
    check(hipGetDeviceProperties(&p, 0), "hipGetDeviceProperties");
    return p.name;
}

#if defined(CASCADE_GPU_EMULATE)
// Host-compiled kernels call exp/log/sqrt/tanh unqualified, as device code does; these make the float
// overloads visible there.
using std::exp;
using std::log;
using std::sqrt;
using std::tanh;
using std::expm1;   // elu, selu (kernels/gpu/activations.hpp)
using std::log1p;   // softplus
#endif

// Pinned host memory (page-locked: asynchronous copies overlap with kernels).
inline void* host_alloc_pinned(std::size_t bytes) {
    void* p = nullptr;
#if defined(__HIPCC__) || defined(CASCADE_GPU_EMULATE)
    check(hipHostMalloc(&p, bytes, hipHostMallocDefault), "hipHostMalloc");
#else
    check(cudaHostAlloc(&p, bytes, cudaHostAllocDefault), "cudaHostAlloc");
#endif
    return p;
}

// Graph instantiation: HIP 5.2 and CUDA ≥ 12 take different arguments.
inline void graph_instantiate(hipGraphExec_t* exec, hipGraph_t graph) {
#if defined(__HIPCC__) || defined(CASCADE_GPU_EMULATE)
    check(hipGraphInstantiate(exec, graph, nullptr, nullptr, 0), "hipGraphInstantiate");
#else
    check(cudaGraphInstantiate(exec, graph, 0ULL), "cudaGraphInstantiate");
#endif
}

// Warp (wavefront) width: 64 on GCN/CDNA (gfx8/gfx9: MI100, MI200, MI300), 32 on NVIDIA and RDNA.
// A device-pass constant: host code sizing launches by warps asks hipDeviceProp_t::warpSize instead.
#if defined(CASCADE_GPU_EMULATE)
inline constexpr int warp_size = CASCADE_EMULATE_WARP_SIZE;
#elif defined(__HIPCC__) && (defined(__GFX8__) || defined(__GFX9__))
inline constexpr int warp_size = 64;
#else
inline constexpr int warp_size = 32;
#endif

// Butterfly reductions over one warp: every lane returns the warp's sum / maximum. The one place where
// CUDA (mask + _sync) and HIP 5.2 (no _sync variants) spell shuffles differently.
template <class T>
__device__ __forceinline__ T shfl_xor(T v, int lane_mask) {
#if defined(CASCADE_GPU_EMULATE)
    return emu::shfl_xor(v, lane_mask);
#elif defined(__HIPCC__)
    return __shfl_xor(v, lane_mask, warp_size);
#else
    return __shfl_xor_sync(0xffffffffu, v, lane_mask, warp_size);
#endif
}
template <class T>
__device__ __forceinline__ T warp_sum(T v) {
    for (int offset = warp_size / 2; offset > 0; offset /= 2) v += shfl_xor(v, offset);
    return v;
}
template <class T>
__device__ __forceinline__ T warp_max(T v) {
    for (int offset = warp_size / 2; offset > 0; offset /= 2) {
        const T o = shfl_xor(v, offset);
        v = o > v ? o : v;
    }
    return v;
}

// The warp width of device 0 as the host sees it (the host pass of a HIP build cannot use warp_size).
inline int device_warp_size() {
    static const int w = [] {
        hipDeviceProp_t p{};
        check(hipGetDeviceProperties(&p, 0), "hipGetDeviceProperties");
        return p.warpSize;
    }();
    return w;
}

inline unsigned blocks_for(std::size_t n, unsigned block) { return unsigned((n + block - 1) / block); }

} // namespace cascade::gpu
