// Optimizer steps against updates computed by hand from the formulas in the headers.
#include <cascade/cascade.hpp>
#include <doctest/doctest.h>

#include <cmath>

namespace cc = cascade;
using V = cc::host_tensor<double, 1>;

TEST_CASE("sgd: plain, weight decay, momentum, nesterov") {
    V w{1.0, -2.0}, g{0.5, 0.25};
    cc::optimizers::sgd plain{{.lr = 0.1}};
    plain.update(0, w, g);
    CHECK(w(0) == doctest::Approx(1 - 0.05));
    CHECK(w(1) == doctest::Approx(-2 - 0.025));

    V w2{1.0}, g2{0.5};
    cc::optimizers::sgd wd{{.lr = 0.1, .weight_decay = 0.01}};
    wd.update(0, w2, g2);
    CHECK(w2(0) == doctest::Approx(1 - 0.1 * (0.5 + 0.01)));

    V w3{1.0}, g3{0.5};
    cc::optimizers::sgd mom{{.lr = 0.1, .momentum = 0.9}};
    mom.update(0, w3, g3);   // v = -0.05, w = 0.95
    CHECK(w3(0) == doctest::Approx(0.95));
    mom.update(0, w3, g3);   // v = 0.9 (-0.05) - 0.05 = -0.095, w = 0.855
    CHECK(w3(0) == doctest::Approx(0.855));

    V w4{1.0}, g4{0.5};
    cc::optimizers::sgd nes{{.lr = 0.1, .momentum = 0.9, .nesterov = true}};
    nes.update(0, w4, g4);   // v = -0.05, w = 1 + 0.9 (-0.05) - 0.05 = 0.905
    CHECK(w4(0) == doctest::Approx(0.905));
    nes.update(0, w4, g4);   // v = -0.095, w = 0.905 + 0.9 (-0.095) - 0.05 = 0.7695
    CHECK(w4(0) == doctest::Approx(0.7695));
}

TEST_CASE("adam: two steps by hand (Keras formulation), float SIMD path equals the double path") {
    const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    cc::optimizers::adam opt{{.lr = lr}};
    V w{1.0, 2.0, 3.0, -1.0, 0.5, 0.25, 7.0, 8.0, 9.0}, g = w * 0.1;
    V m = xt::zeros<double>({9}), v = xt::zeros<double>({9}), ref = w;
    for (int t = 1; t <= 2; ++t) {
        opt.begin_step();
        opt.update(0, w, g);
        const double lr_t = lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
        for (std::size_t i = 0; i < 9; ++i) {
            m(i) = b1 * m(i) + (1 - b1) * g(i);
            v(i) = b2 * v(i) + (1 - b2) * g(i) * g(i);
            ref(i) -= lr_t * m(i) / (std::sqrt(v(i)) + eps);
        }
        for (std::size_t i = 0; i < 9; ++i) CHECK(w(i) == doctest::Approx(ref(i)).epsilon(1e-12));
    }
    cc::optimizers::adam optf{{.lr = lr}};
    cc::host_tensor<float, 1> wf{1.f, 2.f, 3.f, -1.f, 0.5f, 0.25f, 7.f, 8.f, 9.f}, gf = wf * 0.1f;
    optf.begin_step();
    optf.update(0, wf, gf);
    // The first Adam step moves every weight by lr · sign(g) (up to ε), whatever the gradient's scale;
    // 9 elements exercise the SIMD body and the scalar tail.
    CHECK(wf(0) == doctest::Approx(1.0 - lr).epsilon(1e-5));
    CHECK(wf(3) == doctest::Approx(-1.0 + lr).epsilon(1e-5));
}

TEST_CASE("adamw: decoupled weight decay") {
    cc::optimizers::adam opt{{.lr = 0.1, .weight_decay = 0.5}};
    V w{2.0}, g{0.0};
    opt.begin_step();
    opt.update(0, w, g);   // zero gradient: only the decay acts, w (1 - lr wd)
    CHECK(w(0) == doctest::Approx(2.0 * (1 - 0.05)));
}

TEST_CASE("optimizer state is keyed by parameter index and survives a moved optimizer") {
    cc::optimizers::sgd a{{.lr = 0.1, .momentum = 0.5}};
    V w0{0.0}, w1{0.0}, g{1.0};
    a.update(0, w0, g);
    a.update(1, w1, g);
    cc::optimizers::sgd b = std::move(a);
    b.update(0, w0, g);   // v0 = 0.5 (-0.1) - 0.1 = -0.15
    CHECK(w0(0) == doctest::Approx(-0.25));
    CHECK(w1(0) == doctest::Approx(-0.1));
}
