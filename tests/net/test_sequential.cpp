// net::sequential: shape chain, whole-network gradients (through the fused loss paths) against finite
// differences, parameter visiting, the summary, and run-time errors for bad input.
#include <cascade/cascade.hpp>
#include <cascade/models/mnist_cnn.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

using small_cnn = cc::net::sequential<shape<6, 6, 2>,
    L::conv2d<3, L::kernel<3>, L::padding::same>,  // (N, 6, 6, 3)
    L::batch_norm<>,                               // (N, 6, 6, 3)
    L::relu,
    L::max_pool2d<2>,            // (N, 3, 3, 3)
    L::conv2d<4, L::kernel<2>>,  // (N, 2, 2, 4)
    L::tanh,
    L::flatten,                             // (N, 16)
    L::dense<5>,
    L::leaky_relu<>,
    L::dense<4>,
    L::softmax>;                            // (N, 4)

static_assert(std::is_same_v<small_cnn::on<cpu, double>::output_shape, shape<4>>);
static_assert(std::is_same_v<small_cnn::on<cpu, double>::shape_at<5>, shape<2, 2, 4>>);
static_assert(std::is_same_v<cc::models::mnist_cnn::on<cpu, float>::shape_at<3>, shape<12, 12, 32>>);

namespace {
// Largest relative error between the network's parameter gradients (after forward_backward) and central
// differences of the loss.
template <class Net, class Loss>
double network_grad_error(Net& net, const Loss& loss, const typename Net::input_tensor& x,
                          const typename Net::output_tensor& t, double h = 1e-5) {
    cc::train::forward_backward(net, loss, x, t);
    std::vector<std::vector<double>> grads;
    net.visit_params([&](std::size_t, auto&, auto& g) { grads.emplace_back(g.begin(), g.end()); });
    double worst = 0;
    net.visit_params([&](std::size_t k, auto& p, auto&) {
        for (std::size_t i = 0; i < p.size(); ++i) {
            const double v = p.data()[i];
            p.data()[i] = v + h;
            const double fp = loss.value(net.forward(x, cc::mode::train), t);
            p.data()[i] = v - h;
            const double fm = loss.value(net.forward(x, cc::mode::train), t);
            p.data()[i] = v;
            const double n = (fp - fm) / (2 * h), a = grads[k][i];
            worst = std::max(worst, std::abs(n - a) / std::max(std::abs(n) + std::abs(a), 1e-7));
        }
    });
    return worst;
}

template <class Net>
typename Net::input_tensor random_input(std::size_t n, unsigned seed) {
    cc::rng g(seed);
    typename Net::input_tensor x(cc::batch_shape<typename Net::input_shape>(n));
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    return x;
}
} // namespace

TEST_CASE("whole-network gradients: conv, batch norm, pooling, dense, fused softmax + cross-entropy") {
    small_cnn::on<cpu, double> net{3};
    auto x = random_input<decltype(net)>(5, 11);
    cc::host_tensor<double, 2> t = xt::zeros<double>({5, 4});
    for (std::size_t i = 0; i < 5; ++i) t(i, i % 4) = 1;
    CHECK(network_grad_error(net, cc::losses::categorical_crossentropy{}, x, t) < 1e-6);
}

TEST_CASE("whole-network gradients: mse regression and sigmoid + binary cross-entropy") {
    using reg = cc::net::sequential<shape<3>, L::dense<7>, L::sigmoid, L::dense<2>>;
    reg::on<cpu, double> net{1};
    auto x = random_input<decltype(net)>(4, 2);
    cc::host_tensor<double, 2> t{{0.1, 2}, {0.3, -1}, {1, 0}, {0.5, 0.5}};
    CHECK(network_grad_error(net, cc::losses::mse{}, x, t) < 1e-6);
    CHECK(network_grad_error(net, cc::losses::binary_crossentropy{.from_logits = true}, x,
                             cc::host_tensor<double, 2>{{0, 1}, {1, 1}, {0, 0}, {1, 0}}) < 1e-6);
    using cls = cc::net::sequential<shape<3>, L::dense<6>, L::relu, L::dense<2>, L::sigmoid>;
    cls::on<cpu, double> net2{4};
    CHECK(network_grad_error(net2, cc::losses::binary_crossentropy{}, x,
                             cc::host_tensor<double, 2>{{0, 1}, {1, 1}, {0, 0}, {1, 0}}) < 1e-6);
}

