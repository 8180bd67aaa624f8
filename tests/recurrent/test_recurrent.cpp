// lstm, gru, time_distributed, maxout and the orthogonal initializer: forward values against naive
// re-implementations written straight from the Keras (and, for the weight mappings, PyTorch) equations,
// compile-time shapes, parameter counts as in Keras' summary, and small learning tasks.
#include <cascade/cascade.hpp>
#include <cascade/init/orthogonal.hpp>
#include <cascade/layers/gru.hpp>
#include <cascade/layers/lstm.hpp>
#include <cascade/layers/maxout.hpp>
#include <cascade/layers/time_distributed.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

namespace {

// ---- compile-time shapes --------------------------------------------------------------------------
static_assert(std::is_same_v<L::output_shape_of<L::lstm<7>, shape<5, 3>>, shape<7>>);
static_assert(std::is_same_v<L::output_shape_of<L::lstm<7, L::return_sequences>, shape<5, 3>>, shape<5, 7>>);
static_assert(std::is_same_v<L::output_shape_of<L::gru<4>, shape<9, 2>>, shape<4>>);
static_assert(std::is_same_v<L::output_shape_of<L::gru<4, L::return_sequences>, shape<9, 2>>, shape<9, 4>>);
static_assert(std::is_same_v<L::output_shape_of<L::maxout<6, 3>, shape<10>>, shape<6>>);
static_assert(std::is_same_v<L::output_shape_of<L::time_distributed<L::dense<3>>, shape<5, 4>>, shape<5, 3>>);
static_assert(std::is_same_v<L::output_shape_of<L::time_distributed<L::conv2d<2, L::kernel<3>>>, shape<4, 6, 6, 1>>,
                             shape<4, 4, 4, 2>>);
static_assert(std::is_same_v<L::output_shape_of<L::time_distributed<L::flatten>, shape<4, 6, 6, 2>>, shape<4, 72>>);
static_assert(std::is_same_v<L::output_shape_of<L::time_distributed<L::lstm<3>>, shape<2, 5, 4>>, shape<2, 3>>);
// Shape rules (the compile-time messages are in the layers' check()).
static_assert(!L::lstm<4>::accepts<shape<8>> && !L::lstm<4>::accepts<shape<2, 3, 4>> && L::lstm<4>::accepts<shape<2, 3>>);
static_assert(!L::gru<4>::accepts<shape<8>> && L::gru<4>::accepts<shape<1, 1>>);
static_assert(!L::maxout<2, 2>::accepts<shape<3, 4>> && L::maxout<2, 2>::accepts<shape<3>>);
static_assert(!L::time_distributed<L::dense<3>>::accepts<shape<4>>);            // no time axis
static_assert(!L::time_distributed<L::dense<3>>::accepts<shape<4, 5, 6>>);      // dense rejects (5, 6)
static_assert(L::time_distributed<L::conv2d<2, L::kernel<3>>>::accepts<shape<4, 6, 6, 1>>);
// A sequential with a rejected time_distributed is not a network (its static_assert names the layer).
static_assert(cc::net::sequential<shape<4, 5>, L::lstm<3, L::return_sequences>, L::time_distributed<L::dense<2>>>::valid);

double sigmoid(double v) { return 1 / (1 + std::exp(-v)); }

template <class P>
std::vector<double> to_vector(const P& p) {
    return std::vector<double>(p.data(), p.data() + p.size());
}

// Perturbs every parameter so that biases and all gate blocks matter.
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

// Keras LSTM, written from its equations: W (C, 4U), U (U, 4U), b (4U), gates i f c o. Returns every h_t
// as (N, T, U).
std::vector<double> lstm_reference(const std::vector<double>& x, std::size_t n, std::size_t steps, std::size_t c,
                                   std::size_t u, const std::vector<double>& W, const std::vector<double>& U,
                                   const std::vector<double>& b) {
    std::vector<double> hs(n * steps * u);
    for (std::size_t s = 0; s < n; ++s) {
        std::vector<double> h(u, 0.0), cell(u, 0.0);
        for (std::size_t t = 0; t < steps; ++t) {
            std::vector<double> z(4 * u);
            for (std::size_t k = 0; k < 4 * u; ++k) {
                double acc = b[k];
                for (std::size_t i = 0; i < c; ++i) acc += x[(s * steps + t) * c + i] * W[i * 4 * u + k];
                for (std::size_t j = 0; j < u; ++j) acc += h[j] * U[j * 4 * u + k];
                z[k] = acc;
            }
            for (std::size_t j = 0; j < u; ++j) {
                const double i = sigmoid(z[j]), f = sigmoid(z[u + j]), g = std::tanh(z[2 * u + j]), o = sigmoid(z[3 * u + j]);
                cell[j] = f * cell[j] + i * g;
                h[j] = o * std::tanh(cell[j]);
                hs[(s * steps + t) * u + j] = h[j];
            }
        }
    }
    return hs;
}

// Keras GRU (reset_after=True), from its equations: W (C, 3U), U (U, 3U), b (2, 3U), gates z r h.
std::vector<double> gru_reference(const std::vector<double>& x, std::size_t n, std::size_t steps, std::size_t c,
                                  std::size_t u, const std::vector<double>& W, const std::vector<double>& U,
                                  const std::vector<double>& b) {
    std::vector<double> hs(n * steps * u);
    for (std::size_t s = 0; s < n; ++s) {
        std::vector<double> h(u, 0.0);
        for (std::size_t t = 0; t < steps; ++t) {
            std::vector<double> xz(3 * u), hz(3 * u);
            for (std::size_t k = 0; k < 3 * u; ++k) {
                xz[k] = b[k];
                hz[k] = b[3 * u + k];
                for (std::size_t i = 0; i < c; ++i) xz[k] += x[(s * steps + t) * c + i] * W[i * 3 * u + k];
                for (std::size_t j = 0; j < u; ++j) hz[k] += h[j] * U[j * 3 * u + k];
            }
            std::vector<double> next(u);
            for (std::size_t j = 0; j < u; ++j) {
                const double z = sigmoid(xz[j] + hz[j]), r = sigmoid(xz[u + j] + hz[u + j]);
                const double hh = std::tanh(xz[2 * u + j] + r * hz[2 * u + j]);
                next[j] = z * h[j] + (1 - z) * hh;
            }
            h = next;
            for (std::size_t j = 0; j < u; ++j) hs[(s * steps + t) * u + j] = h[j];
        }
    }
    return hs;
}

// PyTorch nn.GRU from its documentation, with weights in PyTorch's layout: w_ih (3U, C), w_hh (3U, U),
// b_ih, b_hh (3U), gate order r, z, n:
//   r = σ(W_ir x + b_ir + W_hr h + b_hr)  z = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))   h' = (1 − z) ⊙ n + z ⊙ h
std::vector<double> gru_pytorch(const std::vector<double>& x, std::size_t n, std::size_t steps, std::size_t c,
                                std::size_t u, const std::vector<double>& w_ih, const std::vector<double>& w_hh,
                                const std::vector<double>& b_ih, const std::vector<double>& b_hh) {
    std::vector<double> hs(n * steps * u);
    for (std::size_t s = 0; s < n; ++s) {
        std::vector<double> h(u, 0.0);
        for (std::size_t t = 0; t < steps; ++t) {
            std::vector<double> gi(3 * u), gh(3 * u);
            for (std::size_t k = 0; k < 3 * u; ++k) {
                gi[k] = b_ih[k];
                gh[k] = b_hh[k];
                for (std::size_t i = 0; i < c; ++i) gi[k] += w_ih[k * c + i] * x[(s * steps + t) * c + i];
                for (std::size_t j = 0; j < u; ++j) gh[k] += w_hh[k * u + j] * h[j];
            }
            std::vector<double> next(u);
            for (std::size_t j = 0; j < u; ++j) {
                const double r = sigmoid(gi[j] + gh[j]), z = sigmoid(gi[u + j] + gh[u + j]);
                const double nn = std::tanh(gi[2 * u + j] + r * gh[2 * u + j]);
                next[j] = (1 - z) * nn + z * h[j];
            }
            h = next;
            for (std::size_t j = 0; j < u; ++j) hs[(s * steps + t) * u + j] = h[j];
        }
    }
    return hs;
}

// The layer's output against the reference's hidden states (all of them, or the last).
template <class Y>
void check_against(const Y& y, const std::vector<double>& hs, std::size_t n, std::size_t steps, std::size_t u,
                   double tol) {
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

// The summary's line of layer `name`, runs of spaces collapsed to one.
std::string summary_line(const std::string& text, const std::string& name) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.find(" " + name + " ") == std::string::npos) continue;
        std::string out;
        for (char ch : line)
            if (ch != ' ' || out.empty() || out.back() != ' ') out += ch;
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out;
    }
    return "";
}

