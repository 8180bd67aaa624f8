// cifar10_dcnn: seed 003's deep convolutional network with batch normalisation (RWTH deep-learning tutorial,
// train-DCNN.py; reconstruction in include/cascade/models/cifar10_dcnn.hpp) on CIFAR-10 or on the CIFAR-shaped
// toy data set.
//   10 × [conv 3×3 'same' → batch norm → ReLU] (32, 32 | 64, 64 | 128, 128, 128 | 256, 256, 256 maps, 2×2
//   max-pooling after each group) → dropout 0.3 → dense 256 → batch norm → ReLU → dropout 0.3 → dense 10
//   soft-max; Adam 1e-3, batch 32.
// Inputs are standardised per colour channel. Prints the model summary, per-epoch progress and the test
// accuracy (the slide: ~88 % on CIFAR-10).
//   cifar10_dcnn [--epochs N] [--train N] [--test N] [--full] [--data DIR] [--batch-size B] [--lr X]
//                [--threads T] [--seed S] [--history FILE.csv]
// Default: the toy data (data/toy/cifar_like.hpp), 5,000 training and 2,000 test images, 5 epochs (the network
// costs about 0.43 GFLOP per training sample: about 220 samples/s on 2 cores, so some 2–3 minutes).
// --data DIR: the real CIFAR-10 binary batches (cifar-10-batches-bin), the same subset unless --full.
// --full: all 50,000 / 10,000 images and 25 epochs (the tutorial's epoch count for train-NN.py; hours on a CPU).
#include <cascade/cascade.hpp>
#include <cascade/models/cifar10_dcnn.hpp>

#include "common/cifar.hpp"
#include "common/report.hpp"

#include <iostream>

namespace cc = cascade;

int main(int argc, char** argv) try {
    cc::examples::cifar_args a;
    a.epochs = 5;
    cc::examples::cli p{"cifar10_dcnn", "seed 003's deep CNN with batch normalisation on CIFAR-10 or toy images"};
    a.parse(p, argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);

    auto data = cc::examples::cifar_data(a);

    cc::models::cifar10_dcnn::on<cc::backend::cpu, float> net{a.seed};
    cc::summary(net, std::cout);
    cc::optimizers::adam opt{{.lr = a.lr}};
    auto history = cc::train::fit(net, cc::losses::categorical_crossentropy{}, opt, data.train,
                                  {.epochs = a.epochs, .batch_size = a.batch_size, .validation = &data.test,
                                   .seed = a.seed});
    if (!a.history.empty()) history.write_csv(a.history);

    cc::examples::print_test_accuracy(history);
    cc::examples::print_time_per_epoch(history);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "cifar10_dcnn: " << e.what() << "\n";
    return 1;
}
