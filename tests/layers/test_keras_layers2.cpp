// The Keras layers of issue 12 item 5, second part: the pointwise activations of keras.activations
// (gelu exact and approximate, swish, hard_sigmoid, hard_swish, softsign, exponential, mish), global
// pooling 3-D and keepdims, spatial_dropout1d/3d and gaussian_dropout, embedding, unit_normalization and
// group_normalization. Forward and backward against formulas and naive loops written here (float and
// double, odd sizes so the vectorised driver's tail runs), finite-difference gradient checks in double
// (the noise layers with their draw frozen), moments of the noise, compile-time shapes and option rules.
#include <cascade/cascade.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

namespace {

template <class A, class B>
inline constexpr bool same = std::is_same_v<A, B>;

template <class T, std::size_t R>
cc::host_tensor<T, R> random_tensor(const std::array<std::size_t, R>& s, unsigned seed, double lo = -1, double hi = 1) {
    cc::rng g(seed);
    cc::host_tensor<T, R> t(s);
    for (auto& v : t) v = T(lo + (hi - lo) * cc::detail::uniform01(g));
    return t;
}

// Worst finite-difference gradient errors of Layer (double) on a random batch with inputs in [lo, hi).
template <class Layer, class In>
cc::testing::grad_check_result gradient_errors(double lo = -1, double hi = 1, std::size_t batch = 3, unsigned seed = 1) {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(seed);
    L::layer_impl<Layer, In, cpu, double> l(g);
    std::apply([&](auto&... p) {
        ((std::for_each(p.begin(), p.end(), [&](double& v) { v += 0.3 * (2 * cc::detail::uniform01(g) - 1); })), ...);
    }, l.params());
    auto x = random_tensor<double>(cc::batch_shape<In>(batch), seed + 11, lo, hi);
    return cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
}

constexpr double tol = 1e-6;

// ---- reference formulas, written independently of kernels/pointwise_terms.hpp (long double) ----
using ld = long double;
ld ref_sigmoid(ld x) { return 1 / (1 + std::exp(-x)); }
ld ref_softplus(ld x) { return std::log1p(std::exp(x)); }
const ld pi = 3.141592653589793238462643383279502884L;

ld gelu_exact(ld x) { return x * 0.5L * std::erfc(-x / std::sqrt(2.0L)); }
ld gelu_exact_d(ld x) { return 0.5L * std::erfc(-x / std::sqrt(2.0L)) + x * std::exp(-x * x / 2) / std::sqrt(2 * pi); }
ld gelu_tanh(ld x) { return 0.5L * x * (1 + std::tanh(std::sqrt(2 / pi) * (x + 0.044715L * x * x * x))); }
ld gelu_tanh_d(ld x) {   // product rule on ½x(1 + tanh u), u' = √(2/π)(1 + 3·0.044715 x²), tanh' = sech²
    const ld u = std::sqrt(2 / pi) * (x + 0.044715L * x * x * x);
    const ld sech = 1 / std::cosh(u);
    return 0.5L * (1 + std::tanh(u)) + 0.5L * x * sech * sech * std::sqrt(2 / pi) * (1 + 3 * 0.044715L * x * x);
}
ld swish(ld x) { return x / (1 + std::exp(-x)); }
ld swish_d(ld x) { return ref_sigmoid(x) + x * std::exp(-x) / ((1 + std::exp(-x)) * (1 + std::exp(-x))); }
ld hard_sigmoid(ld x) { return x <= -3 ? 0 : (x >= 3 ? 1 : (x + 3) / 6); }
ld hard_sigmoid_d(ld x) { return (x > -3 && x < 3) ? 1.0L / 6 : 0; }
ld hard_swish(ld x) { return x * hard_sigmoid(x); }
ld hard_swish_d(ld x) { return x <= -3 ? 0 : (x >= 3 ? 1 : x / 3 + 0.5L); }
ld softsign(ld x) { return x / (1 + std::fabs(x)); }
ld softsign_d(ld x) { return 1 / ((1 + std::fabs(x)) * (1 + std::fabs(x))); }
ld expo(ld x) { return std::exp(x); }
ld mish(ld x) { return x * std::tanh(ref_softplus(x)); }
ld mish_d(ld x) {   // d/dx x tanh(sp(x)) = tanh(sp) + x sech²(sp) σ(x)
    const ld s = 1 / std::cosh(ref_softplus(x));
    return std::tanh(ref_softplus(x)) + x * s * s * ref_sigmoid(x);
}

// Layer's y and dx on a (3, 7, 5) batch in [lo, hi) against f and f' (relative to max(1, |ref|)).
template <class Layer, class T>
void check_pointwise(ld (*f)(ld), ld (*df)(ld), double lo, double hi, double ulps) {
    using In = shape<7, 5>;
    cc::rng g(3);
    L::layer_impl<Layer, In, cpu, T> l(g);
    const auto x = random_tensor<T>(cc::batch_shape<In>(3), 5, lo, hi);
    const auto dy = random_tensor<T>(cc::batch_shape<In>(3), 6, -2, 2);
    cc::host_tensor<T, 3> y, dx;
    l.forward(x, y, cc::mode::train);
    l.backward(x, y, dy, &dx);
    REQUIRE(y.shape() == x.shape());
    REQUIRE(dx.shape() == x.shape());
    double ey = 0, edx = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const ld xi = x.data()[i];
        const ld ry = f(xi), rdx = ld(dy.data()[i]) * df(xi);
        ey = std::max(ey, double(std::fabs(ld(y.data()[i]) - ry) / std::max<ld>(1, std::fabs(ry))));
        edx = std::max(edx, double(std::fabs(ld(dx.data()[i]) - rdx) / std::max<ld>(1, std::fabs(rdx))));
    }
    INFO(Layer::name, sizeof(T) == 4 ? " float" : " double");
    const double eps = std::numeric_limits<T>::epsilon();
    CHECK(ey <= ulps * eps);
    CHECK(edx <= ulps * eps);
}

} // namespace

