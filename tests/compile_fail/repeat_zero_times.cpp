// repeat<0, ...> would silently drop its layers.
// expect: repeat<N, Layers...>: needs N > 0 and at least one layer
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<4>, cc::net::repeat<0, L::dense<4>, L::relu>, L::dense<1>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
