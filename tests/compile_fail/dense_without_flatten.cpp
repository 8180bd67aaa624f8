// dense directly after a convolution, without flatten.
// expect: dense: input must be flat (one axis per sample); add layers::flatten before dense
// expect: In = cascade::shape<24, 24, 32>
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<28, 28, 1>, cc::layers::conv2d<32, cc::layers::kernel<5>>, cc::layers::relu, cc::layers::dense<10>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