// ---- shapes and rules, at compile time ----
static_assert(same<L::output_shape_of<L::gelu<>, shape<5, 3>>, shape<5, 3>>);
static_assert(same<L::output_shape_of<L::gelu<L::approximate>, shape<2, 4, 3>>, shape<2, 4, 3>>);
static_assert(same<L::output_shape_of<L::swish, shape<9>>, shape<9>> && same<L::silu, L::swish>);
static_assert(same<L::output_shape_of<L::hard_swish, shape<9>>, shape<9>> && same<L::hard_silu, L::hard_swish>);
static_assert(same<L::output_shape_of<L::mish, shape<3, 3>>, shape<3, 3>>);
static_assert(L::gelu<>::accepts<shape<3>> && L::gelu<L::approximate>::accepts<shape<3>>);
static_assert(!L::gelu<L::approximate, L::approximate>::accepts<shape<3>> && !L::gelu<L::no_bias>::accepts<shape<3>>);
static_assert(L::softsign::accepts<shape<3>> && L::exponential::accepts<shape<1, 2, 3, 4>>);

// ---- pointwise activations ----
TEST_CASE_TEMPLATE("gelu, swish, hard_sigmoid, hard_swish, softsign, exponential and mish match their formulas", T, float, double) {
    // A few ulps of the reference: the vectorised erf / tanh / exp / log1p are correct to a few ulps; a
    // wrong constant or branch is off by far more.
    constexpr double u = 32;
    check_pointwise<L::gelu<>, T>(gelu_exact, gelu_exact_d, -6, 6, u);
    check_pointwise<L::gelu<L::approximate>, T>(gelu_tanh, gelu_tanh_d, -6, 6, u);
    check_pointwise<L::swish, T>(swish, swish_d, -12, 12, u);
    check_pointwise<L::hard_sigmoid, T>(hard_sigmoid, hard_sigmoid_d, -5, 5, u);
    check_pointwise<L::hard_swish, T>(hard_swish, hard_swish_d, -5, 5, u);
    check_pointwise<L::softsign, T>(softsign, softsign_d, -20, 20, u);
    check_pointwise<L::exponential, T>(expo, expo, -5, 3, u);
    check_pointwise<L::mish, T>(mish, mish_d, -12, 12, u);
}

TEST_CASE("gelu exact and approximate differ (by < 1e-3), and at known points") {
    for (double x : {-2.5, -1.0, 0.3, 1.7}) CHECK(std::fabs(double(gelu_exact(x) - gelu_tanh(x))) < 1e-3);
    cc::rng g(1);
    L::layer_impl<L::gelu<>, shape<4>, cpu, double> e(g);
    L::layer_impl<L::gelu<L::approximate>, shape<4>, cpu, double> a(g);
    cc::host_tensor<double, 2> x(std::array<std::size_t, 2>{1, 4}), ye, ya;
    x(0, 0) = -1; x(0, 1) = 0; x(0, 2) = 1; x(0, 3) = 2;
    e.forward(x, ye, cc::mode::infer);
    a.forward(x, ya, cc::mode::infer);
    // Φ(1) = 0.841344746068542948585..., Φ(2) = 0.977249868051820792800...
    CHECK(ye(0, 2) == doctest::Approx(0.8413447460685429).epsilon(1e-15));
    CHECK(ye(0, 0) == doctest::Approx(-(1 - 0.8413447460685429)).epsilon(1e-14));
    CHECK(ye(0, 3) == doctest::Approx(2 * 0.9772498680518208).epsilon(1e-15));
    CHECK(ye(0, 1) == 0.0);
    CHECK(ya(0, 2) != ye(0, 2));
    CHECK(std::fabs(ya(0, 2) - ye(0, 2)) < 2e-4);
}

TEST_CASE("hard_sigmoid and hard_swish: Keras 3 values at the kinks, saturation, and the gradient's open interval") {
    cc::rng g(1);
    L::layer_impl<L::hard_sigmoid, shape<5>, cpu, float> hs(g);
    L::layer_impl<L::hard_swish, shape<5>, cpu, float> hw(g);
    cc::host_tensor<float, 2> x(std::array<std::size_t, 2>{1, 5}), y, dx, dy(std::array<std::size_t, 2>{1, 5});
    const float xs[5] = {-4, -3, 0, 3, 4};
    for (int i = 0; i < 5; ++i) x(0, i) = xs[i], dy(0, i) = 1;
    hs.forward(x, y, cc::mode::train);
    hs.backward(x, y, dy, &dx);
    CHECK(y(0, 0) == 0.f); CHECK(y(0, 1) == 0.f); CHECK(y(0, 2) == 0.5f); CHECK(y(0, 3) == 1.f); CHECK(y(0, 4) == 1.f);
    CHECK(dx(0, 0) == 0.f); CHECK(dx(0, 1) == 0.f); CHECK(dx(0, 2) == doctest::Approx(1.0 / 6)); CHECK(dx(0, 3) == 0.f);
    hw.forward(x, y, cc::mode::train);
    hw.backward(x, y, dy, &dx);
    CHECK(y(0, 0) == 0.f); CHECK(y(0, 2) == 0.f); CHECK(y(0, 3) == 3.f); CHECK(y(0, 4) == 4.f);
    CHECK(dx(0, 0) == 0.f); CHECK(dx(0, 1) == 0.f); CHECK(dx(0, 2) == 0.5f); CHECK(dx(0, 3) == 1.f); CHECK(dx(0, 4) == 1.f);
}

