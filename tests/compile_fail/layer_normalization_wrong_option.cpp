// layer_normalization takes epsilon<>, no_center and no_scale; no_bias is a dense/conv option.
// expect: layer option: this layer does not take option Opt
// expect: cascade::layers::layer_normalization<cascade::layers::use_bias<false> >::check<cascade::shape<3> >()
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<3>, L::layer_normalization<L::no_bias>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
