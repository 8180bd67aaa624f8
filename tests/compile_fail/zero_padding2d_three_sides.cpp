// zero_padding2d takes one sides<Before, After> per axis (height, width): three are one too many.
// expect: zero_padding2d: give one sides<Before, After> per axis: 2 (height, width)
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 1>, L::zero_padding2d<L::sides<1, 2>, L::sides<3, 4>, L::sides<5, 6>>,
                                L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