TEST_CASE("swish, mish, softsign and exponential stay finite at large |x|") {
    cc::rng g(1);
    cc::host_tensor<float, 2> x(std::array<std::size_t, 2>{1, 4}), y, dx, dy(std::array<std::size_t, 2>{1, 4});
    x(0, 0) = -200; x(0, 1) = -80; x(0, 2) = 80; x(0, 3) = 200;
    dy.fill(1);
    auto finite = [](const cc::host_tensor<float, 2>& t) {
        for (float v : t) if (!std::isfinite(v)) return false;
        return true;
    };
    L::layer_impl<L::swish, shape<4>, cpu, float> s(g);
    s.forward(x, y, cc::mode::train); s.backward(x, y, dy, &dx);
    CHECK(finite(y)); CHECK(finite(dx)); CHECK(y(0, 3) == 200.f); CHECK(dx(0, 3) == 1.f); CHECK(y(0, 0) == 0.f);
    L::layer_impl<L::mish, shape<4>, cpu, float> m(g);
    m.forward(x, y, cc::mode::train); m.backward(x, y, dy, &dx);
    CHECK(finite(y)); CHECK(finite(dx)); CHECK(y(0, 3) == 200.f); CHECK(dx(0, 3) == 1.f);
    L::layer_impl<L::softsign, shape<4>, cpu, float> ss(g);
    ss.forward(x, y, cc::mode::train); ss.backward(x, y, dy, &dx);
    CHECK(finite(y)); CHECK(finite(dx)); CHECK(y(0, 0) == doctest::Approx(-200.0 / 201));
}

TEST_CASE("pointwise activations: finite-difference gradients in double") {
    CHECK(gradient_errors<L::gelu<>, shape<7, 5>>(-4, 4).input < tol);
    CHECK(gradient_errors<L::gelu<L::approximate>, shape<7, 5>>(-4, 4).input < tol);
    CHECK(gradient_errors<L::swish, shape<13>>(-6, 6).input < tol);
    CHECK(gradient_errors<L::hard_sigmoid, shape<13>>(-5, 5).input < tol);
    CHECK(gradient_errors<L::hard_swish, shape<13>>(-5, 5).input < tol);
    CHECK(gradient_errors<L::softsign, shape<13>>(-4, 4).input < tol);
    CHECK(gradient_errors<L::exponential, shape<3, 5>>(-2, 2).input < tol);
    CHECK(gradient_errors<L::mish, shape<3, 5>>(-5, 5).input < tol);
}

TEST_CASE("the pointwise activations train in a network") {
    using model = cc::net::sequential<shape<6>, L::dense<9>, L::gelu<>, L::dense<9>, L::swish, L::dense<9>, L::mish, L::dense<9>,
                                      L::hard_swish, L::dense<9>, L::softsign, L::dense<9>, L::gelu<L::approximate>, L::dense<3>,
                                      L::hard_sigmoid>;
    model::on<cpu, double> net{7};
    const auto x = random_tensor<double>(std::array<std::size_t, 2>{16, 6}, 9);
    cc::host_tensor<double, 2> t(std::array<std::size_t, 2>{16, 3});
    for (std::size_t i = 0; i < 16; ++i)
        for (std::size_t j = 0; j < 3; ++j) t(i, j) = x(i, j) + x(i, j + 3) > 0 ? 0.9 : 0.1;
    const auto& y = net.forward(x);
    REQUIRE(y.shape() == std::array<std::size_t, 2>{16, 3});
    for (double v : y) CHECK((v >= 0 && v <= 1));
    cc::optimizers::adam opt{{.lr = 0.01}};
    const cc::losses::mse loss;
    const double first = cc::train::step(net, loss, opt, x, t);
    double last = first;
    for (int i = 0; i < 200; ++i) last = cc::train::step(net, loss, opt, x, t);
    MESSAGE("loss: " << first << " -> " << last);
    CHECK(last < 0.5 * first);
}

// ---- global pooling 3d and keepdims ----
static_assert(same<L::output_shape_of<L::global_average_pooling3d<>, shape<3, 4, 5, 2>>, shape<2>>);
static_assert(same<L::output_shape_of<L::global_max_pooling3d<>, shape<3, 4, 5, 2>>, shape<2>>);
static_assert(same<L::output_shape_of<L::global_max_pooling3d<L::keepdims>, shape<3, 4, 5, 2>>, shape<1, 1, 1, 2>>);
static_assert(same<L::output_shape_of<L::global_average_pooling2d<L::keepdims>, shape<4, 5, 7>>, shape<1, 1, 7>>);
static_assert(same<L::output_shape_of<L::global_max_pooling1d<L::keepdims>, shape<9, 7>>, shape<1, 7>>);
static_assert(L::global_average_pooling3d<>::accepts<shape<2, 2, 2, 1>> && !L::global_average_pooling3d<>::accepts<shape<2, 2, 1>>);
static_assert(!L::global_max_pooling3d<L::keepdims, L::keepdims>::accepts<shape<2, 2, 2, 1>>);
static_assert(!L::global_max_pooling2d<L::no_bias>::accepts<shape<2, 2, 1>>);
static_assert(same<L::global_max_pooling2d<>, L::global_pool<L::pool_kind::max, 2>>);

