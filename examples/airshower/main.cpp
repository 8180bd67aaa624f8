// airshower: seed 003's practice session 3 — toy air-shower footprints (9 × 9 stations, muon count and first
// arrival time), 40,000 vertical showers, 25 % each of p, He, N, Fe; a CNN reconstructs Xmax (resolution
// and bias in g/cm²) and another classifies the primary (accuracy and confusion matrix).
// Training, validation and test sets as on the slide "Validation": the last 10 % of the training showers
// monitor training (early stopping with the best epoch's weights restored), the test set is used once.
//   airshower [--full] [--task xmax|mass|both] [--events N] [--epochs E] [--batch-size B] [--lr X]
//             [--test-fraction F] [--validation-split F] [--patience P] [--seed S] [--threads T]
//             [--history-prefix P]
#include <cascade/cascade.hpp>
#include <cascade/data/toy/airshower.hpp>
#include <cascade/metrics/confusion_matrix.hpp>
#include <cascade/models/airshower.hpp>

#include "common/cli.hpp"
#include "common/report.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace cc = cascade;
namespace toy = cc::data::toy;

namespace {
struct args : cc::examples::training_args {
    std::size_t events = 40000;
    double test_fraction = 0.2, validation_split = 0.1;
    std::size_t patience = 5;
    std::string task = "both", history_prefix;
    args() : training_args{.epochs = 8, .batch_size = 64, .lr = 1e-3} {}   // epochs per task
};

args parse(int argc, char** argv) {
    args a;
    bool full = false;
    cc::examples::cli p{"airshower", "CNNs reconstruct Xmax and classify the primary of toy air showers"};
    p.flag("--full", full, "40 epochs per task (unless --epochs is given)")
        .option("--task", a.task, "xmax, mass or both", "xmax|mass|both")
        .option("--events", a.events, "generated showers")
        .training(a, "Adam")
        .option("--test-fraction", a.test_fraction, "fraction of the showers in the test set", "F")
        .option("--validation-split", a.validation_split, "fraction of the training showers for validation", "F")
        .option("--patience", a.patience, "early stopping: epochs without a better val_loss", "P")
        .option("--history-prefix", a.history_prefix, "write the histories to Pxmax.csv and Pmass.csv", "P")
        .note("--epochs is per task and a maximum (early stopping); lr halves after every quarter of the epochs");
    p.parse(argc, argv);
    if (full && !p.given("--epochs")) a.epochs = 40;
    if (a.task != "xmax" && a.task != "mass" && a.task != "both")
        throw cc::error("--task must be xmax, mass or both, got " + a.task);
    if (a.events < 10 || !(a.test_fraction > 0 && a.test_fraction < 1) || !(a.validation_split > 0 && a.validation_split < 1))
        throw cc::error("need --events >= 10, --test-fraction and --validation-split in (0, 1)");
    return a;
}

// The learning rate halves after every quarter of the run (the slide "Learning Rate": reduce it when the
// objective stops decreasing): 8 epochs → every 2, --full (40) → every 10.
template <class Opt>
auto step_schedule(Opt& opt, double lr, std::size_t epochs) {
    const std::size_t every = std::max<std::size_t>(1, epochs / 4);
    return [&opt, lr, every](std::size_t e) { opt.opt.lr = lr * std::pow(0.5, double(e / every)); };
}

// The slide's "Toy Data" view: per species, ⟨Xmax⟩, RMS, muons and filled stations.
void describe(const toy::airshower_events& ev) {
    std::printf("%-4s %8s %12s %10s %10s %16s\n", "", "events", "<Xmax>", "RMS", "<muons>", "<filled pixels>");
    for (std::size_t s = 0; s < toy::airshower_species::count; ++s) {
        double n = 0, x = 0, xx = 0, mu = 0, filled = 0;
        for (std::size_t e = 0; e < ev.size(); ++e) {
            if (ev.species[e] != int(s)) continue;
            n += 1;
            x += ev.xmax[e];
            xx += ev.xmax[e] * ev.xmax[e];
            mu += ev.muons[e];
            const float* p = ev.footprint.data() + e * 81 * 2;
            for (std::size_t i = 0; i < 81; ++i) filled += p[2 * i] > 0;
        }
        const double m = x / n;
        std::printf("%-4s %8.0f %8.1f g/cm2 %5.1f g/cm2 %10.1f %16.1f\n", toy::airshower_species::name[s], n, m,
                    std::sqrt(xx / n - m * m), mu / n, filled / n);
    }
}

void run_xmax(const args& a, const toy::airshower_events& train_ev, const toy::airshower_events& test_ev) {
    std::printf("\n=== Xmax regression ===\n");
    const auto train = toy::xmax_dataset(train_ev), test = toy::xmax_dataset(test_ev);
    cc::models::airshower_xmax::on<cc::backend::cpu, float> net{a.seed};
    cc::summary(net, std::cout);
    std::cout.flush();
    cc::optimizers::adam opt{{.lr = a.lr}};
    cc::train::early_stopping stop{{.monitor = "val_loss", .patience = a.patience, .restore_best_weights = true}};
    auto h = cc::train::fit(net, cc::losses::mse{}, opt, train,
                            {.epochs = a.epochs, .batch_size = a.batch_size, .validation_split = a.validation_split,
                             .seed = a.seed, .on_epoch_begin = step_schedule(opt, a.lr, a.epochs),
                             .callbacks = {std::ref(stop)}});
    if (!a.history_prefix.empty()) h.write_csv(a.history_prefix + "xmax.csv");

    const auto pred = cc::train::predict(net, test.x);
    using scale = toy::airshower_xmax_scaling;
    std::vector<double> sum(5, 0), sum2(5, 0), n(5, 0);   // per species, then all
    for (std::size_t e = 0; e < test_ev.size(); ++e) {
        const double d = scale::to_xmax(pred.data()[e]) - test_ev.xmax[e];
        for (std::size_t k : {std::size_t(test_ev.species[e]), std::size_t(4)}) {
            sum[k] += d;
            sum2[k] += d * d;
            n[k] += 1;
        }
    }
    std::printf("Xmax_pred − Xmax_true on %zu test showers (%.1f s training, %zu epochs, weights of epoch %zu):\n",
                test_ev.size(), cc::examples::total_seconds(h), h.epochs.size(), stop.best_epoch().value_or(0) + 1);
    for (std::size_t k = 0; k < 5; ++k) {
        const double mean = sum[k] / n[k];
        std::printf("  %-4s resolution %5.1f g/cm2, bias %+5.1f g/cm2\n", k < 4 ? toy::airshower_species::name[k] : "all",
                    std::sqrt(sum2[k] / n[k] - mean * mean), mean);
    }
}

void run_mass(const args& a, const toy::airshower_events& train_ev, const toy::airshower_events& test_ev) {
    std::printf("\n=== mass classification (A = 1, 4, 14, 56) ===\n");
    const auto train = toy::mass_dataset(train_ev), test = toy::mass_dataset(test_ev);
    cc::models::airshower_mass::on<cc::backend::cpu, float> net{a.seed};
    cc::summary(net, std::cout);
    std::cout.flush();
    cc::optimizers::adam opt{{.lr = a.lr}};
    cc::train::early_stopping stop{{.monitor = "val_loss", .patience = a.patience, .restore_best_weights = true}};
    auto h = cc::train::fit(net, cc::losses::categorical_crossentropy{}, opt, train,
                            {.epochs = a.epochs, .batch_size = a.batch_size, .validation_split = a.validation_split,
                             .seed = a.seed, .on_epoch_begin = step_schedule(opt, a.lr, a.epochs),
                             .callbacks = {std::ref(stop)}});
    if (!a.history_prefix.empty()) h.write_csv(a.history_prefix + "mass.csv");

    const auto pred = cc::train::predict(net, test.x);
    const auto cm = cc::metrics::confusion_matrix::from_outputs(pred, test.y);
    std::printf("test accuracy %.2f %% on %zu showers (%.1f s training, %zu epochs, weights of epoch %zu); chance: 25 %%\n",
                100 * cm.accuracy(), cm.total(), cc::examples::total_seconds(h), h.epochs.size(),
                stop.best_epoch().value_or(0) + 1);
    std::printf("confusion matrix (rows: true, columns: predicted; 0 p, 1 He, 2 N, 3 Fe):\n");
    std::cout << cm;
}
} // namespace

