// Finite-difference gradient checks (double) for the layers of issue 3, with sizes that are not
// multiples of the SIMD width (odd channel counts, 4 × 19 activations). Inputs are distinct values in
// [−1, 1] (see distinct_input) so that global max pooling has no near-ties. The random layers
// (gaussian_noise, spatial_dropout2d) are checked in training mode with their noise frozen: every forward
// starts from a copy of the same impl, so f(x ± h) see the same draw as the analytic backward.
#include <cascade/cascade.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

namespace {

constexpr double tol = 1e-6;

template <class Layer, class In>
cc::host_tensor<double, In::rank + 1> random_input(std::size_t batch, cc::rng& g) {
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(batch));
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    return x;
}

// Distinct values (−1 + (2k + 1.3)/size, shuffled), 2/size > 2h apart and never 0: max pooling then never
// sees two candidates within the finite-difference step of each other (a near-tie makes the numerical
// gradient meaningless, not the analytic one wrong), and elu/selu are not evaluated on their kink.
template <class Layer, class In>
cc::host_tensor<double, In::rank + 1> distinct_input(std::size_t batch, cc::rng& g) {
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(batch));
    const std::size_t n = x.size();
    for (std::size_t k = 0; k < n; ++k) x.data()[k] = -1 + (2.0 * double(k) + 1.3) / double(n);
    for (std::size_t k = n; k-- > 1;) std::swap(x.data()[k], x.data()[std::size_t(g() % (k + 1))]);
    return x;
}

template <class Layer, class In>
cc::testing::grad_check_result check(std::size_t batch = 3, unsigned seed = 1) {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(seed);
    L::layer_impl<Layer, In, cpu, double> l(g);
    auto x = distinct_input<Layer, In>(batch, g);
    return cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
}

// A random layer whose every forward replays the same draw: `cur` restarts from `base` each time.
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
cc::testing::grad_check_result check_frozen(std::size_t batch = 3, unsigned seed = 1) {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(seed);
    using I = L::layer_impl<Layer, In, cpu, double>;
    frozen<I> l{I(g), I(g)};
    auto x = random_input<Layer, In>(batch, g);
    return cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
}

} // namespace

TEST_CASE_TEMPLATE("smooth activation gradients", Layer, L::elu<>, L::elu<cc::ratio<1, 2>>, L::elu<cc::ratio<3, 2>>,
                   L::selu, L::softplus, L::linear) {
    auto r = check<Layer, shape<4, 19>>();
    CHECK(r.input < tol);
}

TEST_CASE("smooth activation gradients, inputs far from 0") {
    // x in [-1, 1] · 6: the saturated elu/selu tails and softplus' linear/exponential regimes.
    cc::rng g(4);
    cc::host_tensor<double, 2> x(std::array<std::size_t, 2>{3, 23});
    for (auto& v : x) v = 12 * cc::detail::uniform01(g) - 6;
    L::layer_impl<L::elu<>, shape<23>, cpu, double> e(g);
    L::layer_impl<L::selu, shape<23>, cpu, double> s(g);
    L::layer_impl<L::softplus, shape<23>, cpu, double> p(g);
    CHECK(cc::testing::check_gradients<cc::host_tensor<double, 2>>(e, x).input < tol);
    CHECK(cc::testing::check_gradients<cc::host_tensor<double, 2>>(s, x).input < tol);
    CHECK(cc::testing::check_gradients<cc::host_tensor<double, 2>>(p, x).input < tol);
}

TEST_CASE_TEMPLATE("global pooling 2d gradients", Layer, L::global_average_pooling2d<>, L::global_max_pooling2d<>) {
    CHECK(check<Layer, shape<5, 3, 13>>(2).input < tol);
    CHECK(check<Layer, shape<1, 1, 3>>(3).input < tol);
    CHECK(check<Layer, shape<7, 6, 1>>(1).input < tol);
}

TEST_CASE_TEMPLATE("global pooling 1d gradients", Layer, L::global_average_pooling1d<>, L::global_max_pooling1d<>) {
    CHECK(check<Layer, shape<7, 13>>(3).input < tol);
    CHECK(check<Layer, shape<1, 5>>(2).input < tol);
}

TEST_CASE_TEMPLATE("zero_padding2d and cropping2d gradients", Layer, L::zero_padding2d<1>, L::zero_padding2d<L::dims<1, 2>>,
                   L::zero_padding2d<L::sides<2, 0>, L::sides<1, 3>>, L::zero_padding2d<0>, L::cropping2d<1>,
                   L::cropping2d<L::dims<1, 2>>, L::cropping2d<L::sides<0, 2>, L::sides<1, 0>>, L::cropping2d<0>) {
    CHECK(check<Layer, shape<7, 6, 5>>(2).input < tol);
    CHECK(check<Layer, shape<5, 7, 13>>(1).input < tol);
}

TEST_CASE_TEMPLATE("upsampling2d gradients", Layer, L::upsampling2d<>, L::upsampling2d<3>, L::upsampling2d<1>,
                   L::upsampling2d<2, L::interpolation::bilinear>, L::upsampling2d<3, L::interpolation::bilinear>,
                   L::upsampling2d<1, L::interpolation::bilinear>) {
    CHECK(check<Layer, shape<4, 5, 3>>(2).input < tol);
    CHECK(check<Layer, shape<3, 2, 13>>(2).input < tol);
    CHECK(check<Layer, shape<1, 3, 2>>(3).input < tol);   // a single row: every vertical tap is clamped
}

TEST_CASE("gaussian_noise and spatial_dropout2d gradients in training, with the draw frozen") {
    CHECK(check_frozen<L::gaussian_noise<cc::ratio<3, 10>>, shape<4, 19>>().input < tol);
    CHECK(check_frozen<L::gaussian_noise<cc::ratio<3, 10>>, shape<3, 2, 5>>(2).input < tol);
    CHECK(check_frozen<L::spatial_dropout2d<cc::ratio<1, 2>>, shape<4, 3, 13>>(4).input < tol);
    CHECK(check_frozen<L::spatial_dropout2d<cc::ratio<1, 5>>, shape<2, 5, 7>>(3).input < tol);
    // In inference mode both are the identity; backward after a training forward uses the same draw.
}

TEST_CASE("backward with dx == nullptr touches nothing, dx is overwritten, not accumulated") {
    cc::rng g(9);
    auto x = random_input<L::upsampling2d<>, shape<3, 4, 5>>(2, g);
    cc::host_tensor<double, 4> y, dx = xt::ones<double>({2, 3, 4, 5}) * 1e3;
    L::layer_impl<L::upsampling2d<2, L::interpolation::bilinear>, shape<3, 4, 5>, cpu, double> u(g);
    u.forward(x, y, cc::mode::train);
    u.backward(x, y, y, nullptr);
    cc::host_tensor<double, 4> dx2;
    u.backward(x, y, y, &dx2);
    u.backward(x, y, y, &dx);
    CHECK(dx == dx2);
    L::layer_impl<L::global_max_pooling2d<>, shape<3, 4, 5>, cpu, double> m(g);
    cc::host_tensor<double, 2> ym;
    m.forward(x, ym, cc::mode::train);
    dx = xt::ones<double>({2, 3, 4, 5}) * 1e3;
    m.backward(x, ym, ym, &dx);
    CHECK(xt::sum(dx)() == doctest::Approx(xt::sum(ym)()));
}