namespace {
// Layer on a (N, D, H, W, C) = (2, 3, 4, 5, 3) batch (or the 1-D/2-D prefix) against a naive loop:
// the mean / max of each (n, c) over the positions; y's layout (N, C) or (N, 1, …, 1, C) is the same in
// memory. dx: dy / positions, or dy at the first maximum.
template <class Layer, class In, bool Max, class T>
void check_global_pool() {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(1);
    L::layer_impl<Layer, In, cpu, T> l(g);
    const std::size_t N = 2, C = In::dims[In::rank - 1], S = In::size / C;
    const auto x = random_tensor<T>(cc::batch_shape<In>(N), 4, -3, 3);
    const auto dy = random_tensor<T>(cc::batch_shape<Out>(N), 5, -1, 1);
    cc::host_tensor<T, Out::rank + 1> y;
    cc::host_tensor<T, In::rank + 1> dx;
    l.forward(x, y, cc::mode::train);
    l.backward(x, y, dy, &dx);
    REQUIRE(y.shape() == cc::batch_shape<Out>(N));
    REQUIRE(dx.shape() == x.shape());
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t c = 0; c < C; ++c) {
            double sum = 0, best = -1e300;
            std::size_t arg = 0;
            for (std::size_t p = 0; p < S; ++p) {
                const double v = x.data()[(n * S + p) * C + c];
                sum += v;
                if (v > best) best = v, arg = p;
            }
            const double want = Max ? best : sum / double(S);
            if (Max) CHECK(double(y.data()[n * C + c]) == want);   // the maximum itself: exact
            else CHECK(double(y.data()[n * C + c]) == doctest::Approx(want).epsilon(1e-5));
            for (std::size_t p = 0; p < S; ++p) {
                const double d = dy.data()[n * C + c];
                const double want_dx = Max ? (p == arg ? d : 0.0) : d / double(S);
                CHECK(double(dx.data()[(n * S + p) * C + c]) == doctest::Approx(want_dx).epsilon(1e-6));
            }
        }
}
} // namespace

TEST_CASE_TEMPLATE("global pooling 3d and keepdims match a naive loop", T, float, double) {
    check_global_pool<L::global_average_pooling3d<>, shape<3, 4, 5, 3>, false, T>();
    check_global_pool<L::global_max_pooling3d<>, shape<3, 4, 5, 3>, true, T>();
    check_global_pool<L::global_average_pooling3d<L::keepdims>, shape<3, 4, 5, 3>, false, T>();
    check_global_pool<L::global_max_pooling3d<L::keepdims>, shape<3, 4, 5, 3>, true, T>();
    check_global_pool<L::global_average_pooling2d<L::keepdims>, shape<4, 5, 3>, false, T>();
    check_global_pool<L::global_max_pooling2d<L::keepdims>, shape<4, 5, 3>, true, T>();
    check_global_pool<L::global_average_pooling1d<L::keepdims>, shape<7, 3>, false, T>();
    check_global_pool<L::global_max_pooling1d<L::keepdims>, shape<7, 3>, true, T>();
    check_global_pool<L::global_average_pooling2d<>, shape<4, 5, 3>, false, T>();
}

TEST_CASE("global pooling 3d and keepdims: finite-difference gradients in double") {
    CHECK(gradient_errors<L::global_average_pooling3d<>, shape<3, 2, 5, 3>>().input < tol);
    CHECK(gradient_errors<L::global_max_pooling3d<>, shape<3, 2, 5, 3>>().input < tol);
    CHECK(gradient_errors<L::global_average_pooling3d<L::keepdims>, shape<3, 2, 5, 3>>().input < tol);
    CHECK(gradient_errors<L::global_max_pooling3d<L::keepdims>, shape<3, 2, 5, 3>>().input < tol);
    CHECK(gradient_errors<L::global_average_pooling2d<L::keepdims>, shape<3, 5, 2>>().input < tol);
    CHECK(gradient_errors<L::global_max_pooling1d<L::keepdims>, shape<7, 2>>().input < tol);
}

TEST_CASE("keepdims pooling feeds a convolution, as in squeeze-and-excitation blocks") {
    // (N, 6, 6, 4) → global average, kept (N, 1, 1, 4) → 1×1 conv (N, 1, 1, 2) → flatten → dense.
    using model = cc::net::sequential<shape<6, 6, 3>, L::conv2d<4, L::kernel<3>, L::padding::same>, L::relu,
                                      L::global_average_pooling2d<L::keepdims>, L::conv2d<2, L::kernel<1>>, L::flatten,
                                      L::dense<2>, L::softmax>;
    static_assert(same<model::on<cpu, float>::shape_at<3>, shape<1, 1, 4>>);
    static_assert(same<model::on<cpu, float>::shape_at<4>, shape<1, 1, 2>>);
    model::on<cpu, double> net{3};
    const auto x = random_tensor<double>(std::array<std::size_t, 4>{5, 6, 6, 3}, 2);
    const auto& y = net.forward(x);
    REQUIRE(y.shape() == std::array<std::size_t, 2>{5, 2});
    for (std::size_t i = 0; i < 5; ++i) CHECK(y(i, 0) + y(i, 1) == doctest::Approx(1.0));
}

// ---- spatial_dropout1d/3d, gaussian_dropout ----
static_assert(same<L::output_shape_of<L::spatial_dropout1d<cc::ratio<1, 5>>, shape<9, 4>>, shape<9, 4>>);
static_assert(same<L::output_shape_of<L::spatial_dropout3d<cc::ratio<1, 5>>, shape<2, 3, 4, 5>>, shape<2, 3, 4, 5>>);
static_assert(same<L::output_shape_of<L::gaussian_dropout<cc::ratio<1, 5>>, shape<2, 3>>, shape<2, 3>>);
static_assert(L::spatial_dropout1d<cc::ratio<1, 2>>::accepts<shape<9, 4>> && !L::spatial_dropout1d<cc::ratio<1, 2>>::accepts<shape<9, 4, 2>>);
static_assert(L::spatial_dropout3d<cc::ratio<1, 2>>::accepts<shape<2, 9, 4, 2>> && !L::spatial_dropout3d<cc::ratio<1, 2>>::accepts<shape<9, 4, 2>>);
static_assert(same<L::spatial_dropout2d<cc::ratio<1, 2>>, L::spatial_dropout_nd<2, cc::ratio<1, 2>>>);
static_assert(L::gaussian_dropout<cc::ratio<0, 1>>::accepts<shape<1>>);

