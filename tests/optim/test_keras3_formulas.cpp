// Keras 3 formulas where tf.keras 2 and Keras 3 differ (issue 12, item 7), and the options that give the
// PyTorch / legacy forms back:
//   adagrad     default  w ← w − lr g / √(a + ε)            (keras/src/optimizers/adagrad.py)
//               epsilon_outside_root: w ← w − lr g / (√a + ε)  (torch.optim.Adagrad, tf.keras < 2.11)
//   batch_norm  default  moving_var ← m moving_var + (1 − m) σ²_B, σ²_B = Σ (x − μ)² / n   (Keras 3, ops.moments)
//               unbiased_moving_variance: σ²_B · n / (n − 1)   (PyTorch, tf.keras 2's fused kernel)
// Each against a reference computed here in double, independently of the library's kernels, with values
// chosen so that the two forms differ by far more than the tolerance (the tests would notice a swap).
#include <cascade/backend/cpu.hpp>
#include <cascade/layers/batch_norm.hpp>
#include <cascade/optimizers/adagrad.hpp>
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <vector>

namespace cc = cascade;
namespace L = cascade::layers;
namespace opt = cascade::optimizers;

namespace {

// Four steps on 6 coordinates: small gradients (where ε matters), a zero gradient, mixed signs.
const std::vector<double> w0 = {0.5, -1.25, 2.0, 0.0, -0.3, 0.75};
const std::array<std::vector<double>, 4> gs = {std::vector<double>{0.01, -2.0, 0.5, 0.0, 3.0, -0.003},
                                               std::vector<double>{-0.02, -1.0, 0.25, 1e-3, -3.0, 0.002},
                                               std::vector<double>{0.03, 0.5, -0.75, 0.0, 1.5, -0.001},
                                               std::vector<double>{-0.01, 0.25, 0.1, 0.0, -0.5, 0.004}};

template <class T>
std::vector<std::vector<double>> run_adagrad(opt::adagrad o) {
    cc::host_tensor<T, 1> w = cc::host_tensor<T, 1>::from_shape({w0.size()}), g = w;
    for (std::size_t i = 0; i < w0.size(); ++i) w(i) = T(w0[i]);
    std::vector<std::vector<double>> out;
    for (const auto& gi : gs) {
        for (std::size_t i = 0; i < w0.size(); ++i) g(i) = T(gi[i]);
        o.begin_step();
        o.update(0, w, g);
        out.emplace_back(w.begin(), w.end());
    }
    return out;
}

// The reference: a ← a + g², then the step with ε inside or outside the root, in double.
std::vector<std::vector<double>> adagrad_reference(double lr, double a0, double eps, bool outside) {
    std::vector<double> w = w0, a(w0.size(), a0);
    std::vector<std::vector<double>> out;
    for (const auto& g : gs) {
        for (std::size_t i = 0; i < w.size(); ++i) {
            a[i] += g[i] * g[i];
            const double denom = outside ? std::sqrt(a[i]) + eps : std::sqrt(a[i] + eps);
            w[i] -= lr * g[i] / denom;
        }
        out.push_back(w);
    }
    return out;
}

double max_rel_diff(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
    double m = 0;
    for (std::size_t t = 0; t < a.size(); ++t)
        for (std::size_t i = 0; i < a[t].size(); ++i)
            m = std::max(m, std::abs(a[t][i] - b[t][i]) / std::max(std::abs(b[t][i]), 1e-300));
    return m;
}

void check_close(const std::vector<std::vector<double>>& got, const std::vector<std::vector<double>>& want, double rel) {
    REQUIRE(got.size() == want.size());
    for (std::size_t t = 0; t < got.size(); ++t)
        for (std::size_t i = 0; i < got[t].size(); ++i) {
            INFO("step ", t + 1, ", coordinate ", i);
            CHECK(got[t][i] == doctest::Approx(want[t][i]).epsilon(rel).scale(1.0));
        }
}

} // namespace

