// train::gan_trainer: the losses it reports against a direct computation, the generator's gradient
// against finite differences of L_G (both loss forms), and a GAN that learns a 1-D Gaussian.
#include <cascade/cascade.hpp>
#include <cascade/train/gan.hpp>
#include <doctest/doctest.h>

#include <cmath>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

using generator = cc::net::sequential<shape<2>, L::dense<8>, L::tanh, L::dense<1>>;
using discriminator = cc::net::sequential<shape<1>, L::dense<8>, L::tanh, L::dense<1>>;

namespace {
double softplus(double x) { return std::log1p(std::exp(-std::abs(x))) + std::max(x, 0.0); }

template <class D, class X>
double mean_of(D& d, const X& x, double (*f)(double)) {
    const auto& l = d.forward(x, cc::mode::train);
    double s = 0;
    for (std::size_t i = 0; i < l.size(); ++i) s += f(l.data()[i]);
    return s / double(l.size());
}
} // namespace

TEST_CASE_TEMPLATE("gan_trainer: reported losses and the generator gradient against finite differences", K,
                   std::integral_constant<int, 0>, std::integral_constant<int, 1>) {
    const auto kind = K::value == 0 ? cc::train::gan_loss::non_saturating : cc::train::gan_loss::minimax;
    generator::on<cpu, double> g{1};
    discriminator::on<cpu, double> d{2};
    cc::rng r(3);
    cc::host_tensor<double, 2> z(std::array<std::size_t, 2>{5, 2}), real(std::array<std::size_t, 2>{5, 1});
    for (auto& v : z) v = 2 * cc::detail::uniform01(r) - 1;
    for (auto& v : real) v = 1 + cc::detail::uniform01(r);

    // Expected discriminator loss before the update.
    const cc::host_tensor<double, 2> fake = g.forward(z, cc::mode::train);
    const double d_loss = mean_of(d, real, [](double l) { return softplus(-l); }) +
                          mean_of(d, fake, [](double l) { return softplus(l); });

    // lr = 0: nothing moves, so the gradients left in G are those of L_G at these weights.
    cc::optimizers::sgd opt_g{{.lr = 0}}, opt_d{{.lr = 0}};
    cc::train::gan_trainer trainer(g, d, kind);
    const auto out = trainer.step(opt_g, opt_d, z, real);
    CHECK(out.d_loss == doctest::Approx(d_loss).epsilon(1e-12));

    auto g_loss = [&] {
        const cc::host_tensor<double, 2> x = g.forward(z, cc::mode::train);
        return kind == cc::train::gan_loss::non_saturating ? mean_of(d, x, [](double l) { return softplus(-l); })
                                                            : -mean_of(d, x, [](double l) { return softplus(l); });
    };
    CHECK(out.g_loss == doctest::Approx(g_loss()).epsilon(1e-12));
    std::vector<std::vector<double>> grads;
    g.visit_params([&](std::size_t, auto&, auto& gr) { grads.emplace_back(gr.begin(), gr.end()); });
    double worst = 0;
    const double h = 1e-5;
    g.visit_params([&](std::size_t k, auto& w, auto&) {
        for (std::size_t i = 0; i < w.size(); ++i) {
            const double v = w.data()[i];
            w.data()[i] = v + h;
            const double fp = g_loss();
            w.data()[i] = v - h;
            const double fm = g_loss();
            w.data()[i] = v;
            const double num = (fp - fm) / (2 * h);
            worst = std::max(worst, std::abs(grads[k][i] - num) / std::max(std::abs(grads[k][i]) + std::abs(num), 1e-7));
        }
    });
    CHECK(worst < 1e-6);
}

TEST_CASE("a GAN learns a 1-D Gaussian N(2, 0.5^2)") {
    // Leaky-ReLU MLPs with Adam(β1 = 0.5) as in DCGAN; this setting was stable over the seeds tried
    // (the mean within 0.15 and σ within 0.4–0.63 from 1000 to 4000 steps).
    using gen = cc::net::sequential<shape<4>, L::dense<16>, L::leaky_relu<>, L::dense<16>, L::leaky_relu<>, L::dense<1>>;
    using disc = cc::net::sequential<shape<1>, L::dense<16>, L::leaky_relu<>, L::dense<16>, L::leaky_relu<>, L::dense<1>>;
    gen::on<cpu, float> g{21};
    disc::on<cpu, float> d{22};
    cc::optimizers::adam opt_g{{.lr = 1e-3, .beta_1 = 0.5}}, opt_d{{.lr = 1e-3, .beta_1 = 0.5}};
    cc::train::gan_trainer trainer(g, d);
    const std::size_t n = 64;
    cc::rng r(13);
    cc::host_tensor<float, 2> z(std::array<std::size_t, 2>{n, 4}), real(std::array<std::size_t, 2>{n, 1});
    auto normal = [&] {   // Box–Muller
        const double u1 = std::max(cc::detail::uniform01(r), 1e-12), u2 = cc::detail::uniform01(r);
        return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    };
    for (int step = 0; step < 2000; ++step) {
        for (auto& v : z) v = float(normal());
        for (auto& v : real) v = float(2 + 0.5 * normal());
        trainer.step(opt_g, opt_d, z, real);
    }
    // Moments of 4096 generated samples.
    cc::host_tensor<float, 2> zz(std::array<std::size_t, 2>{4096, 4});
    for (auto& v : zz) v = float(normal());
    const auto& x = g.forward(zz, cc::mode::infer);
    double m = 0, m2 = 0;
    for (float v : x) { m += v; m2 += double(v) * v; }
    m /= double(x.size());
    const double sd = std::sqrt(m2 / double(x.size()) - m * m);
    MESSAGE("generated mean ", m, " sd ", sd);
    CHECK(std::abs(m - 2) < 0.15);
    CHECK(sd > 0.3);
    CHECK(sd < 0.7);
}
