// Benchmark of seed 003's air-shower CNNs (examples/airshower): (9, 9, 2) station images; Xmax regression
// (mean squared error) and mass classification (4 classes, cross-entropy); batch 64, Adam.
#include "harness.hpp"

#include <cascade/models/airshower.hpp>

int main(int argc, char** argv) {
    namespace cc = cascade;
    const auto o = cc::bench::parse_options(argc, argv, "bench_airshower");
    cc::bench::run<cc::models::airshower_xmax>("airshower_xmax", o, 64, cc::losses::mse{}, cc::optimizers::adam{},
                                               {.x_lo = 0, .x_hi = 1});
    cc::bench::run<cc::models::airshower_mass>("airshower_mass", o, 64, cc::losses::categorical_crossentropy{},
                                               cc::optimizers::adam{}, {.x_lo = 0, .x_hi = 1, .one_hot = true});
}
