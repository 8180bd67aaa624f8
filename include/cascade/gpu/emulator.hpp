#pragma once
// CPU emulation of the HIP execution model (CASCADE_GPU=emulate; docs/decisions/0012): the same HIP-dialect
// kernel sources, compiled by the host compiler and run on the CPU, so that CI — which has no GPU — executes
// every GPU kernel and the GPU tests instead of only compiling them. It is a correctness tool, not a
// backend: it runs one block at a time, one cooperative fiber per GPU thread.
//
// What it models:
//   * grid / block / thread indices (dim3, threadIdx, blockIdx, blockDim, gridDim) and launch limits
//     (≤ 1024 threads per block, grid.y/z ≤ 65535): a bad configuration is an error, as on a GPU;
//   * __shared__ memory (one copy per block: blocks run one after another on the calling thread);
//   * __syncthreads(): a fiber stops there until every thread of its block that has not exited arrives;
//   * warp shuffles: lanes exchange values through a warp barrier; reading a lane that has exited or does
//     not exist is reported (on a GPU it is undefined behaviour and a silent wrong answer);
//     a __syncthreads() that some live threads never reach is reported as a deadlock instead of hanging;
//   * atomics, streams (work runs in order, at once), events, host/device copies, and graph capture: a
//     stream being captured records kernels and copies instead of running them, hipGraphLaunch replays
//     them, and a synchronisation or an allocation inside a capture fails as it does on a GPU.
// Device buffers end right before an inaccessible page, so reading or writing past the end faults, and
// they are inaccessible to host code outside kernels and copies, so dereferencing a device pointer on the
// host faults as it would with a real GPU.
// What it does not model: accesses before a buffer's start, races between threads that a barrier would
// order differently on real hardware (threads run in order between barriers), timing, and vendor
// compiler behaviour.
//
// Fibers switch with six pushes, a stack swap and six pops on x86-64 (switch_context); elsewhere with
// ucontext. The warp width is CASCADE_EMULATE_WARP_SIZE (32; build with 64 to exercise CDNA's wavefronts).
#include "cascade/config.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <csignal>
#include <signal.h>
#include <sys/mman.h>
#if !(defined(__x86_64__) && defined(__GNUC__))
#include <ucontext.h>
#endif

#ifndef CASCADE_EMULATE_WARP_SIZE
#define CASCADE_EMULATE_WARP_SIZE 32
#endif

// ---- the kernel dialect -------------------------------------------------------------------------------
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static thread_local   // one copy per host thread; a host thread runs one block at a time

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

// ---- the host runtime API -----------------------------------------------------------------------------
enum hipError_t {
    hipSuccess = 0,
    hipErrorInvalidValue = 1,
    hipErrorOutOfMemory = 2,
    hipErrorInvalidConfiguration = 9,
    hipErrorInvalidResourceHandle = 400,
    hipErrorStreamCaptureUnsupported = 900,
    hipErrorStreamCaptureInvalidated = 901,
};
enum hipMemcpyKind { hipMemcpyHostToHost, hipMemcpyHostToDevice, hipMemcpyDeviceToHost, hipMemcpyDeviceToDevice, hipMemcpyDefault };
enum hipStreamCaptureMode { hipStreamCaptureModeGlobal, hipStreamCaptureModeThreadLocal, hipStreamCaptureModeRelaxed };
inline constexpr unsigned hipStreamNonBlocking = 1;
inline constexpr unsigned hipHostMallocDefault = 0;

struct hipDeviceProp_t {
    char name[256];
    int warpSize;
    int multiProcessorCount;
    std::size_t totalGlobalMem;
};

