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
// first use — the eager warm-up step — and kept for the thread's lifetime), in 64-byte slots of a few
// pinned-host and device chunks.
#include "cascade/gpu/launch.hpp"   // host_pass
#include "cascade/gpu/stream.hpp"
#include "cascade/gpu/vendor.hpp"

#include <memory>
#include <type_traits>
#include <unordered_map>
#include <vector>

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

// Slots of 64 bytes carved from 4 KiB chunks of pinned host and device memory (a few allocations for
// all parameters, not two per parameter).
class scalar_arena {
public:
    static constexpr std::size_t slot = 64, chunk = 4096;
    struct slot_pair {
        void* host;
        void* device;
    };
    slot_pair take() {
        if (used_ == chunk / slot || chunks_.empty()) {
            chunk_pair c{};
            c.host = host_alloc_pinned(chunk);
            check(hipMalloc(&c.device, chunk), "hipMalloc");
            chunks_.push_back(c);
            used_ = 0;
        }
        const chunk_pair& c = chunks_.back();
        const std::size_t off = slot * used_++;
        return {static_cast<char*>(c.host) + off, static_cast<char*>(c.device) + off};
    }
    scalar_arena() = default;
    scalar_arena(const scalar_arena&) = delete;
    scalar_arena& operator=(const scalar_arena&) = delete;
    ~scalar_arena() {
        for (auto& c : chunks_) {
            (void)hipFree(c.device);
            (void)hipHostFree(c.host);
        }
    }

private:
    struct chunk_pair {
        void* host;
        void* device;
    };
    std::vector<chunk_pair> chunks_;
    std::size_t used_ = 0;
};
inline scalar_arena& this_thread_scalar_arena() {
    thread_local scalar_arena a;
    return a;
}

template <class S>
class scalar_block {
    static_assert(sizeof(S) <= scalar_arena::slot && std::is_trivially_copyable_v<S>, "step scalars: at most 64 bytes of plain data");

public:
    scalar_block() {
        const auto p = this_thread_scalar_arena().take();
        host_ = static_cast<S*>(p.host);
        device_ = static_cast<S*>(p.device);
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

// The block of parameter `key` (its device address) for scalars of type S. Blocks live as long as the
// thread; a parameter freed and another allocated at its address reuse the block.
template <class S>
scalar_block<S>& scalars_for(const void* key) {
    thread_local std::unordered_map<const void*, std::unique_ptr<scalar_block<S>>> blocks;
    auto& b = blocks[key];
    if (!b) b = std::make_unique<scalar_block<S>>();
    return *b;
}

} // namespace cascade::gpu
