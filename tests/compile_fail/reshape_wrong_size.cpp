// A reshape whose sizes do not multiply out to the input's size.
// expect: reshape<D...>: the new shape must hold as many values per sample as the input
// expect: In = cascade::shape<16>
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<4, 4, 1>, cc::layers::flatten, cc::layers::reshape<3, 5>, cc::layers::dense<2>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