template <class T> constexpr double forward_tol = sizeof(T) == 8 ? 1e-12 : 2e-5;

} // namespace

TEST_CASE("orthogonal initializer gives orthonormal rows or columns") {
    cc::rng g(3);
    for (auto [rows, cols] : {std::pair<std::size_t, std::size_t>{4, 16}, {16, 4}, {7, 7}, {5, 15}}) {
        std::vector<double> w(rows * cols);
        cc::init::orthogonal::fill(w.data(), w.size(), rows, cols, g);
        // The Gram matrix of the short side is the identity.
        const std::size_t k = std::min(rows, cols), len = std::max(rows, cols);
        double worst = 0;
        for (std::size_t a = 0; a < k; ++a)
            for (std::size_t b = 0; b < k; ++b) {
                double d = 0;
                for (std::size_t i = 0; i < len; ++i)
                    d += rows < cols ? w[a * cols + i] * w[b * cols + i] : w[i * cols + a] * w[i * cols + b];
                worst = std::max(worst, std::abs(d - (a == b ? 1.0 : 0.0)));
            }
        CHECK(worst < 1e-12);
    }
    // Reproducible from the seed; float fill gives the same numbers rounded.
    std::vector<double> a(12), b(12);
    std::vector<float> f(12);
    cc::rng g1(5), g2(5), g3(5);
    cc::init::orthogonal::fill(a.data(), 12, 3, 4, g1);
    cc::init::orthogonal::fill(b.data(), 12, 3, 4, g2);
    cc::init::orthogonal::fill(f.data(), 12, 3, 4, g3);
    CHECK(a == b);
    for (std::size_t i = 0; i < 12; ++i) CHECK(f[i] == float(a[i]));
}

