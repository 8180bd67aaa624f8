// bidirectional<Layer, merge::…> on backend::gpu (layers/bidirectional.hpp: the same code on the device
// kernels — time reversal as slice copies, copy_columns, add_scaled, multiply — around the device
// recurrent driver) against the CPU: identical initial weights from one seed; forward (y) and backward
// (dx and every parameter gradient of both copies) on the same random input, odd sizes (batch 3 then 2,
// 5 time steps, 7 features, 6 units), every merge mode, return_sequences both ways, lstm / gru / gru
// reset_after<false> / simple_rnn inside, float and double; then a bidirectional network trained 3 steps on
// both backends to the same weights. Masking (kernels/gpu/recurrent.hpp: the step mask, the carried state,
// the pass-through gradient): masked lstm / gru (both forms) / simple_rnn, with zero_output_for_mask,
// masked bidirectional and the masking layer on padded input (padding at the end, in the middle, at the
// start; a sample may be all padding), and a masked network trained on both backends. Skips where no GPU
// is present.
// Tolerance, per tensor, as in test_gpu_recurrent_options.cpp: max |gpu − cpu| ≤ 4·K·T·ε · max |cpu|,
// T = 5, K the inner layer's longest contraction (24 LSTM, 18 GRU, 15 simple RNN); the merges add one
// rounding (sum, ave, mul) and dx one sum of the two directions.
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
        [[maybe_unused]] auto one = [&](const auto& a, const auto& b, std::size_t i) {
            const double d = scaled_gap(a, b);
            INFO(what, " ", i, ": ", d, " eps of the largest value (tolerance ", tol, ")");
            CHECK(d <= tol);
        };
        (one(std::get<I>(c), std::get<I>(g), I), ...);
    }(std::make_index_sequence<std::tuple_size_v<Tc>>{});
}

// Padding by sample s of a batch (5 steps): s = 0 none, 1 the last two, 2 steps 1 and 3, 3 the first one.
template <class T>
void pad(cc::host_tensor<T, 3>& x) {
    for (std::size_t s = 0; s < x.shape()[0]; ++s)
        for (std::size_t t = 0; t < x.shape()[1]; ++t) {
            const bool padded = (s % 4 == 1 && t >= 3) || (s % 4 == 2 && (t == 1 || t == 3)) || (s % 4 == 3 && t == 0);
            if (padded)
                for (std::size_t j = 0; j < x.shape()[2]; ++j) x(s, t, j) = T(0);
        }
}

