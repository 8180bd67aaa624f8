// The Keras layers of issue 12 item 5: permute, repeat_vector, layer_normalization, prelu, relu_with and
// softmax_over. Forward (and the re-layouts' backward) against naive loops written here, odd sizes;
// finite-difference gradient checks in double for inputs and parameters; compile-time output shapes and
// shape/option rules; all of them in one trained network.
#include <cascade/cascade.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

namespace {

template <class A, class B>
inline constexpr bool same = std::is_same_v<A, B>;

template <class Layer, class In, class T = double>
auto make(unsigned seed = 0) {
    cc::rng g(seed);
    return L::layer_impl<Layer, In, cpu, T>(g);
}

template <class T, std::size_t R>
cc::host_tensor<T, R> random_tensor(const std::array<std::size_t, R>& s, unsigned seed, double lo = -1, double hi = 1) {
    cc::rng g(seed);
    cc::host_tensor<T, R> t(s);
    for (auto& v : t) v = T(lo + (hi - lo) * cc::detail::uniform01(g));
    return t;
}

// Worst gradient errors of Layer on a random batch, parameters moved away from their initial values.
template <class Layer, class In>
cc::testing::grad_check_result gradient_errors(std::size_t batch = 3, unsigned seed = 1) {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(seed);
    L::layer_impl<Layer, In, cpu, double> l(g);
    std::apply([&](auto&... p) {
        ((std::for_each(p.begin(), p.end(), [&](double& v) { v += 0.3 * (2 * cc::detail::uniform01(g) - 1); })), ...);
    }, l.params());
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(batch));
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    return cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
}

constexpr double tol = 1e-6;

} // namespace

// ---- shapes and rules, at compile time ----
static_assert(same<L::output_shape_of<L::permute<2, 1>, shape<5, 3>>, shape<3, 5>>);
static_assert(same<L::output_shape_of<L::permute<3, 1, 2>, shape<4, 5, 3>>, shape<3, 4, 5>>);
static_assert(same<L::output_shape_of<L::permute<1>, shape<7>>, shape<7>>);
static_assert(same<L::output_shape_of<L::repeat_vector<4>, shape<7>>, shape<4, 7>>);
static_assert(same<L::output_shape_of<L::layer_normalization<>, shape<5, 3>>, shape<5, 3>>);
static_assert(same<L::output_shape_of<L::prelu<L::shared_axes<1, 2>>, shape<5, 4, 3>>, shape<5, 4, 3>>);
static_assert(same<L::output_shape_of<L::relu6, shape<9>>, shape<9>>);
static_assert(same<L::output_shape_of<L::softmax_over<1>, shape<5, 3>>, shape<5, 3>>);
static_assert(L::permute<2, 1>::accepts<shape<5, 3>> && L::permute<3, 2, 1>::accepts<shape<2, 5, 3>>);
static_assert(!L::permute<2, 1>::accepts<shape<5, 3, 2>> && !L::permute<1, 1>::accepts<shape<5, 3>>);
static_assert(!L::permute<1, 3>::accepts<shape<5, 3>> && !L::permute<0, 1>::accepts<shape<5, 3>>);
static_assert(L::repeat_vector<2>::accepts<shape<7>> && !L::repeat_vector<2>::accepts<shape<7, 2>>);
static_assert(L::softmax_over<2>::accepts<shape<4, 3>> && L::softmax_over<-2>::accepts<shape<4, 3>>);
static_assert(!L::softmax_over<3>::accepts<shape<4, 3>> && !L::softmax_over<-3>::accepts<shape<4, 3>>);
static_assert(L::prelu<L::shared_axes<1, 2>>::accepts<shape<4, 4, 2>> && !L::prelu<L::shared_axes<3>>::accepts<shape<4, 4>>);
static_assert(!L::prelu<L::shared_axes<1, 1>>::accepts<shape<4, 4>> && !L::prelu<L::no_bias>::accepts<shape<4>>);
static_assert(L::relu_with<L::max_value<6>, L::negative_slope<1, 10>, L::threshold<1, 2>>::accepts<shape<3>>);
static_assert(!L::relu_with<L::max_value<-1>>::accepts<shape<3>> && !L::relu_with<L::negative_slope<-1, 10>>::accepts<shape<3>>);
static_assert(!L::relu_with<L::threshold<-1>>::accepts<shape<3>> && !L::relu_with<L::epsilon<1>>::accepts<shape<3>>);
static_assert(!L::relu_with<L::max_value<6>, L::max_value<3>>::accepts<shape<3>>);
static_assert(L::layer_normalization<L::no_center, L::epsilon<1, 100000>, L::no_scale>::accepts<shape<3>>);
static_assert(!L::layer_normalization<L::no_bias>::accepts<shape<3>> && !L::layer_normalization<L::epsilon<0>>::accepts<shape<3>>);
static_assert(same<L::relu6, L::relu_with<L::max_value<6>>>);

