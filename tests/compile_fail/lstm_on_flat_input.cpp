// lstm after flatten: a recurrent layer needs (T, C) per sample.
// expect: static assertion failed
// expect: lstm: input must be a sequence (T, C) per sample
// expect: In = cascade::shape<48>
#include <cascade/cascade.hpp>
#include <cascade/layers/lstm.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<4, 4, 3>, cc::layers::flatten, cc::layers::lstm<8>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
