// SGEMM throughput of cascade's GPU GEMM (kernels/gpu/gemm.hpp), C = A·B with square N×N matrices in the
// three forms layers use (A·B, Aᵀ·B, A·Bᵀ); compared with cuBLAS through torch.mm by bench/gpu/run.sh.
// Timed with GPU events over --reps launches after --warmup; prints one JSON line per size and form.
//   bench_gpu_gemm [--sizes 1024,2048,4096,8192] [--reps R] [--warmup W]
#include <cascade/kernels/gpu/gemm.hpp>
#include <cascade/init/initializers.hpp>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace gpu = cascade::gpu;

int main(int argc, char** argv) try {
    std::vector<std::size_t> sizes{1024, 2048, 4096, 8192};
    int reps = 20, warmup = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--sizes") {
            sizes.clear();
            std::stringstream ss(argv[i + 1]);
            for (std::string t; std::getline(ss, t, ',');) sizes.push_back(std::stoul(t));
        } else if (k == "--reps") reps = std::atoi(argv[i + 1]);
        else if (k == "--warmup") warmup = std::atoi(argv[i + 1]);
        else { std::fprintf(stderr, "unknown argument %s\n", k.c_str()); return 2; }
    }
    if (gpu::device_count() == 0) {
        std::fprintf(stderr, "bench_gpu_gemm: no GPU present\n");
        return 1;
    }
    hipEvent_t start, stop;
    gpu::check(hipEventCreate(&start), "hipEventCreate");
    gpu::check(hipEventCreate(&stop), "hipEventCreate");
    cascade::rng g(1);
    for (std::size_t n : sizes) {
        cascade::host_tensor<float, 2> h(std::array{n, n});
        for (auto& v : h) v = float(2 * cascade::detail::uniform01(g) - 1);
        const auto a = gpu::to_device(h), b = gpu::to_device(h);
        gpu::device_tensor<float, 2> c(std::array{n, n});
        for (int form = 0; form < 3; ++form) {
            const bool ta = form == 1, tb = form == 2;
            auto run = [&] { gpu::gemm<float>(ta, tb, n, n, n, 1.f, a.data(), n, b.data(), n, 0.f, c.data(), n); };
            for (int i = 0; i < warmup; ++i) run();
            gpu::check(hipEventRecord(start, gpu::current_stream()), "hipEventRecord");
            for (int i = 0; i < reps; ++i) run();
            gpu::check(hipEventRecord(stop, gpu::current_stream()), "hipEventRecord");
            gpu::check(hipEventSynchronize(stop), "hipEventSynchronize");
            float ms = 0;
            gpu::check(hipEventElapsedTime(&ms, start, stop), "hipEventElapsedTime");
            const double gflops = 2.0 * double(n) * double(n) * double(n) * reps / (double(ms) * 1e6);
            std::printf("{\"peer\": \"cascade\", \"op\": \"sgemm\", \"form\": \"%s\", \"n\": %zu, \"gflops\": %.1f, "
                        "\"device\": \"%s\"}\n",
                        form == 0 ? "AB" : form == 1 ? "AtB" : "ABt", n, gflops, gpu::device_name().c_str());
            std::fflush(stdout);
        }
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_gpu_gemm: %s\n", e.what());
    return 1;
}