// ---- permute ----
TEST_CASE("permute<3, 1, 2>: y[n, c, h, w] = x[n, h, w, c], and dx is dy permuted back") {
    constexpr std::size_t N = 2, H = 3, W = 5, C = 7;
    auto l = make<L::permute<3, 1, 2>, shape<H, W, C>>();
    const auto x = random_tensor<double, 4>({N, H, W, C}, 1);
    cc::host_tensor<double, 4> y, dx;
    l.forward(x, y, cc::mode::train);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{N, C, H, W});
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t h = 0; h < H; ++h)
            for (std::size_t w = 0; w < W; ++w)
                for (std::size_t c = 0; c < C; ++c) CHECK(y(n, c, h, w) == x(n, h, w, c));
    const auto dy = random_tensor<double, 4>({N, C, H, W}, 2);
    l.backward(x, y, dy, &dx);
    REQUIRE(dx.shape() == x.shape());
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t h = 0; h < H; ++h)
            for (std::size_t w = 0; w < W; ++w)
                for (std::size_t c = 0; c < C; ++c) CHECK(dx(n, h, w, c) == dy(n, c, h, w));
}

TEST_CASE("permute<2, 1> swaps time and features - permute<2, 3, 1> and <1, 2> in float") {
    auto a = make<L::permute<2, 1>, shape<5, 3>, float>();
    const auto x = random_tensor<float, 3>({3, 5, 3}, 3);
    cc::host_tensor<float, 3> y;
    a.forward(x, y, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 3>{3, 3, 5});
    for (std::size_t n = 0; n < 3; ++n)
        for (std::size_t t = 0; t < 5; ++t)
            for (std::size_t f = 0; f < 3; ++f) CHECK(y(n, f, t) == x(n, t, f));

    auto b = make<L::permute<2, 3, 1>, shape<3, 4, 5>, float>();
    const auto x3 = random_tensor<float, 4>({2, 3, 4, 5}, 4);
    cc::host_tensor<float, 4> y3;
    b.forward(x3, y3, cc::mode::infer);
    REQUIRE(y3.shape() == std::array<std::size_t, 4>{2, 4, 5, 3});
    for (std::size_t n = 0; n < 2; ++n)
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = 0; j < 4; ++j)
                for (std::size_t k = 0; k < 5; ++k) CHECK(y3(n, j, k, i) == x3(n, i, j, k));

    auto id = make<L::permute<1, 2>, shape<5, 3>, float>();
    cc::host_tensor<float, 3> yi;
    id.forward(x, yi, cc::mode::infer);
    CHECK(yi == x);
}

// ---- repeat_vector ----
TEST_CASE("repeat_vector<5>: y[n, t, f] = x[n, f] - dx sums dy over t") {
    constexpr std::size_t N = 3, F = 7, R = 5;
    auto l = make<L::repeat_vector<R>, shape<F>>();
    const auto x = random_tensor<double, 2>({N, F}, 5);
    cc::host_tensor<double, 3> y;
    cc::host_tensor<double, 2> dx;
    l.forward(x, y, cc::mode::train);
    REQUIRE(y.shape() == std::array<std::size_t, 3>{N, R, F});
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t t = 0; t < R; ++t)
            for (std::size_t f = 0; f < F; ++f) CHECK(y(n, t, f) == x(n, f));
    const auto dy = random_tensor<double, 3>({N, R, F}, 6);
    l.backward(x, y, dy, &dx);
    REQUIRE(dx.shape() == x.shape());
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t f = 0; f < F; ++f) {
            double s = 0;
            for (std::size_t t = 0; t < R; ++t) s += dy(n, t, f);
            CHECK(dx(n, f) == doctest::Approx(s).epsilon(1e-15));
        }
}

