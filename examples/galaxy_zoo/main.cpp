// galaxy_zoo: seed 001's "Galaxy zoo challenge winner" — Dieleman's multi-view CNN with maxout dense layers
// and decision-tree-normalised outputs, trained on toy galaxies (include/cascade/data/toy/galaxy_zoo.hpp)
// to predict the 37 Galaxy Zoo vote fractions; reports the RMSE, the challenge's metric.
//   galaxy_zoo [--full] [--galaxies N] [--epochs E] [--batch-size B] [--lr X] [--seed S] [--threads T]
// Default: 4 views, 256-unit maxouts, 4000 galaxies (20 % held out), 6 epochs. --full: the winner's 2048-unit
// maxouts, 8 views, 20000 galaxies, 30 epochs.
#include <cascade/cascade.hpp>
#include <cascade/models/galaxy_zoo.hpp>

#include "common/cli.hpp"
#include "common/report.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

namespace cc = cascade;
namespace toy = cc::data::toy;

namespace {
struct args : cc::examples::training_args {
    bool full = false;
    std::size_t galaxies = 4000;
    args() : training_args{.epochs = 6, .batch_size = 16, .lr = 1e-3} {}
};

args parse(int argc, char** argv) {
    args a;
    cc::examples::cli p{"galaxy_zoo", "Dieleman's multi-view maxout CNN predicts Galaxy Zoo vote fractions of toy galaxies"};
    p.flag("--full", a.full, "the winner's 2048-unit maxouts, 8 views, 20000 galaxies, 30 epochs (unless given)")
        .option("--galaxies", a.galaxies, "generated galaxies (20 % held out for the test)")
        .training(a, "Adam")
        .note("default: 4 views, 256-unit maxouts");
    p.parse(argc, argv);
    if (a.full) {
        if (!p.given("--galaxies")) a.galaxies = 20000;
        if (!p.given("--epochs")) a.epochs = 30;
    }
    if (a.galaxies < 10) throw cc::error("--galaxies must be at least 10");
    return a;
}

// RMSE over all 37 outputs of all galaxies (the Kaggle leaderboard metric).
template <class Y>
double rmse(const Y& p, const Y& t) {
    double s = 0;
    for (std::size_t i = 0; i < p.size(); ++i) s += std::pow(double(p.data()[i]) - double(t.data()[i]), 2);
    return std::sqrt(s / double(p.size()));
}

template <class Model, std::size_t Views>
int run(const args& a) {
    typename Model::template on<cc::backend::cpu, float> net{a.seed};
    cc::summary(net, std::cout);

    const std::size_t n_test = a.galaxies / 5, n_train = a.galaxies - n_test;
    std::printf("generating %zu + %zu toy galaxies (69x69x3) and their %zu views...\n", n_train, n_test, Views);
    const auto train_raw = toy::galaxy_zoo<float>(n_train, a.seed), test_raw = toy::galaxy_zoo<float>(n_test, a.seed + 1);
    const cc::data::dataset<float, 5, 2> train{toy::galaxy_views(train_raw.x, Views, 45), train_raw.y};
    const cc::data::dataset<float, 5, 2> test{toy::galaxy_views(test_raw.x, Views, 45), test_raw.y};

    // Baseline: the training set's mean vote fractions for every galaxy.
    typename decltype(net)::output_tensor mean_pred(test.y.shape());
    for (std::size_t k = 0; k < 37; ++k) {
        double m = 0;
        for (std::size_t i = 0; i < n_train; ++i) m += train.y(i, k);
        for (std::size_t i = 0; i < n_test; ++i) mean_pred(i, k) = float(m / double(n_train));
    }

    cc::optimizers::adam opt{{.lr = a.lr}};
    auto h = cc::train::fit(net, cc::losses::mse{}, opt, train,
                            {.epochs = a.epochs, .batch_size = a.batch_size, .validation = &test, .seed = a.seed});
    const auto pred = cc::train::predict(net, test.x);
    std::printf("test RMSE: %.4f   (constant-mean baseline %.4f; Kaggle 2014: winner 0.0749 on the real images)\n",
                rmse(pred, test.y), rmse(mean_pred, test.y));
    cc::examples::print_time_per_epoch(h, "");
    return 0;
}
} // namespace

int main(int argc, char** argv) try {
    const args a = parse(argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);
    if (a.full) return run<cc::models::galaxy_zoo_net<8, 2048>, 8>(a);
    return run<cc::models::galaxy_zoo_small, 4>(a);
} catch (const std::exception& e) {
    std::cerr << "galaxy_zoo: " << e.what() << "\n";
    return 1;
}
