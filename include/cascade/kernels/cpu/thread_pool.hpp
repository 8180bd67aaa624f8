#pragma once
// thread_pool: the worker threads every CPU kernel shares. A persistent team (started on first use,
// grown when more threads are asked for) runs f(tid, nt) on nt threads, the caller being tid 0.
// Waiting threads spin briefly (CASCADE_POOL_SPIN = 2048 pause instructions) and then sleep on a
// futex (std::atomic::wait). Why not OpenMP: libgomp's waiting threads spin for ~300k iterations by default,
// and on this project's 2-vCPU VMs a spinning vCPU starves the working one — mnist_cnn training ran
// at 4.7k samples/s on 2 threads against 7.8k on 1 (and 0.5k with OMP_WAIT_POLICY=active); with a
// short spin it runs at 12.6k. A pool of our own makes that independent of environment variables.
// docs/decisions/0006-threads.md has the measurements.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#endif

namespace cascade::kernels::cpu {

// Pause iterations a waiting thread spins before it sleeps, long enough to bridge the gaps between
// the parallel regions of one training step. Measured on mnist_cnn, 2 threads, quiet machine (samples/s train/infer):
// 256 → 18–27k / 47k, 2048 → 30–33k / 78–80k, 16384 → 34–35k / 75–80k. With another process busy on
// the second core every setting falls to 3–8k (fork-join waits for a descheduled thread): use 1 thread
// there (cascade::set_num_threads(1): 19k / 45k).
#ifndef CASCADE_POOL_SPIN
#define CASCADE_POOL_SPIN 2048
#endif

namespace detail {
inline void cpu_relax() {
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
    _mm_pause();
#endif
}
// Spin a little, then sleep until `a` differs from `old`.
template <class A, class V>
void wait_while_equal(const A& a, V old) {
    for (int i = 0; i < CASCADE_POOL_SPIN; ++i) {
        if (a.load(std::memory_order_acquire) != old) return;
        cpu_relax();
    }
    while (a.load(std::memory_order_acquire) == old) a.wait(old, std::memory_order_acquire);
}
} // namespace detail

class thread_pool {
public:
    static thread_pool& instance() {
        static thread_pool pool;
        return pool;
    }
    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;

    // Threads kernels may use: set_threads(n), else $CASCADE_NUM_THREADS, $OMP_NUM_THREADS, or all cores.
    int threads() const { return threads_.load(std::memory_order_relaxed); }
    void set_threads(int n) { threads_.store(n < 1 ? 1 : n, std::memory_order_relaxed); }
    static bool inside_team() { return in_team_; }

    // Runs f(tid, nt) for tid = 0..nt-1 and returns when all are done. Nested calls run on the caller.
    template <class F>
    void run(int nt, F&& f) {
        if (nt <= 1 || in_team_) {
            for (int t = 0; t < (nt < 1 ? 1 : nt); ++t) f(t, nt < 1 ? 1 : nt);
            return;
        }
        std::lock_guard<std::mutex> one_team_at_a_time(run_mutex_);
        ensure_workers(nt - 1);
        job_ = [](void* ctx, int tid, int n) { (*static_cast<std::remove_reference_t<F>*>(ctx))(tid, n); };
        ctx_ = const_cast<void*>(static_cast<const void*>(&f));
        team_ = nt;
        // Every worker acknowledges every run, working or not: no worker can still be reading this run's
        // job when the next run() writes another.
        pending_.store(int(workers_.size()), std::memory_order_relaxed);
        barrier_count_.store(nt, std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
        in_team_ = true;
        f(0, nt);
        in_team_ = false;
        for (int left = pending_.load(std::memory_order_acquire); left != 0; left = pending_.load(std::memory_order_acquire))
            detail::wait_while_equal(pending_, left);
    }

    // A barrier for the nt threads of the current run() (sense-reversing).
    void barrier() {
        if (team_ <= 1 || !in_team_) return;
        const std::uint32_t sense = barrier_sense_.load(std::memory_order_acquire);
        if (barrier_count_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            barrier_count_.store(team_, std::memory_order_relaxed);
            barrier_sense_.store(sense + 1, std::memory_order_release);
            barrier_sense_.notify_all();
        } else {
            detail::wait_while_equal(barrier_sense_, sense);
        }
    }

    ~thread_pool() {
        stop_.store(true, std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
        for (auto& w : workers_) w.join();
    }

    // Kernels use instance(); separate pools exist for tests.
    thread_pool() {
        int n = int(std::thread::hardware_concurrency());
        for (const char* var : {"CASCADE_NUM_THREADS", "OMP_NUM_THREADS"})
            if (const char* v = std::getenv(var); v && std::atoi(v) > 0) { n = std::atoi(v); break; }
        threads_.store(n < 1 ? 1 : n);
    }

private:
    void ensure_workers(int n) {
        while (int(workers_.size()) < n) {
            const int tid = int(workers_.size()) + 1;
            // The generation the new worker has "seen" is read here, before run() bumps it: read in the
            // new thread, it could already be the bumped one, and that run would wait for it forever.
            const std::uint32_t seen = generation_.load(std::memory_order_acquire);
            workers_.emplace_back([this, tid, seen] { work(tid, seen); });
        }
    }

    void work(int tid, std::uint32_t seen) {
        for (;;) {
            detail::wait_while_equal(generation_, seen);
            seen = generation_.load(std::memory_order_acquire);
            if (stop_.load(std::memory_order_relaxed)) return;
            if (tid < team_) {
                in_team_ = true;
                job_(ctx_, tid, team_);
                in_team_ = false;
            }
            if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_all();
        }
    }

    std::atomic<int> threads_{1};
    std::mutex run_mutex_;
    std::vector<std::thread> workers_;
    void (*job_)(void*, int, int) = nullptr;
    void* ctx_ = nullptr;
    int team_ = 1;
    std::atomic<std::uint32_t> generation_{0};
    std::atomic<int> pending_{0};
    std::atomic<int> barrier_count_{0};
    std::atomic<std::uint32_t> barrier_sense_{0};
    std::atomic<bool> stop_{false};
    static inline thread_local bool in_team_ = false;
};

} // namespace cascade::kernels::cpu
