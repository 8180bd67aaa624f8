#pragma once
// Per-step scalars of the optimizer kernels, in device memory, so that a captured step graph
// (gpu/step_graphs.hpp) can contain the update: a kernel argument would be frozen at its captured value,
// but Adam's bias-corrected rate changes every step and a schedule changes the learning rate.
//
// scalars_for<S>(key).upload(v) writes v to a pinned host block and enqueues its copy to a device block,
// then returns the device block's address for the kernel. In a graph both the copy and the kernel are
// nodes; before each replay the optimizer's host code runs once more as a *host pass*
// (host_pass_scope): it advances the step count and rewrites the pinned blocks, while gpu::launch and
// upload enqueue nothing. The replay's copy nodes then read the new values.
// Blocks are keyed by a parameter's device address (one per parameter and scalar type S, created on
// first use — the eager warm-up step — and kept for the thread's lifetime).
#include "cascade/gpu/launch.hpp"   // host_pass
#include "cascade/gpu/stream.hpp"
#include "cascade/gpu/vendor.hpp"

#include <memory>
#include <unordered_map>

namespace cascade::gpu {

class host_pass_scope {
public:
    host_pass_scope() : previous_(host_pass_flag()) { host_pass_flag() = true; }
    ~host_pass_scope() { host_pass_flag() = previous_; }
    host_pass_scope(const host_pass_scope&) = delete;
    host_pass_scope& operator=(const host_pass_scope&) = delete;

private:
    bool previous_;
};

template <class S>
class scalar_block {
public:
    scalar_block() {
        host_ = static_cast<S*>(host_alloc_pinned(sizeof(S)));
        check(hipMalloc(reinterpret_cast<void**>(&device_), sizeof(S)), "hipMalloc");
    }
    ~scalar_block() {
        (void)hipFree(device_);
        (void)hipHostFree(host_);
    }
    scalar_block(const scalar_block&) = delete;
    scalar_block& operator=(const scalar_block&) = delete;

    // The device copy of v, refreshed on the current stream (in a host pass: only the host side).
    const S* upload(const S& v) {
        *host_ = v;   // the previous step has finished: fit reads its loss value before the next one
        if (!host_pass())
            check(hipMemcpyAsync(device_, host_, sizeof(S), hipMemcpyHostToDevice, current_stream()), "hipMemcpyAsync (scalars)");
        return device_;
    }

private:
    S* host_ = nullptr;
    S* device_ = nullptr;
};

template <class S>
scalar_block<S>& scalars_for(const void* key) {
    thread_local std::unordered_map<const void*, std::unique_ptr<scalar_block<S>>> blocks;
    auto& b = blocks[key];
    if (!b) b = std::make_unique<scalar_block<S>>();
    return *b;
}

} // namespace cascade::gpu
