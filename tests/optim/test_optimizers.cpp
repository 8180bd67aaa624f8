// Optimizers: three steps of each against a scalar re-implementation of the Keras formula written
// here from the Keras source (first step also by hand), float and double; gradient clipping by value,
// per-tensor norm and global norm through train::apply_gradients.
#include <cascade/backend/cpu.hpp>
#include <cascade/layers/dense.hpp>
#include <cascade/net/sequential.hpp>
#include <cascade/optimizers/adadelta.hpp>
#include <cascade/optimizers/adagrad.hpp>
#include <cascade/optimizers/adam.hpp>
#include <cascade/optimizers/adamax.hpp>
#include <cascade/optimizers/clipped.hpp>
#include <cascade/optimizers/rmsprop.hpp>
#include <cascade/optimizers/sgd.hpp>
#include <cascade/train/step.hpp>
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <vector>

namespace cc = cascade;
namespace opt = cascade::optimizers;

namespace {

// Three steps on 5 coordinates with varied signs and magnitudes (a zero gradient included).
const std::vector<double> w0 = {0.5, -1.25, 2.0, 0.0, -0.3};
const std::array<std::vector<double>, 3> gs = {std::vector<double>{0.1, -2.0, 0.5, 0.0, 3.0},
                                               std::vector<double>{-0.4, -1.0, 0.25, 1e-3, -3.0},
                                               std::vector<double>{0.2, 0.5, -0.75, 0.0, 1.5}};

// Runs the optimizer three times on a (5,) tensor of type T as train::apply_gradients would (begin_step,
// then update with key 0); returns w after each step.
template <class T, class O>
std::vector<std::vector<double>> run(O o) {
    cc::host_tensor<T, 1> w = cc::host_tensor<T, 1>::from_shape({5}), g = w;
    for (std::size_t i = 0; i < 5; ++i) w(i) = T(w0[i]);
    std::vector<std::vector<double>> out;
    for (auto& gi : gs) {
        for (std::size_t i = 0; i < 5; ++i) g(i) = T(gi[i]);
        o.begin_step();
        o.update(0, w, g);
        out.emplace_back(w.begin(), w.end());
    }
    return out;
}

// Scalar references (double), one coordinate at a time, from the Keras formulas.
template <class Step>
std::vector<std::vector<double>> reference(Step step) {
    std::vector<double> w = w0;
    std::vector<std::vector<double>> out;
    for (std::size_t t = 0; t < 3; ++t) {
        for (std::size_t i = 0; i < 5; ++i) w[i] = step(i, t + 1, w[i], gs[t][i]);
        out.push_back(w);
    }
    return out;
}

void check_close(const std::vector<std::vector<double>>& got, const std::vector<std::vector<double>>& want, double rel) {
    REQUIRE(got.size() == want.size());
    for (std::size_t t = 0; t < got.size(); ++t)
        for (std::size_t i = 0; i < got[t].size(); ++i) {
            INFO("step ", t + 1, ", coordinate ", i);
            CHECK(got[t][i] == doctest::Approx(want[t][i]).epsilon(rel).scale(1.0));
        }
}

template <class O, class Ref>
void check_both(O o, Ref ref) {
    const auto want = reference(ref);
    check_close(run<double>(o), want, 1e-13);
    check_close(run<float>(o), want, 2e-6);
}

} // namespace

TEST_CASE("adagrad follows the Keras 3 formula for three steps") {
    std::array<double, 5> a;
    a.fill(0.1);   // initial_accumulator_value
    const double lr = 0.05, eps = 1e-7;
    check_both(opt::adagrad{{.lr = lr}}, [&](std::size_t i, std::size_t, double w, double g) {
        a[i] += g * g;
        return w - lr * g / std::sqrt(a[i] + eps);   // Keras 3: ε inside the root
    });
    // The first step by hand: coordinate 1, a = 0.1 + 4 = 4.1.
    const auto r = run<double>(opt::adagrad{{.lr = lr}});
    CHECK(r[0][1] == doctest::Approx(-1.25 + 0.05 * 2.0 / std::sqrt(4.1 + 1e-7)).epsilon(1e-15));
    CHECK(r[0][3] == 0.0);   // zero gradient, no move
}

TEST_CASE("adadelta follows the Keras formula for three steps, Keras and PyTorch defaults") {
    for (auto [lr, rho, eps] : {std::array{1e-3, 0.95, 1e-7}, std::array{1.0, 0.9, 1e-6}}) {
        std::array<double, 5> eg{}, ed{};
        check_both(opt::adadelta{{.lr = lr, .rho = rho, .epsilon = eps}}, [&](std::size_t i, std::size_t, double w, double g) {
            eg[i] = rho * eg[i] + (1 - rho) * g * g;
            const double d = -std::sqrt(ed[i] + eps) / std::sqrt(eg[i] + eps) * g;
            ed[i] = rho * ed[i] + (1 - rho) * d * d;
            return w + lr * d;
        });
    }
    // Defaults are Keras': lr 0.001, rho 0.95, eps 1e-7. First step by hand, coordinate 0 (g = 0.1):
    // E[g²] = 0.05 · 0.01, Δ = −√1e-7 / √(5e-4 + 1e-7) · 0.1.
    const auto r = run<double>(opt::adadelta{});
    CHECK(r[0][0] == doctest::Approx(0.5 - 1e-3 * std::sqrt(1e-7) / std::sqrt(5e-4 + 1e-7) * 0.1).epsilon(1e-15));
}

