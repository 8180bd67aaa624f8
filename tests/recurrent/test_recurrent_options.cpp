// The recurrent layers' named options (return_sequences, kernel_init, recurrent_init, no_bias, bias_init,
// unit_forget_bias, reset_after), gru<…, reset_after<false>> (Keras' reset-before GRU) and simple_rnn:
// compile-time shapes and option rules; forward against naive per-step loops written here from Keras'
// GRUCell (reset_after=False) and SimpleRNNCell equations; finite-difference gradient checks in double
// (both return_sequences settings, T = 5, C = 3, Units = 4, batch 3); parameter shapes and counts as in
// Keras; the options' effect on the initial parameters; a small learning task.
#include <cascade/cascade.hpp>
#include <cascade/layers/gru.hpp>
#include <cascade/layers/lstm.hpp>
#include <cascade/layers/simple_rnn.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

namespace {

// ---- compile time: shapes, defaults, option rules ---------------------------------------------------
using seq_in = shape<5, 3>;
static_assert(std::is_same_v<L::output_shape_of<L::simple_rnn<4>, seq_in>, shape<4>>);
static_assert(std::is_same_v<L::output_shape_of<L::simple_rnn<4, L::return_sequences>, seq_in>, shape<5, 4>>);
static_assert(std::is_same_v<L::output_shape_of<L::gru<4, L::reset_after<false>>, seq_in>, shape<4>>);
static_assert(std::is_same_v<L::output_shape_of<L::gru<4, L::reset_after<false>, L::return_sequences>, seq_in>, shape<5, 4>>);
static_assert(std::is_same_v<L::output_shape_of<L::lstm<4, L::no_bias, L::return_sequences>, seq_in>, shape<5, 4>>);
// Defaults as Keras: reset_after=True, unit_forget_bias=True, last state only; options in any order.
static_assert(std::is_same_v<L::gru<4>::cell, cc::kernels::rnn_cell::gru>);
static_assert(std::is_same_v<L::gru<4, L::reset_after<true>>::cell, cc::kernels::rnn_cell::gru>);
static_assert(std::is_same_v<L::gru<4, L::reset_after<false>>::cell, cc::kernels::rnn_cell::gru_reset_before>);
static_assert(L::lstm<4>::spec::unit_forget_bias && !L::lstm<4, L::unit_forget_bias<false>>::spec::unit_forget_bias);
static_assert(!L::lstm<4>::spec::sequences && L::lstm<4, L::return_sequences>::spec::sequences);
static_assert(L::gru<4, L::no_bias, L::reset_after<false>, L::return_sequences>::accepts<seq_in>);
static_assert(L::gru<4, L::return_sequences, L::reset_after<false>, L::no_bias>::accepts<seq_in>);
static_assert(L::lstm<4, L::recurrent_init<cc::init::glorot_uniform>, L::kernel_init<cc::init::he_normal>,
                      L::bias_init<cc::init::ones>, L::unit_forget_bias<false>, L::return_sequences>::accepts<seq_in>);
// Rejected: a repeated option, an option the layer does not take, a type that is no option, no time axis.
static_assert(!L::lstm<4, L::return_sequences, L::return_sequences>::accepts<seq_in>);
static_assert(!L::lstm<4, L::reset_after<false>>::accepts<seq_in>);
static_assert(!L::gru<4, L::unit_forget_bias<false>>::accepts<seq_in>);
static_assert(!L::simple_rnn<4, L::reset_after<false>>::accepts<seq_in>);
static_assert(!L::simple_rnn<4, L::unit_forget_bias<true>>::accepts<seq_in>);
static_assert(!L::simple_rnn<4, L::kernel<3>>::accepts<seq_in>);
static_assert(!L::gru<4, int>::accepts<seq_in>);
static_assert(!L::simple_rnn<4>::accepts<shape<8>> && !L::simple_rnn<4>::accepts<shape<2, 3, 4>>);
static_assert(cc::net::sequential<shape<5, 3>, L::simple_rnn<4, L::return_sequences>, L::gru<3, L::reset_after<false>>,
                                  L::dense<2>>::valid);

double sigmoid(double v) { return 1 / (1 + std::exp(-v)); }

template <class P>
std::vector<double> to_vector(const P& p) {
    return std::vector<double>(p.data(), p.data() + p.size());
}

template <class I>
void perturb(I& l, cc::rng& g, double amount = 0.3) {
    std::apply([&](auto&... p) {
        ((std::for_each(p.begin(), p.end(), [&](auto& v) { v += decltype(+v)(amount * (2 * cc::detail::uniform01(g) - 1)); })), ...);
    }, l.params());
}

template <class T, std::size_t R>
cc::host_tensor<T, R> random_tensor(const std::array<std::size_t, R>& s, cc::rng& g) {
    cc::host_tensor<T, R> x(s);
    for (auto& v : x) v = T(2 * cc::detail::uniform01(g) - 1);
    return x;
}

// Keras GRUCell with reset_after=False, step by step as in keras/src/layers/rnn/gru.py: W (C, 3U),
// U (U, 3U), b (3U) (empty: no bias), blocks z, r, h:
//   x_z, x_r, x_h = x·W + b;   z = σ(x_z + h·U[:, :U]);   r = σ(x_r + h·U[:, U:2U])
//   hh = tanh(x_h + (r ⊙ h)·U[:, 2U:]);   h = z ⊙ h + (1 − z) ⊙ hh.      Returns every h_t (N, T, U).
std::vector<double> gru_reset_before_reference(const std::vector<double>& x, std::size_t n, std::size_t steps,
                                               std::size_t c, std::size_t u, const std::vector<double>& W,
                                               const std::vector<double>& U, const std::vector<double>& b) {
    std::vector<double> hs(n * steps * u);
    for (std::size_t s = 0; s < n; ++s) {
        std::vector<double> h(u, 0.0);
        for (std::size_t t = 0; t < steps; ++t) {
            std::vector<double> xp(3 * u);
            for (std::size_t k = 0; k < 3 * u; ++k) {
                xp[k] = b.empty() ? 0.0 : b[k];
                for (std::size_t i = 0; i < c; ++i) xp[k] += x[(s * steps + t) * c + i] * W[i * 3 * u + k];
            }
            std::vector<double> z(u), r(u), next(u);
            for (std::size_t j = 0; j < u; ++j) {
                double az = xp[j], ar = xp[u + j];
                for (std::size_t i = 0; i < u; ++i) {
                    az += h[i] * U[i * 3 * u + j];
                    ar += h[i] * U[i * 3 * u + u + j];
                }
                z[j] = sigmoid(az);
                r[j] = sigmoid(ar);
            }
            for (std::size_t j = 0; j < u; ++j) {
                double ah = xp[2 * u + j];
                for (std::size_t i = 0; i < u; ++i) ah += r[i] * h[i] * U[i * 3 * u + 2 * u + j];
                next[j] = z[j] * h[j] + (1 - z[j]) * std::tanh(ah);
            }
            h = next;
            for (std::size_t j = 0; j < u; ++j) hs[(s * steps + t) * u + j] = h[j];
        }
    }
    return hs;
}

// Keras SimpleRNNCell: h = tanh(x·W + b + h·U); W (C, U), U (U, U), b (U) (empty: no bias).
std::vector<double> simple_rnn_reference(const std::vector<double>& x, std::size_t n, std::size_t steps, std::size_t c,
                                         std::size_t u, const std::vector<double>& W, const std::vector<double>& U,
                                         const std::vector<double>& b) {
    std::vector<double> hs(n * steps * u);
    for (std::size_t s = 0; s < n; ++s) {
        std::vector<double> h(u, 0.0), next(u);
        for (std::size_t t = 0; t < steps; ++t) {
            for (std::size_t j = 0; j < u; ++j) {
                double a = b.empty() ? 0.0 : b[j];
                for (std::size_t i = 0; i < c; ++i) a += x[(s * steps + t) * c + i] * W[i * u + j];
                for (std::size_t i = 0; i < u; ++i) a += h[i] * U[i * u + j];
                next[j] = std::tanh(a);
            }
            h = next;
            for (std::size_t j = 0; j < u; ++j) hs[(s * steps + t) * u + j] = h[j];
        }
    }
    return hs;
}

template <class Y>
void check_against(const Y& y, const std::vector<double>& hs, std::size_t n, std::size_t steps, std::size_t u, double tol) {
    constexpr bool sequences = Y::rank == 3;
    REQUIRE(y.size() == (sequences ? n * steps * u : n * u));
    double worst = 0;
    for (std::size_t s = 0; s < n; ++s)
        for (std::size_t t = sequences ? 0 : steps - 1; t < steps; ++t)
            for (std::size_t j = 0; j < u; ++j) {
                const double got = double(y.data()[sequences ? (s * steps + t) * u + j : s * u + j]);
                worst = std::max(worst, std::abs(got - hs[(s * steps + t) * u + j]));
            }
    CHECK(worst < tol);
}

template <class T> constexpr double forward_tol = sizeof(T) == 8 ? 1e-12 : 2e-5;

using reference_fn = std::vector<double> (*)(const std::vector<double>&, std::size_t, std::size_t, std::size_t,
                                             std::size_t, const std::vector<double>&, const std::vector<double>&,
                                             const std::vector<double>&);

// Forward of Layer<U, Opts...> (both output modes, the same weights) against ref on a random (N, S, C) input.
template <template <std::size_t, class...> class Layer, std::size_t U, class T, class... Opts>
void forward_matches(reference_fn ref, unsigned seed) {
    constexpr std::size_t N = 3, S = 5, C = 3;
    cc::rng g(seed);
    L::layer_impl<Layer<U, L::return_sequences, Opts...>, shape<S, C>, cpu, T> seq(g);
    perturb(seq, g);
    L::layer_impl<Layer<U, Opts...>, shape<S, C>, cpu, T> last(g);
    auto ps = seq.params();
    auto pl = last.params();
    std::apply([&](auto&... d) { std::apply([&](auto&... s) { ((d = s), ...); }, ps); }, pl);
    const auto x = random_tensor<T, 3>({N, S, C}, g);
    std::vector<double> b;
    if constexpr (std::tuple_size_v<decltype(ps)> == 3) b = to_vector(std::get<2>(ps));
    const auto hs = ref(to_vector(x), N, S, C, U, to_vector(std::get<0>(ps)), to_vector(std::get<1>(ps)), b);
    cc::host_tensor<T, 3> ys;
    cc::host_tensor<T, 2> yl;
    seq.forward(x, ys, cc::mode::train);
    last.forward(x, yl, cc::mode::infer);
    check_against(ys, hs, N, S, U, forward_tol<T>);
    check_against(yl, hs, N, S, U, forward_tol<T>);
    // Another batch size: buffers resized, per-sample results unchanged.
    cc::host_tensor<T, 3> x1 = xt::view(x, xt::range(2, 3), xt::all(), xt::all());
    cc::host_tensor<T, 2> y1;
    last.forward(x1, y1, cc::mode::infer);
    for (std::size_t j = 0; j < U; ++j) CHECK(double(y1(0, j)) == doctest::Approx(double(yl(2, j))).epsilon(1e-6));
}

// Finite differences in double: parameters perturbed away from their initial values, inputs in [−1, 1].
template <class L_, class In>
cc::testing::grad_check_result check(std::size_t batch = 3, unsigned seed = 1) {
    using Out = L::output_shape_of<L_, In>;
    cc::rng g(seed);
    L::layer_impl<L_, In, cpu, double> l(g);
    perturb(l, g);
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(batch));
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    return cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
}