int main(int argc, char** argv) try {
    const args a = parse(argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);

    toy::airshower_config cfg;
    cfg.events = a.events;
    const auto t0 = std::chrono::steady_clock::now();
    const auto all = toy::generate_airshowers(cfg, a.seed);
    const double gen = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("generated %zu toy showers in %.2f s (%d thread(s)); 9 x 9 stations, %g m spacing\n", all.size(), gen,
                cc::num_threads(), cfg.spacing);
    describe(all);

    // The events come in random species order: the last test_fraction is the test set.
    const std::size_t cut = cc::data::split_point(all.size(), a.test_fraction);
    const auto train_ev = toy::subset(all, 0, cut), test_ev = toy::subset(all, cut, all.size());
    const std::size_t n_val = train_ev.size() - cc::data::split_point(train_ev.size(), a.validation_split);
    std::printf("%zu training, %zu validation, %zu test showers; Adam lr %g (halved after every quarter of the run), "
                "batch %zu, up to %zu epochs per task (early stopping: patience %zu)\n",
                train_ev.size() - n_val, n_val, test_ev.size(), a.lr, a.batch_size, a.epochs, a.patience);

    if (a.task != "mass") run_xmax(a, train_ev, test_ev);
    if (a.task != "xmax") run_mass(a, train_ev, test_ev);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "airshower: " << e.what() << "\n";
    return 1;
}
