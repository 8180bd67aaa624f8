// GPU kernels against the CPU path (ggml's test-backend-ops is the model): random inputs, shapes that
// are not multiples of the tile sizes, forward and backward, one stated tolerance per op. Compiled by
// nvcc (sm_90) or hipcc (gfx90a, gfx940); every case returns early, with a message, where no GPU is present.
#include <cascade/cascade.hpp>
#include <cascade/kernels/gpu/gemm.hpp>
#include <cascade/kernels/gpu/optimizers.hpp>
#include <cascade/kernels/gpu/softmax.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cfloat>
#include <cmath>

namespace cc = cascade;
namespace gpu = cascade::gpu;

using namespace gpu_test;

TEST_CASE("device_tensor: round trip, copies, and no allocation when the shape does not grow") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng g(1);
    const auto h = random_tensor<float, 3>({3, 5, 7}, g);
    auto d = gpu::to_device(h);
    CHECK(max_abs_diff(gpu::to_host(d), h) == 0);
    gpu::device_tensor<float, 3> copy = d;
    CHECK(max_abs_diff(gpu::to_host(copy), h) == 0);
    const std::size_t before = gpu::allocations();
    d.resize({2, 5, 7});   // smaller: reuses the buffer
    d.resize({3, 5, 7});
    CHECK(gpu::allocations() == before);
    d.resize({4, 5, 7});
    CHECK(gpu::allocations() == before + 1);
}

TEST_CASE("gemm: the three forms and both tile sizes against cpu::gemm, odd sizes") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng g(2);
    // Tolerance: |Δ| ≤ 8·K·ε_float for inputs in [−1, 1] (float accumulation in a different order).
    const std::size_t sizes[][3] = {{1, 1, 1}, {7, 5, 3}, {33, 65, 17}, {64, 64, 64}, {65, 129, 100}, {130, 31, 257}, {1030, 1100, 70}};
    for (const auto& mnk : sizes)
        for (int form = 0; form < 3; ++form) {
            const std::size_t m = mnk[0], n = mnk[1], k = mnk[2];   // (not a structured binding: INFO captures them)
            const bool ta = form == 1, tb = form == 2;
            const auto a = random_tensor<float, 2>(ta ? std::array{k, m} : std::array{m, k}, g);
            const auto b = random_tensor<float, 2>(tb ? std::array{n, k} : std::array{k, n}, g);
            auto c = random_tensor<float, 2>({m, n}, g);
            auto dc = gpu::to_device(c);
            const auto da = gpu::to_device(a), db = gpu::to_device(b);
            const float alpha = 0.75f, beta = form == 0 ? 0.0f : 0.5f;
            cc::kernels::cpu::gemm<float>(ta, tb, m, n, k, alpha, a.data(), ta ? m : k, b.data(), tb ? k : n, beta, c.data(), n);
            gpu::gemm<float>(ta, tb, m, n, k, alpha, da.data(), ta ? m : k, db.data(), tb ? k : n, beta, dc.data(), n);
            INFO("M N K = ", m, " ", n, " ", k, ", form ", form);
            CHECK(max_abs_diff(gpu::to_host(dc), c) <= 8.0 * double(k) * FLT_EPSILON);
        }
}

TEST_CASE("dense forward and backward on the GPU against the CPU kernels") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng g(3);
    const std::size_t n = 37, in = 83, out = 29;
    const auto x = random_tensor<float, 2>({n, in}, g), w = random_tensor<float, 2>({in, out}, g),
               dy = random_tensor<float, 2>({n, out}, g);
    const auto b = random_tensor<float, 1>({out}, g);
    cc::host_tensor<float, 2> y, dw(w.shape()), dx;
    cc::host_tensor<float, 1> db(b.shape());
    cc::kernels::dense_forward(x, w, &b, y);
    cc::kernels::dense_backward(x, dy, w, dw, &db, &dx);
    const auto gx = gpu::to_device(x), gw = gpu::to_device(w), gdy = gpu::to_device(dy);
    const auto gb = gpu::to_device(b);
    gpu::device_tensor<float, 2> gy, gdw(w.shape()), gdx;
    gpu::device_tensor<float, 1> gdb(b.shape());
    cc::kernels::dense_forward(gx, gw, &gb, gy);
    cc::kernels::dense_backward(gx, gdy, gw, gdw, &gdb, &gdx);
    CHECK(max_abs_diff(gpu::to_host(gy), y) <= 8.0 * in * FLT_EPSILON);
    CHECK(max_abs_diff(gpu::to_host(gdw), dw) <= 8.0 * n * FLT_EPSILON);
    CHECK(max_abs_diff(gpu::to_host(gdb), db) <= 8.0 * n * FLT_EPSILON);
    CHECK(max_abs_diff(gpu::to_host(gdx), dx) <= 8.0 * out * FLT_EPSILON);
}