namespace cascade::gpu::emu {

// A recorded piece of stream work (graph node).
struct node {
    virtual ~node() = default;
    virtual void run() = 0;
};
template <class F>
struct node_of final : node {
    F f;
    explicit node_of(F g) : f(std::move(g)) {}
    void run() override { f(); }
};
struct graph {
    std::vector<std::shared_ptr<node>> nodes;
};
struct stream {
    graph* capturing = nullptr;   // non-null between hipStreamBeginCapture and hipStreamEndCapture
};
struct event {
    std::chrono::steady_clock::time_point t{};
};

inline hipError_t& last_error() {
    thread_local hipError_t e = hipSuccess;
    return e;
}
inline hipError_t fail_with(hipError_t e) {
    last_error() = e;
    return e;
}

// Runs f now, or records it when s is being captured.
template <class F>
hipError_t enqueue(stream* s, F&& f) {
    if (s && s->capturing) s->capturing->nodes.push_back(std::make_shared<node_of<std::decay_t<F>>>(std::forward<F>(f)));
    else f();
    return hipSuccess;
}
inline hipError_t synchronize(stream* s) { return s && s->capturing ? fail_with(hipErrorStreamCaptureUnsupported) : hipSuccess; }
// Captures begun on this host thread and not yet ended: like CUDA's and HIP's thread-local capture mode,
// the emulator refuses an allocation while one is open (it would not be part of the graph).
inline int& open_captures() {
    thread_local int n = 0;
    return n;
}

} // namespace cascade::gpu::emu

using hipStream_t = cascade::gpu::emu::stream*;
using hipEvent_t = cascade::gpu::emu::event*;
using hipGraph_t = cascade::gpu::emu::graph*;
using hipGraphExec_t = cascade::gpu::emu::graph*;

inline const char* hipGetErrorString(hipError_t e) {
    switch (e) {
    case hipSuccess: return "no error";
    case hipErrorInvalidValue: return "invalid argument";
    case hipErrorOutOfMemory: return "out of memory";
    case hipErrorInvalidConfiguration: return "invalid configuration argument (block or grid size)";
    case hipErrorInvalidResourceHandle: return "invalid resource handle";
    case hipErrorStreamCaptureUnsupported: return "operation not permitted when stream is capturing";
    case hipErrorStreamCaptureInvalidated: return "operation failed due to a previous error during capture";
    }
    return "unknown error";
}
inline hipError_t hipGetLastError() { return std::exchange(cascade::gpu::emu::last_error(), hipSuccess); }
inline hipError_t hipGetDeviceCount(int* n) {
    *n = 1;
    return hipSuccess;
}
inline hipError_t hipGetDeviceProperties(hipDeviceProp_t* p, int device) {
    if (device != 0) return cascade::gpu::emu::fail_with(hipErrorInvalidValue);
    *p = {};
    std::strncpy(p->name, "cascade CPU emulator", sizeof(p->name) - 1);
    p->warpSize = CASCADE_EMULATE_WARP_SIZE;
    p->multiProcessorCount = 1;
    p->totalGlobalMem = std::size_t(1) << 34;
    return hipSuccess;
}
inline hipError_t hipDeviceSynchronize() { return hipSuccess; }

