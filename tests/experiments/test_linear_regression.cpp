// Seed 003's linear-regression primer (examples/linear_regression): the model y = W x + b (x ∈ R³,
// y ∈ R²), its toy data, and gradient descent converging to the least-squares solution and to the truth.
#include <cascade/cascade.hpp>
#include <cascade/data/toy/linear_regression.hpp>
#include <cascade/models/linear_regression.hpp>
#include <doctest/doctest.h>

#include <array>
#include <cmath>

namespace cc = cascade;
using cc::backend::cpu;
using truth = cc::data::toy::linear_truth;

namespace {
// Least-squares (W, b) of a dataset from the normal equations in double: for each output o, solve
// (Xᵀ X) θ = Xᵀ y with X = [x, 1] (4 × 4, Gaussian elimination with partial pivoting).
std::array<std::array<double, 4>, 2> least_squares(const cc::data::dataset<float, 2, 2>& d) {
    std::array<std::array<double, 4>, 2> theta{};
    for (std::size_t o = 0; o < 2; ++o) {
        double m[4][5] = {};
        for (std::size_t s = 0; s < d.size(); ++s) {
            const double r[4] = {d.x(s, 0), d.x(s, 1), d.x(s, 2), 1.0};
            for (int i = 0; i < 4; ++i) {
                for (int j = 0; j < 4; ++j) m[i][j] += r[i] * r[j];
                m[i][4] += r[i] * double(d.y(s, o));
            }
        }
        for (int c = 0; c < 4; ++c) {
            int p = c;
            for (int r = c + 1; r < 4; ++r)
                if (std::abs(m[r][c]) > std::abs(m[p][c])) p = r;
            for (int j = 0; j < 5; ++j) std::swap(m[c][j], m[p][j]);
            for (int r = 0; r < 4; ++r) {
                if (r == c) continue;
                const double f = m[r][c] / m[c][c];
                for (int j = 0; j < 5; ++j) m[r][j] -= f * m[c][j];
            }
        }
        for (int i = 0; i < 4; ++i) theta[o][std::size_t(i)] = m[i][4] / m[i][i];
    }
    return theta;
}

// max |θ_net − θ_ref| with θ_ref[o] = (W[o][0..2], b[o]) (the slide's W: rows = outputs).
template <class Net, class Ref>
double max_deviation(Net& net, const Ref& ref) {
    const auto& w = net.template layer<0>().w;   // (3, 2) = Wᵀ
    const auto& b = net.template layer<0>().b;
    double dev = 0;
    for (std::size_t o = 0; o < 2; ++o) {
        for (std::size_t i = 0; i < 3; ++i) dev = std::max(dev, std::abs(double(w(i, o)) - ref[o][i]));
        dev = std::max(dev, std::abs(double(b(o)) - ref[o][3]));
    }
    return dev;
}

// Learning tests run on one thread: the same numbers on every machine, and no fork-join waits for a
// descheduled second thread when other tests share the cores.
struct single_thread {
    int saved = cascade::num_threads();
    single_thread() { cascade::set_num_threads(1); }
    ~single_thread() { cascade::set_num_threads(saved); }
};

std::array<std::array<double, 4>, 2> true_theta() {
    std::array<std::array<double, 4>, 2> t{};
    for (std::size_t o = 0; o < 2; ++o) {
        for (std::size_t i = 0; i < 3; ++i) t[o][i] = truth::w[o][i];
        t[o][3] = truth::b[o];
    }
    return t;
}
} // namespace

TEST_CASE("linear_regression model: 8 parameters and y = x W + b for a batch") {
    cc::models::linear_regression::on<cpu, double> net{3};
    CHECK(cc::count_params(net).trainable == 8);
    auto& l = net.layer<0>();
    l.b(0) = 0.25;
    l.b(1) = -0.5;
    cc::host_tensor<double, 2> x = {{1, 2, 3}, {-1, 0.5, 0}, {0, 0, 0}, {2, -1, 1}, {0.1, 0.2, 0.3}};
    const auto& y = net.forward(x, cc::mode::infer);
    REQUIRE(y.shape()[0] == 5);
    REQUIRE(y.shape()[1] == 2);
    for (std::size_t s = 0; s < 5; ++s)
        for (std::size_t o = 0; o < 2; ++o) {
            double ref = l.b(o);
            for (std::size_t i = 0; i < 3; ++i) ref += x(s, i) * l.w(i, o);
            CHECK(y(s, o) == doctest::Approx(ref).epsilon(1e-12));
        }
}

