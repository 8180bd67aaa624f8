// The CPU emulator of the HIP execution model (gpu/emulator.hpp), which is how CI runs tests/gpu: these
// cases check that it models what the kernels rely on — indices, shared memory and barriers, warp
// shuffles, atomics, launch limits, graph capture — and that it reports what a GPU would get wrong
// silently (a deadlocked barrier, a shuffle with an exited lane, a missing barrier). Built only with
// CASCADE_GPU=emulate.
#if defined(CASCADE_GPU_EMULATE)
#include <cascade/cascade.hpp>
#include <cascade/gpu/launch.hpp>
#include <doctest/doctest.h>

#include <numeric>
#include <string>
#include <vector>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace gpu = cascade::gpu;

namespace {

// Every thread of a 3-D grid of 3-D blocks writes its global linear id once.
__global__ void write_ids_kernel(unsigned* out, unsigned* hits) {
    const unsigned tx = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    const unsigned block = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
    const unsigned id = block * (blockDim.x * blockDim.y * blockDim.z) + tx;
    out[id] = id;
    atomicAdd(hits, 1u);
}

// Block sums through shared memory: a tree reduction with a barrier per level, then a warp shuffle.
__global__ void block_sum_kernel(std::size_t n, const float* x, float* sums) {
    __shared__ float s[256];
    const unsigned t = threadIdx.x;
    const std::size_t i = std::size_t(blockIdx.x) * blockDim.x + t;
    s[t] = i < n ? x[i] : 0.f;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half >= unsigned(gpu::warp_size); half /= 2) {
        if (t < half) s[t] += s[t + half];
        __syncthreads();
    }
    if (t < unsigned(gpu::warp_size)) {
        const float v = gpu::warp_sum(s[t]);
        if (t == 0) sums[blockIdx.x] = v;
    }
}

// Reads a neighbour's shared-memory write; `with_barrier` says whether a barrier orders them.
__global__ void neighbour_kernel(bool with_barrier, int base, int* out) {
    __shared__ int s[64];
    const unsigned t = threadIdx.x;
    s[t] = base + int(t);
    if (with_barrier) __syncthreads();
    out[t] = s[(t + 1) % blockDim.x];
}

// Lane 0 of each warp shuffles while the other lanes wait at __syncthreads(): a deadlock on a GPU.
__global__ void deadlock_kernel(float* out) {
    if (threadIdx.x % unsigned(gpu::warp_size) == 0) out[threadIdx.x] = gpu::warp_sum(1.f);
    else __syncthreads();
}

// The upper half of the warp has exited when the lower half shuffles.
__global__ void exited_lane_kernel(float* out) {
    if (threadIdx.x >= unsigned(gpu::warp_size) / 2) return;
    out[threadIdx.x] = gpu::warp_sum(1.f);
}

// One element too many: the classic odd-size bug.
__global__ void overrun_kernel(std::size_t n, float* x) {
    const std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i <= n) x[i] = 1.f;
}

__global__ void add_one_kernel(std::size_t n, float* x) {
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) x[i] += 1.f;
}

// A device buffer; its contents reach the host only through copies (the emulator, like a GPU, faults on a
// host dereference of device memory).
template <class T>
struct device_buffer {
    T* p = nullptr;
    std::size_t n;
    explicit device_buffer(std::size_t count) : n(count) {
        gpu::check(hipMalloc(reinterpret_cast<void**>(&p), n * sizeof(T)), "hipMalloc");
    }
    ~device_buffer() { (void)hipFree(p); }
    void set(const std::vector<T>& v) { gpu::check(hipMemcpy(p, v.data(), n * sizeof(T), hipMemcpyHostToDevice), "hipMemcpy"); }
    std::vector<T> get() const {
        std::vector<T> v(n);
        gpu::check(hipMemcpy(v.data(), p, n * sizeof(T), hipMemcpyDeviceToHost), "hipMemcpy");
        return v;
    }
};

