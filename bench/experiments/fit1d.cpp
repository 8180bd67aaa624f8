// Benchmark of seed 003's fit1d MLPs (examples/fit1d): 1→20→20→20→1 with ReLU and with sigmoid;
// batch 32, Adam, mean squared error.
#include "harness.hpp"

#include <cascade/models/fit1d.hpp>

int main(int argc, char** argv) {
    namespace cc = cascade;
    const auto o = cc::bench::parse_options(argc, argv, "bench_fit1d");
    cc::bench::run<cc::models::fit1d_relu>("fit1d_relu", o, 32, cc::losses::mse{}, cc::optimizers::adam{});
    cc::bench::run<cc::models::fit1d_sigmoid>("fit1d_sigmoid", o, 32, cc::losses::mse{}, cc::optimizers::adam{});
}
