// Masking for variable-length sequences: the recurrent layers' mask_value<v> option, the masking<v> layer,
// bidirectional over masked layers, and the loss mask (losses::sequence_mask / step_mask_of).
// Strong independent check: a masked sequence gives, step for step, what the same layer (same weights,
// no masking) gives on the sequence with the masked steps removed — the final state of the truncated
// sequence, and with return_sequences the carried state at a masked step (Keras' backend rnn with
// zero_output_for_mask=False). Finite differences in double (T = 7, samples with different lengths, masked
// steps at the end, in the middle, at the start, one sample all masked; the input is perturbed only at the
// counted steps: moving a padded value off v would unmask its step). A small model learns on
// variable-length toy sequences, with the padded steps' targets left out of the loss.
#include <cascade/cascade.hpp>
#include <cascade/layers/bidirectional.hpp>
#include <cascade/layers/masking.hpp>
#include <cascade/losses/sequence_mask.hpp>
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
using seq_in = shape<7, 3>;
static_assert(L::lstm<4, L::mask_value<0>>::spec::masked && !L::lstm<4>::spec::masked);
static_assert(L::gru<4, L::mask_value<-1, 2>, L::return_sequences>::accepts<seq_in>);
static_assert(L::simple_rnn<4, L::mask_value<0>>::accepts<seq_in>);
static_assert(!L::lstm<4, L::mask_value<0>, L::mask_value<1>>::accepts<seq_in>);   // given twice
static_assert(!L::dense<4, L::mask_value<0>>::accepts<shape<3>>);
static_assert(std::is_same_v<L::output_shape_of<L::masking<0>, seq_in>, seq_in>);
static_assert(std::is_same_v<L::output_shape_of<L::lstm<4, L::mask_value<0>, L::return_sequences>, seq_in>, shape<7, 4>>);
static_assert(!L::masking<0>::accepts<shape<3>> && !L::masking<0>::accepts<shape<2, 3, 4>>);
// zero_output_for_mask needs mask_value<> and return_sequences.
static_assert(L::lstm<4, L::zero_output_for_mask, L::mask_value<0>, L::return_sequences>::accepts<seq_in>);
static_assert(!L::lstm<4, L::zero_output_for_mask, L::return_sequences>::accepts<seq_in>);
static_assert(!L::gru<4, L::zero_output_for_mask, L::mask_value<0>>::accepts<seq_in>);
static_assert(cc::net::sequential<seq_in, L::masking<0>, L::lstm<4, L::mask_value<0>, L::return_sequences>,
                                  L::time_distributed<L::dense<2>>>::valid);

constexpr std::size_t N = 5, S = 7, C = 3;

// Counted steps per sample (1 = counted): full; padding at the end; middle and end; start and middle; none.
const std::vector<std::vector<int>> pattern = {
    {1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}, {1, 1, 0, 0, 1, 1, 0}, {0, 1, 1, 1, 0, 1, 1}, {0, 0, 0, 0, 0, 0, 0}};

// x (N, S, C) in [−1, 1] at the counted steps, v at the masked ones.
cc::host_tensor<double, 3> padded_input(cc::rng& g, double v = 0) {
    cc::host_tensor<double, 3> x({N, S, C});
    for (std::size_t s = 0; s < N; ++s)
        for (std::size_t t = 0; t < S; ++t)
            for (std::size_t j = 0; j < C; ++j) x(s, t, j) = pattern[s][t] ? 2 * cc::detail::uniform01(g) - 1 : v;
    return x;
}

template <class I>
void perturb(I& l, cc::rng& g, double amount = 0.3) {
    std::apply([&](auto&... p) {
        ((std::for_each(p.begin(), p.end(), [&](auto& v) { v += decltype(+v)(amount * (2 * cc::detail::uniform01(g) - 1)); })), ...);
    }, l.params());
}
template <class Src, class Dst>
void copy_params(Src& src, Dst& dst) {
    auto s = src.params();
    auto d = dst.params();
    [&]<std::size_t... K>(std::index_sequence<K...>) { ((std::get<K>(d) = std::get<K>(s)), ...); }(
        std::make_index_sequence<std::tuple_size_v<decltype(d)>>{});
}