TEST_CASE("rmsprop follows the Keras formula: plain, centered, momentum") {
    for (bool centered : {false, true})
        for (double mu : {0.0, 0.8}) {
            INFO("centered ", centered, ", momentum ", mu);
            std::array<double, 5> v{}, m{}, b{};
            const double lr = 0.01, rho = 0.9, eps = 1e-7;
            check_both(opt::rmsprop{{.lr = lr, .momentum = mu, .centered = centered}},
                       [&](std::size_t i, std::size_t, double w, double g) {
                           v[i] = rho * v[i] + (1 - rho) * g * g;
                           double d = v[i] + eps;
                           if (centered) {
                               m[i] = rho * m[i] + (1 - rho) * g;
                               d -= m[i] * m[i];
                           }
                           const double inc = lr * g / std::sqrt(d);
                           if (mu > 0) {
                               b[i] = mu * b[i] + inc;
                               return w - b[i];
                           }
                           return w - inc;
                       });
        }
    // First plain step by hand: v = 0.1 g², so w moves by lr · g / √(0.1 g² + ε) ≈ lr · √10 · sign(g).
    const auto r = run<double>(opt::rmsprop{{.lr = 0.01}});
    CHECK(r[0][4] == doctest::Approx(-0.3 - 0.01 * 3.0 / std::sqrt(0.9 + 1e-7)).epsilon(1e-15));
}

TEST_CASE("adamax follows the Keras formula for three steps") {
    std::array<double, 5> m{}, u{};
    const double lr = 0.02, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    check_both(opt::adamax{{.lr = lr}}, [&](std::size_t i, std::size_t t, double w, double g) {
        m[i] = b1 * m[i] + (1 - b1) * g;
        u[i] = std::max(b2 * u[i], std::abs(g));
        return w - lr * m[i] / ((1 - std::pow(b1, double(t))) * (u[i] + eps));
    });
    // First step: m = 0.1 g, u = |g|, bias correction 0.1: w moves by lr · g/(|g| + ε) ≈ lr · sign(g).
    const auto r = run<double>(opt::adamax{{.lr = lr}});
    CHECK(r[0][1] == doctest::Approx(-1.25 + 0.02 * 2.0 / (2.0 + 1e-7)).epsilon(1e-15));
}

TEST_CASE("adam (existing) still follows Keras' formula, as a cross-check of the harness") {
    std::array<double, 5> m{}, v{};
    const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    check_both(opt::adam{{.lr = lr}}, [&](std::size_t i, std::size_t t, double w, double g) {
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        const double lr_t = lr * std::sqrt(1 - std::pow(b2, double(t))) / (1 - std::pow(b1, double(t)));
        return w - lr_t * m[i] / (std::sqrt(v[i]) + eps);
    });
}

// ---- clipping ----

namespace {
using two_dense = cc::net::sequential<cc::shape<2>, cc::layers::dense<2>, cc::layers::dense<1>>;

// Sets every gradient of net to chosen values and returns (w before, g) per tensor.
template <class Net>
std::vector<std::pair<std::vector<double>, std::vector<double>>> set_grads(Net& net) {
    std::vector<std::pair<std::vector<double>, std::vector<double>>> wg;
    net.visit_params([&](std::size_t, auto& w, auto& g) {
        std::vector<double> gv;
        double v = 0.5;
        for (std::size_t i = 0; i < g.size(); ++i) {
            v = -v * 1.7;   // -0.85, 1.445, -2.4565, ... growing, alternating, per tensor
            g.data()[i] = v;
            gv.push_back(v);
        }
        wg.emplace_back(std::vector<double>(w.begin(), w.end()), gv);
    });
    return wg;
}

// After one sgd(lr = 1) step, w_before − w_after is the clipped gradient.
template <class Net>
std::vector<std::vector<double>> applied_step(Net& net, const std::vector<std::pair<std::vector<double>, std::vector<double>>>& wg) {
    std::vector<std::vector<double>> d;
    std::size_t t = 0;
    net.visit_params([&](std::size_t, auto& w, auto&) {
        std::vector<double> di;
        for (std::size_t i = 0; i < w.size(); ++i) di.push_back(wg[t].first[i] - w.data()[i]);
        d.push_back(di);
        ++t;
    });
    return d;
}
} // namespace

