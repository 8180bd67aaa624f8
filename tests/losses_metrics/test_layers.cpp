// layers::regularized (L1/L2 kernel penalties) and layers::sampling (VAE reparameterization + KL):
// forwarded description, hand-computed values, finite-difference gradients (double) of
// f = Σ y ⊙ r + auxiliary_loss(), and a whole-network check of train::forward_backward with per-sample
// weights, penalties and a KL term.
#include <cascade/cascade.hpp>
#include <cascade/layers/regularized.hpp>
#include <cascade/layers/sampling.hpp>
#include <cascade/net/regularization.hpp>
#include <cascade/regularizers/l1_l2.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <sstream>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::ratio;
using cc::shape;
using T1 = cc::host_tensor<double, 1>;
using T2 = cc::host_tensor<double, 2>;

namespace {
template <class X>
X random_tensor(std::array<std::size_t, X::rank> s, unsigned seed) {
    cc::rng g(seed);
    X x(s);
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    return x;
}

// f(x, θ) = Σ forward(x) ⊙ r + l.auxiliary_loss(); the layer's backward must give ∂f/∂x and ∂f/∂θ.
// before_forward() runs before every forward (a sampling layer resets its engine: the same ε each time).
template <class Y, class Layer, class X, class Reset>
cc::testing::grad_check_result aux_gradient_errors(Layer& l, X x, Reset before_forward, double h = 1e-5) {
    Y y, r;
    auto f = [&](const X& in) {
        before_forward();
        l.forward(in, y, cc::mode::train);
        long double s = 0;
        for (std::size_t i = 0; i < y.size(); ++i) s += (long double)y.data()[i] * r.data()[i];
        return double(s) + double(l.auxiliary_loss());
    };
    before_forward();
    l.forward(x, y, cc::mode::train);
    r = random_tensor<Y>(y.shape(), 3);
    f(x);
    X dx = x;
    l.backward(x, y, r, &dx);
    std::vector<std::vector<double>> grads;
    std::apply([&](auto&... g) { (grads.emplace_back(g.begin(), g.end()), ...); }, l.grads());
    auto rel = [](double a, double n) { return std::abs(a - n) / std::max(std::abs(a) + std::abs(n), 1e-7); };
    cc::testing::grad_check_result res;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double v = x.data()[i];
        x.data()[i] = v + h;
        const double fp = f(x);
        x.data()[i] = v - h;
        const double fm = f(x);
        x.data()[i] = v;
        res.input = std::max(res.input, rel(dx.data()[i], (fp - fm) / (2 * h)));
    }
    std::size_t k = 0;
    std::apply([&](auto&... p) {
        ([&](auto& w) {
            for (std::size_t i = 0; i < w.size(); ++i) {
                const double v = w.data()[i];
                w.data()[i] = v + h;
                const double fp = f(x);
                w.data()[i] = v - h;
                const double fm = f(x);
                w.data()[i] = v;
                res.params = std::max(res.params, rel(grads[k][i], (fp - fm) / (2 * h)));
            }
            ++k;
        }(p), ...);
    }, l.params());
    return res;
}
} // namespace

using reg_dense = L::regularized<L::dense<3>, cc::regularizers::l1_l2<ratio<1, 10>, ratio<1, 4>>>;

