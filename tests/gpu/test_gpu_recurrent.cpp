// lstm, gru and time_distributed on backend::gpu (kernels/gpu/recurrent.hpp, kernels/gpu/fold.hpp) against
// the same layers on the CPU: identical initial weights from one seed; forward (y) and backward (dx, dW,
// dU, db) on the same random input with odd sizes (batch 3 then 2, 5 time steps, 7 features, 6 units),
// return_sequences both ways, float and double; then a small network (lstm → time_distributed(dense) →
// tanh → gru → dense) trained 3 steps on both backends to the same weights. Skips where no GPU is present.
// Tolerance, per tensor: max |gpu − cpu| ≤ 4·K·T·ε · max |cpu|, K = G·U = 24 (LSTM) or 18 (GRU) the
// longest contraction of the GEMMs (dh = dz·Uᵀ, dx = dz·Wᵀ; the others are ≤ 15 = N·T or 7 = C), T = 5
// steps. A GEMM in another summation order differs by ≤ K·ε·Σ|a·b| (Higham's γ_K bound; Σ|a·b| is of the
// order of the tensor's scale for inputs in [−1, 1]); the recurrence feeds each step's rounding into the
// next (h_{t−1}·U forward, dz_{t+1}·Uᵀ backward; U orthogonal, σ' ≤ 1/4 and tanh' ≤ 1, so errors add up
// rather than grow), hence the factor T; the factor 4 covers the element-wise parts (device exp/tanh
// within ~1-2 ulps of xsimd's, FMA contraction). Float: 5.7e-5 (LSTM) of the tensor's largest value;
// double: 1.1e-13.
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
namespace gpu = cascade::gpu;

using namespace gpu_test;

namespace {

// max |gpu − cpu| in units of ε · max |cpu| (the tensor's scale).
template <class T, std::size_t R>
double scaled_difference(const cc::host_tensor<T, R>& c, const gpu::device_tensor<T, R>& gd) {
    const auto g = gpu::to_host(gd);
    REQUIRE(g.shape() == c.shape());
    double scale = std::numeric_limits<T>::min(), m = 0;
    for (const T v : c) scale = std::max(scale, double(std::abs(v)));
    for (std::size_t i = 0; i < c.size(); ++i) m = std::max(m, std::abs(double(g.data()[i]) - double(c.data()[i])));
    return m / (scale * std::numeric_limits<T>::epsilon());
}

template <class Tc, class Tg, std::size_t... I>
void check_all(const Tc& c, const Tg& g, double tol, const char* const* names, std::index_sequence<I...>) {
    auto one = [&](const auto& a, const auto& b, const char* name) {
        const double d = scaled_difference(a, b);
        INFO(std::string(name), ": ", d, " eps of the largest value (tolerance ", tol, ")");
        CHECK(d <= tol);
    };
    (one(std::get<I>(c), std::get<I>(g), names[I]), ...);
}

// One recurrent layer on both backends: the same initial parameters, then twice (batch 3, then 2: buffers
// re-shaped and the backward state reset) forward and backward with dx; y, dx, dW, dU, db within tol.
template <class Layer, class T>
void compare_recurrent(std::size_t gates) {
    using In = cc::shape<5, 7>;
    using Out = typename Layer::template output_shape<In>;
    cc::rng ec(3), eg(3);
    L::layer_impl<Layer, In, cc::backend::cpu, T> c(ec);
    L::layer_impl<Layer, In, cc::backend::gpu, T> g(eg);
    static const char* const params[] = {"W", "U", "b"};
    static const char* const grads[] = {"dW", "dU", "db"};
    check_all(c.params(), g.params(), 0, params, std::make_index_sequence<3>{});   // identical draws

    const double tol = 4.0 * double(gates * 6) * 5.0;
    cc::rng r(1);
    for (const std::size_t batch : {std::size_t(3), std::size_t(2)}) {
        CAPTURE(batch);
        const auto x = random_tensor<T>(cc::batch_shape<In>(batch), r);
        const auto dy = random_tensor<T>(cc::batch_shape<Out>(batch), r);
        const auto xd = gpu::to_device(x);
        const auto dyd = gpu::to_device(dy);
        cc::host_tensor<T, Out::rank + 1> yc;
        cc::host_tensor<T, 3> dxc;
        gpu::device_tensor<T, Out::rank + 1> yg;
        gpu::device_tensor<T, 3> dxg;
        c.forward(x, yc, cc::mode::train);
        g.forward(xd, yg, cc::mode::train);
        {
            const double d = scaled_difference(yc, yg);
            INFO("y: ", d, " eps (tolerance ", tol, ")");
            CHECK(d <= tol);
        }
        c.backward(x, yc, dy, &dxc);
        g.backward(xd, yg, dyd, &dxg);
        {
            const double d = scaled_difference(dxc, dxg);
            INFO("dx: ", d, " eps (tolerance ", tol, ")");
            CHECK(d <= tol);
        }
        check_all(c.grads(), g.grads(), tol, grads, std::make_index_sequence<3>{});
    }
}

} // namespace

TEST_CASE_TEMPLATE("lstm forward and backward on the GPU match the CPU with and without return_sequences", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    SUBCASE("return_sequences") { compare_recurrent<L::lstm<6, L::return_sequences>, T>(4); }
    SUBCASE("last state only") { compare_recurrent<L::lstm<6>, T>(4); }
}

TEST_CASE_TEMPLATE("gru forward and backward on the GPU match the CPU with and without return_sequences", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    SUBCASE("return_sequences") { compare_recurrent<L::gru<6, L::return_sequences>, T>(3); }
    SUBCASE("last state only") { compare_recurrent<L::gru<6>, T>(3); }
}

TEST_CASE_TEMPLATE("a recurrent network with time_distributed trains to the same weights on the CPU and the GPU", Opt,
                   cc::optimizers::sgd, cc::optimizers::adam) {
    REQUIRE_GPU_OR_SKIP();
    using model = cc::net::sequential<cc::shape<5, 7>, L::lstm<6, L::return_sequences>, L::time_distributed<L::dense<4>>, L::tanh,
                                      L::gru<5>, L::dense<3>>;
    model::on<cc::backend::cpu, float> c{13};
    model::on<cc::backend::gpu, float> g{13};
    CHECK(max_param_difference(c, g) == 0);   // the same draws (orthogonal U, unit forget bias), staged

    cc::rng r(4);
    const auto x = random_tensor<float>(std::array<std::size_t, 3>{6, 5, 7}, r);
    const auto t = random_tensor<float>(std::array<std::size_t, 2>{6, 3}, r);
    const auto xd = gpu::to_device(x);
    const auto td = gpu::to_device(t);
    Opt oc, og;
    if constexpr (std::is_same_v<Opt, cc::optimizers::sgd>) oc.opt = og.opt = {.lr = 0.1, .momentum = 0.9};
    for (int s = 0; s < 3; ++s) {
        const float lc = cc::train::step(c, cc::losses::mse{}, oc, x, t);
        const float lg = cc::train::step(g, cc::losses::mse{}, og, xd, td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    // Parameters are O(1) and each step moves them by ≤ lr; the gradients agree to ~1e-6 (the layer
    // tolerances above are bounds, the observed differences a few ε), so 3 steps stay within 1e-5.
    CHECK(max_param_difference(c, g) < 1e-5);
    // No device allocation in steady-state steps.
    const std::size_t before = gpu::allocations();
    for (int s = 0; s < 2; ++s) cc::train::step(g, cc::losses::mse{}, og, xd, td);
    CHECK(gpu::allocations() == before);
}