// Device memory is host memory with two traps:
//   * a buffer ends right before an inaccessible page, so a kernel that reads or writes past its end (the
//     classic odd-size bug) faults at once instead of touching a neighbour. The buffer ends exactly at
//     the page (its start is then aligned to its element size, as long as the byte count is a multiple
//     of it; a GPU would align it to 256 bytes);
//   * outside kernels and the runtime's copies, every device buffer is inaccessible (PROT_NONE), so host
//     code that dereferences a device pointer — a crash on a real GPU — faults here too. Kernels and
//     copies open the buffers they touch for their duration (device_access, on_fault). Pinned host
//     memory (hipHostMalloc) stays accessible.
namespace cascade::gpu::emu {
struct mapping {
    char* base;
    std::size_t length;      // data pages + the guard page
    std::size_t data_bytes;  // the data pages
    bool device;
};
inline std::mutex& mappings_mutex() {
    static std::mutex m;
    return m;
}
inline std::unordered_map<void*, mapping>& mappings() {
    static std::unordered_map<void*, mapping> m;
    return m;
}

// Opening device memory for a kernel or a copy is lazy: device pages stay PROT_NONE, and the first touch
// of a buffer inside a device_access scope faults into on_fault, which opens that buffer and lets the
// access retry; the scope's end closes what was opened. A fault outside a scope, or on a guard page, is
// a real one: the previous SIGSEGV action (the test framework's, or the default) takes it.
// (The emulator runs device work on one host thread at a time; the handler reads these tables without
// locks because they change only outside device work.)
struct range {
    char* begin;
    char* end;
};
inline std::vector<range>& device_ranges() {   // sorted by begin
    static std::vector<range> r;
    return r;
}
inline constexpr int max_opened = 64;
struct fault_state {
    int depth = 0;          // nested device_access scopes
    int opened = 0;         // buffers opened in the current scope
    bool all_open = false;  // more than max_opened: everything was opened
    range open[max_opened];
    struct sigaction previous {};
    bool installed = false;
};
inline fault_state& faults() {
    static fault_state f;
    return f;
}
inline void set_protection(const range& r, bool open) {
    mprotect(r.begin, std::size_t(r.end - r.begin), open ? PROT_READ | PROT_WRITE : PROT_NONE);
}
inline void on_fault(int, siginfo_t* info, void*) {
    fault_state& f = faults();
    char* a = static_cast<char*>(info->si_addr);
    if (f.depth > 0) {
        const auto& rs = device_ranges();
        std::size_t lo = 0, hi = rs.size();
        while (lo < hi) {   // the last range that begins at or before a
            const std::size_t mid = (lo + hi) / 2;
            if (rs[mid].begin <= a) lo = mid + 1;
            else hi = mid;
        }
        if (lo > 0 && a < rs[lo - 1].end) {
            set_protection(rs[lo - 1], true);
            if (f.opened < max_opened) f.open[f.opened++] = rs[lo - 1];
            else {
                for (const auto& r : rs) set_protection(r, true);
                f.all_open = true;
            }
            return;   // the access retries
        }
    }
    sigaction(SIGSEGV, &f.previous, nullptr);   // a real fault: it repeats under the previous action
}
// Installs on_fault unless it is installed already, remembering the current action as the one real
// faults go to; `again` re-installs it regardless (a test's child process that has reset SIGSEGV to its
// default). Checked at every device access: a test framework may replace it for each test case.
inline void install_fault_handler(bool again = false) {
    fault_state& f = faults();
    if (f.installed && !again) {   // still ours? (a test framework may install its own per test case)
        struct sigaction current {};
        sigaction(SIGSEGV, nullptr, &current);
        if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == &on_fault) return;
    }
    struct sigaction a {};
    a.sa_sigaction = &on_fault;
    a.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&a.sa_mask);
    sigaction(SIGSEGV, &a, &f.previous);
    f.installed = true;
}

// Device memory is accessible for the lifetime of this object (kernels, copies); nests.
class device_access {
public:
    device_access() {
        if (faults().depth++ == 0) install_fault_handler();
    }
    ~device_access() {
        fault_state& f = faults();
        if (--f.depth > 0) return;
        if (f.all_open) {
            for (const auto& r : device_ranges()) set_protection(r, false);
        } else {
            for (int i = 0; i < f.opened; ++i) set_protection(f.open[i], false);
        }
        f.opened = 0;
        f.all_open = false;
    }
    device_access(const device_access&) = delete;
    device_access& operator=(const device_access&) = delete;
};

inline hipError_t allocate(void** p, std::size_t bytes, bool device) {
    if (open_captures() > 0) return fail_with(hipErrorStreamCaptureUnsupported);
    install_fault_handler();
    const std::size_t page = 4096, data_pages = (bytes + page - 1) / page, length = (data_pages + 1) * page;
    void* base = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return fail_with(hipErrorOutOfMemory);
    char* data = static_cast<char*>(base);
    char* guard = data + data_pages * page;
    mprotect(guard, page, PROT_NONE);
    *p = guard - bytes;
    std::lock_guard<std::mutex> lock(mappings_mutex());
    mappings()[*p] = {data, length, data_pages * page, device};
    if (device && data_pages) {
        set_protection({data, guard}, false);
        auto& rs = device_ranges();
        auto at = rs.begin();
        while (at != rs.end() && at->begin < data) ++at;
        rs.insert(at, range{data, guard});
    }
    return hipSuccess;
}
inline hipError_t release(void* p) {
    if (!p) return hipSuccess;
    std::lock_guard<std::mutex> lock(mappings_mutex());
    auto it = mappings().find(p);
    if (it == mappings().end()) return fail_with(hipErrorInvalidValue);
    auto& rs = device_ranges();
    for (auto r = rs.begin(); r != rs.end(); ++r)
        if (r->begin == it->second.base) {
            rs.erase(r);
            break;
        }
    munmap(it->second.base, it->second.length);
    mappings().erase(it);
    return hipSuccess;
}
} // namespace cascade::gpu::emu