// ---- layer_normalization ----
namespace {
// Naive layer norm over the last axis of a (rows, c) view, in long double.
template <class T, std::size_t R>
cc::host_tensor<double, R> naive_layer_norm(const cc::host_tensor<T, R>& x, const std::vector<double>& gamma,
                                            const std::vector<double>& beta, double eps) {
    const std::size_t c = x.shape()[R - 1], rows = x.size() / c;
    cc::host_tensor<double, R> y(x.shape());
    for (std::size_t r = 0; r < rows; ++r) {
        long double m = 0, v = 0;
        for (std::size_t j = 0; j < c; ++j) m += x.data()[r * c + j];
        m /= c;
        for (std::size_t j = 0; j < c; ++j) v += (x.data()[r * c + j] - m) * (x.data()[r * c + j] - m);
        v /= c;
        for (std::size_t j = 0; j < c; ++j)
            y.data()[r * c + j] = double((x.data()[r * c + j] - m) / std::sqrt(v + eps) * gamma[j] + beta[j]);
    }
    return y;
}
} // namespace

TEST_CASE("layer_normalization: each position normalised over its last axis, then scaled and shifted") {
    constexpr std::size_t N = 3, T = 5, C = 7;
    auto l = make<L::layer_normalization<>, shape<T, C>>();
    REQUIRE(std::get<0>(l.params()).size() == C);
    REQUIRE(std::get<1>(l.params()).size() == C);
    for (std::size_t j = 0; j < C; ++j) {
        CHECK(l.gamma(j) == 1);   // Keras' initialisers: gamma ones, beta zeros
        CHECK(l.beta(j) == 0);
    }
    std::vector<double> gamma(C), beta(C);
    for (std::size_t j = 0; j < C; ++j) {
        l.gamma(j) = gamma[j] = 0.5 + 0.25 * double(j);
        l.beta(j) = beta[j] = -1.0 + 0.3 * double(j);
    }
    const auto x = random_tensor<double, 3>({N, T, C}, 7, -3, 2);
    cc::host_tensor<double, 3> y;
    l.forward(x, y, cc::mode::train);
    const auto ref = naive_layer_norm(x, gamma, beta, 1e-3);
    for (std::size_t i = 0; i < y.size(); ++i) CHECK(y.data()[i] == doctest::Approx(ref.data()[i]).epsilon(1e-12));
    // Inference computes the same (no batch statistics).
    cc::host_tensor<double, 3> yi;
    l.forward(x, yi, cc::mode::infer);
    CHECK(yi == y);
}

TEST_CASE("layer_normalization options: epsilon, no_center, no_scale - float") {
    constexpr std::size_t C = 9;
    const auto x = random_tensor<float, 2>({4, C}, 8, -1, 1);
    const std::vector<double> ones(C, 1.0), zeros(C, 0.0);
    {
        auto l = make<L::layer_normalization<L::epsilon<1, 2>>, shape<C>, float>();
        cc::host_tensor<float, 2> y;
        l.forward(x, y, cc::mode::train);
        const auto ref = naive_layer_norm(x, ones, zeros, 0.5);
        for (std::size_t i = 0; i < y.size(); ++i) CHECK(y.data()[i] == doctest::Approx(ref.data()[i]).epsilon(1e-5));
    }
    {
        auto l = make<L::layer_normalization<L::no_center>, shape<C>, float>();
        static_assert(std::tuple_size_v<decltype(l.params())> == 1);
        std::vector<double> gamma(C);
        for (std::size_t j = 0; j < C; ++j) l.gamma(j) = float(gamma[j] = 2.0 - 0.25 * double(j));
        cc::host_tensor<float, 2> y;
        l.forward(x, y, cc::mode::train);
        const auto ref = naive_layer_norm(x, gamma, zeros, 1e-3);
        for (std::size_t i = 0; i < y.size(); ++i) CHECK(y.data()[i] == doctest::Approx(ref.data()[i]).epsilon(1e-5));
    }
    {
        auto l = make<L::layer_normalization<L::no_scale, L::no_center>, shape<C>, float>();
        static_assert(std::tuple_size_v<decltype(l.params())> == 0);
        cc::host_tensor<float, 2> y;
        l.forward(x, y, cc::mode::train);
        const auto ref = naive_layer_norm(x, ones, zeros, 1e-3);
        for (std::size_t i = 0; i < y.size(); ++i) CHECK(y.data()[i] == doctest::Approx(ref.data()[i]).epsilon(1e-5));
    }
}

