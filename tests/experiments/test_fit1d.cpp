// Seed 003's "1D Function Fitting" (examples/fit1d): the 1→20→20→20→1 MLPs (ReLU and sigmoid), the toy
// function and its samples, and the slide's comparison: after the same number of iterations the ReLU
// network fits the function and the sigmoid network does not yet.
#include <cascade/cascade.hpp>
#include <cascade/data/toy/fit1d.hpp>
#include <cascade/models/fit1d.hpp>
#include <doctest/doctest.h>

#include <cmath>

namespace cc = cascade;
namespace toy = cc::data::toy;
using cc::backend::cpu;

namespace {
// RMS of prediction − f on the 1001-point grid (the example's fit error).
template <class Net>
double fit_error(Net& net) {
    const auto grid = toy::fit1d_grid(1001);
    const auto y = cc::train::predict(net, grid.x);
    double s = 0;
    for (std::size_t i = 0; i < grid.size(); ++i) s += std::pow(double(y.data()[i]) - double(grid.y.data()[i]), 2);
    return std::sqrt(s / double(grid.size()));
}

// Learning tests run on one thread: the same numbers on every machine, and no fork-join waits for a
// descheduled second thread when other tests share the cores.
struct single_thread {
    int saved = cascade::num_threads();
    single_thread() { cascade::set_num_threads(1); }
    ~single_thread() { cascade::set_num_threads(saved); }
};

template <class Net>
double train(Net& net, std::size_t epochs) {
    const auto d = toy::fit1d(3200, 42);   // the example's defaults: 100 iterations per epoch
    cc::optimizers::adam opt{{.lr = 1e-3}};
    cc::train::fit(net, cc::losses::mse{}, opt, d,
                   {.epochs = epochs, .batch_size = 32, .seed = 42, .verbose = cc::train::progress::style::silent});
    return fit_error(net);
}
} // namespace

TEST_CASE("fit1d models: 3 hidden layers of 20, 901 parameters, output (N, 1)") {
    cc::models::fit1d_relu::on<cpu, float> relu{1};
    cc::models::fit1d_sigmoid::on<cpu, float> sigm{1};
    CHECK(cc::count_params(relu).trainable == 901);
    CHECK(cc::count_params(sigm).trainable == 901);
    static_assert(cc::models::fit1d_relu::on<cpu, float>::depth == 7);
    cc::host_tensor<float, 2> x = {{-1}, {0}, {0.5}};
    const auto& y = relu.forward(x, cc::mode::infer);
    CHECK(y.shape()[0] == 3);
    CHECK(y.shape()[1] == 1);
    const auto& ys = sigm.forward(x, cc::mode::infer);
    CHECK(ys.shape()[0] == 3);
    CHECK(ys.shape()[1] == 1);
}

TEST_CASE("toy fit1d function and samples") {
    const double pi = 3.141592653589793;
    CHECK(toy::fit1d_function(0) == doctest::Approx(0).epsilon(1e-15));
    CHECK(toy::fit1d_function(0.5) == doctest::Approx(-std::exp(-0.25) + 0.25));              // sin(3π/2) = −1
    CHECK(toy::fit1d_function(1.0 / 6) == doctest::Approx(std::exp(-1.0 / 36) + 1.0 / 12));  // sin(π/2) = 1
    CHECK(toy::fit1d_function(-1) == doctest::Approx(std::sin(-3 * pi) * std::exp(-1.0) - 0.5));

    const auto d = toy::fit1d(5000, 3);
    REQUIRE(d.x.shape()[0] == 5000);
    REQUIRE(d.x.shape()[1] == 1);
    REQUIRE(d.y.shape()[1] == 1);
    const auto same = toy::fit1d(5000, 3), other = toy::fit1d(5000, 4);
    CHECK(std::equal(d.x.begin(), d.x.end(), same.x.begin()));
    CHECK_FALSE(std::equal(d.x.begin(), d.x.end(), other.x.begin()));
    double m = 0, lo = 1, hi = -1, worst = 0;
    for (std::size_t i = 0; i < 5000; ++i) {
        const double x = d.x.data()[i];
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        worst = std::max(worst, std::abs(double(d.y.data()[i]) - toy::fit1d_function(x)));
        m += x;
    }
    CHECK(lo >= -1.0);
    CHECK(hi < 1.0);
    CHECK(worst < 1e-6);   // y = f(x), rounded to float
    CHECK(std::abs(m / 5000) < 5 * std::sqrt(1.0 / 3 / 5000));   // U(−1, 1): mean 0, var 1/3

    const auto g = toy::fit1d_grid(1001);
    CHECK(g.x.data()[0] == -1.0f);
    CHECK(g.x.data()[500] == 0.0f);
    CHECK(g.x.data()[1000] == 1.0f);
    CHECK_THROWS_AS(toy::fit1d_grid(1), cc::error);
}

TEST_CASE("after 10000 iterations the ReLU MLP fits f and the sigmoid MLP not yet (slides 1D Function Fitting 1 and 2)") {
    const single_thread one;
    cc::models::fit1d_relu::on<cpu, float> relu{42};
    cc::models::fit1d_sigmoid::on<cpu, float> sigm{42};
    const double relu_start = fit_error(relu);
    const double relu_err = train(relu, 100), sigm_err = train(sigm, 100);
    // RMS of f itself is about 0.6: a constant or linear fit stays above 0.5.
    CHECK(relu_start > 0.5);
    CHECK(relu_err < 0.15);
    CHECK(sigm_err > 2 * relu_err);
}
