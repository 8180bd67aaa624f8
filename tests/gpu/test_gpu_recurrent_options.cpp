// gru<…, reset_after<false>>, simple_rnn and the recurrent layers without bias on backend::gpu
// (kernels/gpu/recurrent.hpp: the one device driver with the reset-before GRU's and the simple RNN's cell
// kernels) against the same layers on the CPU: identical initial weights from one seed; forward (y) and
// backward (dx and every parameter gradient) on the same random input, odd sizes (batch 3 then 2, 5 time
// steps, 7 features, 6 units), return_sequences both ways, float and double; then a small network
// (simple_rnn → gru reset_after<false> → dense) trained 3 steps on both backends to the same weights.
// Skips where no GPU is present.
// Tolerance, per tensor, as in test_gpu_recurrent.cpp: max |gpu − cpu| ≤ 4·K·T·ε · max |cpu|, T = 5 steps,
// K the longest contraction of the layer's GEMMs: G·U = 18 for the GRUs (dx = dz·Wᵀ; the reset-before
// GRU's other products contract over 2U = 12 and U = 6), 24 for the LSTM, and N·T = 15 for the simple RNN
// (dW = xᵀ·dz, dU over N = 3 per step; its G·U is only 6).
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <utility>

namespace cc = cascade;
namespace L = cc::layers;
namespace gpu = cascade::gpu;

using namespace gpu_test;

namespace {

// max |gpu − cpu| in units of ε · max |cpu| (the tensor's scale).
template <class T, std::size_t R>
double scaled_gap(const cc::host_tensor<T, R>& c, const gpu::device_tensor<T, R>& gd) {
    const auto g = gpu::to_host(gd);
    REQUIRE(g.shape() == c.shape());
    double scale = std::numeric_limits<T>::min(), m = 0;
    for (const T v : c) scale = std::max(scale, double(std::abs(v)));
    for (std::size_t i = 0; i < c.size(); ++i) m = std::max(m, std::abs(double(g.data()[i]) - double(c.data()[i])));
    return m / (scale * std::numeric_limits<T>::epsilon());
}

template <class Tc, class Tg>
void check_each(const Tc& c, const Tg& g, double tol, const char* what) {
    static_assert(std::tuple_size_v<Tc> == std::tuple_size_v<Tg>);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        auto one = [&](const auto& a, const auto& b, std::size_t i) {
            const double d = scaled_gap(a, b);
            INFO(what, " ", i, ": ", d, " eps of the largest value (tolerance ", tol, ")");
            CHECK(d <= tol);
        };
        (one(std::get<I>(c), std::get<I>(g), I), ...);
    }(std::make_index_sequence<std::tuple_size_v<Tc>>{});
}

// One recurrent layer on both backends: the same initial parameters, then twice (batch 3, then 2: buffers
// re-shaped and the backward state reset) forward and backward with dx; y, dx and all grads within tol.
template <class Layer, class T>
void compare_layer(std::size_t contraction) {
    using In = cc::shape<5, 7>;
    using Out = typename Layer::template output_shape<In>;
    cc::rng ec(5), eg(5);
    L::layer_impl<Layer, In, cc::backend::cpu, T> c(ec);
    L::layer_impl<Layer, In, cc::backend::gpu, T> g(eg);
    check_each(c.params(), g.params(), 0, "parameter");   // identical draws
    // Move the parameters off their initial values (zero biases) the same way on both.
    cc::rng pr(9);
    std::apply([&](auto&... pc) {
        std::apply([&](auto&... pg) {
            auto one = [&](auto& hc, auto& dg) {
                for (auto& v : hc) v += T(0.3 * (2 * cc::detail::uniform01(pr) - 1));
                dg = gpu::to_device(hc);
            };
            (one(pc, pg), ...);
        }, g.params());
    }, c.params());

    const double tol = 4.0 * double(contraction) * 5.0;
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
            const double d = scaled_gap(yc, yg);
            INFO("y: ", d, " eps (tolerance ", tol, ")");
            CHECK(d <= tol);
        }
        c.backward(x, yc, dy, &dxc);
        g.backward(xd, yg, dyd, &dxg);
        {
            const double d = scaled_gap(dxc, dxg);
            INFO("dx: ", d, " eps (tolerance ", tol, ")");
            CHECK(d <= tol);
        }
        check_each(c.grads(), g.grads(), tol, "gradient");
    }
}

} // namespace

TEST_CASE_TEMPLATE("gru reset_after<false> on the GPU matches the CPU with and without return_sequences", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    SUBCASE("return_sequences") { compare_layer<L::gru<6, L::reset_after<false>, L::return_sequences>, T>(18); }
    SUBCASE("last state only") { compare_layer<L::gru<6, L::reset_after<false>>, T>(18); }
    SUBCASE("no_bias") { compare_layer<L::gru<6, L::no_bias, L::reset_after<false>>, T>(18); }
}

TEST_CASE_TEMPLATE("simple_rnn on the GPU matches the CPU with and without return_sequences", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    SUBCASE("return_sequences") { compare_layer<L::simple_rnn<6, L::return_sequences>, T>(15); }
    SUBCASE("last state only") { compare_layer<L::simple_rnn<6>, T>(15); }
    SUBCASE("no_bias") { compare_layer<L::simple_rnn<6, L::no_bias, L::return_sequences>, T>(15); }
}

TEST_CASE_TEMPLATE("lstm and gru (reset_after) without bias on the GPU match the CPU", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    SUBCASE("lstm") { compare_layer<L::lstm<6, L::no_bias, L::return_sequences>, T>(24); }
    SUBCASE("gru") { compare_layer<L::gru<6, L::no_bias>, T>(18); }
}

TEST_CASE("a simple_rnn → gru reset_after<false> network trains to the same weights on the CPU and the GPU") {
    REQUIRE_GPU_OR_SKIP();
    using model = cc::net::sequential<cc::shape<5, 7>, L::simple_rnn<6, L::return_sequences>,
                                      L::gru<5, L::reset_after<false>>, L::dense<3>>;
    model::on<cc::backend::cpu, float> c{17};
    model::on<cc::backend::gpu, float> g{17};
    CHECK(max_param_difference(c, g) == 0);

    cc::rng r(4);
    const auto x = random_tensor<float>(std::array<std::size_t, 3>{6, 5, 7}, r);
    const auto t = random_tensor<float>(std::array<std::size_t, 2>{6, 3}, r);
    const auto xd = gpu::to_device(x);
    const auto td = gpu::to_device(t);
    cc::optimizers::adam oc, og;
    for (int s = 0; s < 3; ++s) {
        const float lc = cc::train::step(c, cc::losses::mse{}, oc, x, t);
        const float lg = cc::train::step(g, cc::losses::mse{}, og, xd, td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    CHECK(max_param_difference(c, g) < 1e-5);
    const std::size_t before = gpu::allocations();   // no device allocation in steady-state steps
    for (int s = 0; s < 2; ++s) cc::train::step(g, cc::losses::mse{}, og, xd, td);
    CHECK(gpu::allocations() == before);
}
