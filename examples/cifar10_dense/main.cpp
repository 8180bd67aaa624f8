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
#include <cascade/models/cifar10_dense.hpp>

#include "common/cifar.hpp"
#include "common/report.hpp"

#include <iostream>

namespace cc = cascade;

int main(int argc, char** argv) try {
    cc::examples::cifar_args a;
    cc::examples::cli p{"cifar10_dense", "seed 003's fully connected network on CIFAR-10 or toy CIFAR-shaped images"};
    a.parse(p, argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);

    auto data = cc::examples::cifar_data(a);

    cc::models::cifar10_dense::on<cc::backend::cpu, float> net{a.seed};
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
    std::cerr << "cifar10_dense: " << e.what() << "\n";
    return 1;
}