inline hipError_t hipMalloc(void** p, std::size_t bytes) { return cascade::gpu::emu::allocate(p, bytes, true); }
inline hipError_t hipFree(void* p) { return cascade::gpu::emu::release(p); }
inline hipError_t hipHostMalloc(void** p, std::size_t bytes, unsigned) { return cascade::gpu::emu::allocate(p, bytes, false); }
inline hipError_t hipHostFree(void* p) { return cascade::gpu::emu::release(p); }

inline hipError_t hipMemcpyAsync(void* dst, const void* src, std::size_t bytes, hipMemcpyKind, hipStream_t s) {
    return cascade::gpu::emu::enqueue(s, [=] {
        cascade::gpu::emu::device_access open;
        std::memcpy(dst, src, bytes);
    });
}
inline hipError_t hipMemcpy(void* dst, const void* src, std::size_t bytes, hipMemcpyKind) {
    cascade::gpu::emu::device_access open;
    std::memcpy(dst, src, bytes);
    return hipSuccess;
}
inline hipError_t hipMemsetAsync(void* dst, int v, std::size_t bytes, hipStream_t s) {
    return cascade::gpu::emu::enqueue(s, [=] {
        cascade::gpu::emu::device_access open;
        std::memset(dst, v, bytes);
    });
}

inline hipError_t hipStreamCreateWithFlags(hipStream_t* s, unsigned) {
    *s = new cascade::gpu::emu::stream;
    return hipSuccess;
}
inline hipError_t hipStreamDestroy(hipStream_t s) {
    delete s;
    return hipSuccess;
}
inline hipError_t hipStreamSynchronize(hipStream_t s) { return cascade::gpu::emu::synchronize(s); }

inline hipError_t hipEventCreate(hipEvent_t* e) {
    *e = new cascade::gpu::emu::event;
    return hipSuccess;
}
inline hipError_t hipEventDestroy(hipEvent_t e) {
    delete e;
    return hipSuccess;
}
inline hipError_t hipEventRecord(hipEvent_t e, hipStream_t s) {
    return cascade::gpu::emu::enqueue(s, [e] { e->t = std::chrono::steady_clock::now(); });
}
inline hipError_t hipEventSynchronize(hipEvent_t) { return hipSuccess; }
inline hipError_t hipEventElapsedTime(float* ms, hipEvent_t start, hipEvent_t stop) {
    *ms = std::chrono::duration<float, std::milli>(stop->t - start->t).count();
    return hipSuccess;
}

inline hipError_t hipStreamBeginCapture(hipStream_t s, hipStreamCaptureMode) {
    if (!s) return cascade::gpu::emu::fail_with(hipErrorStreamCaptureUnsupported);   // not the legacy stream
    if (s->capturing) return cascade::gpu::emu::fail_with(hipErrorStreamCaptureInvalidated);
    s->capturing = new cascade::gpu::emu::graph;
    ++cascade::gpu::emu::open_captures();
    return hipSuccess;
}
inline hipError_t hipStreamEndCapture(hipStream_t s, hipGraph_t* g) {
    if (!s || !s->capturing) return cascade::gpu::emu::fail_with(hipErrorInvalidValue);
    *g = std::exchange(s->capturing, nullptr);
    --cascade::gpu::emu::open_captures();
    return hipSuccess;
}
inline hipError_t hipGraphInstantiate(hipGraphExec_t* exec, hipGraph_t g, void*, char*, std::size_t) {
    *exec = new cascade::gpu::emu::graph(*g);
    return hipSuccess;
}
inline hipError_t hipGraphLaunch(hipGraphExec_t exec, hipStream_t s) {
    for (auto& n : exec->nodes) {
        hipError_t e = cascade::gpu::emu::enqueue(s, [&n] { n->run(); });
        if (e != hipSuccess) return e;
    }
    return hipSuccess;
}
inline hipError_t hipGraphDestroy(hipGraph_t g) {
    delete g;
    return hipSuccess;
}
inline hipError_t hipGraphExecDestroy(hipGraphExec_t g) {
    delete g;
    return hipSuccess;
}