TEST_CASE("backward can return the input gradient (for chaining networks, e.g. a GAN)") {
    using reg = cc::net::sequential<shape<3>, L::dense<4>, L::tanh, L::dense<1>>;
    reg::on<cpu, double> net{2};
    auto x = random_input<decltype(net)>(2, 5);
    cc::host_tensor<double, 2> dy = xt::ones<double>({2, 1}), dx;
    net.forward(x, cc::mode::train);
    net.backward(dy, &dx);
    REQUIRE(dx.shape() == x.shape());
    const double h = 1e-6;
    for (std::size_t i = 0; i < x.size(); ++i) {
        auto xp = x, xm = x;
        xp.data()[i] += h;
        xm.data()[i] -= h;
        const double n = (xt::sum(net.forward(xp))() - xt::sum(net.forward(xm))()) / (2 * h);
        CHECK(dx.data()[i] == doctest::Approx(n).epsilon(1e-6));
    }
}

TEST_CASE("visit_params: stable indices in layer order, parameters paired with their gradients") {
    cc::models::mnist_cnn::on<cpu, float> net{0};
    std::vector<std::size_t> sizes;
    net.visit_params([&](std::size_t k, auto& p, auto& g) {
        CHECK(k == sizes.size());
        CHECK(p.shape() == g.shape());
        sizes.push_back(p.size());
    });
    CHECK(sizes == std::vector<std::size_t>{5 * 5 * 32, 32, 4608 * 10, 10});
}

TEST_CASE("same seed, same initial weights, different seed, different weights") {
    cc::models::mnist_cnn::on<cpu, float> a{7}, b{7}, c{8};
    CHECK(a.layer<0>().w == b.layer<0>().w);
    CHECK(a.layer<4>().w == b.layer<4>().w);
    CHECK(a.layer<0>().w != c.layer<0>().w);
}

TEST_CASE("summary: one line per layer with output shape and parameter count, then totals") {
    cc::models::mnist_cnn::on<cpu, float> net{0};
    std::ostringstream os;
    cc::summary(net, os);
    const std::string s = os.str();
    CHECK(s.find("conv2d_0") != std::string::npos);
    CHECK(s.find("(None, 24, 24, 32)") != std::string::npos);
    CHECK(s.find("(None, 12, 12, 32)") != std::string::npos);
    CHECK(s.find("(None, 4608)") != std::string::npos);
    CHECK(s.find("46,090") != std::string::npos);
    CHECK(s.find("Total params: 46,922") != std::string::npos);
    CHECK(s.find("Non-trainable params: 0") != std::string::npos);
    small_cnn::on<cpu, float> bn{0};
    std::ostringstream os2;
    cc::summary(bn, os2);
    CHECK(os2.str().find("Non-trainable params: 6") != std::string::npos);   // moving mean + variance of 3 channels
    CHECK(cc::count_params(bn).trainable == (3 * 3 * 2 * 3 + 3) + 6 + (2 * 2 * 3 * 4 + 4) + (16 * 5 + 5) + (5 * 4 + 4));
}

TEST_CASE("a wrongly shaped input raises an error naming the axis and both sizes") {
    cc::models::mnist_cnn::on<cpu, float> net{0};
    cc::host_tensor<float, 4> x = xt::zeros<float>({2, 28, 27, 1});
    CHECK_THROWS_WITH_AS(net.forward(x), doctest::Contains("axis 2: expected 28, got 27"), cc::error);
}

TEST_CASE("batch size changes between calls (last partial batch, inference on another size)") {
    cc::models::mnist_cnn::on<cpu, float> net{0};
    cc::host_tensor<float, 4> a = xt::ones<float>({5, 28, 28, 1}), b = xt::ones<float>({2, 28, 28, 1});
    const auto ya = cc::host_tensor<float, 2>(net.forward(a));
    const auto yb = cc::host_tensor<float, 2>(net.forward(b));
    CHECK(yb.shape()[0] == 2);
    for (std::size_t j = 0; j < 10; ++j) CHECK(ya(4, j) == doctest::Approx(yb(1, j)).epsilon(1e-6));
}