namespace {
// Every forward from a copy of the same impl: f(x ± h) sees the analytic backward's draw.
template <class I>
struct frozen {
    I base, cur;
    template <class X, class Y>
    void forward(const X& x, Y& y, cc::mode m) {
        cur = base;
        cur.forward(x, y, m);
    }
    template <class X, class Y>
    void backward(const X& x, const Y& y, const Y& dy, X* dx) { cur.backward(x, y, dy, dx); }
    auto params() { return std::tie(); }
    auto grads() { return std::tie(); }
};
template <class Layer, class In>
double frozen_gradient_error(unsigned seed) {
    using I = L::layer_impl<Layer, In, cpu, double>;
    cc::rng g(seed);
    frozen<I> f{I(g), I(g)};
    const auto x = random_tensor<double>(cc::batch_shape<In>(3), seed + 5);
    return cc::testing::check_gradients<cc::host_tensor<double, In::rank + 1>>(f, x).input;
}

// Spatial dropout on x = 1 (N samples): every channel of every sample is all 0 or all 1/(1 − p); returns
// the fraction dropped. dx with dy = 1 must equal y.
template <class Layer, class In>
double spatial_dropped_fraction(std::size_t n, double p) {
    cc::rng g(11);
    L::layer_impl<Layer, In, cpu, float> l(g);
    cc::host_tensor<float, In::rank + 1> x(cc::batch_shape<In>(n)), y, dx;
    x.fill(1);
    l.forward(x, y, cc::mode::train);
    l.backward(x, y, x, &dx);
    const std::size_t C = In::dims[In::rank - 1], S = In::size / C;
    const float keep = float(1 / (1 - p));
    std::size_t dropped = 0;
    bool shared = true;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < C; ++c) {
            const float v = y.data()[i * S * C + c];
            shared = shared && (v == 0.f || v == doctest::Approx(keep).epsilon(1e-6));
            dropped += v == 0.f;
            for (std::size_t s = 0; s < S; ++s) shared = shared && y.data()[(i * S + s) * C + c] == v && dx.data()[(i * S + s) * C + c] == v;
        }
    CHECK(shared);
    return double(dropped) / double(n * C);
}
} // namespace

TEST_CASE("spatial_dropout1d and spatial_dropout3d drop whole channels at the rate, with inverted scaling") {
    // 400 · 50 = 20000 channel draws: the dropped fraction's standard deviation is √(p(1 − p)/20000) ≈ 0.0031.
    const double f1 = spatial_dropped_fraction<L::spatial_dropout1d<cc::ratio<1, 4>>, shape<7, 50>>(400, 0.25);
    CHECK(std::fabs(f1 - 0.25) < 5 * 0.0031);
    const double f3 = spatial_dropped_fraction<L::spatial_dropout3d<cc::ratio<1, 4>>, shape<2, 3, 2, 50>>(400, 0.25);
    CHECK(std::fabs(f3 - 0.25) < 5 * 0.0031);
    const double f2 = spatial_dropped_fraction<L::spatial_dropout2d<cc::ratio<1, 4>>, shape<3, 2, 50>>(400, 0.25);
    CHECK(std::fabs(f2 - 0.25) < 5 * 0.0031);
}

TEST_CASE("spatial_dropout1d/3d and gaussian_dropout: identity in inference, rate 0 and the run-time rate") {
    cc::rng g(2);
    const auto x = random_tensor<double>(std::array<std::size_t, 3>{3, 7, 5}, 3);
    cc::host_tensor<double, 3> y, dx;
    L::layer_impl<L::spatial_dropout1d<cc::ratio<1, 2>>, shape<7, 5>, cpu, double> s1(g);
    s1.forward(x, y, cc::mode::infer);
    s1.backward(x, y, x, &dx);
    CHECK(y == x);
    CHECK(dx == x);
    L::layer_impl<L::gaussian_dropout<cc::ratio<1, 2>>, shape<7, 5>, cpu, double> gd(g);
    gd.forward(x, y, cc::mode::infer);
    gd.backward(x, y, x, &dx);
    CHECK(y == x);
    CHECK(dx == x);
    L::layer_impl<L::gaussian_dropout<cc::ratio<0, 1>>, shape<7, 5>, cpu, double> g0(g);
    g0.forward(x, y, cc::mode::train);
    CHECK(y == x);
    // The run-time hyper-parameter: rate 0 on a gaussian_dropout<1/2> is the identity in training too.
    CHECK(cc::layers::detail::set_hyperparameter(gd, "rate", 0.0, "gaussian_dropout"));
    gd.forward(x, y, cc::mode::train);
    CHECK(y == x);
    CHECK_THROWS_AS(cc::layers::detail::set_hyperparameter(gd, "rate", 1.0, "gaussian_dropout"), cc::error);
    L::layer_impl<L::spatial_dropout3d<cc::ratio<1, 2>>, shape<1, 7, 1, 5>, cpu, double> s3(g);
    CHECK(cc::layers::detail::set_hyperparameter(s3, "rate", 0.0, "spatial_dropout3d"));
    cc::host_tensor<double, 5> x5(std::array<std::size_t, 5>{3, 1, 7, 1, 5}), y5;
    std::copy(x.begin(), x.end(), x5.begin());
    s3.forward(x5, y5, cc::mode::train);
    CHECK(y5 == x5);
}

