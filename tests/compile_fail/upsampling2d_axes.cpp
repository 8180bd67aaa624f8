// upsampling2d's per-axis size has two factors (height, width); dims<2, 2, 2> is upsampling3d's.
// expect: upsampling2d: give one positive factor or dims<fh, fw>
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 1>, L::upsampling2d<L::dims<2, 2, 2>>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