double weighted(auto& l, const auto& x, auto& y, const auto& r) {
    l.forward(x, y, cc::mode::train);
    long double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += (long double)y.data()[i] * r.data()[i];
    return double(s);
}
// Central differences as testing::check_gradients, perturbing x only at the counted steps; the analytic
// ∂f/∂x at the masked steps must be exactly 0.
template <class Y, class I>
std::pair<double, double> masked_check(I& l, cc::host_tensor<double, 3> x, double h = 1e-4) {
    auto rel = [](double a, double n) { return std::abs(a - n) / std::max(std::abs(a) + std::abs(n), 1e-7); };
    Y y, r;
    l.forward(x, y, cc::mode::train);
    r = y;
    cc::rng g(7);
    for (auto& v : r) v = 2 * cc::detail::uniform01(g) - 1;
    cc::host_tensor<double, 3> dx = x;
    weighted(l, x, y, r);
    l.backward(x, y, r, &dx);
    auto grads = std::apply([](auto&... q) { return std::make_tuple(q...); }, l.grads());
    double ein = 0, ep = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t s = i / (S * C), t = (i / C) % S;
        if (!pattern[s][t]) {
            ein = std::max(ein, std::abs(dx.data()[i]));
            continue;
        }
        const double v = x.data()[i];
        x.data()[i] = v + h;
        const double fp = weighted(l, x, y, r);
        x.data()[i] = v - h;
        const double fm = weighted(l, x, y, r);
        x.data()[i] = v;
        ein = std::max(ein, rel(dx.data()[i], (fp - fm) / (2 * h)));
    }
    auto params = l.params();
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ([&] {
            auto& p = std::get<K>(params);
            const auto& gr = std::get<K>(grads);
            for (std::size_t i = 0; i < p.size(); ++i) {
                const double v = p.data()[i];
                p.data()[i] = v + h;
                const double fp = weighted(l, x, y, r);
                p.data()[i] = v - h;
                const double fm = weighted(l, x, y, r);
                p.data()[i] = v;
                ep = std::max(ep, rel(gr.data()[i], (fp - fm) / (2 * h)));
            }
        }(), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(params)>>{});
    return {ein, ep};
}

// Masked (sequences or last state) vs Plain (the same layer, return_sequences, unmasked) on the compressed
// sequence of each sample.
template <class Masked, class Plain>
void check_against_compressed(double v) {
    using in = shape<S, C>;
    constexpr bool seq = Masked::spec::sequences;
    cc::rng g(21);
    L::layer_impl<Masked, in, cpu, double> m(g);
    L::layer_impl<Plain, in, cpu, double> p(g);
    perturb(m, g);
    copy_params(m, p);
    const auto x = padded_input(g, v);
    cc::host_tensor<double, seq ? 3 : 2> y;
    m.forward(x, y, cc::mode::infer);
    const std::size_t U = y.shape()[y.dimension() - 1];
    double worst = 0;
    for (std::size_t s = 0; s < N; ++s) {
        std::size_t len = 0;
        for (std::size_t t = 0; t < S; ++t) len += std::size_t(pattern[s][t]);
        cc::host_tensor<double, 3> xs({1, len, C}), hs;
        for (std::size_t t = 0, k = 0; t < S; ++t)
            if (pattern[s][t]) {
                for (std::size_t j = 0; j < C; ++j) xs(0, k, j) = x(s, t, j);
                ++k;
            }
        if (len > 0) p.forward(xs, hs, cc::mode::infer);
        // Expected at step t: h of the last counted step ≤ t (the carried state), 0 before the first one.
        // With zero_output_for_mask: 0 at every masked step.
        auto expected = [&](std::size_t counted, std::size_t j) { return counted == 0 ? 0.0 : hs(0, counted - 1, j); };
        std::size_t counted = 0;
        for (std::size_t t = 0; t < S; ++t) {
            counted += std::size_t(pattern[s][t]);
            const bool zero = Masked::spec::zero_masked && !pattern[s][t];
            if constexpr (seq)
                for (std::size_t j = 0; j < U; ++j)
                    worst = std::max(worst, std::abs(y(s, t, j) - (zero ? 0.0 : expected(counted, j))));
        }
        if constexpr (!seq)
            for (std::size_t j = 0; j < U; ++j) worst = std::max(worst, std::abs(y(s, j) - expected(counted, j)));
    }
    CHECK(worst < 1e-14);
}

template <class Layer>
void check_masked_gradients() {
    using in = shape<S, C>;
    using out = L::output_shape_of<Layer, in>;
    cc::rng g(5);
    L::layer_impl<Layer, in, cpu, double> l(g);
    perturb(l, g);
    const auto [ein, ep] = masked_check<cc::host_tensor<double, out::rank + 1>>(l, padded_input(g));
    CHECK(ein < 1e-6);
    CHECK(ep < 1e-6);
}

} // namespace

