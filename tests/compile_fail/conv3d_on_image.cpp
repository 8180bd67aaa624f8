// conv3d on a 2-D image: a 3-D convolution needs a (D, H, W, C) volume per sample.
// expect: conv3d: input must be a volume (D, H, W, C) per sample
// expect: In = cascade::shape<8, 8, 1>
#include <cascade/cascade.hpp>
#include <cascade/layers/conv3d.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<8, 8, 1>, cc::layers::conv3d<4, cc::layers::kernel<3>>, cc::layers::flatten, cc::layers::dense<2>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
