// Bilinear interpolation is for images (Keras UpSampling2D); upsampling1d, like UpSampling1D, has no options.
// expect: layer option: this layer does not take option Opt
// expect: Opt = cascade::layers::interpolation::bilinear
// expect: upsampling1d<
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 3>, L::upsampling1d<2, L::interpolation::bilinear>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