TEST_CASE("adagrad: Keras 3's ε inside the root by default, PyTorch's ε outside with epsilon_outside_root") {
    // Keras' defaults (a₀ 0.1, ε 1e-7) and PyTorch's (a₀ 0, ε 1e-10), and a large ε that makes the
    // placement visible.
    struct config {
        double lr, a0, eps;
    };
    for (const config c : {config{0.05, 0.1, 1e-7}, config{0.01, 0.0, 1e-10}, config{0.1, 0.0, 1e-2}, config{0.1, 0.1, 0.25}}) {
        CAPTURE(c.a0);
        CAPTURE(c.eps);
        const auto keras3 = adagrad_reference(c.lr, c.a0, c.eps, false);
        const auto legacy = adagrad_reference(c.lr, c.a0, c.eps, true);
        const opt::adagrad_options keras3_opt{.lr = c.lr, .initial_accumulator_value = c.a0, .epsilon = c.eps};
        const opt::adagrad_options legacy_opt{.lr = c.lr, .initial_accumulator_value = c.a0, .epsilon = c.eps,
                                              .epsilon_outside_root = true};
        check_close(run_adagrad<double>(opt::adagrad{keras3_opt}), keras3, 1e-14);
        check_close(run_adagrad<double>(opt::adagrad{legacy_opt}), legacy, 1e-14);
        check_close(run_adagrad<float>(opt::adagrad{keras3_opt}), keras3, 2e-6);
        check_close(run_adagrad<float>(opt::adagrad{legacy_opt}), legacy, 2e-6);
        // The two forms differ by far more than the double tolerance (so the checks above tell them apart);
        // by more than float's too where ε is not tiny against √a.
        const double apart = max_rel_diff(keras3, legacy);
        CHECK(apart > 1e-12);
        if (c.eps >= 1e-2) CHECK(apart > 1e-3);
    }
    // The default is Keras 3's: options left out mean ε inside the root.
    CHECK_FALSE(opt::adagrad_options{}.epsilon_outside_root);
    // One step by hand, a₀ = 0 and ε = 0.01 (coordinate 0, g = 0.01): Keras 3 w = 0.5 − 0.1 · 0.01 / √(1e-4 + 0.01),
    // legacy w = 0.5 − 0.1 · 0.01 / (0.01 + 0.01) = 0.45.
    const auto k = run_adagrad<double>(opt::adagrad{{.lr = 0.1, .initial_accumulator_value = 0.0, .epsilon = 0.01}});
    CHECK(k[0][0] == doctest::Approx(0.5 - 0.001 / std::sqrt(0.0101)).epsilon(1e-15));
    const auto p = run_adagrad<double>(
        opt::adagrad{{.lr = 0.1, .initial_accumulator_value = 0.0, .epsilon = 0.01, .epsilon_outside_root = true}});
    CHECK(p[0][0] == doctest::Approx(0.45).epsilon(1e-15));
    CHECK(k[0][3] == 0.0);   // zero gradient and a₀ = 0: no move in either form (ε > 0 keeps the root finite)
    CHECK(p[0][3] == 0.0);
}

namespace {

// One training forward of batch_norm Layer on the batch x (rows × C after flattening all but the last
// axis); returns the moving mean and variance, the training output and an inference output of x.
template <class Layer, class In, class T, std::size_t R>
struct bn_run {
    cc::host_tensor<T, R> y_train, y_infer;
    std::vector<double> moving_mean, moving_var;
};
template <class Layer, class In, class T, std::size_t R>
bn_run<Layer, In, T, R> run_bn(const cc::host_tensor<T, R>& x) {
    cc::rng g(0);
    cc::layers::layer_impl<Layer, In, cc::backend::cpu, T> bn(g);
    bn_run<Layer, In, T, R> r;
    bn.forward(x, r.y_train, cc::mode::train);
    r.moving_mean.assign(bn.moving_mean.begin(), bn.moving_mean.end());
    r.moving_var.assign(bn.moving_var.begin(), bn.moving_var.end());
    bn.forward(x, r.y_infer, cc::mode::infer);
    return r;
}

// The reference statistics of a (rows × C) row-major batch, in double.
struct stats {
    std::vector<double> mean, biased_var;
};
stats batch_stats(const std::vector<double>& x, std::size_t rows, std::size_t c) {
    stats s{std::vector<double>(c, 0.0), std::vector<double>(c, 0.0)};
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < c; ++j) s.mean[j] += x[r * c + j] / double(rows);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < c; ++j) s.biased_var[j] += (x[r * c + j] - s.mean[j]) * (x[r * c + j] - s.mean[j]) / double(rows);
    return s;
}

} // namespace

