#pragma once
// cifar: what the three CIFAR-10 examples (cifar10_dense, cifar10_cnn, cifar10_dcnn) share — their flags and
// their data (examples only, not part of the library).
// Default: the toy data (data/toy/cifar_like.hpp), 5,000 training and 2,000 test images.
// --data DIR: the real CIFAR-10 binary batches (cifar-10-batches-bin), the same subset unless --full.
// --full: all 50,000 / 10,000 images and 25 epochs unless --epochs is given (the tutorial's nb_epoch=25).
#include "common/cli.hpp"

#include <cascade/data/cifar10.hpp>
#include <cascade/data/standardize.hpp>
#include <cascade/data/toy/cifar_like.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

namespace cascade::examples {

struct cifar_args : training_args {   // Adam, batch 32 (train-NN.py)
    std::size_t train = 5000, test = 2000;
    bool full = false;
    std::string data, history;
    cifar_args() : training_args{.epochs = 10, .batch_size = 32, .lr = 1e-3} {}

    // Adds the shared flags to p (after any the example declared itself), parses, then applies --full:
    // it overrides --train and --test, and the epochs unless --epochs was given.
    void parse(cli& p, int argc, char** argv) {
        p.training(*this, "Adam")
            .option("--train", train, "training images")
            .option("--test", test, "test images")
            .flag("--full", full, "all 50000 / 10000 images and 25 epochs (unless --epochs is given)")
            .option("--data", data, "the CIFAR-10 binary batches (cifar-10-batches-bin); none: toy images", "DIR")
            .option("--history", history, "write the per-epoch history as CSV", "FILE.csv");
        p.parse(argc, argv);
        if (!full) return;
        train = 50000, test = 10000;
        if (!p.given("--epochs")) epochs = 25;
    }
};

// The training and test images, each colour channel standard-normalised with the training set's mean and
// deviation (the tutorial's "Data Preprocessing" slide): without it, training from raw [0, 1] pixels stalls
// for many steps. Prints one line saying what was loaded.
inline data::image_classification_data<float> cifar_data(const cifar_args& a) {
    data::image_classification_data<float> d;
    if (!a.data.empty()) {
        d = data::cifar10(a.data, a.train, a.test);
    } else {
        d.train = data::toy::cifar_like(a.train, a.seed);
        d.test = data::toy::cifar_like(a.test, a.seed + 1000003);
        d.class_names = data::toy::cifar_like_class_names();
    }
    const auto stats = data::channel_statistics(d.train.x);
    data::standardize_channels(d.train.x, stats);
    data::standardize_channels(d.test.x, stats);
    std::printf("%s: %zu training, %zu test images; %zu epochs; %d thread(s)\n",
                a.data.empty() ? "toy cifar_like" : "CIFAR-10", d.train.size(), d.test.size(), a.epochs, num_threads());
    return d;
}

} // namespace cascade::examples
