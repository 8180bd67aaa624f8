// Benchmark of seed 003's linear_regression (examples/linear_regression): y = W x + b, x ∈ R³, y ∈ R²;
// batch 32, plain SGD, mean squared error.
#include "harness.hpp"

#include <cascade/models/linear_regression.hpp>

int main(int argc, char** argv) {
    namespace cc = cascade;
    const auto o = cc::bench::parse_options(argc, argv, "bench_linear_regression");
    cc::bench::run<cc::models::linear_regression>("linear_regression", o, 32, cc::losses::mse{},
                                                  cc::optimizers::sgd{{.lr = 0.1}});
}