TEST_CASE("lstm initial parameters as Keras: unit forget bias, orthogonal recurrent kernel") {
    cc::rng g(1);
    L::layer_impl<L::lstm<3>, shape<4, 2>, cpu, double> l(g);
    auto [w, u, b] = l.params();
    CHECK(w.shape()[0] == 2);
    CHECK(w.shape()[1] == 12);
    CHECK(u.shape()[0] == 3);
    CHECK(u.shape()[1] == 12);
    for (std::size_t k = 0; k < 12; ++k) CHECK(b(k) == (k >= 3 && k < 6 ? 1.0 : 0.0));
    const double limit = std::sqrt(6.0 / (2 + 12));
    for (double v : w) CHECK(std::abs(v) <= limit);
    for (std::size_t a = 0; a < 3; ++a)   // U·Uᵀ = I
        for (std::size_t c = 0; c < 3; ++c) {
            double d = 0;
            for (std::size_t k = 0; k < 12; ++k) d += u(a, k) * u(c, k);
            CHECK(d == doctest::Approx(a == c ? 1.0 : 0.0).epsilon(1e-12));
        }
    L::layer_impl<L::lstm<3, L::unit_forget_bias<false>>, shape<4, 2>, cpu, double> nf(g);
    for (double v : std::get<2>(nf.params())) CHECK(v == 0.0);
    L::layer_impl<L::gru<3>, shape<4, 2>, cpu, double> gr(g);
    CHECK(std::get<2>(gr.params()).shape()[0] == 2);
    CHECK(std::get<2>(gr.params()).shape()[1] == 9);
    for (double v : std::get<2>(gr.params())) CHECK(v == 0.0);
}