// ---- the execution model: one fiber per GPU thread ----------------------------------------------------
namespace cascade::gpu::emu {

inline constexpr unsigned warp_width = CASCADE_EMULATE_WARP_SIZE;
inline constexpr std::size_t stack_bytes = std::size_t(256) << 10;   // reserved, committed as touched
inline constexpr std::size_t guard_bytes = 4096;

#if defined(__x86_64__) && defined(__GNUC__)
// Saves the callee-saved registers on the current stack, stores the stack pointer in *from and resumes
// the context whose stack pointer is `to` (System V x86-64: rbx, rbp, r12–r15 are callee-saved).
[[gnu::naked, gnu::noinline]] inline void switch_context(void** /*from*/, void* /*to*/) {
    asm("pushq %rbp\n\tpushq %rbx\n\tpushq %r12\n\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n\t"
        "movq %rsp, (%rdi)\n\tmovq %rsi, %rsp\n\t"
        "popq %r15\n\tpopq %r14\n\tpopq %r13\n\tpopq %r12\n\tpopq %rbx\n\tpopq %rbp\n\tret\n\t");
}
struct context {
    void* sp = nullptr;
};
inline void start_context(context& c, char* stack, std::size_t bytes, void (*entry)()) {
    auto top = reinterpret_cast<std::uintptr_t>(stack + bytes) & ~std::uintptr_t(15);
    void** sp = reinterpret_cast<void**>(top);
    *--sp = nullptr;                                // entry's return address: entry never returns
    *--sp = reinterpret_cast<void*>(entry);         // switch_context's `ret` lands in entry
    for (int i = 0; i < 6; ++i) *--sp = nullptr;    // r15 … rbp
    c.sp = sp;
}
inline void swap(context& from, context& to) { switch_context(&from.sp, to.sp); }
#else
struct context {
    ucontext_t uc;
};
inline void start_context(context& c, char* stack, std::size_t bytes, void (*entry)()) {
    getcontext(&c.uc);
    c.uc.uc_stack.ss_sp = stack;
    c.uc.uc_stack.ss_size = bytes;
    c.uc.uc_link = nullptr;
    makecontext(&c.uc, entry, 0);
}
inline void swap(context& from, context& to) { swapcontext(&from.uc, &to.uc); }
#endif

enum class state : unsigned char { ready, at_block_barrier, at_warp_barrier, done };

struct fiber {
    context ctx;
    char* stack = nullptr;   // guard page at the low end
    dim3 thread_idx;
    unsigned linear = 0;
    state st = state::done;
    alignas(16) unsigned char exchange[16];   // a warp shuffle's outgoing value
};

struct executor {
    std::vector<std::unique_ptr<fiber>> fibers;
    context scheduler;
    fiber* current = nullptr;
    unsigned threads = 0;
    dim3 block_idx, block_dim, grid_dim;
    void (*body)(void*) = nullptr;
    void* body_arg = nullptr;
    std::exception_ptr error;
    bool running = false;

