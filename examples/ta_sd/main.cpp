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
#if CASCADE_HAVE_HDF5
#include <cascade/data/hdf5.hpp>
#endif

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace cc = cascade;

namespace {
struct args {
    std::size_t events = 16000, test = 4000, epochs = 10, batch_size = 64;
    double lr = 1.0;
    int threads = 0;
    std::uint64_t seed = 42;
    std::string history, save, load;
};

const char* usage =
    "usage: ta_sd [--events N] [--test N] [--epochs E] [--batch-size B] [--lr X] [--threads T] [--seed S]\n"
    "             [--full] [--history FILE.csv] [--save FILE.h5] [--load FILE.h5]\n"
    "  --full       50000 training events, 10000 test events, 30 epochs\n"
    "  --save F     write the generated training events to F (datasets x, y; needs HDF5)\n"
    "  --load F     train on the events of F instead of generating them (needs HDF5)\n";

args parse(int argc, char** argv) {
    args a;
    auto need = [&](int& i) -> const char* {
        if (i + 1 >= argc) throw cc::error(std::string("missing value after ") + argv[i]);
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (k == "--events") a.events = std::stoul(need(i));
        else if (k == "--test") a.test = std::stoul(need(i));
        else if (k == "--epochs") a.epochs = std::stoul(need(i));
        else if (k == "--batch-size") a.batch_size = std::stoul(need(i));
        else if (k == "--lr") a.lr = std::stod(need(i));
        else if (k == "--threads") a.threads = std::stoi(need(i));
        else if (k == "--seed") a.seed = std::stoull(need(i));
        else if (k == "--full") a.events = 50000, a.test = 10000, a.epochs = 30;
        else if (k == "--history") a.history = need(i);
        else if (k == "--save") a.save = need(i);
        else if (k == "--load") a.load = need(i);
        else if (k == "--help" || k == "-h") {
            std::cout << usage;
            std::exit(0);
        } else throw cc::error("unknown argument: " + k + " (see --help)");
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
    double total = 0;
    for (double s : history.seconds) total += s;
    std::printf("time per epoch: %.1f s (mean of %zu, including evaluation on the test events)\n",
                total / double(history.seconds.size()), history.seconds.size());
    return 0;
} catch (const std::exception& e) {
    std::cerr << "ta_sd: " << e.what() << "\n";
    return 1;
}
