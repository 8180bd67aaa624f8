#pragma once
// config: version, error checking and the thread count shared by every CPU kernel.
#include <sstream>
#include <stdexcept>
#include <string>

#define CASCADE_VERSION_MAJOR 0
#define CASCADE_VERSION_MINOR 1
#define CASCADE_VERSION_PATCH 0

#if defined(__CUDACC__) || defined(__HIP__) || defined(CASCADE_GPU_EMULATE)
#define CASCADE_WITH_GPU 1
#else
#define CASCADE_WITH_GPU 0
#endif

// Functions called from both host and device code (the loss terms, kernels/loss_terms.hpp). The emulator
// build (CASCADE_GPU_EMULATE) defines __host__ / __device__ as nothing itself.
#if defined(__CUDACC__) || defined(__HIP__)
#define CASCADE_HOST_DEVICE __host__ __device__
#else
#define CASCADE_HOST_DEVICE
#endif

namespace cascade {

// Thrown for every run-time misuse (bad input data, wrong batch shape, bad file): a message, never a crash.
struct error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

namespace detail {
template <class... Parts>
[[noreturn]] inline void fail(const Parts&... parts) {
    std::ostringstream os;
    (os << ... << parts);
    throw error(os.str());
}
} // namespace detail


} // namespace cascade

#include "cascade/threads.hpp"   // set_num_threads, num_threads

#define CASCADE_CHECK(cond, ...)                                                                           \
    do {                                                                                                   \
        if (!(cond)) ::cascade::detail::fail(__VA_ARGS__);                                                  \
    } while (0)
