// Benchmark of seed 001's Telescope Array SD network (examples/ta_sd): input (6, 6, 128, 2), batch 64,
// MSE, Adadelta (lr 1), 3 regression targets. Inputs uniform in [0, 4] (the range of the toy's
// log(1 + MIPs) traces).
#include "harness.hpp"

#include <cascade/models/ta_sd.hpp>
#include <cascade/optimizers/adadelta.hpp>

int main(int argc, char** argv) {
    namespace cc = cascade;
    const auto o = cc::bench::parse_options(argc, argv, "bench_ta_sd");
    cc::bench::run<cc::models::ta_sd>("ta_sd", o, 64, cc::losses::mse{}, cc::optimizers::adadelta{{.lr = 1.0}},
                                      {.x_lo = 0, .x_hi = 4});
}
