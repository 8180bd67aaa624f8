// cifar10_dense: seed 003's fully connected network (RWTH deep-learning tutorial, train-NN.py) on CIFAR-10 or on
// the CIFAR-shaped toy data set.
//   flatten 3072 → dense 256 ReLU, dropout 0.3 → dense 256 ReLU, dropout 0.3 → dense 10 soft-max;
//   Adam 1e-3, batch 32 (train-NN.py).
// Inputs are standardised per colour channel. Prints the model summary, per-epoch progress and the test
// accuracy.
//   cifar10_dense [--epochs N] [--train N] [--test N] [--full] [--data DIR] [--batch-size B] [--lr X]
//                 [--threads T] [--seed S] [--history FILE.csv]
// Default: the toy data (data/toy/cifar_like.hpp), 5,000 training and 2,000 test images, 10 epochs.
// --data DIR: the real CIFAR-10 binary batches (cifar-10-batches-bin), the same subset unless --full.
// --full: all 50,000 / 10,000 images and 25 epochs (train-NN.py's nb_epoch=25).
#include <cascade/cascade.hpp>
#include <cascade/data/cifar10.hpp>
#include <cascade/data/standardize.hpp>
#include <cascade/data/toy/cifar_like.hpp>
#include <cascade/models/cifar10_dense.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace cc = cascade;

namespace {
struct args {
    std::size_t epochs = 10, train = 5000, test = 2000, batch_size = 32;
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
        else if (k == "--batch-size") a.batch_size = std::stoul(need(i));
        else if (k == "--lr") a.lr = std::stod(need(i));
        else if (k == "--threads") a.threads = std::stoi(need(i));
        else if (k == "--seed") a.seed = std::stoull(need(i));
        else if (k == "--history") a.history = need(i);
        else if (k == "--help" || k == "-h") {
            std::cout << "usage: cifar10_dense [--epochs N] [--train N] [--test N] [--full] [--data DIR] [--batch-size B]\n"
                         "       [--lr X] [--threads T] [--seed S] [--history FILE.csv]\n";
            std::exit(0);
        } else throw cc::error("unknown argument: " + k + " (see --help)");
    }
    if (a.full) {
        a.train = 50000, a.test = 10000;
        if (!a.epochs_given) a.epochs = 25;
    }
    return a;
}
} // namespace

int main(int argc, char** argv) try {
    const args a = parse(argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);

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

    cc::models::cifar10_dense::on<cc::backend::cpu, float> net{a.seed};
    cc::summary(net, std::cout);
    cc::optimizers::adam opt{{.lr = a.lr}};
    auto history = cc::train::fit(net, cc::losses::categorical_crossentropy{}, opt, data.train,
                                  {.epochs = a.epochs, .batch_size = a.batch_size, .validation = &data.test,
                                   .seed = a.seed});
    if (!a.history.empty()) history.write_csv(a.history);

    double total = 0;
    for (double s : history.seconds) total += s;
    std::printf("test accuracy: %.2f %%  (loss %.4f)\n", 100 * history.last("val_accuracy"), history.last("val_loss"));
    std::printf("time per epoch: %.1f s (mean of %zu, including evaluation on the test set)\n",
                total / double(history.seconds.size()), history.seconds.size());
    return 0;
} catch (const std::exception& e) {
    std::cerr << "cifar10_dense: " << e.what() << "\n";
    return 1;
}
