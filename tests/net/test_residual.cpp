// net::residual / residual_subtract: forward values, gradients (inputs and the block's parameters) against
// finite differences, and parameters visible to optimizers and the summary.
#include <cascade/cascade.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <sstream>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

TEST_CASE("residual_subtract forward is x - f(x), residual is x + f(x)") {
    using sub = cc::net::residual_subtract<L::dense<3>>;
    using add = cc::net::residual<L::dense<3>>;
    cc::rng g(1);
    cc::layers::layer_impl<sub, shape<3>, cpu, double> s(g);
    cc::layers::layer_impl<add, shape<3>, cpu, double> a(g);
    s.f.layer<0>().w = xt::eye<double>(3) * 0.5;
    a.f.layer<0>().w = xt::eye<double>(3) * 0.5;
    s.f.layer<0>().b = cc::host_tensor<double, 1>{1, 0, 0};
    cc::host_tensor<double, 2> x{{2, 4, 6}}, y;
    s.forward(x, y, cc::mode::infer);
    CHECK(y == cc::host_tensor<double, 2>{{0, 2, 3}});   // x - (x/2 + b)
    a.forward(x, y, cc::mode::infer);
    CHECK(y == cc::host_tensor<double, 2>{{3, 6, 9}});
}

TEST_CASE_TEMPLATE("residual blocks: gradients against finite differences (double)", R,
                   // No bias before batch norm (as in DnCNN): BN cancels a per-channel constant, so that
                   // bias' true gradient is exactly 0 and only rounding noise is left to compare.
                   cc::net::residual<L::conv2d<3, L::kernel<3>, L::padding::same, L::kernel_init<cc::init::glorot_uniform>, L::no_bias>,
                                     L::batch_norm<>, L::relu, L::conv2d<3, L::kernel<3>, L::padding::same>>,
                   cc::net::residual_subtract<L::conv2d<4, L::kernel<3>, L::padding::same>, L::relu,
                                              L::conv2d<3, L::kernel<3>, L::padding::same>>) {
    using In = shape<5, 4, 3>;
    cc::rng g(3);
    cc::layers::layer_impl<R, In, cpu, double> l(g);
    std::apply([&](auto&... p) {
        ((std::for_each(p.begin(), p.end(), [&](double& v) { v += 0.2 * (2 * cc::detail::uniform01(g) - 1); })), ...);
    }, l.params());
    cc::host_tensor<double, 4> x(cc::batch_shape<In>(2));
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    auto r = cc::testing::check_gradients<cc::host_tensor<double, 4>>(l, x);
    CHECK(r.input < 1e-6);
    CHECK(r.params < 1e-6);
}

TEST_CASE("a residual block inside a sequential: parameters visited, summarised, and trained") {
    using dn = cc::net::sequential<shape<8, 8, 2>,
        cc::net::residual_subtract<L::conv2d<8, L::kernel<3>, L::padding::same>, L::relu,
                                   L::conv2d<8, L::kernel<3>, L::padding::same>, L::batch_norm<>, L::relu,
                                   L::conv2d<2, L::kernel<3>, L::padding::same>>>;
    dn::on<cpu, float> net{0};
    std::size_t tensors = 0;
    net.visit_params([&](std::size_t, auto&, auto&) { ++tensors; });
    CHECK(tensors == 8);   // 3 conv (w, b) + batch norm (gamma, beta)
    const auto c = cc::count_params(net);
    CHECK(c.trainable == (3 * 3 * 2 * 8 + 8) + (3 * 3 * 8 * 8 + 8) + 16 + (3 * 3 * 8 * 2 + 2));
    CHECK(c.non_trainable == 16);
    std::ostringstream os;
    cc::summary(net, os);
    CHECK(os.str().find("residual_subtract_0") != std::string::npos);

    // Denoising: learn to remove additive noise (target = clean) — the loss must fall.
    cc::rng g(5);
    cc::host_tensor<float, 4> clean(cc::batch_shape<shape<8, 8, 2>>(16)), noisy;
    for (std::size_t i = 0; i < clean.size(); ++i) clean.data()[i] = float(std::sin(0.3 * double(i % 64)));
    noisy = clean;
    for (auto& v : noisy) v += float(0.3 * cc::detail::standard_normal(g));
    cc::optimizers::adam opt{{.lr = 3e-3}};
    const float first = cc::train::step(net, cc::losses::mse{}, opt, noisy, clean);
    float last = first;
    for (int i = 0; i < 150; ++i) last = cc::train::step(net, cc::losses::mse{}, opt, noisy, clean);
    CHECK(last < 0.3f * first);
}