TEST_CASE("batch_norm: Keras 3's biased batch variance in the moving variance, PyTorch's unbiased with the option") {
    // Dense features: N = 4 samples of 3 features (n = 4 rows per channel, Bessel factor 4/3).
    const std::vector<double> xv = {1.0, -2.0, 0.5,   3.0, 0.0, 0.25,   -1.5, 4.0, 0.125,   2.5, 1.0, -0.75};
    cc::host_tensor<double, 2> x = cc::host_tensor<double, 2>::from_shape({4, 3});
    for (std::size_t i = 0; i < xv.size(); ++i) x.data()[i] = xv[i];
    const auto s = batch_stats(xv, 4, 3);

    using keras3 = L::batch_norm<>;
    using torch = L::batch_norm<L::unbiased_moving_variance>;
    const auto k = run_bn<keras3, cc::shape<3>, double, 2>(x);
    const auto p = run_bn<torch, cc::shape<3>, double, 2>(x);
    for (std::size_t j = 0; j < 3; ++j) {
        CAPTURE(j);
        // moving = 0.99 · initial + 0.01 · batch; initial mean 0, variance 1.
        CHECK(k.moving_mean[j] == doctest::Approx(0.01 * s.mean[j]).epsilon(1e-14));
        CHECK(p.moving_mean[j] == doctest::Approx(0.01 * s.mean[j]).epsilon(1e-14));
        CHECK(k.moving_var[j] == doctest::Approx(0.99 + 0.01 * s.biased_var[j]).epsilon(1e-14));
        CHECK(p.moving_var[j] == doctest::Approx(0.99 + 0.01 * s.biased_var[j] * 4.0 / 3.0).epsilon(1e-14));
        // The variants are far apart (σ²_B/3 · 0.01 ≥ 4e-4 here).
        CHECK(std::abs(k.moving_var[j] - p.moving_var[j]) > 1e-4);
    }
    // The training output uses the biased batch variance in both (only the moving variance differs).
    for (std::size_t i = 0; i < xv.size(); ++i) {
        const std::size_t j = i % 3;
        const double want = (xv[i] - s.mean[j]) / std::sqrt(s.biased_var[j] + 1e-3);
        CHECK(k.y_train.data()[i] == doctest::Approx(want).epsilon(1e-13));
        CHECK(p.y_train.data()[i] == k.y_train.data()[i]);
        // Inference with the updated moving statistics: γ = 1, β = 0.
        CHECK(k.y_infer.data()[i] == doctest::Approx((xv[i] - k.moving_mean[j]) / std::sqrt(k.moving_var[j] + 1e-3)).epsilon(1e-13));
        CHECK(p.y_infer.data()[i] == doctest::Approx((xv[i] - p.moving_mean[j]) / std::sqrt(p.moving_var[j] + 1e-3)).epsilon(1e-13));
    }
}

