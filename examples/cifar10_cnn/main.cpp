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
#include <cascade/models/cifar10_cnn.hpp>
#include <cascade/train/ensemble.hpp>

#include "common/cifar.hpp"
#include "common/report.hpp"

#include <cstdio>
#include <iostream>
#include <vector>

namespace cc = cascade;

int main(int argc, char** argv) try {
    cc::examples::cifar_args a;
    std::size_t ensemble = 1;
    cc::examples::cli p{"cifar10_cnn", "seed 003's simple CNN, or an ensemble of them, on CIFAR-10 or toy images"};
    p.option("--ensemble", ensemble, "train K networks (seeds S, S+1, ...) and average their outputs", "K");
    a.parse(p, argc, argv);
    if (ensemble < 1) throw cc::error("--ensemble needs at least 1 network");
    if (a.threads > 0) cc::set_num_threads(a.threads);
    using net_t = cc::models::cifar10_cnn::on<cc::backend::cpu, float>;

    auto data = cc::examples::cifar_data(a);

    std::vector<net_t> nets;
    nets.reserve(ensemble);
    std::vector<double> single;
    double seconds = 0;
    for (std::size_t m = 0; m < ensemble; ++m) {
        nets.emplace_back(a.seed + m);
        if (m == 0) cc::summary(nets[0], std::cout);
        if (ensemble > 1)
            std::printf("network %zu of %zu (seed %llu)\n", m + 1, ensemble, (unsigned long long)(a.seed + m));
        cc::optimizers::adam opt{{.lr = a.lr}};
        auto history = cc::train::fit(nets[m], cc::losses::categorical_crossentropy{}, opt, data.train,
                                      {.epochs = a.epochs, .batch_size = a.batch_size, .validation = &data.test,
                                       .seed = a.seed + m});
        if (!a.history.empty() && m == 0) history.write_csv(a.history);
        for (double s : history.seconds) seconds += s;
        single.push_back(history.last("val_accuracy"));
        cc::examples::print_test_accuracy(history);
    }
    std::printf("time per epoch: %.1f s (mean over %zu network(s), including evaluation on the test set)\n",
                seconds / double(a.epochs * ensemble), ensemble);
    if (ensemble > 1) {
        double mean = 0;
        for (double s : single) mean += s / double(single.size());
        const auto averaged = cc::train::ensemble_predict(data.test.x, nets);
        std::printf("mean single-network test accuracy: %.2f %%\n", 100 * mean);
        std::printf("ensemble of %zu (averaged soft-max outputs): %.2f %%\n", ensemble,
                    100 * cc::train::accuracy(averaged, data.test.y));
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "cifar10_cnn: " << e.what() << "\n";
    return 1;
}
