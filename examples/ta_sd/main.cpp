// ta_sd: seed 001's Telescope Array surface-detector reconstruction on toy events.
//   (N, N, T, 2) = (6, 6, 128, 2) waveforms → time_distributed conv1d over time → conv2d over the grid →
//   dense → (θ, x_core, y_core);  MSE, Adadelta (lr 1, Keras ≤ 2.2), L2 1e-4, dropout 0.2, Gaussian noise.
// Prints the model summary, per-epoch progress, and the explained variance score of each target on the
// test events (the slide "How to see that model does job").
//   ta_sd [--events N] [--test N] [--epochs E] [--batch-size B] [--lr X] [--threads T] [--seed S]
//         [--full] [--history FILE.csv] [--save FILE.h5] [--load FILE.h5]
#include <cascade/cascade.hpp>
#include <cascade/data/toy/ta_sd.hpp>
#include <cascade/metrics/regression.hpp>
#include <cascade/models/ta_sd.hpp>
#include <cascade/optimizers/adadelta.hpp>

#include "common/cli.hpp"
#include "common/report.hpp"

#if CASCADE_HAVE_HDF5
#include <cascade/data/hdf5.hpp>
#endif

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace cc = cascade;

namespace {
struct args : cc::examples::training_args {
    std::size_t events = 16000, test = 4000;
    std::string history, save, load;
    args() : training_args{.epochs = 10, .batch_size = 64, .lr = 1.0} {}
};

args parse(int argc, char** argv) {
    args a;
    bool full = false;
    cc::examples::cli p{"ta_sd", "Telescope Array surface-detector reconstruction (θ, core) from toy waveforms"};
    p.option("--events", a.events, "training events")
        .option("--test", a.test, "test events")
        .training(a, "Adadelta")
        .flag("--full", full, "50000 training events, 10000 test events, 30 epochs (unless given)")
        .option("--history", a.history, "write the per-epoch history as CSV", "FILE.csv")
        .option("--save", a.save, "write the generated training events to FILE.h5 (datasets x, y; needs HDF5)", "FILE.h5")
        .option("--load", a.load, "train on the events of FILE.h5 instead of generating them (needs HDF5)", "FILE.h5");
    p.parse(argc, argv);
    if (full) {
        if (!p.given("--events")) a.events = 50000;
        if (!p.given("--test")) a.test = 10000;
        if (!p.given("--epochs")) a.epochs = 30;
    }
#if !CASCADE_HAVE_HDF5
    if (!a.save.empty() || !a.load.empty()) throw cc::error("--save/--load need HDF5: rebuild with libhdf5-dev installed");
#endif
    return a;
}

std::vector<float> column(const cc::host_tensor<float, 2>& t, std::size_t k) {
    std::vector<float> c(t.shape()[0]);
    for (std::size_t i = 0; i < c.size(); ++i) c[i] = t(i, k);
    return c;
}
} // namespace

int main(int argc, char** argv) try {
    const args a = parse(argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);
    constexpr std::size_t N = 6, T = 128;

    cc::models::ta_sd_net<N, T>::on<cc::backend::cpu, float> net{a.seed};
    cc::summary(net, std::cout);

    cc::data::dataset<float, 5, 2> train;
    if (!a.load.empty()) {
#if CASCADE_HAVE_HDF5
        train = cc::data::read_hdf5<float, 5, 2>(a.load);
        std::cout << a.load << ": " << train.size() << " events\n";
#endif
    } else {
        train = cc::data::toy::ta_sd<N, T>(a.events, a.seed).data;
    }
#if CASCADE_HAVE_HDF5
    if (!a.save.empty()) {
        cc::data::write_hdf5(a.save, train);
        std::cout << "wrote " << train.size() << " events to " << a.save << "\n";
    }
#endif
    const auto test = cc::data::toy::ta_sd<N, T>(a.test, a.seed + 1);
    std::cout << "toy TA SD events: " << train.size() << " training, " << test.data.size() << " test; grid " << N << "x"
              << N << ", " << T << " bins of 20 ns; " << cc::num_threads() << " thread(s)\n";

    cc::optimizers::adadelta opt{{.lr = a.lr}};
    auto history = cc::train::fit(net, cc::losses::mse{}, opt, train,
                                  {.epochs = a.epochs, .batch_size = a.batch_size, .validation = &test.data, .seed = a.seed,
                                   .metrics = std::vector<cc::metric>{cc::metric::explained_variance}});
    if (!a.history.empty()) history.write_csv(a.history);

    const auto p = cc::train::predict(net, test.data.x);
    const char* names[] = {"zenith angle theta", "core x", "core y"};
    const double units[] = {10.0, 300.0, 300.0};
    const char* unit_names[] = {"deg", "m", "m"};
    std::printf("explained variance score on %zu test events (1 - Var(y - y_hat) / Var(y)):\n", test.data.size());
    for (std::size_t k = 0; k < 3; ++k) {
        const auto y = column(test.data.y, k), yh = column(p, k);
        double r2 = 0, v2 = 0, m = 0;
        for (float v : y) m += v;
        m /= double(y.size());
        for (std::size_t i = 0; i < y.size(); ++i) r2 += (y[i] - yh[i]) * (y[i] - yh[i]), v2 += (y[i] - m) * (y[i] - m);
        std::printf("  %-20s EV %.3f   rms error %6.1f %s (spread of the truth %6.1f %s)\n", names[k],
                    cc::metrics::explained_variance(yh, y), units[k] * std::sqrt(r2 / double(y.size())), unit_names[k],
                    units[k] * std::sqrt(v2 / double(y.size())), unit_names[k]);
    }
    cc::examples::print_time_per_epoch(history, "the test events");
    return 0;
} catch (const std::exception& e) {
    std::cerr << "ta_sd: " << e.what() << "\n";
    return 1;
}
