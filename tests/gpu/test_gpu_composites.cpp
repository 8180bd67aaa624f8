// Composite features on backend::gpu against backend::cpu: weight penalties (layers::regularized with
// regularizers::l1 / l2 / l1_l2: value, gradient, training with the penalty in the loss), the VAE's
// layers::sampling (the same ε from the same seed: forward, backward, KL) and train::gan_trainer.
// Skips where no GPU is present.
#include "gpu_test.hpp"

#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

namespace cc = cascade;
namespace L = cc::layers;
namespace R = cc::regularizers;
namespace gpu = cascade::gpu;
using namespace gpu_test;

namespace {

using cpu_b = cc::backend::cpu;
using gpu_b = cc::backend::gpu;

template <class T>
constexpr double ulp = std::numeric_limits<T>::epsilon();

using l1 = R::l1<cc::ratio<3, 100>>;
using l2 = R::l2<cc::ratio<1, 20>>;
using l1_l2 = R::l1_l2<cc::ratio<1, 50>, cc::ratio<3, 40>>;

} // namespace

TEST_CASE_TEMPLATE("regularizers on the GPU: penalty and gradient as on the CPU", Reg, l1, l2, l1_l2) {
    REQUIRE_GPU_OR_SKIP();
    auto run = [](auto zero) {
        using T = decltype(zero);
        cc::rng r(5);
        // Odd shape, more elements than one block, with exact zeros (sign 0 there).
        auto w = random_tensor<T, 2>({37, 41}, r);
        for (std::size_t i = 0; i < w.size(); i += 13) w.data()[i] = T(0);
        auto dw = random_tensor<T, 2>({37, 41}, r);
        const auto wd = gpu::to_device(w);
        auto dwd = gpu::to_device(dw);

        // Σ in double on both, different order: a few ulps of double.
        const double pc = Reg::penalty(w), pg = Reg::penalty(wd);
        CHECK(pg == doctest::Approx(pc).epsilon(1e-13));
        CHECK(pc > 0);

        Reg::add_gradient(w, dw);
        Reg::add_gradient(wd, dwd);
        // dw + a·sign w, dw + a·w: one rounding per operation on both (an FMA may round once less).
        CHECK(max_abs_diff(host_copy(dwd), dw) <= 4 * ulp<T>);
    };
    run(0.0f);
    run(0.0);
}