// ---- prelu ----
TEST_CASE("prelu: y = x or alpha x, alpha per element (zeros at first), or shared along axes") {
    constexpr std::size_t N = 3, H = 4, W = 5, C = 3;
    const auto x = random_tensor<double, 4>({N, H, W, C}, 9);
    {
        auto l = make<L::prelu<>, shape<H, W, C>>();
        REQUIRE(l.alpha.shape() == std::array<std::size_t, 3>{H, W, C});
        cc::host_tensor<double, 4> y;
        l.forward(x, y, cc::mode::train);
        for (std::size_t i = 0; i < x.size(); ++i) CHECK(y.data()[i] == std::max(x.data()[i], 0.0));   // α = 0: relu
        for (std::size_t i = 0; i < l.alpha.size(); ++i) l.alpha.data()[i] = 0.1 * double(i % 7) - 0.2;
        l.forward(x, y, cc::mode::train);
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t h = 0; h < H; ++h)
                for (std::size_t w = 0; w < W; ++w)
                    for (std::size_t c = 0; c < C; ++c) {
                        const double v = x(n, h, w, c);
                        CHECK(y(n, h, w, c) == (v > 0 ? v : l.alpha(h, w, c) * v));
                    }
    }
    {
        auto l = make<L::prelu<L::shared_axes<1, 2>>, shape<H, W, C>>();   // one α per channel
        REQUIRE(l.alpha.shape() == std::array<std::size_t, 3>{1, 1, C});
        for (std::size_t c = 0; c < C; ++c) l.alpha(0, 0, c) = 0.25 * double(c + 1);
        cc::host_tensor<double, 4> y, dx;
        l.forward(x, y, cc::mode::train);
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t h = 0; h < H; ++h)
                for (std::size_t w = 0; w < W; ++w)
                    for (std::size_t c = 0; c < C; ++c) {
                        const double v = x(n, h, w, c);
                        CHECK(y(n, h, w, c) == (v > 0 ? v : 0.25 * double(c + 1) * v));
                    }
        const auto dy = random_tensor<double, 4>({N, H, W, C}, 10);
        l.backward(x, y, dy, &dx);
        for (std::size_t c = 0; c < C; ++c) {
            double s = 0;
            for (std::size_t n = 0; n < N; ++n)
                for (std::size_t h = 0; h < H; ++h)
                    for (std::size_t w = 0; w < W; ++w)
                        if (x(n, h, w, c) <= 0) s += x(n, h, w, c) * dy(n, h, w, c);
            CHECK(l.dalpha(0, 0, c) == doctest::Approx(s).epsilon(1e-13));
        }
    }
    {
        auto l = make<L::prelu<L::shared_axes<2>>, shape<H, W, C>>();   // shared along the width only
        REQUIRE(l.alpha.shape() == std::array<std::size_t, 3>{H, 1, C});
        for (std::size_t i = 0; i < l.alpha.size(); ++i) l.alpha.data()[i] = 0.05 * double(i + 1);
        cc::host_tensor<double, 4> y;
        l.forward(x, y, cc::mode::train);
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t h = 0; h < H; ++h)
                for (std::size_t w = 0; w < W; ++w)
                    for (std::size_t c = 0; c < C; ++c) {
                        const double v = x(n, h, w, c);
                        CHECK(y(n, h, w, c) == (v > 0 ? v : l.alpha(h, 0, c) * v));
                    }
    }
}

