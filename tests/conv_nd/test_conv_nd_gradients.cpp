// Finite-difference gradient checks (double) of the convolution family: ∂f/∂x and ∂f/∂θ of conv1d,
// conv2d with dilation, conv3d, the transposed convolutions and 1-D/3-D pooling, with strides 1–3,
// dilations 1–3, 'valid'/'same' padding and odd sizes. Inputs are distinct values (no near-ties for max
// pooling); the check fails a backward that accumulates into dx or grads instead of overwriting them.
#include "cases.hpp"

#include <cascade/backend/cpu.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <algorithm>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;
namespace padding = L::padding;

namespace {

constexpr double tol = 1e-6;

// Distinct values −1 + (2k + 1.3)/size, shuffled: 2/size apart, far more than the step h.
template <class In>
cc::host_tensor<double, In::rank + 1> distinct_input(std::size_t batch, cc::rng& g) {
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(batch));
    const std::size_t n = x.size();
    for (std::size_t k = 0; k < n; ++k) x.data()[k] = -1 + (2.0 * double(k) + 1.3) / double(n);
    for (std::size_t k = n; k-- > 1;) std::swap(x.data()[k], x.data()[std::size_t(g() % (k + 1))]);
    return x;
}

template <class Layer, class In>
void check_layer(std::size_t batch = 2) {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(21);
    L::layer_impl<Layer, In, cpu, double> l(g);
    auto params = l.params();
    std::apply([&](auto&... p) { ((std::for_each(p.begin(), p.end(), [&](double& v) { v = 2 * cc::detail::uniform01(g) - 1; })), ...); },
               params);   // non-zero biases too
    const auto x = distinct_input<In>(batch, g);
    const auto r = cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
    CHECK(r.input < tol);
    CHECK(r.params < tol);
}

} // namespace

constexpr auto valid = L::padding_mode::valid;
constexpr auto same = L::padding_mode::same;

TEST_CASE_TEMPLATE("conv1d gradients match central differences", C,
                   cases::conv<1, 2, 3, 2, same, 2, shape<10, 3>>,
                   cases::conv<1, 4, 2, 3, same, 3, shape<11, 2>, false>, cases::conv<1, 2, 4, 2, valid, 1, shape<12, 3>>) {
    check_layer<typename C::layer, typename C::in>();
}

TEST_CASE_TEMPLATE("dilated conv2d gradients match central differences", C,
                   cases::conv<2, 3, 3, 1, valid, 2, shape<7, 8, 2>>, cases::conv<2, 2, 3, 2, same, 3, shape<9, 7, 3>>,
                   cases::conv<2, 2, 3, 3, valid, 1, shape<8, 10, 1>, false>) {
    check_layer<typename C::layer, typename C::in>();
}

TEST_CASE_TEMPLATE("conv3d gradients match central differences", C,
                   cases::conv<3, 2, 2, 1, valid, 1, shape<4, 5, 3, 2>>, cases::conv<3, 3, 3, 2, same, 2, shape<5, 6, 4, 2>>,
                   cases::conv<3, 2, 3, 1, valid, 2, shape<5, 6, 5, 1>, false>) {
    check_layer<typename C::layer, typename C::in>();
}

TEST_CASE_TEMPLATE("transposed convolution gradients match central differences", C,
                   cases::conv_transpose<2, 3, 3, 2, valid, 1, shape<3, 4, 2>>,
                   cases::conv_transpose<2, 2, 3, 2, same, 1, shape<4, 3, 3>>,
                   cases::conv_transpose<2, 2, 2, 3, valid, 1, shape<3, 3, 2>>,    // kernel < stride: gaps
                   cases::conv_transpose<2, 3, 1, 1, valid, 1, shape<3, 4, 2>>,    // pointwise
                   cases::conv_transpose<2, 2, 3, 1, same, 2, shape<4, 5, 2>>,     // dilated
                   cases::conv_transpose<1, 2, 3, 2, same, 1, shape<5, 3>>,
                   cases::conv_transpose<3, 2, 2, 2, valid, 1, shape<2, 3, 2, 2>>,
                   cases::conv_transpose<3, 2, 3, 2, same, 1, shape<2, 2, 3, 1>>) {
    check_layer<typename C::layer, typename C::in>();
}

TEST_CASE_TEMPLATE("1-D and 3-D pooling gradients match central differences", C,
                   cases::pool<1, true, 2, 2, shape<9, 3>>, cases::pool<1, false, 3, 2, shape<9, 3>>,
                   cases::pool<3, true, 2, 2, shape<4, 5, 4, 2>>, cases::pool<3, true, 2, 1, shape<3, 4, 3, 2>>,
                   cases::pool<3, false, 2, 1, shape<3, 4, 5, 2>>, cases::pool<3, false, 3, 2, shape<5, 5, 6, 1>>) {
    check_layer<typename C::layer, typename C::in>();
}
