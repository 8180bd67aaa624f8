#pragma once
// The math functions of the kernels shared by the CPU loops and the GPU kernels (axis_softmax.hpp,
// layer_norm.hpp): the std overloads on the host (also in the emulator build) and the vendor's global
// overloads under nvcc / hipcc, as kernels/loss_terms.hpp does for the loss terms.
#include "cascade/config.hpp"

#include <cmath>

namespace cascade::kernels::hd_math {
#if defined(__CUDACC__) || defined(__HIP__)
using ::exp;
using ::sqrt;
#else
using std::exp;
using std::sqrt;
#endif
} // namespace cascade::kernels::hd_math
