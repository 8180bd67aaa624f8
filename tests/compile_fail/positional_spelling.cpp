// The old positional spelling conv2d<Filters, Kernel, Stride> no longer compiles: conv2d<5, 3, 5> could be
// read as Keras' Conv2D(5, (3, 5)) and meant stride 5. Options are named types now.
// expect: conv2d
// expect: expected a type, got '3'
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<8, 8, 1>, cc::layers::conv2d<5, 3, 5>, cc::layers::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
