// crayfis_tracks: seed 000's CRAYFIS track detection without track labels.
// Two toy sets of 40×40 phone-camera images, D1 (60 % hold a particle track) and D2 (10 %), share one
// noise model. A small CNN learns f(X) ≈ P(D1 | X) from the source label alone (binary cross-entropy,
// Adam); g(X) = (f − a)/(b − a), a = (1 − p1)/(2 − p1 − p2), b = p1/(p1 + p2), turns it into
// P(track | X) (data/toy/crayfis_tracks.hpp). Prints the model summary, per-epoch progress, the ROC AUC
// of g against the hidden track labels of the test images, and g's calibration.
//   crayfis_tracks [--images N] [--test N] [--epochs E] [--batch-size B] [--lr X] [--threads T] [--seed S]
//                  [--p1 X] [--p2 X] [--full] [--history FILE.csv]
#include <cascade/cascade.hpp>
#include <cascade/data/toy/crayfis_tracks.hpp>
#include <cascade/metrics/roc.hpp>
#include <cascade/models/crayfis_tracks.hpp>

#include "common/cli.hpp"
#include "common/report.hpp"

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace cc = cascade;

namespace {
struct args : cc::examples::training_args {
    std::size_t images = 20000, test = 5000;
    double p1 = 0.6, p2 = 0.1;
    std::string history;
    args() : training_args{.epochs = 8, .batch_size = 64, .lr = 1e-3} {}
};

args parse(int argc, char** argv) {
    args a;
    bool full = false;
    cc::examples::cli p{"crayfis_tracks", "a CNN finds particle tracks in toy phone-camera images without track labels"};
    p.option("--images", a.images, "training images")
        .option("--test", a.test, "test images")
        .training(a, "Adam")
        .option("--p1", a.p1, "P(track | D1) of the generated set D1")
        .option("--p2", a.p2, "P(track | D2) of the generated set D2")
        .flag("--full", full, "100000 training images, 20000 test images, 20 epochs (unless given)")
        .option("--history", a.history, "write the per-epoch history as CSV", "FILE.csv");
    p.parse(argc, argv);
    if (full) {
        if (!p.given("--images")) a.images = 100000;
        if (!p.given("--test")) a.test = 20000;
        if (!p.given("--epochs")) a.epochs = 20;
    }
    return a;
}
} // namespace

int main(int argc, char** argv) try {
    const args a = parse(argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);

    cc::models::crayfis_tracks::on<cc::backend::cpu, float> net{a.seed};
    cc::summary(net, std::cout);

    cc::data::toy::crayfis_options o;
    o.p1 = a.p1;
    o.p2 = a.p2;
    const auto train = cc::data::toy::crayfis_tracks<40>(a.images, a.seed, o);
    const auto test = cc::data::toy::crayfis_tracks<40>(a.test, a.seed + 1, o);
    std::cout << "toy CRAYFIS images (40x40): " << train.data.size() << " training, " << test.data.size()
              << " test; P(track | D1) = " << a.p1 << ", P(track | D2) = " << a.p2 << "; " << cc::num_threads()
              << " thread(s)\n";

    cc::optimizers::adam opt{{.lr = a.lr}};
    auto history = cc::train::fit(net, cc::losses::binary_crossentropy{}, opt, train.data,
                                  {.epochs = a.epochs, .batch_size = a.batch_size, .validation = &test.data, .seed = a.seed});
    if (!a.history.empty()) history.write_csv(a.history);

    // f on the test images, g = P(track | X), evaluated against the hidden track labels.
    const auto f = cc::train::predict(net, test.data.x);
    const std::size_t n = test.data.size();
    std::vector<double> fs(n), g(n), track(n), source(n);
    double g_sum = 0, g_track = 0, g_noise = 0, tracks = 0;
    for (std::size_t i = 0; i < n; ++i) {
        fs[i] = f(i, 0);
        g[i] = cc::data::toy::crayfis_track_probability(fs[i], a.p1, a.p2);
        track[i] = test.has_track[i];
        source[i] = test.data.y(i, 0);
        g_sum += g[i];
        tracks += track[i];
        (track[i] > 0 ? g_track : g_noise) += g[i];
    }
    // A perfect track detector separates the sources only through the tracks:
    // AUC = p1 (1 − p2) + (p1 p2 + (1 − p1)(1 − p2)) / 2.
    std::printf("f = P(D1 | X): ROC AUC %.4f for the source label (a perfect track detector: %.4f)\n",
                cc::metrics::roc_auc(fs, source), a.p1 * (1 - a.p2) + (a.p1 * a.p2 + (1 - a.p1) * (1 - a.p2)) / 2);
    std::printf("g = P(track | X): ROC AUC %.4f against the hidden track labels of %zu test images\n",
                cc::metrics::roc_auc(g, track), n);
    std::printf("g's calibration: mean g %.3f vs track fraction %.3f; mean g on track images %.3f, on empty images %.3f\n",
                g_sum / double(n), tracks / double(n), g_track / tracks, g_noise / (double(n) - tracks));
    cc::examples::print_time_per_epoch(history, "the test images");
    return 0;
} catch (const std::exception& e) {
    std::cerr << "crayfis_tracks: " << e.what() << "\n";
    return 1;
}
