// fit1d: seed 003's "1D Function Fitting" comparison — an MLP with 3 hidden layers of 20 neurons fitted
// to f(x) = sin(3πx)·exp(−x²) + x/2 on [−1, 1], once with ReLU and once with sigmoid activations; prints
// the fit error (RMS of prediction − f on 1001 evenly spaced points) after increasing numbers of training
// iterations (optimizer steps), both networks in one run.
//   fit1d [--full] [--samples N] [--batch-size B] [--lr X] [--seed S] [--threads T] [--verbose]
//         [--curves FILE.csv]
#include <cascade/cascade.hpp>
#include <cascade/data/toy/fit1d.hpp>
#include <cascade/models/fit1d.hpp>

#include "common/cli.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace cc = cascade;

namespace {
struct args {
    std::size_t samples = 3200, batch_size = 32;
    std::vector<std::size_t> epochs_at{1, 3, 10, 30, 100, 300, 1000};   // checkpoints, in epochs
    double lr = 1e-3;
    int threads = 0;
    std::uint64_t seed = 42;
    bool verbose = false;
    std::string curves;
};

args parse(int argc, char** argv) {
    args a;
    bool full = false;
    cc::examples::cli p{"fit1d", "ReLU and sigmoid MLPs fitted to sin(3πx)·exp(−x²) + x/2 on [−1, 1]"};
    p.flag("--full", full, "also the checkpoints after 3000 and 10000 epochs")
        .option("--samples", a.samples, "training samples")
        .option("--batch-size", a.batch_size, "mini-batch size", "B")
        .option("--lr", a.lr, "Adam learning rate")
        .option("--seed", a.seed, "seed of the data, the weights and the shuffling", "S")
        .option("--threads", a.threads, "worker threads (0: all cores)", "T")
        .flag("--verbose", a.verbose, "fit's per-epoch progress")
        .option("--curves", a.curves, "write x, f(x) and each fit at each checkpoint as CSV", "FILE.csv")
        .note("checkpoints after 1, 3, 10, 30, 100, 300, 1000 epochs (--full: also 3000, 10000)");
    p.parse(argc, argv);
    if (full) a.epochs_at = {1, 3, 10, 30, 100, 300, 1000, 3000, 10000};
    if (a.samples == 0 || a.batch_size == 0) throw cc::error("--samples and --batch-size must be positive");
    return a;
}

struct checkpoint {
    std::size_t iterations;
    double rms, max_abs;
    std::vector<float> curve;
};

// Trains Model with Adam, evaluating the fit on `grid` at every checkpoint.
template <class Model>
std::vector<checkpoint> run(const char* label, const args& a, const cc::data::dataset<float, 2, 2>& train,
                            const cc::data::dataset<float, 2, 2>& grid) {
    typename Model::template on<cc::backend::cpu, float> net{a.seed};
    std::cout << "\n" << label << ":\n";
    cc::summary(net, std::cout);
    cc::optimizers::adam opt{{.lr = a.lr}};
    const std::size_t steps_per_epoch = (train.size() + a.batch_size - 1) / a.batch_size;
    std::vector<checkpoint> out;
    std::size_t done = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t target : a.epochs_at) {
        if (target <= done) continue;
        // Continue training: the same Adam state; epoch seeds differ per segment.
        cc::train::fit(net, cc::losses::mse{}, opt, train,
                       {.epochs = target - done, .batch_size = a.batch_size, .seed = a.seed + done,
                        .verbose = a.verbose ? cc::train::progress::style::automatic : cc::train::progress::style::silent});
        done = target;
        const auto pred = cc::train::predict(net, grid.x);
        checkpoint c{done * steps_per_epoch, 0, 0, {}};
        for (std::size_t i = 0; i < grid.size(); ++i) {
            const double e = double(pred.data()[i]) - double(grid.y.data()[i]);
            c.rms += e * e;
            c.max_abs = std::max(c.max_abs, std::abs(e));
            c.curve.push_back(pred.data()[i]);
        }
        c.rms = std::sqrt(c.rms / double(grid.size()));
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("  %-8s %7zu iterations (%4zu epochs): RMS error %.4f, max |error| %.4f   [%.1f s]\n", label,
                    c.iterations, done, c.rms, c.max_abs, secs);
        out.push_back(std::move(c));
    }
    return out;
}
} // namespace

int main(int argc, char** argv) try {
    const args a = parse(argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);

    const auto train = cc::data::toy::fit1d(a.samples, a.seed);
    const auto grid = cc::data::toy::fit1d_grid(1001);
    double f_rms = 0;
    for (std::size_t i = 0; i < grid.size(); ++i) f_rms += double(grid.y.data()[i]) * grid.y.data()[i];
    f_rms = std::sqrt(f_rms / double(grid.size()));
    std::printf("f(x) = sin(3πx)·exp(−x²) + x/2 on [−1, 1]; %zu training samples x ~ U(−1, 1), batch %zu "
                "(%zu iterations per epoch), Adam lr %g; RMS of f itself: %.4f\n",
                train.size(), a.batch_size, (train.size() + a.batch_size - 1) / a.batch_size, a.lr, f_rms);

    const auto relu = run<cc::models::fit1d_relu>("ReLU", a, train, grid);
    const auto sigm = run<cc::models::fit1d_sigmoid>("sigmoid", a, train, grid);

    std::printf("\nfit error (RMS of prediction − f on 1001 points in [−1, 1]) after N training iterations:\n");
    std::printf("  %10s  %10s  %10s\n", "iterations", "ReLU", "sigmoid");
    for (std::size_t i = 0; i < relu.size(); ++i)
        std::printf("  %10zu  %10.4f  %10.4f\n", relu[i].iterations, relu[i].rms, sigm[i].rms);

    if (!a.curves.empty()) {
        std::ofstream os(a.curves);
        CASCADE_CHECK(os.good(), "fit1d: cannot write ", a.curves);
        os << "x,f";
        for (auto& c : relu) os << ",relu_" << c.iterations;
        for (auto& c : sigm) os << ",sigmoid_" << c.iterations;
        os << "\n";
        for (std::size_t i = 0; i < grid.size(); ++i) {
            os << grid.x.data()[i] << "," << grid.y.data()[i];
            for (auto& c : relu) os << "," << c.curve[i];
            for (auto& c : sigm) os << "," << c.curve[i];
            os << "\n";
        }
        std::printf("curves written to %s\n", a.curves.c_str());
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "fit1d: " << e.what() << "\n";
    return 1;
}