TEST_CASE("masked lstm / gru / simple_rnn = the same layer on the sequence with the masked steps removed") {
    using rs = L::return_sequences;
    check_against_compressed<L::lstm<4, L::mask_value<0>, rs>, L::lstm<4, rs>>(0);
    check_against_compressed<L::lstm<4, L::mask_value<0>>, L::lstm<4, rs>>(0);
    check_against_compressed<L::gru<4, L::mask_value<0>, rs>, L::gru<4, rs>>(0);
    check_against_compressed<L::gru<4, L::mask_value<0>>, L::gru<4, rs>>(0);
    check_against_compressed<L::gru<4, L::reset_after<false>, L::mask_value<0>, rs>, L::gru<4, L::reset_after<false>, rs>>(0);
    check_against_compressed<L::gru<4, L::reset_after<false>, L::mask_value<0>>, L::gru<4, L::reset_after<false>, rs>>(0);
    check_against_compressed<L::simple_rnn<4, L::mask_value<0>, rs>, L::simple_rnn<4, rs>>(0);
    check_against_compressed<L::simple_rnn<4, L::mask_value<0>, L::no_bias>, L::simple_rnn<4, L::no_bias, rs>>(0);
    // A mask value other than 0: mask_value<−1, 2> skips the steps padded with −0.5.
    check_against_compressed<L::lstm<4, L::mask_value<-1, 2>, rs>, L::lstm<4, rs>>(-0.5);
    check_against_compressed<L::gru<4, L::mask_value<-1, 2>>, L::gru<4, rs>>(-0.5);
    check_against_compressed<L::lstm<4, L::mask_value<0>, rs, L::zero_output_for_mask>, L::lstm<4, rs>>(0);
    check_against_compressed<L::gru<4, L::zero_output_for_mask, L::mask_value<-1, 2>, rs>, L::gru<4, rs>>(-0.5);
}

TEST_CASE("stacked masked layers: zero_output_for_mask below, mask_value<0> above = the stack on the compressed sequence") {
    using in = shape<S, C>;
    using rs = L::return_sequences;
    using low = L::lstm<4, L::mask_value<0>, rs, L::zero_output_for_mask>;
    using high = L::gru<3, L::mask_value<0>>;
    cc::rng g(41);
    L::layer_impl<low, in, cpu, double> m1(g);
    L::layer_impl<high, shape<S, 4>, cpu, double> m2(g);
    L::layer_impl<L::lstm<4, rs>, in, cpu, double> p1(g);
    L::layer_impl<L::gru<3, rs>, shape<S, 4>, cpu, double> p2(g);
    perturb(m1, g);
    perturb(m2, g);
    copy_params(m1, p1);
    copy_params(m2, p2);
    const auto x = padded_input(g);
    cc::host_tensor<double, 3> y1;
    cc::host_tensor<double, 2> y2;
    m1.forward(x, y1, cc::mode::infer);
    m2.forward(y1, y2, cc::mode::infer);
    double worst = 0;
    for (std::size_t s = 0; s < N; ++s) {
        std::size_t len = 0;
        for (std::size_t t = 0; t < S; ++t) len += std::size_t(pattern[s][t]);
        cc::host_tensor<double, 3> xs({1, len, C}), h1, h2;
        for (std::size_t t = 0, k = 0; t < S; ++t)
            if (pattern[s][t]) {
                for (std::size_t j = 0; j < C; ++j) xs(0, k, j) = x(s, t, j);
                ++k;
            }
        if (len > 0) {
            p1.forward(xs, h1, cc::mode::infer);
            p2.forward(h1, h2, cc::mode::infer);
        }
        for (std::size_t j = 0; j < 3; ++j) worst = std::max(worst, std::abs(y2(s, j) - (len ? h2(0, len - 1, j) : 0.0)));
    }
    CHECK(worst < 1e-14);
}

