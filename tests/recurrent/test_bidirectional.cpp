// bidirectional<Layer, merge::…>: compile-time shapes and option rules; forward against the inner layer
// run by hand (a forward copy on x, a backward copy on the time-reversed x, with the wrapper's own
// parameters, merged here as Keras does); finite-difference gradient checks in double for every merge
// mode, both return_sequences settings, lstm and gru (and gru reset_after<false>, simple_rnn) inside,
// T = 5, C = 3, Units = 4, batch 3; parameter order and count; a small learning task.
#include <cascade/cascade.hpp>
#include <cascade/layers/bidirectional.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

namespace {

// ---- compile time ----------------------------------------------------------------------------------
using seq_in = shape<5, 3>;
static_assert(std::is_same_v<L::output_shape_of<L::bidirectional<L::lstm<4>>, seq_in>, shape<8>>);
static_assert(std::is_same_v<L::output_shape_of<L::bidirectional<L::lstm<4, L::return_sequences>>, seq_in>, shape<5, 8>>);
static_assert(std::is_same_v<L::output_shape_of<L::bidirectional<L::gru<4>, L::merge::sum>, seq_in>, shape<4>>);
static_assert(std::is_same_v<L::output_shape_of<L::bidirectional<L::gru<4, L::return_sequences>, L::merge::mul>, seq_in>,
                             shape<5, 4>>);
static_assert(std::is_same_v<L::output_shape_of<L::bidirectional<L::simple_rnn<4>, L::merge::ave>, seq_in>, shape<4>>);
static_assert(std::is_same_v<L::output_shape_of<L::bidirectional<L::lstm<4>, L::merge::concat>, seq_in>, shape<8>>);
static_assert(L::bidirectional<L::lstm<4>>::merge == L::merge_kind::concat);
static_assert(L::bidirectional<L::gru<4, L::mask_value<0>>, L::merge::ave>::accepts<seq_in>);
// Rejected: a layer that is not recurrent, a merge mode given twice, an option bidirectional does not
// take (the recurrent options go on the layer), an input without a time axis, a bad inner option.
static_assert(!L::bidirectional<L::dense<4>>::accepts<seq_in>);
static_assert(!L::bidirectional<L::lstm<4>, L::merge::sum, L::merge::mul>::accepts<seq_in>);
static_assert(!L::bidirectional<L::lstm<4>, L::return_sequences>::accepts<seq_in>);
static_assert(!L::bidirectional<L::lstm<4>>::accepts<shape<8>>);
static_assert(!L::bidirectional<L::lstm<4, L::reset_after<false>>>::accepts<seq_in>);
static_assert(cc::net::sequential<seq_in, L::bidirectional<L::lstm<4, L::return_sequences>>,
                                  L::bidirectional<L::gru<3>, L::merge::sum>, L::dense<2>>::valid);

template <class T, std::size_t R>
cc::host_tensor<T, R> random_tensor(const std::array<std::size_t, R>& s, cc::rng& g) {
    cc::host_tensor<T, R> x(s);
    for (auto& v : x) v = T(2 * cc::detail::uniform01(g) - 1);
    return x;
}
template <class I>
void perturb(I& l, cc::rng& g, double amount = 0.3) {
    std::apply([&](auto&... p) {
        ((std::for_each(p.begin(), p.end(), [&](auto& v) { v += decltype(+v)(amount * (2 * cc::detail::uniform01(g) - 1)); })), ...);
    }, l.params());
}
// dst's parameters = the tensors of src's params() from index Offset on.
template <std::size_t Offset, class Src, class Dst>
void copy_params(Src& src, Dst& dst) {
    auto s = src.params();
    auto d = dst.params();
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ((std::get<K>(d) = std::get<Offset + K>(s)), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(d)>>{});
}

template <class T>
cc::host_tensor<T, 3> reversed(const cc::host_tensor<T, 3>& x) {
    cc::host_tensor<T, 3> r(x.shape());
    const std::size_t n = x.shape()[0], steps = x.shape()[1], c = x.shape()[2];
    for (std::size_t s = 0; s < n; ++s)
        for (std::size_t t = 0; t < steps; ++t)
            for (std::size_t j = 0; j < c; ++j) r(s, t, j) = x(s, steps - 1 - t, j);
    return r;
}

// The wrapper's forward against its inner layer run by hand (Keras' Bidirectional.call).
template <class Layer, class Merge>
void check_forward_by_hand() {
    constexpr std::size_t N = 3, S = 5, C = 3;
    using in = shape<S, C>;
    using bi = L::bidirectional<Layer, Merge>;
    constexpr bool seq = Layer::spec::sequences;
    cc::rng g(11);
    L::layer_impl<bi, in, cpu, double> b(g);
    perturb(b, g);
    L::layer_impl<Layer, in, cpu, double> f(g), r(g);
    copy_params<0>(b, f);
    copy_params<std::tuple_size_v<decltype(f.params())>>(b, r);
    const auto x = random_tensor<double, 3>({N, S, C}, g);
    cc::host_tensor<double, seq ? 3 : 2> yf, yr, y;
    f.forward(x, yf, cc::mode::infer);
    r.forward(reversed(x), yr, cc::mode::infer);
    if constexpr (seq) yr = reversed(yr);   // Keras: y_rev = flip(y_rev, axis=1)
    b.forward(x, y, cc::mode::infer);
    const std::size_t U = yf.shape()[yf.dimension() - 1], rows = yf.size() / U;
    REQUIRE(y.size() == rows * (std::is_same_v<Merge, L::merge::concat> ? 2 * U : U));
    double worst = 0;
    for (std::size_t k = 0; k < rows; ++k)
        for (std::size_t j = 0; j < U; ++j) {
            const double a = yf.data()[k * U + j], c = yr.data()[k * U + j];
            if constexpr (std::is_same_v<Merge, L::merge::concat>) {
                worst = std::max(worst, std::abs(y.data()[k * 2 * U + j] - a));
                worst = std::max(worst, std::abs(y.data()[k * 2 * U + U + j] - c));
            } else {
                const double e = std::is_same_v<Merge, L::merge::sum> ? a + c
                                 : std::is_same_v<Merge, L::merge::mul> ? a * c
                                                                        : (a + c) / 2;
                worst = std::max(worst, std::abs(y.data()[k * U + j] - e));
            }
        }
    CHECK(worst < 1e-14);
}

template <class Layer, class Merge>
void check_gradients() {
    constexpr std::size_t N = 3, S = 5, C = 3;
    using in = shape<S, C>;
    using bi = L::bidirectional<Layer, Merge>;
    using out = L::output_shape_of<bi, in>;
    cc::rng g(5);
    L::layer_impl<bi, in, cpu, double> b(g);
    perturb(b, g);
    const auto x = random_tensor<double, 3>({N, S, C}, g);
    const auto res = cc::testing::check_gradients<cc::host_tensor<double, out::rank + 1>>(b, x);
    CHECK(res.input < 1e-6);
    CHECK(res.params < 1e-6);
}

template <class Layer>
void for_each_merge() {
    check_forward_by_hand<Layer, L::merge::concat>();
    check_forward_by_hand<Layer, L::merge::sum>();
    check_forward_by_hand<Layer, L::merge::mul>();
    check_forward_by_hand<Layer, L::merge::ave>();
    check_gradients<Layer, L::merge::concat>();
    check_gradients<Layer, L::merge::sum>();
    check_gradients<Layer, L::merge::mul>();
    check_gradients<Layer, L::merge::ave>();
}

} // namespace

