// Finite-difference gradient checks (double) of lstm, gru, time_distributed and maxout: the input
// gradient and every parameter's, both return_sequences modes, odd sizes.
#include <cascade/backend/cpu.hpp>
#include <cascade/layers/activations.hpp>
#include <cascade/layers/batch_norm.hpp>
#include <cascade/layers/conv2d.hpp>
#include <cascade/layers/dense.hpp>
#include <cascade/layers/gru.hpp>
#include <cascade/layers/lstm.hpp>
#include <cascade/layers/maxout.hpp>
#include <cascade/layers/time_distributed.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

namespace {

template <class L_, class In>
cc::testing::grad_check_result check(std::size_t batch = 3, unsigned seed = 1) {
    using Out = L::output_shape_of<L_, In>;
    cc::rng g(seed);
    L::layer_impl<L_, In, cpu, double> l(g);
    // Perturb parameters away from their initial values (biases start at zero or one).
    std::apply([&](auto&... p) {
        ((std::for_each(p.begin(), p.end(), [&](double& v) { v += 0.3 * (2 * cc::detail::uniform01(g) - 1); })), ...);
    }, l.params());
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(batch));
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    return cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
}

constexpr double tol = 1e-6;

} // namespace

TEST_CASE_TEMPLATE("lstm gradients", L_, L::lstm<4>, L::lstm<4, L::return_sequences>, L::lstm<5, L::return_sequences>, L::lstm<3>) {
    const auto a = check<L_, shape<3, 3>>();
    CHECK(a.input < tol);
    CHECK(a.params < tol);
    const auto b = check<L_, shape<5, 3>>(2, 2);
    CHECK(b.input < tol);
    CHECK(b.params < tol);
}

TEST_CASE("lstm gradients, one step and a batch of one") {
    const auto a = check<L::lstm<4, L::return_sequences>, shape<1, 3>>(1);
    CHECK(a.input < tol);
    CHECK(a.params < tol);
    const auto b = check<L::lstm<6>, shape<4, 1>>(1);
    CHECK(b.input < tol);
    CHECK(b.params < tol);
}

TEST_CASE_TEMPLATE("gru gradients", L_, L::gru<4>, L::gru<4, L::return_sequences>, L::gru<5, L::return_sequences>, L::gru<3>) {
    const auto a = check<L_, shape<3, 3>>();
    CHECK(a.input < tol);
    CHECK(a.params < tol);
    const auto b = check<L_, shape<5, 3>>(2, 2);
    CHECK(b.input < tol);
    CHECK(b.params < tol);
}

TEST_CASE("gru gradients, one step and a batch of one") {
    const auto a = check<L::gru<4, L::return_sequences>, shape<1, 3>>(1);
    CHECK(a.input < tol);
    CHECK(a.params < tol);
    const auto b = check<L::gru<6>, shape<4, 1>>(1);
    CHECK(b.input < tol);
    CHECK(b.params < tol);
}

TEST_CASE_TEMPLATE("maxout gradients", L_, L::maxout<4, 3>, L::maxout<5, 2>, L::maxout<3, 1>,
                   L::maxout<2, 4, L::kernel_init<cc::init::he_normal>, L::no_bias>) {
    const auto r = check<L_, shape<7>>();
    CHECK(r.input < tol);
    CHECK(r.params < tol);
}

TEST_CASE("time_distributed gradients") {
    const auto dense = check<L::time_distributed<L::dense<3>>, shape<4, 5>>();
    CHECK(dense.input < tol);
    CHECK(dense.params < tol);
    const auto mo = check<L::time_distributed<L::maxout<3, 2>>, shape<3, 5>>();
    CHECK(mo.input < tol);
    CHECK(mo.params < tol);
    // An inner layer that differentiates through its output (y is copied back for its backward).
    const auto sig = check<L::time_distributed<L::sigmoid>, shape<3, 4>>();
    CHECK(sig.input < tol);
    const auto conv = check<L::time_distributed<L::conv2d<2, L::kernel<3>>>, shape<3, 5, 4, 2>>(2);
    CHECK(conv.input < tol);
    CHECK(conv.params < tol);
    // A layer with buffers (batch statistics over the N·T folded samples): time_distributed exposes them.
    static_assert(L::has_buffers<L::layer_impl<L::time_distributed<L::batch_norm<>>, shape<3, 4>, cpu, double>>);
    static_assert(!L::has_buffers<L::layer_impl<L::time_distributed<L::dense<2>>, shape<3, 4>, cpu, double>>);
    const auto bn = check<L::time_distributed<L::batch_norm<>>, shape<3, 4>>(3);
    CHECK(bn.input < tol);
    CHECK(bn.params < tol);
    // A recurrent layer over each of several sequences: (N, 2, T, C).
    const auto rnn = check<L::time_distributed<L::lstm<3, L::return_sequences>>, shape<2, 4, 3>>(2);
    CHECK(rnn.input < tol);
    CHECK(rnn.params < tol);
}
