// The Keras 3 defaults and their PyTorch / legacy options on the GPU (issue 12, item 7): adagrad with ε inside
// the root (default) and outside (epsilon_outside_root), batch_norm's moving variance from the biased batch
// variance (default) and the unbiased one (unbiased_moving_variance), each against the CPU path, float and
// double. The CPU paths are checked against hand computations in tests/optim/test_keras3_formulas.cpp; here
// each comparison also checks that the two variants differ by far more than the tolerance, so a GPU path
// that ignored the option would fail. Skips where no GPU is present.
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
namespace gpu = cascade::gpu;
namespace opt = cascade::optimizers;

using namespace gpu_test;

namespace {

// Relative tolerance on max |gpu − cpu| / max |cpu|: double 1e-12; float 4 ulps (the formula and its
// order of operations are the CPU's; a device compiler may contract a multiply-add differently).
template <class T>
double tolerance() {
    return std::is_same_v<T, double> ? 1e-12 : 4 * double(std::numeric_limits<float>::epsilon());
}

template <class T, std::size_t R>
double max_abs(const cc::host_tensor<T, R>& t) {
    double m = 0;
    for (const T v : t) m = std::max(m, std::abs(double(v)));
    return m;
}

// `steps` adagrad updates of the same weights and gradients on both backends; returns the CPU weights.
// Gradients are small (|g| < 0.05) and a₀ = 0, so that ε = 1e-3 matters against √a.
template <class T>
cc::host_tensor<T, 1> compare_adagrad(const opt::adagrad_options& o, int steps = 4) {
    cc::rng r(7);
    const std::size_t n = 1001;   // odd: a partial last block
    auto wc = random_tensor<T, 1>({n}, r);
    auto wg = gpu::to_device(wc);
    opt::adagrad oc{o}, og{o};
    for (int s = 0; s < steps; ++s) {
        CAPTURE(s);
        const auto g = random_tensor<T, 1>({n}, r, -0.05, 0.05);
        const auto gd = gpu::to_device(g);
        oc.begin_step();
        oc.update(0, wc, g);
        og.begin_step();
        og.update(0, wg, gd);
        CHECK(max_abs_diff(gpu::to_host(wg), wc) <= tolerance<T>() * max_abs(wc));
    }
    return wc;
}

template <class T>
void adagrad_both() {
    const opt::adagrad_options keras3{.lr = 0.1, .initial_accumulator_value = 0.0, .epsilon = 1e-3};
    opt::adagrad_options legacy = keras3;
    legacy.epsilon_outside_root = true;
    const auto a = compare_adagrad<T>(keras3);
    const auto b = compare_adagrad<T>(legacy);
    // The variants are far apart: a GPU kernel that ignored the option would fail one of the comparisons.
    CHECK(max_abs_diff(a, b) > 100 * tolerance<T>() * max_abs(a));
}

// One training forward of Layer on both backends on the same batch (N = 5, odd); the moving statistics
// and the output agree; returns the CPU moving variance.
template <class Layer, class In, class T>
cc::host_tensor<T, 1> compare_batch_norm(std::size_t n = 5) {
    cc::rng gc(1), gg(1), r(3);
    cc::layers::layer_impl<Layer, In, cc::backend::cpu, T> c(gc);
    cc::layers::layer_impl<Layer, In, cc::backend::gpu, T> g(gg);
    const auto x = random_tensor<T>(cc::batch_shape<In>(n), r, -2, 3);
    cc::host_tensor<T, In::rank + 1> yc;
    gpu::device_tensor<T, In::rank + 1> yg;
    c.forward(x, yc, cc::mode::train);
    g.forward(gpu::to_device(x), yg, cc::mode::train);
    CHECK(max_abs_diff(gpu::to_host(yg), yc) <= 8 * tolerance<T>() * max_abs(yc));
    CHECK(max_abs_diff(gpu::to_host(g.moving_mean), c.moving_mean) <= tolerance<T>() * max_abs(c.moving_mean));
    CHECK(max_abs_diff(gpu::to_host(g.moving_var), c.moving_var) <= tolerance<T>() * max_abs(c.moving_var));
    return c.moving_var;
}

template <class T>
void batch_norm_both() {
    {
        INFO("dense features, Keras defaults: N = 5 rows per channel");
        const auto a = compare_batch_norm<L::batch_norm<>, cc::shape<7>, T>();
        const auto b = compare_batch_norm<L::batch_norm<L::unbiased_moving_variance>, cc::shape<7>, T>();
        CHECK(max_abs_diff(a, b) > 100 * tolerance<T>() * max_abs(a));
    }
    {
        INFO("images, PyTorch's momentum and ε: 5 · 3 · 2 rows per channel");
        using In = cc::shape<3, 2, 4>;
        const auto a = compare_batch_norm<L::batch_norm<L::momentum<9, 10>, L::epsilon<1, 100000>>, In, T>();
        const auto b =
            compare_batch_norm<L::batch_norm<L::momentum<9, 10>, L::epsilon<1, 100000>, L::unbiased_moving_variance>, In, T>();
        CHECK(max_abs_diff(a, b) > 100 * tolerance<T>() * max_abs(a));
    }
}

} // namespace

TEST_CASE_TEMPLATE("gpu keras3: adagrad with ε inside the root (default) and outside (epsilon_outside_root) as on the CPU", T,
                   float, double) {
    REQUIRE_GPU_OR_SKIP();
    adagrad_both<T>();
}

TEST_CASE_TEMPLATE("gpu keras3: batch_norm moving variance biased (default) and unbiased (option) as on the CPU", T, float,
                   double) {
    REQUIRE_GPU_OR_SKIP();
    batch_norm_both<T>();
}
