// depth_multiplier is an option of the depthwise and separable convolutions only.
// expect: layer option: this layer does not take option Opt
// expect: Opt = cascade::layers::depth_multiplier<2>
// expect: conv2d<
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::conv2d<8, L::kernel<3>, L::depth_multiplier<2>>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