TEST_CASE("gaussian_dropout: the noise has mean 1 and variance p/(1 − p), per element, and dx = dy ⊙ ε") {
    for (const double p : {0.2, 0.5}) {
        cc::rng g(5);
        const std::size_t n = 200001;   // odd: the Box–Muller tail runs
        cc::host_tensor<double, 2> x(std::array<std::size_t, 2>{1, n}), y, dy(std::array<std::size_t, 2>{1, n}), dx;
        x.fill(1);
        double mean = 0, var = 0;
        auto moments = [&](auto& layer) {
            layer.forward(x, y, cc::mode::train);
            mean = 0, var = 0;
            for (double v : y) mean += v;
            mean /= double(n);
            for (double v : y) var += (v - mean) * (v - mean);
            var /= double(n - 1);
            for (std::size_t i = 0; i < n; ++i) dy(0, i) = double(i % 7) - 3;
            layer.backward(x, y, dy, &dx);
            std::size_t mismatches = 0;   // (a comparison, not a difference: g++ would contract dx − dy·y into an FMA)
            for (std::size_t i = 0; i < n; ++i) mismatches += dx(0, i) != dy(0, i) * y(0, i);
            CHECK(mismatches == 0);
        };
        const double s2 = p / (1 - p);
        if (p == 0.2) {
            L::layer_impl<L::gaussian_dropout<cc::ratio<1, 5>>, shape<n>, cpu, double> l(g);
            moments(l);
        } else {
            L::layer_impl<L::gaussian_dropout<cc::ratio<1, 2>>, shape<n>, cpu, double> l(g);
            moments(l);
        }
        INFO("p = ", p, ": mean ", mean, ", variance ", var);
        // standard errors: mean √(σ²/n); variance ≈ σ² √(2/n) for a normal sample
        CHECK(std::fabs(mean - 1) < 5 * std::sqrt(s2 / double(n)));
        CHECK(std::fabs(var - s2) < 5 * s2 * std::sqrt(2.0 / double(n)));
    }
}

TEST_CASE("spatial_dropout1d/3d and gaussian_dropout: gradients in training with the draw frozen") {
    CHECK(frozen_gradient_error<L::spatial_dropout1d<cc::ratio<1, 2>>, shape<5, 7>>(3) < tol);
    CHECK(frozen_gradient_error<L::spatial_dropout3d<cc::ratio<1, 3>>, shape<2, 3, 2, 5>>(4) < tol);
    CHECK(frozen_gradient_error<L::gaussian_dropout<cc::ratio<1, 3>>, shape<5, 7>>(5) < tol);
    CHECK(frozen_gradient_error<L::gaussian_dropout<cc::ratio<1, 3>>, shape<13>>(6) < tol);
}

// ---- embedding ----
static_assert(same<L::output_shape_of<L::embedding<10, 4>, shape<7>>, shape<7, 4>>);
static_assert(same<L::output_shape_of<L::embedding<10, 4>, shape<3, 5>>, shape<3, 5, 4>>);
static_assert(L::embedding<10, 4, L::embeddings_init<cc::init::zeros>>::accepts<shape<7>>);
static_assert(!L::embedding<10, 4, L::kernel_init<cc::init::zeros>>::accepts<shape<7>>);
static_assert(!L::embedding<10, 4, L::embeddings_init<cc::init::zeros>, L::embeddings_init<cc::init::ones>>::accepts<shape<7>>);

namespace {
// Ids in [0, V) with repeats, as T.
template <class T, std::size_t R>
cc::host_tensor<T, R> random_ids(const std::array<std::size_t, R>& s, std::size_t v, unsigned seed) {
    cc::rng g(seed);
    cc::host_tensor<T, R> t(s);
    for (auto& x : t) x = T(g() % v);
    return t;
}
} // namespace

TEST_CASE_TEMPLATE("embedding: y is the table's rows, dE sums dy over the positions of each id, dx = 0", T, float, double) {
    constexpr std::size_t V = 11, D = 5;
    using In = shape<3, 7>;
    cc::rng g(4);
    L::layer_impl<L::embedding<V, D>, In, cpu, T> l(g);
    const auto x = random_ids<T>(cc::batch_shape<In>(2), 6, 8);   // ids 0 … 5: rows 6 … 10 get no gradient
    const auto dy = random_tensor<T>(std::array<std::size_t, 4>{2, 3, 7, D}, 9);
    cc::host_tensor<T, 4> y;
    cc::host_tensor<T, 3> dx;
    l.forward(x, y, cc::mode::train);
    l.backward(x, y, dy, &dx);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{2, 3, 7, D});
    const auto& E = std::get<0>(l.params());
    const auto& dE = std::get<0>(l.grads());
    REQUIRE(E.shape() == std::array<std::size_t, 2>{V, D});
    for (std::size_t p = 0; p < x.size(); ++p)
        for (std::size_t c = 0; c < D; ++c) CHECK(y.data()[p * D + c] == E(std::size_t(x.data()[p]), c));
    for (std::size_t r = 0; r < V; ++r)
        for (std::size_t c = 0; c < D; ++c) {
            double s = 0;
            for (std::size_t p = 0; p < x.size(); ++p)
                if (std::size_t(x.data()[p]) == r) s += double(dy.data()[p * D + c]);
            CHECK(double(dE(r, c)) == doctest::Approx(s).epsilon(1e-5));
            if (r >= 6) CHECK(dE(r, c) == T(0));
        }
    REQUIRE(dx.shape() == x.shape());
    for (T v : dx) CHECK(v == T(0));
}