TEST_CASE_TEMPLATE("lstm forward matches the Keras equations", T, float, double) {
    constexpr std::size_t N = 3, S = 5, C = 3, U = 4;
    cc::rng g(11);
    L::layer_impl<L::lstm<U, L::return_sequences>, shape<S, C>, cpu, T> seq(g);
    perturb(seq, g);
    L::layer_impl<L::lstm<U>, shape<S, C>, cpu, T> last(g);
    auto [w, u, b] = seq.params();
    std::get<0>(last.params()) = w;   // the same weights in both modes
    std::get<1>(last.params()) = u;
    std::get<2>(last.params()) = b;
    const auto x = random_tensor<T, 3>({N, S, C}, g);
    const auto ref = lstm_reference(to_vector(x), N, S, C, U, to_vector(w), to_vector(u), to_vector(b));
    cc::host_tensor<T, 3> ys;
    cc::host_tensor<T, 2> yl;
    seq.forward(x, ys, cc::mode::infer);
    last.forward(x, yl, cc::mode::infer);
    check_against(ys, ref, N, S, U, forward_tol<T>);
    check_against(yl, ref, N, S, U, forward_tol<T>);
    // A second call with another batch size resizes and gives the same per-sample results.
    cc::host_tensor<T, 3> x1 = xt::view(x, xt::range(1, 2), xt::all(), xt::all());
    cc::host_tensor<T, 2> y1;
    last.forward(x1, y1, cc::mode::infer);
    for (std::size_t j = 0; j < U; ++j) CHECK(double(y1(0, j)) == doctest::Approx(double(yl(1, j))).epsilon(1e-6));
}

TEST_CASE_TEMPLATE("gru forward matches the Keras equations", T, float, double) {
    constexpr std::size_t N = 2, S = 4, C = 3, U = 5;
    cc::rng g(12);
    L::layer_impl<L::gru<U, L::return_sequences>, shape<S, C>, cpu, T> seq(g);
    perturb(seq, g);
    L::layer_impl<L::gru<U>, shape<S, C>, cpu, T> last(g);
    auto [w, u, b] = seq.params();
    std::get<0>(last.params()) = w;
    std::get<1>(last.params()) = u;
    std::get<2>(last.params()) = b;
    const auto x = random_tensor<T, 3>({N, S, C}, g);
    const auto ref = gru_reference(to_vector(x), N, S, C, U, to_vector(w), to_vector(u), to_vector(b));
    cc::host_tensor<T, 3> ys;
    cc::host_tensor<T, 2> yl;
    seq.forward(x, ys, cc::mode::train);
    last.forward(x, yl, cc::mode::train);
    check_against(ys, ref, N, S, U, forward_tol<T>);
    check_against(yl, ref, N, S, U, forward_tol<T>);
}

TEST_CASE("gru weights map to PyTorch nn.GRU as documented (gate blocks z r h vs r z n)") {
    constexpr std::size_t N = 2, S = 3, C = 3, U = 4;
    cc::rng g(13);
    L::layer_impl<L::gru<U, L::return_sequences>, shape<S, C>, cpu, double> l(g);
    perturb(l, g);
    auto [w, u, b] = l.params();
    // PyTorch block p (r, z, n) is Keras block perm[p] (z = 0, r = 1, h = 2); weights transposed.
    const std::size_t perm[3] = {1, 0, 2};
    std::vector<double> w_ih(3 * U * C), w_hh(3 * U * U), b_ih(3 * U), b_hh(3 * U);
    for (std::size_t p = 0; p < 3; ++p)
        for (std::size_t j = 0; j < U; ++j) {
            const std::size_t row = p * U + j, col = perm[p] * U + j;
            for (std::size_t i = 0; i < C; ++i) w_ih[row * C + i] = w(i, col);
            for (std::size_t i = 0; i < U; ++i) w_hh[row * U + i] = u(i, col);
            b_ih[row] = b(0, col);
            b_hh[row] = b(1, col);
        }
    const auto x = random_tensor<double, 3>({N, S, C}, g);
    const auto ref = gru_pytorch(to_vector(x), N, S, C, U, w_ih, w_hh, b_ih, b_hh);
    cc::host_tensor<double, 3> y;
    l.forward(x, y, cc::mode::infer);
    check_against(y, ref, N, S, U, 1e-12);
}