TEST_CASE("regularized forwards the wrapped layer's description and adds the penalty") {
    static_assert(std::is_same_v<L::output_shape_of<reg_dense, shape<4>>, shape<3>>);
    static_assert(reg_dense::accepts<shape<4>> && !reg_dense::accepts<shape<2, 2>>);
    CHECK(std::strcmp(reg_dense::name, "dense") == 0);
    CHECK(std::strcmp(cc::regularizers::l2<>::name, "l2") == 0);

    cc::rng g(1), g2(1);
    L::layer_impl<reg_dense, shape<4>, cpu, double> l(g);
    L::layer_impl<L::dense<3>, shape<4>, cpu, double> plain(g2);
    auto& w = std::get<0>(l.params());
    CHECK((w == std::get<0>(plain.params())));   // same initialisation as the bare layer
    double abs_sum = 0, sq_sum = 0;
    for (double v : w) { abs_sum += std::abs(v); sq_sum += v * v; }
    CHECK(l.auxiliary_loss() == doctest::Approx(0.1 * abs_sum + 0.25 * sq_sum));

    // Forward is the bare layer's; backward adds λ1 sign w + 2 λ2 w to dW only.
    auto x = random_tensor<T2>({2, 4}, 5);
    T2 y, y_plain, dy = random_tensor<T2>({2, 3}, 6), dx, dx_plain;
    l.forward(x, y, cc::mode::train);
    plain.forward(x, y_plain, cc::mode::train);
    CHECK((y == y_plain));
    l.backward(x, y, dy, &dx);
    plain.backward(x, y_plain, dy, &dx_plain);
    CHECK((dx == dx_plain));
    const auto& dw = std::get<0>(l.grads());
    const auto& dw_plain = std::get<0>(plain.grads());
    for (std::size_t i = 0; i < w.size(); ++i)
        CHECK(dw.data()[i] == doctest::Approx(dw_plain.data()[i] + 0.1 * (w.data()[i] > 0 ? 1 : -1) + 0.5 * w.data()[i]));
    CHECK((std::get<1>(l.grads()) == std::get<1>(plain.grads())));   // the bias is not penalised

    const auto err = aux_gradient_errors<T2>(l, x, [] {});
    CHECK(err.input < 1e-6);
    CHECK(err.params < 1e-6);

    // Other layers: conv2d's kernel (its first parameter) is penalised; batch_norm's buffers are forwarded.
    using reg_conv = L::regularized<L::conv2d<2, L::kernel<3>>, cc::regularizers::l1<ratio<1, 20>>>;
    cc::rng gc(3);
    L::layer_impl<reg_conv, shape<4, 4, 1>, cpu, double> conv(gc);
    const auto conv_err = aux_gradient_errors<cc::host_tensor<double, 4>>(conv, random_tensor<cc::host_tensor<double, 4>>({2, 4, 4, 1}, 7), [] {});
    CHECK(conv_err.input < 1e-6);
    CHECK(conv_err.params < 1e-6);
    static_assert(L::has_buffers<L::layer_impl<L::regularized<L::batch_norm<>, cc::regularizers::l2<>>, shape<4>, cpu, float>>);
    static_assert(!L::has_buffers<L::layer_impl<reg_dense, shape<4>, cpu, float>>);

    // summary(): the wrapped layers appear under their own names, their parameters counted once.
    using net_t = cc::net::sequential<shape<4>, reg_dense, L::relu, L::regularized<L::dense<2>, cc::regularizers::l2<>>>;
    net_t::on<cpu, float> net{1};
    std::ostringstream os;
    cc::summary(net, os);
    CHECK(os.str().find("dense_0") != std::string::npos);
    CHECK(os.str().find("dense_2") != std::string::npos);
    CHECK(os.str().find("Total params: 23") != std::string::npos);
    static_assert(cc::net::has_auxiliary_losses<net_t::on<cpu, float>>());
}

TEST_CASE("sampling: reparameterized draw, inference mean, KL value and gradients") {
    using S = L::sampling<ratio<1, 2>>;
    static_assert(std::is_same_v<L::output_shape_of<S, shape<6>>, shape<3>>);
    static_assert(!S::accepts<shape<5>> && !S::accepts<shape<2, 2>>);
    cc::rng g(4);
    L::layer_impl<S, shape<4>, cpu, double> l(g);
    T2 ml{{0.5, -1.0, 0.2, -0.4}, {0.0, 2.0, -1.0, 0.3}};   // rows: μ1, μ2, log σ1², log σ2²
    T2 z, eps({2, 2});

    cc::rng copy = l.engine;
    cc::kernels::standard_normal(eps, copy);   // the draw the layer makes next
    l.forward(ml, z, cc::mode::train);
    for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t j = 0; j < 2; ++j) CHECK(z(r, j) == doctest::Approx(ml(r, j) + std::exp(0.5 * ml(r, 2 + j)) * eps(r, j)));
    double kl = 0;
    for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t j = 0; j < 2; ++j) {
            const double mu = ml(r, j), lv = ml(r, 2 + j);
            kl += -0.5 * (1 + lv - mu * mu - std::exp(lv)) / 2;
        }
    CHECK(l.auxiliary_loss() == doctest::Approx(0.5 * kl));

    T2 z2;
    l.forward(ml, z2, cc::mode::train);
    CHECK((z2 != z));                                    // a new ε each training forward
    l.forward(ml, z2, cc::mode::infer);
    for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t j = 0; j < 2; ++j) CHECK(z2(r, j) == ml(r, j));   // z = μ in inference

    const cc::rng start = l.engine;
    const auto err = aux_gradient_errors<T2>(l, ml, [&] { l.engine = start; });
    CHECK(err.input < 1e-6);

    // β = 0: no KL, pure reparameterization gradient.
    L::layer_impl<L::sampling<ratio<0>>, shape<4>, cpu, double> l0(g);
    CHECK(l0.auxiliary_loss() == 0.0);
    const cc::rng start0 = l0.engine;
    CHECK(aux_gradient_errors<T2>(l0, ml, [&] { l0.engine = start0; }).input < 1e-6);
}

