// Benchmark of seed 003's fully connected network (examples/cifar10_dense):
// batch 32 (the tutorial's train-NN.py), Adam, categorical cross-entropy, inputs in [0, 1].
#include "harness.hpp"

#include <cascade/models/cifar10_dense.hpp>

int main(int argc, char** argv) {
    namespace cc = cascade;
    const auto o = cc::bench::parse_options(argc, argv, "bench_cifar10_dense");
    cc::bench::run<cc::models::cifar10_dense>("cifar10_dense", o, 32, cc::losses::categorical_crossentropy{},
                                              cc::optimizers::adam{}, {.x_lo = 0, .x_hi = 1, .one_hot = true});
}
