// time_distributed on flat samples: there is no time axis to distribute over.
// expect: time_distributed: input must be a sequence (T, ...) per sample
#include <cascade/cascade.hpp>
#include <cascade/layers/time_distributed.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<12>, cc::layers::time_distributed<cc::layers::dense<3>>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
