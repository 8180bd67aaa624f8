#pragma once
// The stream GPU kernels are launched on. A network owns one stream and makes it current around its
// work (stream_scope); kernels and copies read current_stream(). A non-default stream is what graph
// capture needs. Thread-local: two networks trained on two host threads do not share a stream.
#include "cascade/gpu/vendor.hpp"

#include <cstddef>

namespace cascade::gpu {

inline hipStream_t& current_stream_ref() {
    thread_local hipStream_t s = nullptr;   // null: the legacy default stream
    return s;
}
inline hipStream_t current_stream() { return current_stream_ref(); }

// Waits for the work on the current stream; every host round trip of cascade's GPU code goes through here
// and is counted, so that a training step can tell whether it is free of them (gpu/step_graphs.hpp: only
// such a step can be captured into a graph).
inline std::size_t& synchronization_counter() {
    thread_local std::size_t n = 0;
    return n;
}
inline std::size_t host_synchronizations() { return synchronization_counter(); }
inline void synchronize() {
    ++synchronization_counter();
    check(hipStreamSynchronize(current_stream()), "hipStreamSynchronize");
}

// Makes `s` current for the scope's lifetime.
class stream_scope {
public:
    explicit stream_scope(hipStream_t s) : previous_(current_stream_ref()) { current_stream_ref() = s; }
    ~stream_scope() { current_stream_ref() = previous_; }
    stream_scope(const stream_scope&) = delete;
    stream_scope& operator=(const stream_scope&) = delete;

private:
    hipStream_t previous_;
};

// An owned non-blocking stream.
class stream {
public:
    stream() { check(hipStreamCreateWithFlags(&s_, hipStreamNonBlocking), "hipStreamCreateWithFlags"); }
    ~stream() {
        if (s_) (void)hipStreamDestroy(s_);
    }
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;
    hipStream_t get() const { return s_; }
    void synchronize() const { check(hipStreamSynchronize(s_), "hipStreamSynchronize"); }

private:
    hipStream_t s_ = nullptr;
};

} // namespace cascade::gpu