TEST_CASE("embedding: Keras' uniform(-0.05, 0.05) initialisation, and embeddings_init") {
    cc::rng g(1);
    L::layer_impl<L::embedding<200, 50>, shape<3>, cpu, double> l(g);
    const auto& E = std::get<0>(l.params());
    double lo = 1, hi = -1, mean = 0;
    for (double v : E) lo = std::min(lo, v), hi = std::max(hi, v), mean += v;
    mean /= double(E.size());
    CHECK(lo >= -0.05);
    CHECK(hi < 0.05);
    CHECK(lo < -0.049);   // 10000 draws reach both ends
    CHECK(hi > 0.049);
    CHECK(std::fabs(mean) < 5 * 0.05 / std::sqrt(3.0 * 10000));
    L::layer_impl<L::embedding<4, 3, L::embeddings_init<cc::init::ones>>, shape<3>, cpu, double> o(g);
    for (double v : std::get<0>(o.params())) CHECK(v == 1.0);
}

TEST_CASE("embedding: an id out of range or not an integer is a cascade::error naming it") {
    cc::rng g(1);
    L::layer_impl<L::embedding<10, 3>, shape<4>, cpu, float> l(g);
    cc::host_tensor<float, 2> x(std::array<std::size_t, 2>{2, 4});
    cc::host_tensor<float, 3> y;
    x.fill(0);
    l.forward(x, y, cc::mode::infer);   // fine
    auto message = [&](float bad, std::size_t at) {
        x.fill(3);
        x.data()[at] = bad;
        try {
            l.forward(x, y, cc::mode::infer);
        } catch (const cc::error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message(10, 5) == "embedding: id 10 at flat position 5 of the input is out of range [0, 10)");
    CHECK(message(-1, 0) == "embedding: id -1 at flat position 0 of the input is out of range [0, 10)");
    CHECK(message(2.5f, 7).find("input value 2.5 at flat position 7 is not an integer id") != std::string::npos);
    CHECK(message(std::numeric_limits<float>::quiet_NaN(), 1).find("is not an integer id") != std::string::npos);
    CHECK(message(9, 3) == "no error");
}

TEST_CASE("embedding: finite-difference gradient of the table in double") {
    constexpr std::size_t V = 7, D = 3;
    using In = shape<5>;
    cc::rng g(2);
    L::layer_impl<L::embedding<V, D>, In, cpu, double> l(g);
    const auto x = random_ids<double>(cc::batch_shape<In>(3), V, 3);
    const auto r = random_tensor<double>(std::array<std::size_t, 3>{3, 5, D}, 4);
    cc::host_tensor<double, 3> y;
    auto f = [&] {
        l.forward(x, y, cc::mode::train);
        double s = 0;
        for (std::size_t i = 0; i < y.size(); ++i) s += y.data()[i] * r.data()[i];
        return s;
    };
    f();
    l.backward(x, y, r, nullptr);
    const auto dE = std::get<0>(l.grads());
    auto& E = std::get<0>(l.params());
    double worst = 0;
    const double h = 1e-4;
    for (std::size_t i = 0; i < E.size(); ++i) {
        const double keep = E.data()[i];
        E.data()[i] = keep + h;
        const double fp = f();
        E.data()[i] = keep - h;
        const double fm = f();
        E.data()[i] = keep;
        worst = std::max(worst, std::fabs((fp - fm) / (2 * h) - dE.data()[i]) / std::max(1e-7, std::fabs(dE.data()[i])));
    }
    CHECK(worst < tol);
}

TEST_CASE("embedding learns which ids belong to which class") {
    // 12 ids; class 1 for the even ones. Sequences of 4 ids, the label from the first id.
    using model = cc::net::sequential<shape<4>, L::embedding<12, 3>, L::flatten, L::dense<2>, L::softmax>;
    model::on<cpu, double> net{5};
    const auto x = random_ids<double>(std::array<std::size_t, 2>{48, 4}, 12, 6);
    cc::host_tensor<double, 2> t(std::array<std::size_t, 2>{48, 2});
    t.fill(0);
    for (std::size_t i = 0; i < 48; ++i) t(i, std::size_t(x(i, 0)) % 2 == 0 ? 1 : 0) = 1;
    cc::optimizers::adam opt{{.lr = 0.05}};
    const cc::losses::categorical_crossentropy loss;
    const double first = cc::train::step(net, loss, opt, x, t);
    double last = first;
    for (int i = 0; i < 150; ++i) last = cc::train::step(net, loss, opt, x, t);
    MESSAGE("loss: " << first << " -> " << last);
    CHECK(last < 0.2 * first);
}

// ---- unit_normalization ----
static_assert(same<L::output_shape_of<L::unit_normalization, shape<5, 3>>, shape<5, 3>>);

TEST_CASE_TEMPLATE("unit_normalization: each position's vector scaled to unit L2 norm, its gradient, and zero vectors", T, float, double) {
    using In = shape<5, 7>;
    cc::rng g(1);
    L::layer_impl<L::unit_normalization, In, cpu, T> l(g);
    auto x = random_tensor<T>(cc::batch_shape<In>(3), 2, -2, 2);
    for (std::size_t j = 0; j < 7; ++j) x(1, 2, j) = T(0);   // a zero vector: y = 0, dx = dy / ε
    const auto dy = random_tensor<T>(cc::batch_shape<In>(3), 3);
    cc::host_tensor<T, 3> y, dx;
    l.forward(x, y, cc::mode::train);
    l.backward(x, y, dy, &dx);
    for (std::size_t n = 0; n < 3; ++n)
        for (std::size_t p = 0; p < 5; ++p) {
            long double s = 0, yd = 0;
            for (std::size_t j = 0; j < 7; ++j) s += (long double)x(n, p, j) * x(n, p, j);
            const long double norm = std::sqrt(s);
            for (std::size_t j = 0; j < 7; ++j) yd += (long double)x(n, p, j) / norm * dy(n, p, j);
            for (std::size_t j = 0; j < 7; ++j) {
                if (norm == 0) {
                    CHECK(y(n, p, j) == T(0));
                    CHECK(double(dx(n, p, j)) == doctest::Approx(double(dy(n, p, j)) * 1e12).epsilon(1e-6));
                    continue;
                }
                const long double ry = x(n, p, j) / norm, rdx = (dy(n, p, j) - ry * yd) / norm;
                CHECK(double(y(n, p, j)) == doctest::Approx(double(ry)).epsilon(sizeof(T) == 4 ? 1e-5 : 1e-13));
                CHECK(double(dx(n, p, j)) == doctest::Approx(double(rdx)).epsilon(sizeof(T) == 4 ? 1e-4 : 1e-12).scale(1));
            }
        }
}

TEST_CASE("unit_normalization: finite-difference gradient in double") {
    CHECK(gradient_errors<L::unit_normalization, shape<5, 7>>().input < tol);
    CHECK(gradient_errors<L::unit_normalization, shape<13>>().input < tol);
    CHECK(gradient_errors<L::unit_normalization, shape<2, 3, 1>>().input < tol);   // C = 1: y = sign x, dx = 0
}

// ---- group_normalization ----
static_assert(same<L::output_shape_of<L::group_normalization<3>, shape<5, 4, 6>>, shape<5, 4, 6>>);
static_assert(L::group_normalization<3>::accepts<shape<5, 6>> && !L::group_normalization<4>::accepts<shape<5, 6>>);
static_assert(L::group_normalization<2, L::epsilon<1, 100000>, L::no_center, L::no_scale>::accepts<shape<4>>);
static_assert(!L::group_normalization<2, L::no_bias>::accepts<shape<4>> && !L::group_normalization<2, L::epsilon<0>>::accepts<shape<4>>);

namespace {
// Layer on a (3, P…, C) batch against a naive loop over each (sample, group), with γ, β set to random values.
template <class Layer, class In, std::size_t G, class T>
void check_group_norm(double eps) {
    cc::rng g(1);
    L::layer_impl<Layer, In, cpu, T> l(g);
    std::size_t k = 0;
    std::apply([&](auto&... p) { ((p = random_tensor<T>(p.shape(), 20 + unsigned(k++), 0.5, 1.5)), ...); }, l.params());
    const bool has_gamma = Layer::scale, has_beta = Layer::center;
    const auto x = random_tensor<T>(cc::batch_shape<In>(3), 2, -2, 2);
    cc::host_tensor<T, In::rank + 1> y;
    l.forward(x, y, cc::mode::train);
    const std::size_t C = In::dims[In::rank - 1], P = In::size / C, K = C / G;
    const T* gamma = has_gamma ? l.gamma.data() : nullptr;
    const T* beta = has_beta ? l.beta.data() : nullptr;
    double worst = 0;
    for (std::size_t n = 0; n < 3; ++n)
        for (std::size_t grp = 0; grp < G; ++grp) {
            long double s = 0, v = 0;
            for (std::size_t p = 0; p < P; ++p)
                for (std::size_t j = 0; j < K; ++j) s += x.data()[(n * P + p) * C + grp * K + j];
            const long double mu = s / (P * K);
            for (std::size_t p = 0; p < P; ++p)
                for (std::size_t j = 0; j < K; ++j) v += std::pow(x.data()[(n * P + p) * C + grp * K + j] - mu, 2);
            const long double sd = std::sqrt(v / (P * K) + eps);
            for (std::size_t p = 0; p < P; ++p)
                for (std::size_t j = 0; j < K; ++j) {
                    const std::size_t c = grp * K + j, e = (n * P + p) * C + c;
                    const long double want = (x.data()[e] - mu) / sd * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
                    worst = std::max(worst, double(std::fabs(y.data()[e] - want)));
                }
        }
    INFO(Layer::name, " ", sizeof(T) == 4 ? "float" : "double");
    CHECK(worst < (sizeof(T) == 4 ? 2e-5 : 1e-13));
}
} // namespace

TEST_CASE_TEMPLATE("group_normalization matches a naive per-(sample, group) loop", T, float, double) {
    check_group_norm<L::group_normalization<3>, shape<5, 3, 6>, 3, T>(1e-3);
    check_group_norm<L::group_normalization<2, L::epsilon<1, 100000>>, shape<7, 6>, 2, T>(1e-5);
    check_group_norm<L::group_normalization<1, L::no_center>, shape<3, 4>, 1, T>(1e-3);     // one group: all of a sample
    check_group_norm<L::group_normalization<5, L::no_scale>, shape<3, 2, 5>, 5, T>(1e-3);   // instance normalisation
    check_group_norm<L::group_normalization<3, L::no_scale, L::no_center>, shape<9>, 3, T>(1e-3);
}

TEST_CASE("group_normalization: finite-difference gradients in double, input and parameters") {
    auto ok = [](cc::testing::grad_check_result r) { return r.input < tol && r.params < tol; };
    CHECK(ok(gradient_errors<L::group_normalization<3>, shape<5, 3, 6>>()));
    CHECK(ok(gradient_errors<L::group_normalization<2, L::epsilon<1, 100000>>, shape<7, 6>>()));
    CHECK(ok(gradient_errors<L::group_normalization<1, L::no_center>, shape<3, 4>>()));
    CHECK(ok(gradient_errors<L::group_normalization<5, L::no_scale>, shape<3, 2, 5>>()));
    CHECK(ok(gradient_errors<L::group_normalization<3, L::no_scale, L::no_center>, shape<9>>()));
    CHECK(ok(gradient_errors<L::group_normalization<2>, shape<2, 2, 3, 4>>()));
}
