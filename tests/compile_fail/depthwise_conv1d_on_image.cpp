// depthwise_conv1d takes sequences (L, C); an image needs depthwise_conv2d.
// expect: depthwise_conv1d: input must be a sequence (L, C) per sample
// expect: In = cascade::shape<8, 8, 2>
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::depthwise_conv1d<L::kernel<3>, L::depth_multiplier<2>>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