constexpr double tol = 1e-6;

template <class P>
std::vector<std::size_t> shape_of(const P& p) {
    return std::vector<std::size_t>(p.shape().begin(), p.shape().end());
}

} // namespace

TEST_CASE_TEMPLATE("gru reset_after<false> forward matches Keras' GRUCell(reset_after=False)", T, float, double) {
    forward_matches<L::gru, 4, T, L::reset_after<false>>(gru_reset_before_reference, 31);
    forward_matches<L::gru, 5, T, L::reset_after<false>>(gru_reset_before_reference, 32);
    {
        // The same weights in the reset_after layout (b_rec = 0) give another output: the option matters.
        cc::rng g(33);
        L::layer_impl<L::gru<4, L::reset_after<false>, L::return_sequences>, seq_in, cpu, T> before(g);
        perturb(before, g);
        L::layer_impl<L::gru<4, L::return_sequences>, seq_in, cpu, T> after(g);
        std::get<0>(after.params()) = std::get<0>(before.params());
        std::get<1>(after.params()) = std::get<1>(before.params());
        auto& b2 = std::get<2>(after.params());
        for (std::size_t k = 0; k < 12; ++k) {
            b2(0, k) = std::get<2>(before.params())(k);
            b2(1, k) = 0;
        }
        const auto x = random_tensor<T, 3>({2, 5, 3}, g);
        cc::host_tensor<T, 3> y1, y2;
        before.forward(x, y1, cc::mode::infer);
        after.forward(x, y2, cc::mode::infer);
        double diff = 0;
        for (std::size_t i = 0; i < y1.size(); ++i) diff = std::max(diff, std::abs(double(y1.data()[i] - y2.data()[i])));
        CHECK(diff > 1e-3);
    }
}

