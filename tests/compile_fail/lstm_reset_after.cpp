// reset_after<> is a GRU option: lstm rejects it, naming the layer and the option.
// expect: layer option: this layer does not take option Opt
// expect: Opt = cascade::layers::reset_after<false>
// expect: lstm<8, cascade::layers::reset_after<false> >
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<5, 3>, L::lstm<8, L::reset_after<false>>, L::dense<1>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