TEST_CASE("activations forward and backward against the CPU kernels") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng g(4);
    const auto x = random_tensor<float, 3>({5, 7, 301}, g, -4, 4), dy = random_tensor<float, 3>({5, 7, 301}, g);
    const auto gx = gpu::to_device(x), gdy = gpu::to_device(dy);
    cc::host_tensor<float, 3> y, dx;
    gpu::device_tensor<float, 3> gy, gdx;
    // relu is exact; sigmoid and tanh use the GPU's exp/tanh: |Δ| ≤ 4 ε on outputs in (−1, 1).
    cc::kernels::relu_forward(x, y);
    cc::kernels::relu_backward(y, dy, dx);
    cc::kernels::relu_forward(gx, gy);
    cc::kernels::relu_backward(gy, gdy, gdx);
    CHECK(max_abs_diff(gpu::to_host(gy), y) == 0);
    CHECK(max_abs_diff(gpu::to_host(gdx), dx) == 0);
    cc::kernels::sigmoid_forward(x, y);
    cc::kernels::sigmoid_backward(y, dy, dx);
    cc::kernels::sigmoid_forward(gx, gy);
    cc::kernels::sigmoid_backward(gy, gdy, gdx);
    CHECK(max_abs_diff(gpu::to_host(gy), y) <= 4 * FLT_EPSILON);
    CHECK(max_abs_diff(gpu::to_host(gdx), dx) <= 4 * FLT_EPSILON);
    cc::kernels::tanh_forward(x, y);
    cc::kernels::tanh_backward(y, dy, dx);
    cc::kernels::tanh_forward(gx, gy);
    cc::kernels::tanh_backward(gy, gdy, gdx);
    CHECK(max_abs_diff(gpu::to_host(gy), y) <= 4 * FLT_EPSILON);
    CHECK(max_abs_diff(gpu::to_host(gdx), dx) <= 8 * FLT_EPSILON);
}

TEST_CASE("softmax, cross-entropy value and fused gradient against the CPU") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng g(5);
    for (std::size_t cols : {3, 10, 33, 100}) {
        const std::size_t rows = 67;
        const auto z = random_tensor<float, 2>({rows, cols}, g, -5, 5);
        cc::host_tensor<float, 2> t(std::array{rows, cols});
        t.fill(0);
        for (std::size_t r = 0; r < rows; ++r) t(r, g() % cols) = 1;
        cc::host_tensor<float, 2> y;
        cc::kernels::softmax_forward(z, y);
        const float loss = cc::kernels::categorical_crossentropy_value(y, t, 1e-7f);
        const auto gz = gpu::to_device(z), gt = gpu::to_device(t);
        gpu::device_tensor<float, 2> gy, gdz;
        gpu::device_tensor<float, 1> scratch;
        cc::kernels::softmax_forward(gz, gy);
        const float gloss = cc::kernels::categorical_crossentropy_value(gy, gt, 1e-7f, scratch);
        cc::kernels::softmax_crossentropy_gradient(gy, gt, gdz);
        INFO("cols ", cols);
        CHECK(max_abs_diff(gpu::to_host(gy), y) <= 4 * FLT_EPSILON);   // probabilities
        CHECK(std::abs(gloss - loss) <= 1e-5 * std::abs(loss));
        cc::host_tensor<float, 2> dz(y.shape());
        for (std::size_t i = 0; i < y.size(); ++i) dz.data()[i] = (y.data()[i] - t.data()[i]) / float(rows);
        CHECK(max_abs_diff(gpu::to_host(gdz), dz) <= 4 * FLT_EPSILON / rows);
    }
}

