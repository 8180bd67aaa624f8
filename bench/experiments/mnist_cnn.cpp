// Benchmark of seed 001's mnist_cnn (examples/mnist_cnn): batch 64, Adam, categorical cross-entropy.
#include "harness.hpp"

#include <cascade/models/mnist_cnn.hpp>

int main(int argc, char** argv) {
    namespace cc = cascade;
    const auto o = cc::bench::parse_options(argc, argv, "bench_mnist_cnn");
    cc::bench::run<cc::models::mnist_cnn>("mnist_cnn", o, 64, cc::losses::categorical_crossentropy{},
                                          cc::optimizers::adam{}, {.x_lo = 0, .x_hi = 1, .one_hot = true});
}
