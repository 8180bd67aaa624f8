// Benchmark of seed 001's Galaxy Zoo winner network (examples/galaxy_zoo): the default 4-view, 256-unit
// version and the full 2048-unit one, batch 16, Adam, MSE.
#include "harness.hpp"

#include <cascade/models/galaxy_zoo.hpp>

int main(int argc, char** argv) {
    namespace cc = cascade;
    const auto o = cc::bench::parse_options(argc, argv, "bench_galaxy_zoo");
    cc::bench::run<cc::models::galaxy_zoo_small>("galaxy_zoo_small", o, 16, cc::losses::mse{}, cc::optimizers::adam{},
                                                 {.x_lo = 0, .x_hi = 1});
    cc::bench::run<cc::models::galaxy_zoo>("galaxy_zoo", o, 16, cc::losses::mse{}, cc::optimizers::adam{}, {.x_lo = 0, .x_hi = 1});
}
