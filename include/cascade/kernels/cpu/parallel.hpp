#pragma once
// parallel_for: splits [0, n) into contiguous chunks over the OpenMP threads when the work is large
// enough to pay for the fork (measured: below ~32k simple element operations one thread is faster).
#include "cascade/config.hpp"

#include <cstddef>

namespace cascade::kernels::cpu {

template <class F>
void parallel_for(std::size_t n, std::size_t min_per_thread, F&& f) {
#if defined(_OPENMP)
    const std::size_t max_t = std::size_t(num_threads());
    std::size_t t = min_per_thread ? n / min_per_thread : max_t;
    if (t > max_t) t = max_t;
    if (t > 1 && !omp_in_parallel()) {
#pragma omp parallel num_threads(int(t))
        {
            const std::size_t id = std::size_t(omp_get_thread_num()), nt = std::size_t(omp_get_num_threads());
            const std::size_t b = n * id / nt, e = n * (id + 1) / nt;
            if (b < e) f(b, e);
        }
        return;
    }
#endif
    (void)min_per_thread;
    if (n) f(std::size_t(0), n);
}

} // namespace cascade::kernels::cpu