TEST_CASE_TEMPLATE("bidirectional: forward = the inner layer by hand on x and on reversed x - gradients in double", Layer,
                   L::lstm<4>, L::lstm<4, L::return_sequences>, L::gru<4>, L::gru<4, L::return_sequences>,
                   L::gru<4, L::reset_after<false>, L::return_sequences>, L::simple_rnn<4, L::no_bias>) {
    for_each_merge<Layer>();
}

TEST_CASE("bidirectional: parameters are the forward copy's then the backward copy's, each initialised on its own") {
    using bi = L::bidirectional<L::lstm<4>>;
    cc::rng g(1);
    L::layer_impl<bi, shape<5, 3>, cpu, double> b(g);
    auto p = b.params();
    static_assert(std::tuple_size_v<decltype(p)> == 6);
    CHECK(std::get<0>(p).shape() == std::get<3>(p).shape());   // W (C, 4U)
    CHECK(std::get<1>(p).shape() == std::get<4>(p).shape());   // U (U, 4U)
    CHECK(std::get<0>(p).shape()[0] == 3);
    CHECK(std::get<0>(p).shape()[1] == 16);
    CHECK(std::get<0>(p) != std::get<3>(p));                    // two draws of glorot_uniform
    CHECK(std::get<2>(p) == std::get<5>(p));                    // both biases: zeros, forget block 1
    cc::net::sequential<shape<5, 3>, bi>::on<cpu, float> net{1};
    CHECK(cc::count_params(net).trainable == 2 * 4 * (3 * 4 + 4 * 4 + 4));   // Keras: Bidirectional(LSTM(4)), 3 features
}

TEST_CASE("bidirectional: a bidirectional gru network learns which half of a sequence holds the larger sum") {
    // Needs both directions cheaply: target = Σ x[0..2] − Σ x[S−3..S−1] (the start and the end of the sequence).
    constexpr std::size_t N = 64, S = 7;
    using model = cc::net::sequential<shape<S, 1>, L::bidirectional<L::gru<8>>, L::dense<1>>;
    model::on<cpu, float> net{7};
    cc::rng g(8);
    auto make = [&](cc::host_tensor<float, 3>& x, cc::host_tensor<float, 2>& t) {
        x = random_tensor<float, 3>({N, S, 1}, g);
        t.resize({N, 1});
        for (std::size_t s = 0; s < N; ++s) t(s, 0) = (x(s, 0, 0) + x(s, 1, 0) + x(s, 2, 0) - x(s, S - 1, 0) - x(s, S - 2, 0) - x(s, S - 3, 0)) / 3;
    };
    cc::host_tensor<float, 3> x, x_test;
    cc::host_tensor<float, 2> t, t_test;
    make(x, t);
    make(x_test, t_test);
    const cc::losses::mse loss;
    const float before = loss.value(net.forward(x_test), t_test);
    cc::optimizers::adam opt{{.lr = 0.02}};
    for (int i = 0; i < 300; ++i) cc::train::step(net, loss, opt, x, t);
    const float after = loss.value(net.forward(x_test), t_test);
    MESSAGE("bidirectional gru held-out mse: " << before << " -> " << after);
    CHECK(after < 0.05f * before);
}
