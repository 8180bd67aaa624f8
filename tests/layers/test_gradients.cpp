// Finite-difference gradient checks (double) for every layer, for inputs and parameters, including
// strided / padded convolutions and sizes that are not multiples of the SIMD width.
#include <cascade/cascade.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

namespace cc = cascade;
using cc::backend::cpu;
using cc::shape;

namespace {

template <class L, class In>
cc::testing::grad_check_result check(std::size_t batch = 3, unsigned seed = 1) {
    using Out = cc::layers::output_shape_of<L, In>;
    cc::rng g(seed);
    cc::layers::layer_impl<L, In, cpu, double> l(g);
    // Perturb parameters away from their initial values (biases start at zero, gamma at one).
    std::apply([&](auto&... p) {
        ((std::for_each(p.begin(), p.end(), [&](double& v) { v += 0.3 * (2 * cc::detail::uniform01(g) - 1); })), ...);
    }, l.params());
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(batch));
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    return cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
}

constexpr double tol = 1e-6;

} // namespace

TEST_CASE_TEMPLATE("dense gradients", L, cc::layers::dense<5>, cc::layers::dense<17>,
                   cc::layers::dense<3, cc::layers::kernel_init<cc::init::he_normal>, cc::layers::no_bias>) {
    auto r = check<L, shape<11>>();
    CHECK(r.input < tol);
    CHECK(r.params < tol);
}

TEST_CASE_TEMPLATE("conv2d gradients", L, cc::layers::conv2d<3, cc::layers::kernel<3>>, cc::layers::conv2d<4, cc::layers::kernel<3>, cc::layers::strides<2>>,
                   cc::layers::conv2d<5, cc::layers::kernel<3>, cc::layers::padding::same>,
                   cc::layers::conv2d<2, cc::layers::kernel<4>, cc::layers::strides<3>, cc::layers::padding::same>, cc::layers::conv2d<3, cc::layers::kernel<1>>,
                   cc::layers::conv2d<2, cc::layers::kernel<2>, cc::layers::kernel_init<cc::init::glorot_normal>, cc::layers::no_bias>) {
    auto r = check<L, shape<7, 6, 3>>(2);
    CHECK(r.input < tol);
    CHECK(r.params < tol);
}

TEST_CASE("conv2d gradients, many channels (vector tails)") {
    auto r = check<cc::layers::conv2d<9, cc::layers::kernel<3>, cc::layers::strides<2>, cc::layers::padding::same>, shape<5, 5, 13>>(2);
    CHECK(r.input < tol);
    CHECK(r.params < tol);
}

TEST_CASE_TEMPLATE("pooling gradients", L, cc::layers::max_pool2d<2>, cc::layers::max_pool2d<3, cc::layers::strides<2>>,
                   cc::layers::avg_pool2d<2>, cc::layers::avg_pool2d<3, cc::layers::strides<1>>) {
    auto r = check<L, shape<7, 6, 5>>(2);
    CHECK(r.input < tol);
}

TEST_CASE_TEMPLATE("activation gradients", L, cc::layers::relu, cc::layers::leaky_relu<>,
                   cc::layers::leaky_relu<cc::ratio<1, 100>>, cc::layers::sigmoid, cc::layers::tanh,
                   cc::layers::softmax) {
    auto r = check<L, shape<4, 19>>();
    CHECK(r.input < tol);
}

TEST_CASE_TEMPLATE("reshape gradients", L, cc::layers::flatten, cc::layers::reshape<6, 5>) {
    auto r = check<L, shape<3, 2, 5>>();
    CHECK(r.input < tol);
}

TEST_CASE("batch_norm gradients (training mode), features and images") {
    auto r1 = check<cc::layers::batch_norm<>, shape<7>>(5);
    CHECK(r1.input < tol);
    CHECK(r1.params < tol);
    auto r2 = check<cc::layers::batch_norm<>, shape<3, 4, 5>>(2);
    CHECK(r2.input < tol);
    CHECK(r2.params < tol);
}