TEST_CASE("whole-network gradients with penalties a KL term and per-sample weights") {
    using vae_like = cc::net::sequential<shape<3>,
        L::regularized<L::dense<5>, cc::regularizers::l1_l2<ratio<1, 50>, ratio<1, 20>>>,
        L::tanh,
        L::dense<4>,                                             // [μ, log σ²], Z = 2
        L::sampling<ratio<1, 3>>,
        L::regularized<L::dense<2>, cc::regularizers::l2<ratio<1, 10>>>>;
    vae_like::on<cpu, double> net{7};
    auto x = random_tensor<T2>({4, 3}, 8);
    T2 t{{0.1, 2}, {0.3, -1}, {1, 0}, {0.5, 0.5}};
    T1 w{1.0, 0.5, 2.0, 0.0};
    cc::losses::mse loss;
    auto& sampler = net.layer<3>();
    const cc::rng start = sampler.engine;

    // The returned value is the weighted loss plus every penalty and the weighted KL.
    sampler.engine = start;
    const double value = cc::train::forward_backward(net, loss, x, t, w);
    const double data_term = loss.value(net.output(), t, w);
    const double extra = cc::net::regularization_loss(net);
    CHECK(extra == doctest::Approx(net.layer<0>().auxiliary_loss() + sampler.auxiliary_loss() + net.layer<4>().auxiliary_loss()));
    CHECK(extra > 0);
    CHECK(value == doctest::Approx(data_term + extra));

    std::vector<std::vector<double>> grads;
    net.visit_params([&](std::size_t, auto&, auto& g) { grads.emplace_back(g.begin(), g.end()); });
    auto total = [&] {
        sampler.engine = start;
        const auto& y = net.forward(x, cc::mode::train);
        return double(loss.value(y, t, w)) + double(cc::net::regularization_loss(net));
    };
    double worst = 0;
    const double h = 1e-5;
    net.visit_params([&](std::size_t k, auto& p, auto&) {
        for (std::size_t i = 0; i < p.size(); ++i) {
            const double v = p.data()[i];
            p.data()[i] = v + h;
            const double fp = total();
            p.data()[i] = v - h;
            const double fm = total();
            p.data()[i] = v;
            const double n = (fp - fm) / (2 * h), a = grads[k][i];
            worst = std::max(worst, std::abs(n - a) / std::max(std::abs(n) + std::abs(a), 1e-7));
        }
    });
    CHECK(worst < 1e-6);

    // Without weights the overload agrees with weights of one.
    T1 ones{1, 1, 1, 1};
    sampler.engine = start;
    const double unweighted = cc::train::forward_backward(net, loss, x, t);
    sampler.engine = start;
    CHECK(cc::train::forward_backward(net, loss, x, t, ones) == doctest::Approx(unweighted));
}

TEST_CASE("an l2 penalty shrinks the weights that plain training leaves large") {
    // y = x·W fitted to pure noise targets: with l2 the kernel's norm ends far smaller.
    using plain_t = cc::net::sequential<shape<8>, L::dense<1>>;
    using reg_t = cc::net::sequential<shape<8>, L::regularized<L::dense<1>, cc::regularizers::l2<ratio<1, 2>>>>;
    plain_t::on<cpu, float> plain{2};
    reg_t::on<cpu, float> reg{2};
    auto x = random_tensor<cc::host_tensor<float, 2>>({32, 8}, 9);
    auto t = random_tensor<cc::host_tensor<float, 2>>({32, 1}, 10);
    cc::optimizers::sgd o1{{.lr = 0.1f}}, o2{{.lr = 0.1f}};
    float first = 0, last = 0;
    for (int i = 0; i < 200; ++i) {
        cc::train::step(plain, cc::losses::mse{}, o1, x, t);
        last = cc::train::step(reg, cc::losses::mse{}, o2, x, t);
        if (i == 0) first = last;
    }
    auto norm = [](auto& net) { double s = 0; for (double v : std::get<0>(net.template layer<0>().params())) s += v * v; return s; };
    CHECK(last < first);
    CHECK(norm(reg) < 0.5 * norm(plain));
}

TEST_CASE("a small VAE learns with the ordinary step: reconstruction plus KL") {
    // 4-D data on a 2-D plane: x = (a, b, a + b, a − b). Encoder → [μ, log σ²] (Z = 2) → sampling → decoder.
    using vae = cc::net::sequential<shape<4>, L::dense<16>, L::tanh, L::dense<4>, L::sampling<ratio<1, 100>>,
                                    L::dense<16>, L::tanh, L::dense<4>>;
    vae::on<cpu, float> net{5};
    cc::rng g(11);
    cc::host_tensor<float, 2> x({64, 4});
    for (std::size_t i = 0; i < 64; ++i) {
        const float a = float(2 * cc::detail::uniform01(g) - 1), b = float(2 * cc::detail::uniform01(g) - 1);
        x(i, 0) = a; x(i, 1) = b; x(i, 2) = a + b; x(i, 3) = a - b;
    }
    cc::optimizers::adam opt{{.lr = 1e-2}};
    cc::losses::mse loss;
    float first = 0, last = 0;
    for (int i = 0; i < 400; ++i) {
        last = cc::train::step(net, loss, opt, x, x);
        if (i == 0) first = last;
    }
    const float kl = net.layer<3>().auxiliary_loss();
    CHECK(kl > 0);                       // the posterior is pulled towards N(0, 1) but not onto it
    CHECK(last < 0.2f * first);
    // Inference uses z = μ: the reconstruction is at least as good as in training.
    const auto& y = net.forward(x, cc::mode::infer);
    CHECK(double(loss.value(y, x)) < double(last));
}