TEST_CASE("toy linear_regression data: shapes, determinism, x ~ U(-1, 1) and y - (W x + b) ~ N(0, sigma)") {
    const std::size_t n = 20000;
    const double sigma = 0.1;
    const auto d = cc::data::toy::linear_regression(n, 7, sigma);
    REQUIRE(d.x.shape()[0] == n);
    REQUIRE(d.x.shape()[1] == 3);
    REQUIRE(d.y.shape()[1] == 2);
    const auto same = cc::data::toy::linear_regression(n, 7, sigma), other = cc::data::toy::linear_regression(n, 8, sigma);
    CHECK(std::equal(d.x.begin(), d.x.end(), same.x.begin()));
    CHECK(std::equal(d.y.begin(), d.y.end(), same.y.begin()));
    CHECK_FALSE(std::equal(d.x.begin(), d.x.end(), other.x.begin()));

    for (std::size_t i = 0; i < 3; ++i) {
        double m = 0, v = 0, lo = 1, hi = -1;
        for (std::size_t s = 0; s < n; ++s) {
            m += d.x(s, i);
            lo = std::min(lo, double(d.x(s, i)));
            hi = std::max(hi, double(d.x(s, i)));
        }
        m /= double(n);
        for (std::size_t s = 0; s < n; ++s) v += (d.x(s, i) - m) * (d.x(s, i) - m);
        v /= double(n);
        CHECK(lo >= -1.0);
        CHECK(hi < 1.0);
        CHECK(std::abs(m) < 5 * std::sqrt(1.0 / 3 / double(n)));   // mean 0, var 1/3
        CHECK(std::abs(v - 1.0 / 3) < 5 * std::sqrt(4.0 / 45 / double(n)));   // Var(x²) = 1/5 − 1/9 = 4/45
    }
    for (std::size_t o = 0; o < 2; ++o) {
        double m = 0, v = 0;
        for (std::size_t s = 0; s < n; ++s) {
            double r = double(d.y(s, o)) - truth::b[o];
            for (std::size_t i = 0; i < 3; ++i) r -= truth::w[o][i] * double(d.x(s, i));
            m += r;
            v += r * r;
        }
        m /= double(n);
        const double sd = std::sqrt(v / double(n) - m * m);
        CHECK(std::abs(m) < 5 * sigma / std::sqrt(double(n)));
        CHECK(std::abs(sd - sigma) < 5 * sigma / std::sqrt(2.0 * double(n)));
    }
    // Without noise the targets are exactly W x + b (up to float rounding).
    const auto exact = cc::data::toy::linear_regression(100, 1, 0.0);
    for (std::size_t s = 0; s < 100; ++s) {
        double ref = truth::b[1];
        for (std::size_t i = 0; i < 3; ++i) ref += truth::w[1][i] * double(exact.x(s, i));
        CHECK(double(exact.y(s, 1)) == doctest::Approx(ref).epsilon(1e-6));
    }
    CHECK_THROWS_AS(cc::data::toy::linear_regression(10, 1, -1.0), cc::error);
}

TEST_CASE("full-batch gradient descent converges to the least-squares solution, which is near the truth") {
    const single_thread one;
    const std::size_t n = 1000;
    const double sigma = 0.1;
    const auto d = cc::data::toy::linear_regression(n, 11, sigma);
    const auto ols = least_squares(d);
    // The least-squares estimate scatters around the truth by about sigma * sqrt(3 / N) = 0.0055.
    double ols_dev = 0;
    for (std::size_t o = 0; o < 2; ++o)
        for (std::size_t i = 0; i < 4; ++i) ols_dev = std::max(ols_dev, std::abs(ols[o][i] - true_theta()[o][i]));
    CHECK(ols_dev < 4 * sigma * std::sqrt(3.0 / double(n)));

    cc::models::linear_regression::on<cpu, float> net{5};
    CHECK(max_deviation(net, ols) > 0.5);   // the start is far away
    cc::optimizers::sgd opt{{.lr = 0.5}};
    cc::train::fit(net, cc::losses::mse{}, opt, d,
                   {.epochs = 150, .batch_size = n, .shuffle = false, .verbose = cc::train::progress::style::silent});
    CHECK(max_deviation(net, ols) < 1e-4);
}

TEST_CASE("mini-batch SGD (the example's settings) fits W and b to the truth within 0.03") {
    const single_thread one;
    const auto d = cc::data::toy::linear_regression(1000, 42, 0.1);
    cc::models::linear_regression::on<cpu, float> net{42};
    const double start = max_deviation(net, true_theta());
    cc::optimizers::sgd opt{{.lr = 0.1}};
    auto h = cc::train::fit(net, cc::losses::mse{}, opt, d,
                            {.epochs = 30, .batch_size = 32, .seed = 42, .verbose = cc::train::progress::style::silent});
    CHECK(start > 1.0);
    CHECK(max_deviation(net, true_theta()) < 0.03);
    CHECK(h.last("loss") < 1.5 * 0.1 * 0.1);   // at the noise floor sigma² = 0.01
}
