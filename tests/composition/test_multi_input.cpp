// net::multi_input<inputs<heads...>, trunk...>: shapes at compile time, forward against the heads and
// the trunk run on their own, input and parameter gradients against finite differences, and training
// with train::step (fused softmax + cross-entropy) on a task that needs both inputs.
#include <cascade/cascade.hpp>
#include <cascade/net/multi_input.hpp>
#include <doctest/doctest.h>

#include <sstream>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

// An image with a per-event condition (a conditional discriminator's layout).
using two_inputs = cc::net::multi_input<
    cc::net::inputs<cc::net::sequential<shape<5, 5, 1>, L::conv2d<2, L::kernel<3>>, L::relu, L::flatten>,  // (N, 18)
                    cc::net::sequential<shape<3>, L::dense<4>, L::tanh>>,                                  // (N, 4)
    L::dense<5>, L::relu, L::dense<2>, L::softmax>;
static_assert(std::is_same_v<two_inputs::joined, shape<22>>);
static_assert(two_inputs::valid);
// Image and vector heads cannot be joined without flattening.
static_assert(!cc::net::detail::joinable_on_last_axis<shape<3, 3, 2>, shape<4>>());

TEST_CASE("multi_input forward equals the heads joined and the trunk applied") {
    two_inputs::on<cpu, double> net{7};
    cc::host_tensor<double, 4> img(cc::batch_shape<shape<5, 5, 1>>(2));
    cc::host_tensor<double, 2> cond(cc::batch_shape<shape<3>>(2));
    for (std::size_t i = 0; i < img.size(); ++i) img.data()[i] = std::cos(0.7 * double(i));
    for (std::size_t i = 0; i < cond.size(); ++i) cond.data()[i] = std::sin(0.3 + double(i));
    const cc::host_tensor<double, 2> y = net.forward(std::tie(img, cond), cc::mode::infer);
    const cc::host_tensor<double, 2> h0 = net.head<0>().forward(img), h1 = net.head<1>().forward(cond);
    cc::host_tensor<double, 2> joined(std::array<std::size_t, 2>{2, 22});
    for (std::size_t n = 0; n < 2; ++n) {
        for (std::size_t j = 0; j < 18; ++j) joined(n, j) = h0(n, j);
        for (std::size_t j = 0; j < 4; ++j) joined(n, 18 + j) = h1(n, j);
    }
    const cc::host_tensor<double, 2> expected = net.trunk().forward(joined);
    CHECK(y == expected);
    CHECK(cc::count_params(net).trainable == (3 * 3 * 2 + 2) + (3 * 4 + 4) + (22 * 5 + 5) + (5 * 2 + 2));
    std::ostringstream os;
    cc::summary(net, os);
    CHECK(os.str().find("input1/dense_0") != std::string::npos);
    CHECK(os.str().find("(None, 22)") != std::string::npos);
}