TEST_CASE("lstm weights map to PyTorch nn.LSTM as documented (same gate order, transposed, biases summed)") {
    // PyTorch nn.LSTM from its documentation, weights in its layout (weight_ih (4U, C), weight_hh (4U, U),
    // bias_ih, bias_hh (4U), blocks i, f, g, o):
    //   i = σ(W_ii x + b_ii + W_hi h + b_hi), f, g (tanh), o likewise;  c' = f c + i g;  h' = o tanh(c').
    // Built from our parameters by the documented mapping, with the bias split at random.
    constexpr std::size_t N = 2, S = 3, C = 3, U = 2;
    cc::rng g(14);
    L::layer_impl<L::lstm<U, L::return_sequences>, shape<S, C>, cpu, double> l(g);
    perturb(l, g);
    auto p = l.params();
    const auto& w = std::get<0>(p);
    const auto& u = std::get<1>(p);
    const auto& b = std::get<2>(p);
    std::vector<double> w_ih(4 * U * C), w_hh(4 * U * U), b_ih(4 * U), b_hh(4 * U);
    for (std::size_t row = 0; row < 4 * U; ++row) {
        for (std::size_t i = 0; i < C; ++i) w_ih[row * C + i] = w(i, row);
        for (std::size_t i = 0; i < U; ++i) w_hh[row * U + i] = u(i, row);
        b_ih[row] = 2 * cc::detail::uniform01(g) - 1;
        b_hh[row] = b(row) - b_ih[row];
    }
    const auto x = random_tensor<double, 3>({N, S, C}, g);
    cc::host_tensor<double, 3> y;
    l.forward(x, y, cc::mode::infer);
    double worst = 0;
    for (std::size_t s = 0; s < N; ++s) {
        std::vector<double> h(U, 0.0), c(U, 0.0);
        for (std::size_t t = 0; t < S; ++t) {
            std::vector<double> gate(4 * U);
            for (std::size_t row = 0; row < 4 * U; ++row) {
                gate[row] = b_ih[row] + b_hh[row];
                for (std::size_t i = 0; i < C; ++i) gate[row] += w_ih[row * C + i] * x(s, t, i);
                for (std::size_t i = 0; i < U; ++i) gate[row] += w_hh[row * U + i] * h[i];
            }
            for (std::size_t j = 0; j < U; ++j) {
                const double ig = sigmoid(gate[j]), fg = sigmoid(gate[U + j]), gg = std::tanh(gate[2 * U + j]),
                             og = sigmoid(gate[3 * U + j]);
                c[j] = fg * c[j] + ig * gg;
                h[j] = og * std::tanh(c[j]);
                worst = std::max(worst, std::abs(h[j] - y(s, t, j)));
            }
        }
    }
    CHECK(worst < 1e-12);
}

TEST_CASE_TEMPLATE("maxout forward: dense then the maximum of each unit's pieces", T, float, double) {
    cc::rng g(0);
    L::layer_impl<L::maxout<2, 3>, shape<2>, cpu, T> l(g);
    auto [w, b] = l.params();
    // z = x·W + b with W (2, 6): pieces of unit 0 are columns 0-2, of unit 1 columns 3-5.
    w = cc::host_tensor<T, 2>{{1, -1, 2, 0, 3, -2}, {0, 1, -1, 1, -2, 4}};
    b = cc::host_tensor<T, 1>{0, 0, 0.5, 0, 0, 0};
    cc::host_tensor<T, 2> x{{1, 2}, {-1, 1}}, y, dx;
    // row 0: z = 1, 1, 0.5 | 2, -1, 6  → 1 (first of the tie), 6; row 1: z = -1, 2, -2.5 | 1, -5, 6 → 2, 6
    l.forward(x, y, cc::mode::train);
    CHECK(y == cc::host_tensor<T, 2>{{1, 6}, {2, 6}});
    l.backward(x, y, cc::host_tensor<T, 2>{{1, 10}, {100, 1000}}, &dx);
    // dz: row 0 → piece 0 of unit 0 (1), piece 2 of unit 1 (10); row 1 → piece 1 (100), piece 2 (1000)
    auto [dw, db] = l.grads();
    CHECK(db == cc::host_tensor<T, 1>{1, 100, 0, 0, 0, 1010});
    CHECK(dw == cc::host_tensor<T, 2>{{1, -100, 0, 0, 0, 10 - 1000}, {2, 100, 0, 0, 0, 20 + 1000}});
    // dx = dz·Wᵀ: row 0: 1·W[:,0] + 10·W[:,5] = (1 − 20, 0 + 40); row 1: 100·W[:,1] + 1000·W[:,5]
    CHECK(dx == cc::host_tensor<T, 2>{{-19, 40}, {-100 - 2000, 100 + 4000}});
}