// ---- relu_with ----
TEST_CASE("relu_with: Keras ReLU's max_value, negative_slope and threshold") {
    const cc::host_tensor<double, 2> x{{-3, -1, -0.25, 0, 0.25, 0.5, 1, 2.5, 5.5, 6, 7}};
    // Keras 3's computation: x kept where x > threshold (so y = 0 at x = threshold), clipped at max_value.
    auto keras_relu = [](double v, double m, double a, double t) { return v >= m ? m : (v > t ? v : a * (v - t)); };
    auto run = [&](auto layer, double m, double a, double t) {
        auto l = make<decltype(layer), shape<11>>();
        cc::host_tensor<double, 2> y, dx;
        l.forward(x, y, cc::mode::train);
        const cc::host_tensor<double, 2> dy{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}};
        l.backward(x, y, dy, &dx);
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double v = x.data()[i];
            CHECK(y.data()[i] == keras_relu(v, m, a, t));
            CHECK(dx.data()[i] == (v >= m ? 0.0 : (v > t ? dy.data()[i] : a * dy.data()[i])));
        }
    };
    const double inf = std::numeric_limits<double>::infinity();
    run(L::relu_with<>{}, inf, 0, 0);
    run(L::relu6{}, 6, 0, 0);
    run(L::relu_with<L::negative_slope<1, 10>>{}, inf, 0.1, 0);
    run(L::relu_with<L::threshold<1, 2>, L::max_value<5>>{}, 5, 0, 0.5);
    run(L::relu_with<L::max_value<6>, L::negative_slope<1, 4>, L::threshold<1>>{}, 6, 0.25, 1);

    // relu_with<> gives relu's values and gradients (0 at x = 0); layers::relu itself is unchanged.
    auto a = make<L::relu_with<>, shape<11>>();
    auto b = make<L::relu, shape<11>>();
    cc::host_tensor<double, 2> ya, yb, dxa, dxb;
    a.forward(x, ya, cc::mode::train);
    b.forward(x, yb, cc::mode::train);
    CHECK(ya == yb);
    const cc::host_tensor<double, 2> ones = xt::ones<double>({1, 11});
    a.backward(x, ya, ones, &dxa);
    b.backward(x, yb, ones, &dxb);
    CHECK(dxa == dxb);
}

// ---- softmax_over ----
TEST_CASE("softmax_over<Axis>: softmax along the chosen sample axis - -1 is layers::softmax's") {
    constexpr std::size_t N = 2, A = 3, B = 5, C = 7;
    const auto x = random_tensor<double, 4>({N, A, B, C}, 11, -3, 3);
    // Naive softmax along axis `ax` (1, 2 or 3) of x (N, A, B, C).
    auto naive = [&](std::size_t ax) {
        cc::host_tensor<double, 4> y(x.shape());
        const std::array<std::size_t, 4> d{N, A, B, C};
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t i = 0; i < A; ++i)
                for (std::size_t j = 0; j < B; ++j)
                    for (std::size_t k = 0; k < C; ++k) {
                        long double s = 0;
                        for (std::size_t m = 0; m < d[ax]; ++m) {
                            std::array<std::size_t, 4> q{n, i, j, k};
                            q[ax] = m;
                            s += std::exp((long double)x(q[0], q[1], q[2], q[3]));
                        }
                        y(n, i, j, k) = double(std::exp((long double)x(n, i, j, k)) / s);
                    }
        return y;
    };
    auto run = [&](auto layer, std::size_t ax) {
        auto l = make<decltype(layer), shape<A, B, C>>();
        cc::host_tensor<double, 4> y;
        l.forward(x, y, cc::mode::train);
        const auto ref = naive(ax);
        for (std::size_t i = 0; i < y.size(); ++i) CHECK(y.data()[i] == doctest::Approx(ref.data()[i]).epsilon(1e-13));
    };
    run(L::softmax_over<1>{}, 1);
    run(L::softmax_over<2>{}, 2);
    run(L::softmax_over<-2>{}, 2);
    run(L::softmax_over<3>{}, 3);
    run(L::softmax_over<-1>{}, 3);
    run(L::softmax_over<-3>{}, 1);

    // The last axis: the same values as layers::softmax.
    auto a = make<L::softmax_over<-1>, shape<A, B, C>>();
    auto b = make<L::softmax, shape<A, B, C>>();
    cc::host_tensor<double, 4> ya, yb;
    a.forward(x, ya, cc::mode::infer);
    b.forward(x, yb, cc::mode::infer);
    for (std::size_t i = 0; i < ya.size(); ++i) CHECK(ya.data()[i] == doctest::Approx(yb.data()[i]).epsilon(1e-15));
}

// ---- gradients ----
TEST_CASE("permute and repeat_vector gradients") {
    CHECK(gradient_errors<L::permute<2, 1>, shape<5, 3>>().input < tol);
    CHECK(gradient_errors<L::permute<3, 1, 2>, shape<3, 4, 5>>(2).input < tol);
    CHECK(gradient_errors<L::permute<2, 3, 1>, shape<3, 4, 5>>(2).input < tol);
    CHECK(gradient_errors<L::repeat_vector<4>, shape<9>>().input < tol);
    CHECK(gradient_errors<L::repeat_vector<1>, shape<3>>().input < tol);
}