TEST_CASE_TEMPLATE("gru reset_after<false>, no_bias forward matches the equations without b", T, float, double) {
    forward_matches<L::gru, 4, T, L::reset_after<false>, L::no_bias>(gru_reset_before_reference, 34);
}

TEST_CASE_TEMPLATE("simple_rnn forward matches Keras' SimpleRNNCell", T, float, double) {
    forward_matches<L::simple_rnn, 4, T>(simple_rnn_reference, 41);
    forward_matches<L::simple_rnn, 5, T>(simple_rnn_reference, 42);
    forward_matches<L::simple_rnn, 4, T, L::no_bias>(simple_rnn_reference, 43);
}

TEST_CASE_TEMPLATE("gru reset_after<false> gradients (finite differences)", L_, L::gru<4, L::reset_after<false>>,
                   L::gru<4, L::reset_after<false>, L::return_sequences>,
                   L::gru<4, L::return_sequences, L::reset_after<false>, L::no_bias>, L::gru<3, L::reset_after<false>>) {
    const auto a = check<L_, shape<5, 3>>();
    CHECK(a.input < tol);
    CHECK(a.params < tol);
    const auto b = check<L_, shape<3, 5>>(2, 2);
    CHECK(b.input < tol);
    CHECK(b.params < tol);
    const auto one = check<L_, shape<1, 3>>(1, 3);   // one step: r has no effect, dU = 0
    CHECK(one.input < tol);
    CHECK(one.params < tol);
}