TEST_CASE("time_distributed applies the inner layer to every step with shared weights") {
    constexpr std::size_t N = 2, S = 4, C = 5, K = 3;
    cc::rng g(21);
    L::layer_impl<L::time_distributed<L::dense<K>>, shape<S, C>, cpu, double> td(g);
    perturb(td, g);
    L::layer_impl<L::dense<K>, shape<C>, cpu, double> inner(g);
    std::get<0>(inner.params()) = std::get<0>(td.params());
    std::get<1>(inner.params()) = std::get<1>(td.params());
    const auto x = random_tensor<double, 3>({N, S, C}, g);
    cc::host_tensor<double, 3> y;
    td.forward(x, y, cc::mode::train);
    REQUIRE(y.shape()[0] == N);
    REQUIRE(y.shape()[1] == S);
    REQUIRE(y.shape()[2] == K);
    for (std::size_t t = 0; t < S; ++t) {
        cc::host_tensor<double, 2> xt_ = xt::view(x, xt::all(), t, xt::all()), yt;
        inner.forward(xt_, yt, cc::mode::train);
        for (std::size_t s = 0; s < N; ++s)
            for (std::size_t k = 0; k < K; ++k) CHECK(y(s, t, k) == doctest::Approx(yt(s, k)).epsilon(1e-14));
    }
    // The output buffer is moved out, not copied: a second forward gives the same values.
    const cc::host_tensor<double, 3> first = y;
    td.forward(x, y, cc::mode::train);
    CHECK(y == first);
}

TEST_CASE("parameter counts match Keras' summary") {
    // Keras: LSTM(U) on C features has 4(CU + U² + U); GRU(reset_after) 3(CU + U² + 2U);
    // TimeDistributed(Dense(k)) on C features Ck + k; maxout = Dense(U·P) = C·U·P + U·P.
    using model = cc::net::sequential<shape<6, 3>,
                                      L::lstm<7, L::return_sequences>,   // 4·(21 + 49 + 7) = 308
                                      L::gru<5, L::return_sequences>,    // 3·(35 + 25 + 10) = 210
                                      L::time_distributed<L::dense<4>>,  // 5·4 + 4 = 24
                                      L::lstm<2>,                        // 4·(8 + 4 + 2) = 56
                                      L::maxout<3, 2>>;                  // 2·6 + 6 = 18
    model::on<cpu, float> net{1};
    static_assert(std::is_same_v<model::on<cpu, float>::shape_at<3>, shape<6, 4>>);
    static_assert(std::is_same_v<model::on<cpu, float>::output_shape, shape<3>>);
    CHECK(cc::detail::count_elements(net.layer<0>().params()) == 308);
    CHECK(cc::detail::count_elements(net.layer<1>().params()) == 210);
    CHECK(cc::detail::count_elements(net.layer<2>().params()) == 24);
    CHECK(cc::detail::count_elements(net.layer<3>().params()) == 56);
    CHECK(cc::detail::count_elements(net.layer<4>().params()) == 18);
    const auto c = cc::count_params(net);
    CHECK(c.trainable == 308 + 210 + 24 + 56 + 18);
    CHECK(c.non_trainable == 0);
    std::ostringstream os;
    cc::summary(net, os);
    MESSAGE(os.str());
    CHECK(summary_line(os.str(), "lstm_0") == " lstm_0 (None, 6, 7) 308");
    CHECK(summary_line(os.str(), "gru_1") == " gru_1 (None, 6, 5) 210");
    CHECK(summary_line(os.str(), "time_distributed_2") == " time_distributed_2 (None, 6, 4) 24");
    CHECK(summary_line(os.str(), "maxout_4") == " maxout_4 (None, 3) 18");
    CHECK(os.str().find("Total params: 616") != std::string::npos);
    // The network runs end to end.
    cc::host_tensor<float, 3> x = xt::ones<float>({2, 6, 3});
    CHECK(net.forward(x).shape()[1] == 3);
}

TEST_CASE_TEMPLATE("a recurrent network learns the sum of a sequence", Rnn, L::lstm<8>, L::gru<8>) {
    // y = (Σ_t x_t) / 3 for sequences of 6 values in [−1, 1]: needs memory over all steps. Trained on 64
    // sequences, judged on 64 others.
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
