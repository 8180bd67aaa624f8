// The thread pool: every run completes (also the first run of a fresh pool, whose workers start while
// run() publishes the job — the case of an early deadlock), barriers hold, nested runs are serial.
#include <cascade/kernels/cpu/parallel.hpp>
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <vector>

namespace cpu = cascade::kernels::cpu;

namespace {
// Runs body on another thread; a hang fails the test and ends the process instead of blocking ctest.
template <class F>
void within_seconds(int seconds, F body) {
    auto done = std::async(std::launch::async, body);
    if (done.wait_for(std::chrono::seconds(seconds)) != std::future_status::ready) {
        std::fprintf(stderr, "thread pool test did not finish within %d s (deadlock)\n", seconds);
        std::_Exit(1);
    }
    done.get();
}
} // namespace

TEST_CASE("fresh pools: the first run completes on every team size") {
    within_seconds(60, [] {
        for (int i = 0; i < 300; ++i) {
            cpu::thread_pool pool;
            const int nt = 2 + i % 3;
            pool.set_threads(nt);
            std::atomic<int> ran{0};
            pool.run(nt, [&](int, int n) { ran += 1; (void)n; });
            CHECK(ran.load() == nt);
        }
    });
}

TEST_CASE("barriers separate phases and every tid runs once per run") {
    within_seconds(60, [] {
        cpu::thread_pool pool;
        pool.set_threads(3);
        for (int it = 0; it < 2000; ++it) {
            const int nt = 1 + it % 3;
            std::vector<int> phase1(std::size_t(nt), 0);
            std::atomic<int> bad{0};
            pool.run(nt, [&](int tid, int n) {
                phase1[std::size_t(tid)] = it;
                pool.barrier();
                for (int t = 0; t < n; ++t) bad += phase1[std::size_t(t)] != it;   // all wrote before anyone reads
            });
            CHECK(bad.load() == 0);
        }
    });
}

TEST_CASE("parallel_for covers 0..n-1 exactly once and a nested parallel_for runs on the calling thread") {
    within_seconds(60, [] {
        std::vector<int> hits(100000, 0);
        cpu::parallel_for(hits.size(), 1000, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) ++hits[i];
            cpu::parallel_for(4, 1, [&](std::size_t, std::size_t) { CHECK(cpu::thread_pool::inside_team()); });
        });
        for (int h : hits) REQUIRE(h == 1);
    });
}
