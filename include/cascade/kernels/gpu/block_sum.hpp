#pragma once
// block_sum(v, scratch): the sum of v over the threads of one block, returned to every thread; `scratch`
// is __shared__ memory for one value per warp. Warp sums by shuffles (gpu/vendor.hpp), then the warps'
// sums in warp order (the same bits on every run). Every thread of the block must call it.
#include "cascade/gpu/vendor.hpp"

namespace cascade::gpu {

template <class A>
__device__ A block_sum(A v, A* scratch) {
    v = warp_sum(v);
    const int warp = int(threadIdx.x / warp_size), lane = int(threadIdx.x % warp_size);
    const int warps = int((blockDim.x + warp_size - 1) / warp_size);
    __syncthreads();   // scratch may still be read from a previous call
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    A s = 0;
    for (int k = 0; k < warps; ++k) s += scratch[k];
    return s;
}

} // namespace cascade::gpu
