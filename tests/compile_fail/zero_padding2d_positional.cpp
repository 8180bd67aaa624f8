// The old positional margins zero_padding2d<1, 2> (Keras padding=(1, 2)? or top 1, bottom 2?) no longer
// compile: per-axis sizes are dims<1, 2>, per-side ones sides<Before, After>.
// expect: zero_padding2d: give one size (every side), dims<...> with one size per axis (height, width)
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 1>, L::zero_padding2d<1, 2>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