    executor() = default;
    executor(const executor&) = delete;
    executor& operator=(const executor&) = delete;
    ~executor() {
        for (auto& f : fibers) munmap(f->stack, stack_bytes);
    }
    void reserve(unsigned n) {
        while (fibers.size() < n) {
            void* p = mmap(nullptr, stack_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            if (p == MAP_FAILED) throw cascade::error("cascade GPU emulator: cannot map a fiber stack");
            mprotect(p, guard_bytes, PROT_NONE);   // a stack overflow faults instead of corrupting a neighbour
            fibers.push_back(std::make_unique<fiber>());
            fibers.back()->stack = static_cast<char*>(p);
        }
    }
};
inline executor& this_executor() {
    thread_local executor e;
    return e;
}

[[noreturn]] inline void fiber_entry() {
    executor& e = this_executor();
    try {
        e.body(e.body_arg);
    } catch (...) {
        if (!e.error) e.error = std::current_exception();
    }
    e.current->st = state::done;
    swap(e.current->ctx, e.scheduler);
    std::abort();   // a finished fiber is never resumed
}

// Called from inside a kernel: parks the calling GPU thread until the scheduler releases its barrier.
inline void wait_at(state s) {
    executor& e = this_executor();
    e.current->st = s;
    swap(e.current->ctx, e.scheduler);
}

[[noreturn]] inline void kernel_fault(const std::string& what) { throw cascade::error(what); }

// CASCADE_EMULATE_ORDER=reverse runs the threads of a block from last to first between barriers: a kernel
// that reads another thread's shared-memory write without a __syncthreads() between them then sees a
// stale value in one of the two orders (scripts/test-gpu emulate runs both).
// set_reverse_order overrides the variable (the emulator's own tests).
inline bool& reverse_order_flag() {
    static bool r = [] {
        const char* v = std::getenv("CASCADE_EMULATE_ORDER");
        return v && std::string(v) == "reverse";
    }();
    return r;
}
inline bool reverse_order() { return reverse_order_flag(); }
inline void set_reverse_order(bool r) { reverse_order_flag() = r; }

// Runs every block of the grid; throws cascade::error for a deadlock, a bad shuffle or an exception
// thrown by kernel code.
template <class F>
void run_grid(const char* name, dim3 grid, dim3 block, F& f) {
    executor& e = this_executor();
    const unsigned long long threads = 1ull * block.x * block.y * block.z;
    if (threads == 0 || threads > 1024 || block.z > 64 || grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.y > 65535 ||
        grid.z > 65535) {
        fail_with(hipErrorInvalidConfiguration);
        return;
    }
    if (e.running) throw cascade::error(std::string("cascade GPU emulator: kernel ") + name + " launched from inside a kernel");
    device_access open;   // device memory is accessible to kernels only
    e.reserve(unsigned(threads));
    e.threads = unsigned(threads);
    e.block_dim = block;
    e.grid_dim = grid;
    e.body = [](void* p) { (*static_cast<F*>(p))(); };
    e.body_arg = &f;
    e.error = nullptr;
    e.running = true;
    struct reset {
        executor& e;
        ~reset() { e.running = false; e.current = nullptr; }
    } guard{e};
    auto fault = [&](const std::string& why) {
        throw cascade::error(std::string("cascade GPU emulator: kernel ") + name + " block (" + std::to_string(e.block_idx.x) + "," +
                             std::to_string(e.block_idx.y) + "," + std::to_string(e.block_idx.z) + "): " + why);
    };
    for (unsigned bz = 0; bz < grid.z; ++bz)
        for (unsigned by = 0; by < grid.y; ++by)
            for (unsigned bx = 0; bx < grid.x; ++bx) {
                e.block_idx = dim3(bx, by, bz);
                for (unsigned i = 0; i < e.threads; ++i) {
                    fiber& t = *e.fibers[i];
                    t.thread_idx = dim3(i % block.x, (i / block.x) % block.y, i / (block.x * block.y));
                    t.linear = i;
                    t.st = state::ready;
                    start_context(t.ctx, t.stack + guard_bytes, stack_bytes - guard_bytes, &fiber_entry);
                }
                for (;;) {
                    for (unsigned k = 0; k < e.threads; ++k) {
                        fiber& t = *e.fibers[reverse_order() ? e.threads - 1 - k : k];
                        if (t.st != state::ready) continue;
                        e.current = &t;
                        swap(e.scheduler, t.ctx);
                        if (e.error) {
                            try {
                                std::rethrow_exception(e.error);
                            } catch (const std::exception& x) {
                                fault(std::string("thread ") + std::to_string(t.linear) + ": " + x.what());
                            }
                        }
                    }
                    unsigned done = 0, at_block = 0;
                    for (unsigned i = 0; i < e.threads; ++i) {
                        done += e.fibers[i]->st == state::done;
                        at_block += e.fibers[i]->st == state::at_block_barrier;
                    }
                    if (done == e.threads) break;
                    bool released = false;   // a warp whose live lanes all wait at a shuffle goes first
                    for (unsigned w0 = 0; w0 < e.threads; w0 += warp_width) {
                        const unsigned w1 = std::min(e.threads, w0 + warp_width);
                        unsigned live = 0, waiting = 0;
                        for (unsigned i = w0; i < w1; ++i) {
                            live += e.fibers[i]->st != state::done;
                            waiting += e.fibers[i]->st == state::at_warp_barrier;
                        }
                        if (waiting && waiting == live) {
                            for (unsigned i = w0; i < w1; ++i)
                                if (e.fibers[i]->st == state::at_warp_barrier) e.fibers[i]->st = state::ready;
                            released = true;
                        }
                    }
                    if (released) continue;
                    if (at_block == e.threads - done) {
                        for (unsigned i = 0; i < e.threads; ++i)
                            if (e.fibers[i]->st == state::at_block_barrier) e.fibers[i]->st = state::ready;
                        continue;
                    }
                    fault("deadlock: " + std::to_string(at_block) + " of " + std::to_string(e.threads - done) +
                          " live threads wait at __syncthreads(), the others at a warp shuffle whose warp never completes it");
                }
            }
}

inline const dim3& thread_idx() { return this_executor().current->thread_idx; }
inline const dim3& block_idx() { return this_executor().block_idx; }
inline const dim3& block_dim() { return this_executor().block_dim; }
inline const dim3& grid_dim() { return this_executor().grid_dim; }

// Every lane of the warp returns the value of lane (its lane ^ lane_mask).
template <class T>
T shfl_xor(T v, int lane_mask) {
    static_assert(sizeof(T) <= 16 && std::is_trivially_copyable_v<T>, "shuffles move at most 16 bytes");
    executor& e = this_executor();
    fiber& me = *e.current;
    std::memcpy(me.exchange, &v, sizeof(T));
    wait_at(state::at_warp_barrier);
    const unsigned lane = me.linear % warp_width, partner = me.linear - lane + (lane ^ unsigned(lane_mask));
    if (partner >= e.threads || e.fibers[partner]->st == state::done)
        kernel_fault("shuffle with lane " +
                     std::to_string(partner % warp_width) + ", which has exited or does not exist (undefined on a GPU)");
    T o;
    std::memcpy(&o, e.fibers[partner]->exchange, sizeof(T));
    wait_at(state::at_warp_barrier);   // nobody overwrites `exchange` before every lane has read
    return o;
}

// k<<<grid, block, 0, s>>>(args...): the arguments are converted to the kernel's parameter types and
// copied, as a launch does; on a capturing stream the launch is recorded.
template <class... P, class... A>
void launch(const char* name, void (*k)(P...), dim3 grid, dim3 block, hipStream_t s, A&&... args) {
    auto call = [name, k, grid, block, a = std::tuple<std::decay_t<P>...>(std::forward<A>(args)...)]() mutable {
        auto body = [&] { std::apply(k, a); };
        run_grid(name, grid, block, body);
    };
    enqueue(s, std::move(call));
}

} // namespace cascade::gpu::emu

#define threadIdx (::cascade::gpu::emu::thread_idx())
#define blockIdx (::cascade::gpu::emu::block_idx())
#define blockDim (::cascade::gpu::emu::block_dim())
#define gridDim (::cascade::gpu::emu::grid_dim())

inline void __syncthreads() { ::cascade::gpu::emu::wait_at(::cascade::gpu::emu::state::at_block_barrier); }

template <class T>
T atomicAdd(T* p, T v) {
    return std::atomic_ref<T>(*p).fetch_add(v);
}
