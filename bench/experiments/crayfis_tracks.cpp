// Benchmark of seed 000's CRAYFIS D1-vs-D2 classifier (examples/crayfis_tracks): input (40, 40, 1),
// batch 64, binary cross-entropy on a sigmoid output, Adam. Inputs uniform in [0, 1] (the toy images are
// ADC / 64: pedestal 0.13, tracks up to ~2), targets 0/1.
#include "harness.hpp"

#include <cascade/models/crayfis_tracks.hpp>

int main(int argc, char** argv) {
    namespace cc = cascade;
    const auto o = cc::bench::parse_options(argc, argv, "bench_crayfis_tracks");
    cc::bench::run<cc::models::crayfis_tracks>("crayfis_tracks", o, 64, cc::losses::binary_crossentropy{},
                                               cc::optimizers::adam{}, {.x_lo = 0, .x_hi = 1});
}
