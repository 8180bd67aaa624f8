// net::concat<branch...>: output shapes at compile time, forward values against the branches run on their
// own, gradients (input and every branch's parameters) against finite differences.
#include <cascade/cascade.hpp>
#include <cascade/net/concat.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <sstream>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;
using cc::net::branch;
using cc::net::concat;

// Inception-like image block and a vector block with an identity branch.
using image_block = concat<branch<L::conv2d<2, L::kernel<1>>>, branch<L::conv2d<3, L::kernel<3>, L::padding::same>, L::relu>, branch<>>;
using vector_block = concat<branch<L::dense<3>>, branch<>, branch<L::dense<2>, L::tanh>>;
static_assert(std::is_same_v<cc::layers::output_shape_of<image_block, shape<5, 4, 3>>, shape<5, 4, 8>>);
static_assert(std::is_same_v<cc::layers::output_shape_of<vector_block, shape<4>>, shape<9>>);
// A branch whose spatial size differs cannot be joined on the channel axis.
static_assert(!concat<branch<L::conv2d<2, L::kernel<3>>>, branch<>>::accepts<shape<5, 5, 1>>);
static_assert(!concat<branch<L::flatten>, branch<>>::accepts<shape<5, 5, 1>>);
static_assert(concat<branch<L::flatten>, branch<L::flatten, L::dense<2>>>::accepts<shape<5, 5, 1>>);

TEST_CASE("concat forward joins the branch outputs on the last axis") {
    cc::rng g(3);
    cc::layers::layer_impl<vector_block, shape<4>, cpu, double> c(g);
    auto& d1 = std::get<0>(c.branches).f;   // dense<3>
    auto& d2 = std::get<2>(c.branches).f;   // dense<2>, tanh
    cc::host_tensor<double, 2> x(std::array<std::size_t, 2>{3, 4}), y;
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = std::sin(1.0 + double(i));
    c.forward(x, y, cc::mode::infer);
    REQUIRE(y.shape()[0] == 3);
    REQUIRE(y.shape()[1] == 9);
    const cc::host_tensor<double, 2> y1 = d1.forward(x), y2 = d2.forward(x);
    for (std::size_t n = 0; n < 3; ++n) {
        for (std::size_t j = 0; j < 3; ++j) CHECK(y(n, j) == y1(n, j));
        for (std::size_t j = 0; j < 4; ++j) CHECK(y(n, 3 + j) == x(n, j));
        for (std::size_t j = 0; j < 2; ++j) CHECK(y(n, 7 + j) == y2(n, j));
    }
    // The hand computation of the first branch: x · W + b.
    auto& w = d1.layer<0>().w;
    auto& b = d1.layer<0>().b;
    for (std::size_t j = 0; j < 3; ++j) {
        double s = b(j);
        for (std::size_t i = 0; i < 4; ++i) s += x(1, i) * w(i, j);
        CHECK(y(1, j) == doctest::Approx(s).epsilon(1e-14));
    }
}

TEST_CASE_TEMPLATE("concat gradients against finite differences (double)", C, image_block, vector_block) {
    using In = std::conditional_t<std::is_same_v<C, image_block>, shape<5, 4, 3>, shape<4>>;
    using Out = cc::layers::output_shape_of<C, In>;
    cc::rng g(11);
    cc::layers::layer_impl<C, In, cpu, double> l(g);
    std::apply([&](auto&... p) {
        ((std::for_each(p.begin(), p.end(), [&](double& v) { v += 0.1 * (2 * cc::detail::uniform01(g) - 1); })), ...);
    }, l.params());
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(3));
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    const auto r = cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
    CHECK(r.input < 1e-6);
    CHECK(r.params < 1e-6);
}

TEST_CASE("concat inside a sequential: parameters counted, summarised and trained") {
    using model = cc::net::sequential<shape<6, 6, 1>, image_block, L::flatten, L::dense<2>, L::softmax>;
    model::on<cpu, float> net{4};
    const auto c = cc::count_params(net);
    CHECK(c.trainable == (1 * 1 * 1 * 2 + 2) + (3 * 3 * 1 * 3 + 3) + (6 * 6 * 6 * 2 + 2));
    std::ostringstream os;
    cc::summary(net, os);
    CHECK(os.str().find("concat_0") != std::string::npos);
    CHECK(os.str().find("(None, 6, 6, 6)") != std::string::npos);

    // Classify whether the bright blob is in the left or the right half.
    const std::size_t n = 64;
    cc::host_tensor<float, 4> x(cc::batch_shape<shape<6, 6, 1>>(n));
    cc::host_tensor<float, 2> t(std::array<std::size_t, 2>{n, 2});
    cc::rng g(9);
    x.fill(0);
    t.fill(0);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t right = i % 2, col = right * 3 + g() % 3, row = g() % 6;
        x(i, row, col, 0) = 1;
        t(i, right) = 1;
    }
    cc::optimizers::adam opt{{.lr = 0.02}};
    const cc::losses::categorical_crossentropy loss;
    const float first = cc::train::step(net, loss, opt, x, t);
    float last = first;
    for (int s = 0; s < 150; ++s) last = cc::train::step(net, loss, opt, x, t);
    CHECK(last < 0.1f * first);
}

TEST_CASE("weight penalties inside concat, block, residual and multi_input count in the reported loss") {
    using reg_dense = L::regularized<L::dense<3>, cc::regularizers::l2<cc::ratio<1, 10>>>;
    using model = cc::net::sequential<shape<4>, concat<branch<reg_dense>, branch<>>, cc::net::block<reg_dense>,
                                      cc::net::residual<reg_dense>, L::dense<1>>;
    model::on<cpu, double> net{2};
    static_assert(cc::net::has_auxiliary_losses<decltype(net)>());
    // λ Σ w² over the three regularised kernels.
    double expected = 0;
    auto add = [&](const auto& w) {
        for (double v : w) expected += 0.1 * v * v;
    };
    add(std::get<0>(net.layer<0>().branches).f.layer<0>().inner.w);
    add(net.layer<1>().f.layer<0>().inner.w);
    add(net.layer<2>().f.layer<0>().inner.w);
    CHECK(cc::net::regularization_loss(net) == doctest::Approx(expected).epsilon(1e-12));

    using two = cc::net::multi_input<cc::net::inputs<cc::net::sequential<shape<2>, reg_dense>, cc::net::sequential<shape<1>, L::dense<2>>>,
                                     reg_dense>;
    two::on<cpu, double> m{3};
    double e2 = 0;
    for (double v : m.head<0>().layer<0>().inner.w) e2 += 0.1 * v * v;
    for (double v : m.trunk().layer<0>().inner.w) e2 += 0.1 * v * v;
    CHECK(cc::net::regularization_loss(m) == doctest::Approx(e2).epsilon(1e-12));
}
