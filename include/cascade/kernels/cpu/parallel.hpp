#pragma once
// parallel_for: splits [0, n) into contiguous chunks over the pool's threads when the work is large
// enough to pay for waking them (below min_per_thread items per thread one thread is faster).
#include "cascade/kernels/cpu/thread_pool.hpp"

#include <cstddef>

namespace cascade::kernels::cpu {

template <class F>
void parallel_for(std::size_t n, std::size_t min_per_thread, F&& f) {
    if (n == 0) return;
    auto& pool = thread_pool::instance();
    std::size_t t = std::size_t(pool.threads());
    if (min_per_thread && n / min_per_thread < t) t = n / min_per_thread;
    if (t <= 1 || thread_pool::inside_team()) return f(std::size_t(0), n);
    pool.run(int(t), [&](int id, int nt) {
        const std::size_t b = n * std::size_t(id) / std::size_t(nt), e = n * std::size_t(id + 1) / std::size_t(nt);
        if (b < e) f(b, e);
    });
}

} // namespace cascade::kernels::cpu
