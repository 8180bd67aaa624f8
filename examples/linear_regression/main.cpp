// linear_regression: seed 003's primer — y = W x + b (x ∈ R³, y ∈ R²) fitted by mini-batch gradient
// descent on the mean squared error; prints the fitted parameters converging to the truth.
//   linear_regression [--full] [--samples N] [--epochs E] [--batch-size B] [--lr X] [--noise S]
//                     [--print-every K] [--seed S] [--threads T]
#include <cascade/cascade.hpp>
#include <cascade/data/toy/linear_regression.hpp>
#include <cascade/models/linear_regression.hpp>

#include "common/cli.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

namespace cc = cascade;
using truth = cc::data::toy::linear_truth;

namespace {
struct args : cc::examples::training_args {
    std::size_t samples = 1000, print_every = 3;
    double noise = 0.1;
    args() : training_args{.epochs = 30, .batch_size = 32, .lr = 0.1} {}
};

args parse(int argc, char** argv) {
    args a;
    bool full = false;
    cc::examples::cli p{"linear_regression", "y = W x + b fitted by mini-batch gradient descent on the MSE"};
    p.flag("--full", full, "100000 samples, 50 epochs, print every 5 (unless given)")
        .option("--samples", a.samples, "training samples")
        .training(a, "SGD")
        .option("--noise", a.noise, "standard deviation of the noise on y", "S")
        .option("--print-every", a.print_every, "print the parameters every K epochs", "K");
    p.parse(argc, argv);
    if (full) {
        if (!p.given("--samples")) a.samples = 100000;
        if (!p.given("--epochs")) a.epochs = 50;
        if (!p.given("--print-every")) a.print_every = 5;
    }
    if (a.samples == 0 || a.print_every == 0) throw cc::error("--samples and --print-every must be positive");
    return a;
}

// Prints W (as the slide writes it: rows = outputs) and b, and the largest deviation from the truth.
template <class Net>
double print_params(Net& net, const char* label) {
    const auto& w = net.template layer<0>().w;   // (3, 2): cascade/Keras store Wᵀ
    const auto& b = net.template layer<0>().b;
    double dev = 0;
    std::printf("%-10s W = [", label);
    for (std::size_t o = 0; o < truth::outputs; ++o) {
        std::printf(o ? "; " : "");
        for (std::size_t i = 0; i < truth::inputs; ++i) {
            std::printf(i ? " %+7.4f" : "%+7.4f", double(w(i, o)));
            dev = std::max(dev, std::abs(double(w(i, o)) - truth::w[o][i]));
        }
    }
    std::printf("]  b = [%+7.4f %+7.4f]", double(b(0)), double(b(1)));
    for (std::size_t o = 0; o < truth::outputs; ++o) dev = std::max(dev, std::abs(double(b(o)) - truth::b[o]));
    std::printf("  max |θ − θ_true| = %.4f\n", dev);
    std::fflush(stdout);   // keep the order with fit's progress lines (stderr)
    return dev;
}
} // namespace

int main(int argc, char** argv) try {
    const args a = parse(argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);

    cc::models::linear_regression::on<cc::backend::cpu, float> net{a.seed};
    cc::summary(net, std::cout);

    const auto train = cc::data::toy::linear_regression(a.samples, a.seed, a.noise);
    const auto test = cc::data::toy::linear_regression(10000, a.seed + 1, a.noise);
    std::printf("data: x ~ U(-1, 1)^3, y = W x + b + N(0, %.3g^2); %zu training, %zu test samples\n", a.noise,
                train.size(), test.size());
    std::printf("truth      W = [%+7.4f %+7.4f %+7.4f; %+7.4f %+7.4f %+7.4f]  b = [%+7.4f %+7.4f]\n", truth::w[0][0],
                truth::w[0][1], truth::w[0][2], truth::w[1][0], truth::w[1][1], truth::w[1][2], truth::b[0], truth::b[1]);
    print_params(net, "epoch 0");

    cc::optimizers::sgd opt{{.lr = a.lr}};
    auto h = cc::train::fit(net, cc::losses::mse{}, opt, train,
                            {.epochs = a.epochs, .batch_size = a.batch_size, .validation = &test, .seed = a.seed,
                             .on_epoch_end = [&](std::size_t e, const auto&) {
                                 if ((e + 1) % a.print_every == 0 || e + 1 == a.epochs)
                                     print_params(net, ("epoch " + std::to_string(e + 1)).c_str());
                                 return false;
                             }});

    const double dev = print_params(net, "final");
    std::printf("test MSE %.5f (noise floor σ² = %.5f); expected statistical error of θ ≈ σ·sqrt(3/N) = %.4f\n",
                h.last("val_loss"), a.noise * a.noise, a.noise * std::sqrt(3.0 / double(a.samples)));
    std::printf("max |θ − θ_true| = %.4f\n", dev);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "linear_regression: " << e.what() << "\n";
    return 1;
}