std::string error_of(auto&& f) {
    try {
        f();
    } catch (const cascade::error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("emulator: 3-D grids and blocks cover every thread once, and atomics count them") {
    const dim3 grid(3, 2, 2), block(5, 4, 3);
    const std::size_t n = 3 * 2 * 2 * 5 * 4 * 3;
    device_buffer<unsigned> out(n), hits(1);
    out.set(std::vector<unsigned>(n, ~0u));
    hits.set({0u});
    gpu::launch("write_ids", write_ids_kernel, grid, block, out.p, hits.p);
    const std::vector<unsigned> h = out.get();
    for (std::size_t i = 0; i < n; ++i) CHECK(h[i] == i);
    CHECK(hits.get()[0] == n);
}

TEST_CASE("emulator: shared memory, barriers and warp shuffles give exact block sums, in both thread orders") {
    const std::size_t n = 1000;   // four blocks, the last one partly outside the input
    std::vector<float> x(n);
    std::iota(x.begin(), x.end(), 1.f);
    device_buffer<float> dx(n), sums(4);
    dx.set(x);
    for (bool reverse : {false, true}) {
        gpu::emu::set_reverse_order(reverse);
        gpu::launch("block_sum", block_sum_kernel, 4, 256, n, dx.p, sums.p);
        for (unsigned b = 0; b < 4; ++b) {
            double expect = 0;
            for (std::size_t i = b * 256; i < std::min(n, std::size_t(b + 1) * 256); ++i) expect += x[i];
            CHECK(sums.get()[b] == doctest::Approx(expect).epsilon(1e-6));
        }
    }
    gpu::emu::set_reverse_order(false);
}

TEST_CASE("emulator: a missing barrier shows up as a difference between the two thread orders") {
    device_buffer<int> out(64);
    int base = 0;   // a new value per launch: shared memory keeps the previous launch's values, as it may on a GPU
    auto run = [&](bool barrier, bool reverse) {
        gpu::emu::set_reverse_order(reverse);
        base += 100;
        gpu::launch("neighbour", neighbour_kernel, 1, 64, barrier, base, out.p);
        std::vector<int> r = out.get();
        for (int& v : r) v -= base;   // relative to this launch: t + 1 when ordered
        return r;
    };
    std::vector<int> expect(64);
    for (int t = 0; t < 64; ++t) expect[std::size_t(t)] = (t + 1) % 64;
    CHECK(run(true, false) == expect);
    CHECK(run(true, true) == expect);
    CHECK(run(false, false) != run(false, true));   // without the barrier, the result depends on the order
    gpu::emu::set_reverse_order(false);
}

TEST_CASE("emulator: a barrier that never completes and a shuffle with an exited lane are reported") {
    device_buffer<float> out(256);
    const std::string deadlock = error_of([&] { gpu::launch("deadlock", deadlock_kernel, 1, 64, out.p); });
    CHECK(deadlock.find("deadlock") != std::string::npos);
    CHECK(deadlock.find("kernel deadlock block (0,0,0)") != std::string::npos);
    const std::string exited = error_of([&] { gpu::launch("exited_lane", exited_lane_kernel, 1, 64, out.p); });
    CHECK(exited.find("has exited") != std::string::npos);
    // The emulator is usable again after a fault.
    gpu::launch("add_one", add_one_kernel, 1, 32, std::size_t(1), out.p);
}

TEST_CASE("emulator: a kernel that writes one element past a device buffer faults") {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {   // the child makes the mistake; the parent watches it die
        std::signal(SIGSEGV, SIG_DFL);   // not the test framework's crash handler: die of the signal
        gpu::emu::install_fault_handler(true);   // (the emulator's own handler still opens device memory)
        device_buffer<float> x(37);
        gpu::launch("overrun", overrun_kernel, 1, 64, std::size_t(37), x.p);
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGSEGV);
    // The same kernel within bounds runs.
    device_buffer<float> y(38);
    gpu::launch("overrun", overrun_kernel, 1, 64, std::size_t(37), y.p);
}

TEST_CASE("emulator: host code that reads a device buffer faults, as on a GPU") {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::signal(SIGSEGV, SIG_DFL);
        gpu::emu::install_fault_handler(true);
        device_buffer<float> x(16);
        volatile float v = x.p[3];   // the mistake: a device pointer dereferenced on the host
        (void)v;
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGSEGV);
    // Pinned host memory stays accessible.
    void* pinned = nullptr;
    gpu::check(hipHostMalloc(&pinned, 64, hipHostMallocDefault), "hipHostMalloc");
    static_cast<float*>(pinned)[3] = 1.f;
    CHECK(static_cast<float*>(pinned)[3] == 1.f);
    gpu::check(hipHostFree(pinned), "hipHostFree");
}

TEST_CASE("emulator: launch limits are checked as on a GPU") {
    device_buffer<float> out(8);
    const std::string e = error_of([&] { gpu::launch("too_big", add_one_kernel, 1, 2048, std::size_t(8), out.p); });
    CHECK(e.find("too_big") != std::string::npos);
    CHECK(e.find("invalid configuration") != std::string::npos);
    CHECK(hipGetLastError() == hipSuccess);   // the error was consumed by the check
}

TEST_CASE("emulator: graph capture records kernels and copies, replays them, and refuses a synchronisation") {
    gpu::stream s;
    gpu::stream_scope scope(s.get());
    const std::size_t n = 300;
    device_buffer<float> x(n);
    std::vector<float> host(n, 5.f), back(n, 0.f);
    hipGraph_t graph = nullptr;
    gpu::check(hipStreamBeginCapture(s.get(), hipStreamCaptureModeThreadLocal), "hipStreamBeginCapture");
    gpu::check(hipMemcpyAsync(x.p, host.data(), n * sizeof(float), hipMemcpyHostToDevice, s.get()), "hipMemcpyAsync");
    gpu::launch("add_one", add_one_kernel, 2, 128, n, x.p);
    gpu::launch("add_one", add_one_kernel, 2, 128, n, x.p);
    CHECK(hipStreamSynchronize(s.get()) == hipErrorStreamCaptureUnsupported);
    (void)hipGetLastError();
    gpu::check(hipStreamEndCapture(s.get(), &graph), "hipStreamEndCapture");
    hipGraphExec_t exec = nullptr;
    gpu::graph_instantiate(&exec, graph);
    for (int replay = 0; replay < 3; ++replay) {
        host.assign(n, float(replay));   // the copy node reads the host buffer at replay time
        gpu::check(hipGraphLaunch(exec, s.get()), "hipGraphLaunch");
        s.synchronize();
        gpu::check(hipMemcpy(back.data(), x.p, n * sizeof(float), hipMemcpyDeviceToHost), "hipMemcpy");
        for (float v : back) REQUIRE(v == float(replay) + 2.f);
    }
    gpu::check(hipGraphExecDestroy(exec), "hipGraphExecDestroy");
    gpu::check(hipGraphDestroy(graph), "hipGraphDestroy");
}
#endif