TEST_CASE_TEMPLATE("masked recurrent layers: finite-difference gradients in double", Layer,
                   L::lstm<4, L::mask_value<0>>, L::lstm<4, L::mask_value<0>, L::return_sequences>,
                   L::gru<4, L::mask_value<0>>, L::gru<4, L::mask_value<0>, L::return_sequences>,
                   L::gru<4, L::reset_after<false>, L::mask_value<0>>,
                   L::gru<4, L::reset_after<false>, L::mask_value<0>, L::return_sequences>,
                   L::simple_rnn<4, L::mask_value<0>, L::return_sequences>,
                   L::lstm<4, L::mask_value<0>, L::return_sequences, L::zero_output_for_mask>,
                   L::gru<4, L::zero_output_for_mask, L::mask_value<0>, L::return_sequences>,
                   L::bidirectional<L::lstm<4, L::mask_value<0>>>,
                   L::bidirectional<L::lstm<4, L::mask_value<0>, L::return_sequences>, L::merge::concat>,
                   L::bidirectional<L::lstm<4, L::mask_value<0>, L::return_sequences>, L::merge::mul>,
                   L::bidirectional<L::gru<4, L::mask_value<0>>, L::merge::sum>,
                   L::bidirectional<L::gru<4, L::mask_value<0>, L::return_sequences>, L::merge::sum>,
                   L::bidirectional<L::gru<4, L::mask_value<0>, L::return_sequences>, L::merge::ave>,
                   L::bidirectional<L::gru<4, L::mask_value<0>>, L::merge::mul>, L::masking<0>) {
    check_masked_gradients<Layer>();
}

TEST_CASE("masked bidirectional: Keras' zero outputs at masked steps with return_sequences - the last states without") {
    using in = shape<S, C>;
    using inner = L::lstm<4, L::mask_value<0>, L::return_sequences>;
    cc::rng g(31);
    L::layer_impl<L::bidirectional<inner, L::merge::sum>, in, cpu, double> b(g);
    L::layer_impl<inner, in, cpu, double> f(g), r(g);
    perturb(b, g);
    auto bp = b.params();
    auto fp = f.params();
    auto rp = r.params();
    std::get<0>(fp) = std::get<0>(bp), std::get<1>(fp) = std::get<1>(bp), std::get<2>(fp) = std::get<2>(bp);
    std::get<0>(rp) = std::get<3>(bp), std::get<1>(rp) = std::get<4>(bp), std::get<2>(rp) = std::get<5>(bp);
    const auto x = padded_input(g);
    cc::host_tensor<double, 3> xr(x.shape()), y, yf, yr;
    for (std::size_t s = 0; s < N; ++s)
        for (std::size_t t = 0; t < S; ++t)
            for (std::size_t j = 0; j < C; ++j) xr(s, t, j) = x(s, S - 1 - t, j);
    b.forward(x, y, cc::mode::infer);
    f.forward(x, yf, cc::mode::infer);
    r.forward(xr, yr, cc::mode::infer);
    double worst = 0;
    for (std::size_t s = 0; s < N; ++s)
        for (std::size_t t = 0; t < S; ++t)
            for (std::size_t j = 0; j < 4; ++j) {
                const double e = pattern[s][t] ? yf(s, t, j) + yr(s, S - 1 - t, j) : 0.0;
                worst = std::max(worst, std::abs(y(s, t, j) - e));
            }
    CHECK(worst < 1e-14);
}

TEST_CASE("masking<v>: zeroes the steps whose features all equal v, passes the others - gradient only there") {
    cc::rng g(3);
    auto x = padded_input(g, 2.0);   // masking<2>: padded with 2
    x(0, 3, 1) = 2.0;                // one feature equal to v does not mask a step
    L::layer_impl<L::masking<2>, shape<S, C>, cpu, double> m(g);
    cc::host_tensor<double, 3> y, dx;
    m.forward(x, y, cc::mode::train);
    for (std::size_t s = 0; s < N; ++s)
        for (std::size_t t = 0; t < S; ++t)
            for (std::size_t j = 0; j < C; ++j) CHECK(y(s, t, j) == (pattern[s][t] ? x(s, t, j) : 0.0));
    cc::host_tensor<double, 3> dy(x.shape());
    for (auto& v : dy) v = 1.5;
    m.backward(x, y, dy, &dx);
    for (std::size_t s = 0; s < N; ++s)
        for (std::size_t t = 0; t < S; ++t) CHECK(dx(s, t, 0) == (pattern[s][t] ? 1.5 : 0.0));
}