TEST_CASE("batch_norm: n is the number of rows per channel (samples × positions) for images - options in any order") {
    // (N, H, W, C) = (2, 3, 1, 2): 6 rows per channel, Bessel factor 6/5; PyTorch's momentum and ε.
    std::vector<double> xv(12);
    for (std::size_t i = 0; i < xv.size(); ++i) xv[i] = std::sin(1.7 * double(i) + 0.3) * (1.0 + 0.25 * double(i % 5));
    cc::host_tensor<double, 4> x = cc::host_tensor<double, 4>::from_shape({2, 3, 1, 2});
    for (std::size_t i = 0; i < xv.size(); ++i) x.data()[i] = xv[i];
    const auto s = batch_stats(xv, 6, 2);

    using In = cc::shape<3, 1, 2>;
    using torch_a = L::batch_norm<L::momentum<9, 10>, L::epsilon<1, 100000>, L::unbiased_moving_variance>;
    using torch_b = L::batch_norm<L::unbiased_moving_variance, L::epsilon<1, 100000>, L::momentum<9, 10>>;
    using keras3 = L::batch_norm<L::epsilon<1, 100000>, L::momentum<9, 10>>;
    const auto a = run_bn<torch_a, In, double, 4>(x);
    const auto b = run_bn<torch_b, In, double, 4>(x);
    const auto k = run_bn<keras3, In, double, 4>(x);
    for (std::size_t j = 0; j < 2; ++j) {
        CAPTURE(j);
        CHECK(a.moving_mean[j] == doctest::Approx(0.1 * s.mean[j]).epsilon(1e-14));
        CHECK(a.moving_var[j] == doctest::Approx(0.9 + 0.1 * s.biased_var[j] * 6.0 / 5.0).epsilon(1e-14));
        CHECK(k.moving_var[j] == doctest::Approx(0.9 + 0.1 * s.biased_var[j]).epsilon(1e-14));
        CHECK(b.moving_var[j] == a.moving_var[j]);   // the order of the options does not matter
        CHECK(b.moving_mean[j] == a.moving_mean[j]);
    }
    for (std::size_t i = 0; i < xv.size(); ++i)
        CHECK(a.y_train.data()[i] == doctest::Approx((xv[i] - s.mean[i % 2]) / std::sqrt(s.biased_var[i % 2] + 1e-5)).epsilon(1e-13));
}

TEST_CASE("batch_norm: a single row per channel leaves the batch variance (0) as it is in both forms") {
    cc::host_tensor<double, 2> x = cc::host_tensor<double, 2>::from_shape({1, 2});
    x.data()[0] = 0.5;
    x.data()[1] = -2.0;
    const auto k = run_bn<L::batch_norm<>, cc::shape<2>, double, 2>(x);
    const auto p = run_bn<L::batch_norm<L::unbiased_moving_variance>, cc::shape<2>, double, 2>(x);
    for (std::size_t j = 0; j < 2; ++j) {
        CHECK(k.moving_var[j] == doctest::Approx(0.99).epsilon(1e-15));
        CHECK(p.moving_var[j] == doctest::Approx(0.99).epsilon(1e-15));   // factor 1 for n = 1, as the kernel's
    }
}

// The named-option spelling: what batch_norm accepts (check<In>() turns each false into one message:
// tests/compile_fail/batch_norm_*.cpp).
using cc::shape;
static_assert(L::batch_norm<>::accepts<shape<4>>);
static_assert(L::batch_norm<L::momentum<9, 10>, L::epsilon<1, 100000>, L::unbiased_moving_variance>::accepts<shape<5, 5, 3>>);
static_assert(L::batch_norm<L::unbiased_moving_variance, L::momentum<0>>::accepts<shape<2>>);
static_assert(!L::batch_norm<L::momentum<9, 10>, L::momentum<99, 100>>::accepts<shape<4>>);          // repeated
static_assert(!L::batch_norm<L::unbiased_moving_variance, L::unbiased_moving_variance>::accepts<shape<4>>);
static_assert(!L::batch_norm<L::kernel<3>>::accepts<shape<4>>);                                        // not batch_norm's
static_assert(!L::batch_norm<cc::ratio<9, 10>>::accepts<shape<4>>);                                    // the old positional form
static_assert(!L::batch_norm<L::momentum<11, 10>>::accepts<shape<4>>);                                 // momentum > 1
static_assert(!L::batch_norm<L::epsilon<0>>::accepts<shape<4>>);                                       // ε = 0
static_assert(!L::batch_norm<>::spec::unbiased && L::batch_norm<L::unbiased_moving_variance>::spec::unbiased);
static_assert(std::ratio_equal_v<L::batch_norm<>::spec::momentum_t, cc::ratio<99, 100>> &&
              std::ratio_equal_v<L::batch_norm<>::spec::epsilon_t, cc::ratio<1, 1000>>);
