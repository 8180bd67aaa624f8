// cifar10_cnn: seed 003's simple convolutional network (RWTH deep-learning tutorial, train-CNN.py) on CIFAR-10
// or on the CIFAR-shaped toy data set, and ensemble averaging of several such networks (test-ensemble.py).
//   conv 5×5×32 /2 → conv 5×5×64 /2 → conv 5×5×128 → dense 128 → dense 10 soft-max;  Adam 1e-3, batch 32.
// Inputs are standardised per colour channel. Prints the model summary, per-epoch progress and the test
// accuracy (the slide: ~75 % on CIFAR-10).
//   cifar10_cnn [--epochs N] [--train N] [--test N] [--full] [--data DIR] [--ensemble K] [--batch-size B]
//               [--lr X] [--threads T] [--seed S] [--history FILE.csv]
// Default: the toy data (data/toy/cifar_like.hpp), 5,000 training and 2,000 test images, 10 epochs.
// --data DIR: the real CIFAR-10 binary batches (cifar-10-batches-bin), the same subset unless --full.
// --full: all 50,000 / 10,000 images and 25 epochs (the tutorial's epoch count for train-NN.py).
// --ensemble K: train K networks (seeds S, S+1, ...) and report each, their mean and the ensemble average.
#include <cascade/cascade.hpp>
#include <cascade/data/cifar10.hpp>
#include <cascade/data/standardize.hpp>
#include <cascade/data/toy/cifar_like.hpp>
#include <cascade/models/cifar10_cnn.hpp>
#include <cascade/train/ensemble.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace cc = cascade;

namespace {
struct args {
    std::size_t epochs = 10, train = 5000, test = 2000, batch_size = 32, ensemble = 1;
    bool full = false, epochs_given = false;
    double lr = 1e-3;
    int threads = 0;
    std::uint64_t seed = 42;
    std::string data, history;
};

args parse(int argc, char** argv) {
    args a;
    auto need = [&](int& i) -> const char* {
        if (i + 1 >= argc) throw cc::error(std::string("missing value after ") + argv[i]);
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (k == "--epochs") a.epochs = std::stoul(need(i)), a.epochs_given = true;
        else if (k == "--train") a.train = std::stoul(need(i));
        else if (k == "--test") a.test = std::stoul(need(i));
        else if (k == "--full") a.full = true;
        else if (k == "--data") a.data = need(i);
        else if (k == "--ensemble") a.ensemble = std::stoul(need(i));
        else if (k == "--batch-size") a.batch_size = std::stoul(need(i));
        else if (k == "--lr") a.lr = std::stod(need(i));
        else if (k == "--threads") a.threads = std::stoi(need(i));
        else if (k == "--seed") a.seed = std::stoull(need(i));
        else if (k == "--history") a.history = need(i);
        else if (k == "--help" || k == "-h") {
            std::cout << "usage: cifar10_cnn [--epochs N] [--train N] [--test N] [--full] [--data DIR] [--ensemble K]\n"
                         "                   [--batch-size B] [--lr X] [--threads T] [--seed S] [--history FILE.csv]\n";
            std::exit(0);
        } else throw cc::error("unknown argument: " + k + " (see --help)");
    }
    if (a.full) {
        a.train = 50000, a.test = 10000;
        if (!a.epochs_given) a.epochs = 25;
    }
    if (a.ensemble < 1) throw cc::error("--ensemble needs at least 1 network");
    return a;
}
} // namespace

int main(int argc, char** argv) try {
    const args a = parse(argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);
    using net_t = cc::models::cifar10_cnn::on<cc::backend::cpu, float>;

    cc::data::image_classification_data<float> data;
    if (!a.data.empty()) {
        data = cc::data::cifar10(a.data, a.train, a.test);
    } else {
        data.train = cc::data::toy::cifar_like(a.train, a.seed);
        data.test = cc::data::toy::cifar_like(a.test, a.seed + 1000003);
        data.class_names = cc::data::toy::cifar_like_class_names();
    }
    // Standard-normalise each colour channel with the training set's mean and deviation (the tutorial's
    // "Data Preprocessing" slide); without it, training from raw [0, 1] pixels stalls for many steps.
    const auto stats = cc::data::channel_statistics(data.train.x);
    cc::data::standardize_channels(data.train.x, stats);
    cc::data::standardize_channels(data.test.x, stats);
    std::printf("%s: %zu training, %zu test images; %zu epochs; %d thread(s)\n",
                a.data.empty() ? "toy cifar_like" : "CIFAR-10", data.train.size(), data.test.size(), a.epochs,
                cc::num_threads());

    std::vector<net_t> nets;
    nets.reserve(a.ensemble);
    std::vector<double> single;
    double seconds = 0;
    for (std::size_t m = 0; m < a.ensemble; ++m) {
        nets.emplace_back(a.seed + m);
        if (m == 0) cc::summary(nets[0], std::cout);
        if (a.ensemble > 1)
            std::printf("network %zu of %zu (seed %llu)\n", m + 1, a.ensemble, (unsigned long long)(a.seed + m));
        cc::optimizers::adam opt{{.lr = a.lr}};
        auto history = cc::train::fit(nets[m], cc::losses::categorical_crossentropy{}, opt, data.train,
                                      {.epochs = a.epochs, .batch_size = a.batch_size, .validation = &data.test,
                                       .seed = a.seed + m});
        if (!a.history.empty() && m == 0) history.write_csv(a.history);
        for (double s : history.seconds) seconds += s;
        single.push_back(history.last("val_accuracy"));
        std::printf("test accuracy: %.2f %%  (loss %.4f)\n", 100 * single.back(), history.last("val_loss"));
    }
    std::printf("time per epoch: %.1f s (mean over %zu network(s), including evaluation on the test set)\n",
                seconds / double(a.epochs * a.ensemble), a.ensemble);
    if (a.ensemble > 1) {
        double mean = 0;
        for (double s : single) mean += s / double(single.size());
        const auto p = cc::train::ensemble_predict(data.test.x, nets);
        std::printf("mean single-network test accuracy: %.2f %%\n", 100 * mean);
        std::printf("ensemble of %zu (averaged soft-max outputs): %.2f %%\n", a.ensemble,
                    100 * cc::train::accuracy(p, data.test.y));
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "cifar10_cnn: " << e.what() << "\n";
    return 1;
}