TEST_CASE_TEMPLATE("simple_rnn gradients (finite differences)", L_, L::simple_rnn<4>, L::simple_rnn<4, L::return_sequences>,
                   L::simple_rnn<4, L::no_bias, L::return_sequences>, L::simple_rnn<5>) {
    const auto a = check<L_, shape<5, 3>>();
    CHECK(a.input < tol);
    CHECK(a.params < tol);
    const auto b = check<L_, shape<3, 5>>(2, 2);
    CHECK(b.input < tol);
    CHECK(b.params < tol);
    const auto one = check<L_, shape<1, 3>>(1, 3);
    CHECK(one.input < tol);
    CHECK(one.params < tol);
}

TEST_CASE_TEMPLATE("lstm and gru (reset_after) without bias: gradients (finite differences)", L_,
                   L::lstm<4, L::no_bias>, L::lstm<4, L::no_bias, L::return_sequences>, L::gru<4, L::no_bias>,
                   L::gru<4, L::return_sequences, L::no_bias>) {
    const auto a = check<L_, shape<5, 3>>();
    CHECK(a.input < tol);
    CHECK(a.params < tol);
}

TEST_CASE("parameter shapes and counts as Keras: GRU(reset_after=False), SimpleRNN, no_bias") {
    cc::rng g(1);
    {
        L::layer_impl<L::gru<4, L::reset_after<false>>, seq_in, cpu, double> l(g);
        auto [w, u, b] = l.params();
        CHECK(shape_of(w) == std::vector<std::size_t>{3, 12});
        CHECK(shape_of(u) == std::vector<std::size_t>{4, 12});
        CHECK(shape_of(b) == std::vector<std::size_t>{12});
        for (double v : b) CHECK(v == 0.0);
        auto [dw, du, db] = l.grads();
        CHECK(shape_of(db) == std::vector<std::size_t>{12});
    }
    {
        L::layer_impl<L::simple_rnn<4>, seq_in, cpu, double> l(g);
        auto [w, u, b] = l.params();
        CHECK(shape_of(w) == std::vector<std::size_t>{3, 4});
        CHECK(shape_of(u) == std::vector<std::size_t>{4, 4});
        CHECK(shape_of(b) == std::vector<std::size_t>{4});
        // glorot_uniform kernel (fan_in 3, fan_out 4), orthogonal recurrent kernel, zero bias.
        for (double v : w) CHECK(std::abs(v) <= std::sqrt(6.0 / 7));
        for (std::size_t a = 0; a < 4; ++a)
            for (std::size_t c = 0; c < 4; ++c) {
                double d = 0;
                for (std::size_t k = 0; k < 4; ++k) d += u(a, k) * u(c, k);
                CHECK(d == doctest::Approx(a == c ? 1.0 : 0.0).epsilon(1e-12));
            }
        for (double v : b) CHECK(v == 0.0);
    }
    static_assert(std::tuple_size_v<decltype(std::declval<L::layer_impl<L::simple_rnn<4, L::no_bias>, seq_in, cpu, double>&>().params())> == 2);
    static_assert(std::tuple_size_v<decltype(std::declval<L::layer_impl<L::gru<4, L::no_bias>, seq_in, cpu, double>&>().grads())> == 2);
    // Keras' summary counts: GRU(5, reset_after=False) on 3 features 3·(15 + 25 + 5) = 135; GRU(5) 150;
    // SimpleRNN(7) on 5 features 35 + 49 + 7 = 91; SimpleRNN(2, use_bias=False) on 7: 14 + 4 = 18;
    // LSTM(3, use_bias=False) on 2: 4·(6 + 9) = 60.
    using model = cc::net::sequential<shape<6, 3>, L::gru<5, L::reset_after<false>, L::return_sequences>,
                                      L::simple_rnn<7, L::return_sequences>, L::simple_rnn<2, L::no_bias, L::return_sequences>,
                                      L::lstm<3, L::no_bias>, L::dense<1>>;
    model::on<cpu, float> net{1};
    CHECK(cc::detail::count_elements(net.layer<0>().params()) == 135);
    CHECK(cc::detail::count_elements(net.layer<1>().params()) == 91);
    CHECK(cc::detail::count_elements(net.layer<2>().params()) == 18);
    CHECK(cc::detail::count_elements(net.layer<3>().params()) == 60);
    using ra = cc::net::sequential<shape<6, 3>, L::gru<5>>;
    ra::on<cpu, float> gr{1};
    CHECK(cc::detail::count_elements(gr.layer<0>().params()) == 150);
    CHECK(cc::count_params(net).trainable == 135 + 91 + 18 + 60 + 4);
    cc::host_tensor<float, 3> x = xt::ones<float>({2, 6, 3});
    CHECK(net.forward(x).shape()[1] == 1);
}