TEST_CASE("clipvalue clips each gradient element to [-c, c]") {
    two_dense::on<cc::backend::cpu, double> net{1};
    const auto wg = set_grads(net);
    opt::clipped<opt::sgd> o{{.lr = 1.0}, {.clipvalue = 1.5}};
    cc::train::apply_gradients(net, o);
    const auto d = applied_step(net, wg);
    for (std::size_t t = 0; t < d.size(); ++t)
        for (std::size_t i = 0; i < d[t].size(); ++i)
            CHECK(d[t][i] == doctest::Approx(std::clamp(wg[t].second[i], -1.5, 1.5)).epsilon(1e-14));
}

TEST_CASE("clipnorm rescales each tensor whose norm exceeds c, on its own") {
    two_dense::on<cc::backend::cpu, double> net{1};
    const auto wg = set_grads(net);
    const double c = 1.5;   // norms: 5.1 (kernel 1), 1.68 (bias 1, kernel 2), 0.85 (bias 2)
    opt::clipped<opt::sgd> o{{.lr = 1.0}, {.clipnorm = c}};
    cc::train::apply_gradients(net, o);
    const auto d = applied_step(net, wg);
    std::size_t clipped_tensors = 0;
    for (std::size_t t = 0; t < d.size(); ++t) {
        double n2 = 0;
        for (double g : wg[t].second) n2 += g * g;
        const double f = std::sqrt(n2) > c ? c / std::sqrt(n2) : 1.0;
        clipped_tensors += f < 1;
        for (std::size_t i = 0; i < d[t].size(); ++i) CHECK(d[t][i] == doctest::Approx(f * wg[t].second[i]).epsilon(1e-13));
    }
    CHECK(clipped_tensors >= 2);        // the test data exercises clipping...
    CHECK(clipped_tensors < d.size());  // ...and a tensor left alone (the last bias)
}

TEST_CASE("global_clipnorm rescales every gradient by one factor from the norm over all tensors") {
    two_dense::on<cc::backend::cpu, double> net{1};
    const auto wg = set_grads(net);
    double n2 = 0;
    for (auto& [w, g] : wg)
        for (double x : g) n2 += x * x;
    const double c = 2.0, f = c / std::sqrt(n2);
    REQUIRE(f < 0.5);
    opt::clipped<opt::sgd> o{{.lr = 1.0}, {.global_clipnorm = c}};
    cc::train::apply_gradients(net, o);
    CHECK(o.global_norm() == doctest::Approx(std::sqrt(n2)).epsilon(1e-14));
    const auto d = applied_step(net, wg);
    double out2 = 0;
    for (std::size_t t = 0; t < d.size(); ++t)
        for (std::size_t i = 0; i < d[t].size(); ++i) {
            CHECK(d[t][i] == doctest::Approx(f * wg[t].second[i]).epsilon(1e-13));
            out2 += d[t][i] * d[t][i];
        }
    CHECK(std::sqrt(out2) == doctest::Approx(c).epsilon(1e-13));
    // Below the limit nothing changes: a second network, limit above the norm.
    two_dense::on<cc::backend::cpu, double> net2{1};
    const auto wg2 = set_grads(net2);
    opt::clipped<opt::sgd> loose{{.lr = 1.0}, {.global_clipnorm = 2 * std::sqrt(n2)}};
    cc::train::apply_gradients(net2, loose);
    const auto d2 = applied_step(net2, wg2);
    for (std::size_t t = 0; t < d2.size(); ++t)
        for (std::size_t i = 0; i < d2[t].size(); ++i) CHECK(d2[t][i] == doctest::Approx(wg2[t].second[i]).epsilon(1e-14));
}

TEST_CASE("clipped keeps the wrapped optimizer's state and options, and rejects clipnorm with global_clipnorm") {
    // clipped<adam> without clipping is adam, step for step (state keyed by k is kept across steps).
    two_dense::on<cc::backend::cpu, float> a{3}, b{3};
    opt::adam plain{{.lr = 0.01}};
    opt::clipped<opt::adam> wrapped{{.lr = 0.01}, {}};
    for (int s = 0; s < 3; ++s) {
        set_grads(a);
        set_grads(b);
        cc::train::apply_gradients(a, plain);
        cc::train::apply_gradients(b, wrapped);
    }
    std::vector<float> wa, wb;
    a.visit_params([&](std::size_t, auto& w, auto&) { wa.insert(wa.end(), w.begin(), w.end()); });
    b.visit_params([&](std::size_t, auto& w, auto&) { wb.insert(wb.end(), w.begin(), w.end()); });
    CHECK(wa == wb);
    wrapped.opt.lr = 0.5;   // schedules write the wrapped optimizer's options
    CHECK(static_cast<opt::adam&>(wrapped).opt.lr == 0.5);

    opt::clipped<opt::sgd> bad{{}, {.clipnorm = 1, .global_clipnorm = 1}};
    CHECK_THROWS_WITH_AS(cc::train::apply_gradients(a, bad), doctest::Contains("only one of clipnorm and global_clipnorm"),
                         cc::error);
}
