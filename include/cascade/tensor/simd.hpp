#pragma once
// simd: THE ONLY file that includes xsimd; hides version differences (xsimd 8.1 on Debian 12).
#include <xsimd/xsimd.hpp>

#include <cstddef>

namespace cascade::simd {

using default_arch = xsimd::default_arch;
template <class T, class Arch = default_arch>
using batch = xsimd::batch<T, Arch>;

template <class T, class Arch>
inline T reduce_add(const xsimd::batch<T, Arch>& b) {
#if XSIMD_VERSION_MAJOR >= 9
    return xsimd::reduce_add(b);
#else
    return xsimd::hadd(b);
#endif
}
template <class T, class Arch>
inline T reduce_max(const xsimd::batch<T, Arch>& b) {   // xsimd 8.1 has no reduce_max
    alignas(64) T lanes[xsimd::batch<T, Arch>::size];
    b.store_aligned(lanes);
    T m = lanes[0];
    for (std::size_t i = 1; i < xsimd::batch<T, Arch>::size; ++i) m = lanes[i] > m ? lanes[i] : m;
    return m;
}

} // namespace cascade::simd