TEST_CASE("sgd (momentum, Nesterov, weight decay) and adam/AdamW steps against the CPU optimizers") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng g(6);
    const std::size_t n = 1000 + 7;
    const auto w0 = random_tensor<float, 1>({n}, g);
    // Three steps with different gradients; the optimizers' state carries over.
    std::vector<cc::host_tensor<float, 1>> grads;
    for (int s = 0; s < 3; ++s) grads.push_back(random_tensor<float, 1>({n}, g));

    for (bool nesterov : {false, true}) {
        cc::optimizers::sgd cpu_opt{{.lr = 0.1, .momentum = 0.9, .nesterov = nesterov, .weight_decay = 1e-3}};
        auto w = w0;
        auto gw = gpu::to_device(w0);
        gpu::device_tensor<float, 1> vel = gpu::to_device(cc::host_tensor<float, 1>(cc::backend::cpu::filled<float, 1>({n}, 0.f)));
        for (auto& gr : grads) {
            cpu_opt.begin_step();
            cpu_opt.update(0, w, gr);
            const auto gg = gpu::to_device(gr);
            gpu::sgd_update<float>(n, gw.data(), gg.data(), vel.data(), 0.1f, 0.9f, 1e-3f, nesterov);
        }
        CHECK(max_abs_diff(gpu::to_host(gw), w) <= 4 * FLT_EPSILON);
    }
    cc::optimizers::adam cpu_opt{{.lr = 1e-2, .weight_decay = 1e-2}};
    auto w = w0;
    auto gw = gpu::to_device(w0);
    const auto zeros = cc::backend::cpu::filled<float, 1>({n}, 0.f);
    auto m = gpu::to_device(zeros), v = gpu::to_device(zeros);
    for (std::size_t t = 1; t <= grads.size(); ++t) {
        cpu_opt.begin_step();
        cpu_opt.update(0, w, grads[t - 1]);
        const double lr_t = 1e-2 * std::sqrt(1 - std::pow(0.999, double(t))) / (1 - std::pow(0.9, double(t)));
        const auto gg = gpu::to_device(grads[t - 1]);
        gpu::adam_update<float>(n, gw.data(), gg.data(), m.data(), v.data(), float(lr_t), 0.9f, 0.999f, 1e-7f,
                                float(1 - 1e-2 * 1e-2));
    }
    CHECK(max_abs_diff(gpu::to_host(gw), w) <= 1e-6);
}

TEST_CASE("column sums (bias gradients): tall, wide and tiny matrices against double sums") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng g(21);
    // (rows, cols): many row chunks and a partial 32-column tile; fewer rows than one chunk; one row;
    // a conv layer's bias gradient shape (batch 64, 24x24 pixels, 32 channels).
    for (auto [rows, cols] : {std::pair<std::size_t, std::size_t>{1000, 37}, {3, 70}, {1, 5}, {36864, 32}}) {
        const auto y = random_tensor<float, 2>({rows, cols}, g);
        gpu::device_tensor<float, 1> s;
        cc::kernels::sum_rows(gpu::to_device(y), s);
        const auto h = gpu::to_host(s);
        REQUIRE(h.size() == cols);
        for (std::size_t c = 0; c < cols; ++c) {
            double exact = 0, magnitude = 0;
            for (std::size_t r = 0; r < rows; ++r) {
                exact += double(y(r, c));
                magnitude += std::abs(double(y(r, c)));
            }
            // float partial sums: at most ~(log2 chunks + rows per lane) roundings of values ≤ magnitude.
            CHECK(std::abs(double(h(c)) - exact) <= 2 * FLT_EPSILON * magnitude);
        }
    }
}