TEST_CASE_TEMPLATE("layer_normalization gradients", Layer, L::layer_normalization<>, L::layer_normalization<L::no_center>,
                   L::layer_normalization<L::no_scale>, L::layer_normalization<L::no_scale, L::no_center, L::epsilon<1, 10>>) {
    const auto a = gradient_errors<Layer, shape<11>>(5);
    CHECK(a.input < tol);
    CHECK(a.params < tol);
    const auto b = gradient_errors<Layer, shape<3, 4, 7>>(2);
    CHECK(b.input < tol);
    CHECK(b.params < tol);
}

TEST_CASE_TEMPLATE("prelu gradients", Layer, L::prelu<>, L::prelu<L::shared_axes<1, 2>>, L::prelu<L::shared_axes<2>>,
                   L::prelu<L::shared_axes<3, 1>>) {
    const auto r = gradient_errors<Layer, shape<3, 5, 4>>(3);
    CHECK(r.input < tol);
    CHECK(r.params < tol);
}

TEST_CASE_TEMPLATE("relu_with and softmax_over gradients", Layer, L::relu_with<>, L::relu6,
                   L::relu_with<L::max_value<1, 2>, L::negative_slope<3, 10>, L::threshold<1, 5>>, L::softmax_over<1>,
                   L::softmax_over<2>, L::softmax_over<-1>, L::softmax_over<-3>) {
    const auto r = gradient_errors<Layer, shape<4, 3, 5>>(2);
    CHECK(r.input < tol);
}

// ---- in a network ----
TEST_CASE("the Keras layers in a network: shape chain, summary, and training lowers the loss") {
    using model = cc::net::sequential<shape<6>,
        L::dense<10>,                                               // (N, 10)
        L::prelu<>,                                                 // (N, 10)      10 α
        L::repeat_vector<3>,                                        // (N, 3, 10)
        L::layer_normalization<>,                                   // (N, 3, 10)   20 γ, β
        L::permute<2, 1>,                                           // (N, 10, 3)
        L::relu_with<L::max_value<6>, L::negative_slope<1, 10>>,    // (N, 10, 3)
        L::softmax_over<1>,                                         // (N, 10, 3)
        L::flatten,                                                 // (N, 30)
        L::dense<2>,                                                // (N, 2)
        L::softmax>;                                                // (N, 2)
    static_assert(same<model::on<cpu, float>::shape_at<3>, shape<3, 10>>);
    static_assert(same<model::on<cpu, float>::shape_at<5>, shape<10, 3>>);
    static_assert(same<model::on<cpu, float>::shape_at<8>, shape<30>>);
    model::on<cpu, float> net{1};
    std::ostringstream summary;
    cc::summary(net, summary);
    MESSAGE(summary.str());
    for (const char* s : {"prelu_1", "repeat_vector_2", "layer_normalization_3", "permute_4", "relu_with_5", "softmax_over_6", "162"})
        CHECK(summary.str().find(s) != std::string::npos);

    // Class 1 where the features sum to more than 0.
    cc::host_tensor<float, 2> x = random_tensor<float, 2>({32, 6}, 12);
    cc::host_tensor<float, 2> t(std::array<std::size_t, 2>{32, 2});
    t.fill(0);
    for (std::size_t i = 0; i < 32; ++i) {
        float s = 0;
        for (std::size_t j = 0; j < 6; ++j) s += x(i, j);
        t(i, s > 0 ? 1 : 0) = 1;
    }
    cc::optimizers::adam opt{{.lr = 0.02}};
    const cc::losses::categorical_crossentropy loss;
    const float first = cc::train::step(net, loss, opt, x, t);
    float last = first;
    for (int i = 0; i < 150; ++i) last = cc::train::step(net, loss, opt, x, t);
    MESSAGE("loss: " << first << " -> " << last);
    CHECK(std::isfinite(last));
    CHECK(last < 0.5f * first);

    // The trained α, γ and β go through a weights file like any parameter.
    const std::string path = std::string(CASCADE_TEST_DATA_DIR) + "/keras_layers.cw";
    cc::io::save_weights(net, path);
    model::on<cpu, float> copy{2};
    cc::io::load_weights(copy, path);
    cc::host_tensor<float, 2> ya, yb;
    ya = cc::train::predict(net, x);
    yb = cc::train::predict(copy, x);
    CHECK(ya == yb);
}