TEST_CASE("multi_input gradients for both inputs and all parameters against finite differences (double)") {
    using model = cc::net::multi_input<
        cc::net::inputs<cc::net::sequential<shape<5, 5, 1>, L::conv2d<2, L::kernel<3>>, L::tanh, L::flatten>,
                        cc::net::sequential<shape<3>, L::dense<4>, L::tanh>>,
        L::dense<5>, L::tanh, L::dense<2>>;
    model::on<cpu, double> net{3};
    cc::rng g(5);
    cc::host_tensor<double, 4> img(cc::batch_shape<shape<5, 5, 1>>(2));
    cc::host_tensor<double, 2> cond(cc::batch_shape<shape<3>>(2)), r(std::array<std::size_t, 2>{2, 2});
    for (auto& v : img) v = 2 * cc::detail::uniform01(g) - 1;
    for (auto& v : cond) v = 2 * cc::detail::uniform01(g) - 1;
    for (auto& v : r) v = 2 * cc::detail::uniform01(g) - 1;
    auto f = [&] {
        const auto& y = net.forward(std::tie(img, cond), cc::mode::train);
        long double s = 0;
        for (std::size_t i = 0; i < y.size(); ++i) s += (long double)y.data()[i] * r.data()[i];
        return double(s);
    };
    f();
    cc::host_tensor<double, 4> dimg;
    cc::host_tensor<double, 2> dcond;
    net.backward(r, std::tuple{&dimg, &dcond});
    std::vector<std::vector<double>> grads;
    net.visit_params([&](std::size_t, auto&, auto& gr) { grads.emplace_back(gr.begin(), gr.end()); });
    REQUIRE(grads.size() == 8);

    const double h = 1e-5;
    double worst = 0;
    auto compare = [&](double analytic, double& v) {
        const double v0 = v;
        v = v0 + h;
        const double fp = f();
        v = v0 - h;
        const double fm = f();
        v = v0;
        const double num = (fp - fm) / (2 * h);
        worst = std::max(worst, std::abs(analytic - num) / std::max(std::abs(analytic) + std::abs(num), 1e-7));
    };
    for (std::size_t i = 0; i < img.size(); ++i) compare(dimg.data()[i], img.data()[i]);
    for (std::size_t i = 0; i < cond.size(); ++i) compare(dcond.data()[i], cond.data()[i]);
    CHECK(worst < 1e-6);
    worst = 0;
    net.visit_params([&](std::size_t k, auto& w, auto&) {
        for (std::size_t i = 0; i < w.size(); ++i) compare(grads[k][i], w.data()[i]);
    });
    CHECK(worst < 1e-6);

    // Skipping an input gradient gives the same parameter gradients.
    f();
    net.backward(r, std::tuple{static_cast<cc::host_tensor<double, 4>*>(nullptr)});
    std::size_t same = 0;
    net.visit_params([&](std::size_t k, auto&, auto& gr) {
        same += std::equal(gr.begin(), gr.end(), grads[k].begin());
    });
    CHECK(same == 8);
}

TEST_CASE("multi_input trains with train::step on a task that needs both inputs") {
    // Class = (bright pixel in the top half) XOR (condition > 0).
    two_inputs::on<cpu, float> net{1};
    const std::size_t n = 64;
    cc::host_tensor<float, 4> img(cc::batch_shape<shape<5, 5, 1>>(n));
    cc::host_tensor<float, 2> cond(cc::batch_shape<shape<3>>(n)), t(std::array<std::size_t, 2>{n, 2});
    cc::rng g(2);
    img.fill(0);
    t.fill(0);
    for (std::size_t i = 0; i < n; ++i) {
        const bool top = i % 2, positive = (i / 2) % 2;
        img(i, top ? g() % 2 : 3 + g() % 2, g() % 5, 0) = 1;
        for (std::size_t j = 0; j < 3; ++j) cond(i, j) = float((positive ? 1 : -1) * (0.5 + cc::detail::uniform01(g)));
        t(i, top != positive) = 1;
    }
    cc::optimizers::adam opt{{.lr = 0.02}};
    const cc::losses::categorical_crossentropy loss;
    const auto xs = std::tie(img, cond);
    const float first = cc::train::step(net, loss, opt, xs, t);
    float last = first;
    for (int s = 0; s < 300; ++s) last = cc::train::step(net, loss, opt, xs, t);
    CHECK(last < 0.1f * first);
    const auto& y = net.forward(xs, cc::mode::infer);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < n; ++i) correct += (y(i, 1) > y(i, 0)) == (t(i, 1) > 0.5f);
    CHECK(correct == n);
}

TEST_CASE("multi_input weights: save and load cover the heads and the trunk") {
    two_inputs::on<cpu, float> a{1}, b{2};
    const std::string path = std::string(CASCADE_TEST_DATA_DIR) + "/multi_input.weights";
    cc::io::save_weights(a, path);
    cc::io::load_weights(b, path);
    std::vector<std::vector<float>> wa, wb;
    a.visit_params([&](std::size_t, auto& w, auto&) { wa.emplace_back(w.begin(), w.end()); });
    b.visit_params([&](std::size_t, auto& w, auto&) { wb.emplace_back(w.begin(), w.end()); });
    REQUIRE(wa.size() == 8);
    CHECK(wa == wb);   // heads included
    std::remove(path.c_str());
}
