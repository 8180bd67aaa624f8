// bench_gemm: cascade::kernels::cpu::gemm against OpenBLAS (cblas_sgemm / cblas_dgemm), GFLOP/s counters.
//   square N = 256..2048 on 1 and 2 threads, the NN/TN/NT forms at N = 1024, and the shapes of the
//   MNIST layers: im2col 5×5 conv 1→32 on 28×28, batch 64 (forward, weight and input gradients) and a
//   dense 4608→10 layer, batch 64 (forward, dW, dx).
// Names: <impl>/<type>/<case>/threads:<t>. Filter with --benchmark_filter=, e.g. 'square' or 'layer'.
// The machine is shared and noisy: compare cascade and OpenBLAS from the same run, with repetitions
// (--benchmark_repetitions=3 --benchmark_report_aggregates_only=true).
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "cascade/config.hpp"
#include "cascade/kernels/cpu/gemm.hpp"

namespace {

struct shape {
    std::string name;
    bool ta, tb;
    std::size_t m, n, k;
};

template <class T>
struct problem {
    shape s;
    std::size_t lda, ldb, ldc;
    std::vector<T> a, b, c;
    explicit problem(const shape& sh) : s(sh), lda(sh.ta ? sh.m : sh.k), ldb(sh.tb ? sh.k : sh.n), ldc(sh.n) {
        std::mt19937 rng(1);
        std::uniform_real_distribution<double> u(-1.0, 1.0);
        a.resize(sh.m * sh.k);
        b.resize(sh.k * sh.n);
        c.resize(sh.m * sh.n);
        for (auto& x : a) x = T(u(rng));
        for (auto& x : b) x = T(u(rng));
    }
};

void blas_gemm(const problem<float>& p, float* c) {
    cblas_sgemm(CblasRowMajor, p.s.ta ? CblasTrans : CblasNoTrans, p.s.tb ? CblasTrans : CblasNoTrans, int(p.s.m),
                int(p.s.n), int(p.s.k), 1.0f, p.a.data(), int(p.lda), p.b.data(), int(p.ldb), 0.0f, c, int(p.ldc));
}
void blas_gemm(const problem<double>& p, double* c) {
    cblas_dgemm(CblasRowMajor, p.s.ta ? CblasTrans : CblasNoTrans, p.s.tb ? CblasTrans : CblasNoTrans, int(p.s.m),
                int(p.s.n), int(p.s.k), 1.0, p.a.data(), int(p.lda), p.b.data(), int(p.ldb), 0.0, c, int(p.ldc));
}

template <class T>
void run(benchmark::State& state, const shape& s, bool cascade_impl, int threads) {
    problem<T> p(s);
    cascade::set_num_threads(threads);
    openblas_set_num_threads(threads);
    for (auto _ : state) {
        if (cascade_impl)
            cascade::kernels::cpu::gemm<T>(s.ta, s.tb, s.m, s.n, s.k, T(1), p.a.data(), p.lda, p.b.data(), p.ldb,
                                           T(0), p.c.data(), p.ldc);
        else
            blas_gemm(p, p.c.data());
        benchmark::DoNotOptimize(p.c.data());
        benchmark::ClobberMemory();
    }
    const double gflop = 2e-9 * double(s.m) * double(s.n) * double(s.k);
    state.counters["GFLOP/s"] = benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
}

template <class T>
void add(const char* type, const shape& s, int threads) {
    for (bool cascade_impl : {true, false}) {
        const std::string name = std::string(cascade_impl ? "cascade/" : "openblas/") + type + "/" + s.name +
                                 "/threads:" + std::to_string(threads);
        benchmark::RegisterBenchmark(name.c_str(), [s, cascade_impl, threads](benchmark::State& st) {
            run<T>(st, s, cascade_impl, threads);
        })->UseRealTime()->Unit(benchmark::kMicrosecond);
    }
}

} // namespace

int main(int argc, char** argv) {
    std::vector<shape> shapes;
    for (std::size_t n : {256, 512, 1024, 2048})
        shapes.push_back({"square/N:" + std::to_string(n), false, false, n, n, n});
    shapes.push_back({"form:TN/N:1024", true, false, 1024, 1024, 1024});
    shapes.push_back({"form:NT/N:1024", false, true, 1024, 1024, 1024});
    // im2col conv 5×5, 1→32 channels, 28×28 → 24×24, batch 64: m = 64·24·24 positions, k = 25 taps, n = 32.
    shapes.push_back({"layer:conv_fwd/36864x32x25", false, false, 36864, 32, 25});
    shapes.push_back({"layer:conv_dW/25x32x36864", true, false, 25, 32, 36864});   // colᵀ·dY
    shapes.push_back({"layer:conv_dcol/36864x25x32", false, true, 36864, 25, 32}); // dY·Wᵀ
    // dense 4608→10, batch 64: y = x·W, dW = xᵀ·dy, dx = dy·Wᵀ.
    shapes.push_back({"layer:dense_fwd/64x10x4608", false, false, 64, 10, 4608});
    shapes.push_back({"layer:dense_dW/4608x10x64", true, false, 4608, 10, 64});
    shapes.push_back({"layer:dense_dx/64x4608x10", false, true, 64, 4608, 10});
    // MLP layer 32×20 by 20×20 (the small-problem case).
    shapes.push_back({"layer:mlp/32x20x20", false, false, 32, 20, 20});
    for (int threads : {1, 2})
        for (const shape& s : shapes) add<float>("f32", s, threads);
    for (int threads : {1, 2}) add<double>("f64", {"square/N:1024", false, false, 1024, 1024, 1024}, threads);

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