TEST_CASE("initializer options set the initial parameters - unit_forget_bias applies on top of bias_init") {
    cc::rng g(2);
    L::layer_impl<L::lstm<3, L::bias_init<cc::init::ones>, L::unit_forget_bias<false>, L::kernel_init<cc::init::zeros>,
                          L::recurrent_init<cc::init::ones>>, seq_in, cpu, double> a(g);
    for (double v : std::get<0>(a.params())) CHECK(v == 0.0);
    for (double v : std::get<1>(a.params())) CHECK(v == 1.0);
    for (double v : std::get<2>(a.params())) CHECK(v == 1.0);
    L::layer_impl<L::lstm<3, L::recurrent_init<cc::init::zeros>>, seq_in, cpu, double> b(g);
    for (double v : std::get<1>(b.params())) CHECK(v == 0.0);
    const auto& bias = std::get<2>(b.params());
    for (std::size_t k = 0; k < 12; ++k) CHECK(bias(k) == (k >= 3 && k < 6 ? 1.0 : 0.0));
    L::layer_impl<L::simple_rnn<2, L::bias_init<cc::init::ones>, L::kernel_init<cc::init::ones>>, seq_in, cpu, double> s(g);
    for (double v : std::get<0>(s.params())) CHECK(v == 1.0);
    for (double v : std::get<2>(s.params())) CHECK(v == 1.0);
    L::layer_impl<L::gru<2, L::bias_init<cc::init::ones>>, seq_in, cpu, double> r(g);
    CHECK(shape_of(std::get<2>(r.params())) == std::vector<std::size_t>{2, 6});
    for (double v : std::get<2>(r.params())) CHECK(v == 1.0);
}

TEST_CASE_TEMPLATE("a gru reset_after<false> / simple_rnn network learns the sum of a sequence", Rnn,
                   L::gru<8, L::reset_after<false>>, L::simple_rnn<8>) {
    constexpr std::size_t N = 64, S = 6;
    using model = cc::net::sequential<shape<S, 1>, Rnn, L::dense<1>>;
    typename model::template on<cpu, float> net{7};
    cc::rng g(8);
    auto make = [&](cc::host_tensor<float, 3>& x, cc::host_tensor<float, 2>& t) {
        x = random_tensor<float, 3>({N, S, 1}, g);
        t.resize({N, 1});
        for (std::size_t s = 0; s < N; ++s) {
            float sum = 0;
            for (std::size_t k = 0; k < S; ++k) sum += x(s, k, 0);
            t(s, 0) = sum / 3;
        }
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
    MESSAGE(std::string(Rnn::name) << " held-out mse: " << before << " -> " << after);
    CHECK(after < 0.02f * before);
}