TEST_CASE("loss masks from lengths and from the input - masked mse over the real steps only") {
    const std::vector<int> lengths{3, 1, 0};
    const auto m = cc::losses::sequence_mask(lengths, 4, 2);
    const std::vector<float> expect{1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(m == expect);
    cc::rng g(4);
    const auto x = padded_input(g);
    const auto mx = cc::losses::step_mask_of<double>(x, 0.0, 1);
    for (std::size_t s = 0; s < N; ++s)
        for (std::size_t t = 0; t < S; ++t) CHECK(mx[s * S + t] == double(pattern[s][t]));
    // masked<mse> with the mask: the mean over the real steps.
    cc::host_tensor<double, 3> yv({3, 4, 2}), tv({3, 4, 2});
    for (auto& v : yv) v = 2 * cc::detail::uniform01(g) - 1;
    for (auto& v : tv) v = 2 * cc::detail::uniform01(g) - 1;
    cc::losses::masked<cc::losses::mse, double> loss;
    const auto md = cc::losses::sequence_mask<double>(lengths, 4, 2);
    loss.set_mask(md);
    double s = 0;
    for (std::size_t i = 0; i < md.size(); ++i) s += md[i] * (yv.data()[i] - tv.data()[i]) * (yv.data()[i] - tv.data()[i]);
    CHECK(loss.value(yv, tv) == doctest::Approx(s / 8).epsilon(1e-12));
}

TEST_CASE("variable-length toy sequences: a masked lstm learns the sum of the real steps - a masked gru the running sum") {
    constexpr std::size_t M = 64, T = 9;
    cc::rng g(8);
    // x: length 2 … 9 per sample, features in ±[0.1, 1] at the real steps (never all 0), zeros after.
    auto make = [&](cc::host_tensor<float, 3>& x, cc::host_tensor<float, 2>& last, cc::host_tensor<float, 3>& run,
                    std::vector<int>& len) {
        x = cc::host_tensor<float, 3>({M, T, 1});
        last.resize({M, 1});
        run = cc::host_tensor<float, 3>({M, T, 1});
        len.assign(M, 0);
        for (std::size_t s = 0; s < M; ++s) {
            len[s] = 2 + int(cc::detail::uniform01(g) * 8) % 8;
            float sum = 0;
            for (std::size_t t = 0; t < T; ++t) {
                const float u = float(cc::detail::uniform01(g));
                x(s, t, 0) = int(t) < len[s] ? (u < 0.5f ? -1.f : 1.f) * (0.1f + 0.9f * float(cc::detail::uniform01(g))) : 0.f;
                sum += x(s, t, 0);
                run(s, t, 0) = int(t) < len[s] ? sum / 3 : 100.f;   // padded steps: a target that must not count
            }
            last(s, 0) = sum / 3;
        }
    };
    cc::host_tensor<float, 3> x, xt, run, runt;
    cc::host_tensor<float, 2> last, lastt;
    std::vector<int> len, lent;
    make(x, last, run, len);
    make(xt, lastt, runt, lent);
    {
        using model = cc::net::sequential<shape<T, 1>, L::lstm<8, L::mask_value<0>>, L::dense<1>>;
        model::on<cpu, float> net{7};
        const cc::losses::mse loss;
        const float before = loss.value(net.forward(xt), lastt);
        cc::optimizers::adam opt{{.lr = 0.02}};
        for (int i = 0; i < 300; ++i) cc::train::step(net, loss, opt, x, last);
        const float after = loss.value(net.forward(xt), lastt);
        MESSAGE("masked lstm, sum of the real steps, held-out mse: " << before << " -> " << after);
        CHECK(after < 0.05f * before);
    }
    {
        using model = cc::net::sequential<shape<T, 1>, L::masking<0>, L::gru<8, L::mask_value<0>, L::return_sequences>,
                                          L::time_distributed<L::dense<1>>>;
        model::on<cpu, float> net{7};
        cc::losses::masked<cc::losses::mse> loss, loss_test;
        const auto m = cc::losses::sequence_mask(len, T, 1), mt = cc::losses::sequence_mask(lent, T, 1);
        loss.set_mask(m);
        loss_test.set_mask(mt);
        const float before = loss_test.value(net.forward(xt), runt);
        cc::optimizers::adam opt{{.lr = 0.02}};
        for (int i = 0; i < 300; ++i) cc::train::step(net, loss, opt, x, run);
        const float after = loss_test.value(net.forward(xt), runt);
        MESSAGE("masked gru, running sum with the padded steps out of the loss, held-out mse: " << before << " -> " << after);
        CHECK(after < 0.05f * before);
    }
}
