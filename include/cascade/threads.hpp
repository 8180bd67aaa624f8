#pragma once
// Threads of the CPU kernels (one shared pool, kernels/cpu/thread_pool.hpp).
#include "cascade/kernels/cpu/thread_pool.hpp"

namespace cascade {

// Number of threads CPU kernels use. Default: $CASCADE_NUM_THREADS, else $OMP_NUM_THREADS, else all cores.
inline void set_num_threads(int n) { kernels::cpu::thread_pool::instance().set_threads(n); }
inline int num_threads() { return kernels::cpu::thread_pool::instance().threads(); }

} // namespace cascade