TEST_CASE_TEMPLATE("a network with a regularized layer trains to the same weights and losses on the GPU", Reg, l1, l2, l1_l2) {
    REQUIRE_GPU_OR_SKIP();
    using model = cc::net::sequential<cc::shape<7>, L::regularized<L::dense<9>, Reg>, L::tanh,
                                      L::regularized<L::dense<3>, Reg>>;
    typename model::template on<cpu_b, float> c{11};
    typename model::template on<gpu_b, float> g{11};
    REQUIRE(max_param_difference(c, g) == 0);
    cc::rng r(4);
    const auto x = random_tensor<float, 2>({13, 7}, r), t = random_tensor<float, 2>({13, 3}, r);
    const auto xd = gpu::to_device(x), td = gpu::to_device(t);
    cc::optimizers::adam oc, og;
    for (int s = 0; s < 3; ++s) {
        const float pc = float(cc::net::regularization_loss(c)), pg = float(cc::net::regularization_loss(g));
        CHECK(pg == doctest::Approx(pc).epsilon(1e-6));
        const float lc = cc::train::step(c, cc::losses::mse{}, oc, x, t);
        const float lg = cc::train::step(g, cc::losses::mse{}, og, xd, td);
        CHECK(lc > pc);   // the reported loss includes the penalty
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    CHECK(max_param_difference(c, g) < 1e-5);
}

TEST_CASE_TEMPLATE("sampling on the GPU: the same noise, z, gradients and KL as on the CPU", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    // An odd latent size (Z = 5), β = 1/3; dense layers around it so that backward reaches sampling's dx.
    using model = cc::net::sequential<cc::shape<4>, L::dense<10>, L::sampling<cc::ratio<1, 3>>, L::dense<3>>;
    typename model::template on<cpu_b, T> c{8};
    typename model::template on<gpu_b, T> g{8};
    cc::rng r(6);
    const auto x = random_tensor<T, 2>({11, 4}, r), t = random_tensor<T, 2>({11, 3}, r);
    const auto xd = gpu::to_device(x), td = gpu::to_device(t);

    for (int s = 0; s < 2; ++s) {   // two draws: the engine advances the same way on both
        const auto& yc = c.forward(x, cc::mode::train);
        const auto yg = host_copy(g.forward(xd, cc::mode::train));
        const auto& sc = c.template layer<1>();
        const auto& sg = g.template layer<1>();
        CHECK(max_abs_diff(host_copy(sg.eps), sc.eps) == 0);   // ε drawn on the host by the CPU's code
        // z = μ + exp(½ log σ²) ε: exp of the device's math library (a few ulps), then a dense layer.
        CHECK(max_abs_diff(yg, yc) <= 64 * ulp<T>);
        // KL in double on both, different summation order.
        CHECK(double(sg.kl) == doctest::Approx(double(sc.kl)).epsilon(8 * ulp<T>));
        CHECK(sc.kl > T(0));
        CHECK(double(sg.auxiliary_loss()) == doctest::Approx(double(sc.auxiliary_loss())).epsilon(8 * ulp<T>));
    }
    // Backward through sampling (reparameterization + β ∂KL) into the first dense layer's gradients.
    const auto dyc = random_tensor<T, 2>({11, 3}, r);
    const auto dyg = gpu::to_device(dyc);
    typename model::template on<cpu_b, T>::input_tensor dxc;
    typename model::template on<gpu_b, T>::input_tensor dxg;
    c.backward(dyc, &dxc);
    g.backward(dyg, &dxg);
    CHECK(max_abs_diff(host_copy(dxg), dxc) <= 256 * ulp<T>);
    double worst = 0;
    {
        std::vector<std::vector<double>> gc;
        c.visit_params([&](std::size_t, auto&, auto& gr) { gc.emplace_back(gr.begin(), gr.end()); });
        g.visit_params([&](std::size_t k, auto&, auto& gr) {
            const auto h = host_copy(gr);
            for (std::size_t i = 0; i < h.size(); ++i) worst = std::max(worst, std::abs(double(h.data()[i]) - gc[k][i]));
        });
    }
    CHECK(worst <= 256 * ulp<T>);

    // Inference: z = μ, no noise.
    const auto& yc = c.forward(x, cc::mode::infer);
    CHECK(max_abs_diff(host_copy(g.forward(xd, cc::mode::infer)), yc) <= 64 * ulp<T>);

    // The KL kernel itself, on an odd batch.
    const auto ml = random_tensor<T, 2>({7, 6}, r, -2, 2);
    const auto mld = gpu::to_device(ml);
    CHECK(double(cc::kernels::gaussian_kl_value(mld)) == doctest::Approx(double(cc::kernels::gaussian_kl_value(ml))).epsilon(4 * ulp<T>));
    auto dml = random_tensor<T, 2>({7, 6}, r);
    auto dmld = gpu::to_device(dml);
    cc::kernels::add_gaussian_kl_gradient(ml, T(0.7), dml);
    cc::kernels::add_gaussian_kl_gradient(mld, T(0.7), dmld);
    CHECK(max_abs_diff(host_copy(dmld), dml) <= 16 * ulp<T>);
}

TEST_CASE_TEMPLATE("gan_trainer with both networks on the GPU matches the CPU", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    using gen = cc::net::sequential<cc::shape<3>, L::dense<8>, L::leaky_relu<>, L::dense<2>>;
    using disc = cc::net::sequential<cc::shape<2>, L::dense<8>, L::leaky_relu<>, L::dense<1>>;
    typename gen::template on<cpu_b, T> gc{21};
    typename disc::template on<cpu_b, T> dc{22};
    typename gen::template on<gpu_b, T> gg{21};
    typename disc::template on<gpu_b, T> dg{22};
    cc::optimizers::adam ogc{{.lr = 1e-2, .beta_1 = 0.5}}, odc{{.lr = 1e-2, .beta_1 = 0.5}};
    cc::optimizers::adam ogg{{.lr = 1e-2, .beta_1 = 0.5}}, odg{{.lr = 1e-2, .beta_1 = 0.5}};
    cc::train::gan_trainer tc(gc, dc);
    cc::train::gan_trainer tg(gg, dg);   // separate declarations: different deduced types
    cc::rng r(9);
    const double tol = std::is_same_v<T, float> ? 1e-5 : 1e-12;
    for (int s = 0; s < 2; ++s) {
        const auto z = random_tensor<T, 2>({17, 3}, r), real = random_tensor<T, 2>({17, 2}, r, 1, 3);
        const auto lc = tc.step(ogc, odc, z, real);
        const auto lg = tg.step(ogg, odg, gpu::to_device(z), gpu::to_device(real));
        CHECK(lg.d_loss == doctest::Approx(lc.d_loss).epsilon(tol));
        CHECK(lg.g_loss == doctest::Approx(lc.g_loss).epsilon(tol));
        CHECK(lg.d_real == doctest::Approx(lc.d_real).epsilon(tol));
        CHECK(lg.d_fake == doctest::Approx(lc.d_fake).epsilon(tol));
    }
    CHECK(max_param_difference(gc, gg) < tol);
    CHECK(max_param_difference(dc, dg) < tol);
}