template <class Layer, class T>
void compare_layer(std::size_t contraction, bool padded = false) {
    using In = cc::shape<5, 7>;
    using Out = typename Layer::template output_shape<In>;
    cc::rng ec(5), eg(5);
    L::layer_impl<Layer, In, cc::backend::cpu, T> c(ec);
    L::layer_impl<Layer, In, cc::backend::gpu, T> g(eg);
    check_each(c.params(), g.params(), 0, "parameter");   // identical draws
    cc::rng pr(9);
    std::apply([&](auto&... pc) {
        std::apply([&](auto&... pg) {
            [[maybe_unused]] auto one = [&](auto& hc, auto& dg) {   // (masking has no parameters)
                for (auto& v : hc) v += T(0.3 * (2 * cc::detail::uniform01(pr) - 1));
                dg = gpu::to_device(hc);
            };
            (one(pc, pg), ...);
        }, g.params());
    }, c.params());

    const double tol = 4.0 * double(contraction) * 5.0;
    cc::rng r(1);
    for (const std::size_t batch : {std::size_t(4), std::size_t(3)}) {
        CAPTURE(batch);
        auto x = random_tensor<T>(cc::batch_shape<In>(batch), r);
        if (padded) pad(x);
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

template <class Inner, class T>
void every_merge(std::size_t contraction) {
    SUBCASE("concat") { compare_layer<L::bidirectional<Inner>, T>(contraction); }
    SUBCASE("sum") { compare_layer<L::bidirectional<Inner, L::merge::sum>, T>(contraction); }
    SUBCASE("mul") { compare_layer<L::bidirectional<Inner, L::merge::mul>, T>(contraction); }
    SUBCASE("ave") { compare_layer<L::bidirectional<Inner, L::merge::ave>, T>(contraction); }
}

} // namespace

TEST_CASE_TEMPLATE("bidirectional lstm on the GPU matches the CPU, every merge mode", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    SUBCASE("return_sequences") { every_merge<L::lstm<6, L::return_sequences>, T>(24); }
    SUBCASE("last state only") { every_merge<L::lstm<6>, T>(24); }
}

TEST_CASE_TEMPLATE("bidirectional gru / simple_rnn on the GPU match the CPU", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    SUBCASE("gru, return_sequences") { every_merge<L::gru<6, L::return_sequences>, T>(18); }
    SUBCASE("gru") { every_merge<L::gru<6>, T>(18); }
    SUBCASE("gru reset_after<false>") { compare_layer<L::bidirectional<L::gru<6, L::reset_after<false>>, L::merge::sum>, T>(18); }
    SUBCASE("simple_rnn") { compare_layer<L::bidirectional<L::simple_rnn<6, L::return_sequences>, L::merge::mul>, T>(15); }
}

TEST_CASE("a bidirectional lstm → bidirectional gru network trains to the same weights on the CPU and the GPU") {
    REQUIRE_GPU_OR_SKIP();
    using model = cc::net::sequential<cc::shape<5, 7>, L::bidirectional<L::lstm<6, L::return_sequences>>,
                                      L::bidirectional<L::gru<5>, L::merge::ave>, L::dense<3>>;
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

TEST_CASE_TEMPLATE("masked recurrent layers, masked bidirectional and masking on the GPU match the CPU", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    using rs = L::return_sequences;
    using m0 = L::mask_value<0>;
    SUBCASE("lstm") { compare_layer<L::lstm<6, m0, rs>, T>(24, true); }
    SUBCASE("lstm, last state") { compare_layer<L::lstm<6, m0>, T>(24, true); }
    SUBCASE("lstm, zero_output_for_mask") { compare_layer<L::lstm<6, m0, rs, L::zero_output_for_mask>, T>(24, true); }
    SUBCASE("gru") { compare_layer<L::gru<6, m0, rs>, T>(18, true); }
    SUBCASE("gru, last state") { compare_layer<L::gru<6, m0>, T>(18, true); }
    SUBCASE("gru reset_after<false>") { compare_layer<L::gru<6, L::reset_after<false>, m0, rs>, T>(18, true); }
    SUBCASE("simple_rnn") { compare_layer<L::simple_rnn<6, m0, rs>, T>(15, true); }
    SUBCASE("bidirectional lstm, concat") { compare_layer<L::bidirectional<L::lstm<6, m0, rs>>, T>(24, true); }
    SUBCASE("bidirectional gru, mul") { compare_layer<L::bidirectional<L::gru<6, m0, rs>, L::merge::mul>, T>(18, true); }
    SUBCASE("bidirectional gru, last state, sum") { compare_layer<L::bidirectional<L::gru<6, m0>, L::merge::sum>, T>(18, true); }
    SUBCASE("masking") { compare_layer<L::masking<0>, T>(1, true); }
}

TEST_CASE("a masked network (masking → bidirectional lstm → gru) trains to the same weights on the CPU and the GPU") {
    REQUIRE_GPU_OR_SKIP();
    using m0 = L::mask_value<0>;
    using model = cc::net::sequential<cc::shape<5, 7>, L::masking<0>,
                                      L::bidirectional<L::lstm<6, m0, L::return_sequences>>, L::gru<5, m0>, L::dense<3>>;
    model::on<cc::backend::cpu, float> c{17};
    model::on<cc::backend::gpu, float> g{17};
    CHECK(max_param_difference(c, g) == 0);
    cc::rng r(4);
    auto x = random_tensor<float>(std::array<std::size_t, 3>{6, 5, 7}, r);
    pad(x);
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
    const std::size_t before = gpu::allocations();
    for (int s = 0; s < 2; ++s) cc::train::step(g, cc::losses::mse{}, og, xd, td);
    CHECK(gpu::allocations() == before);
}
