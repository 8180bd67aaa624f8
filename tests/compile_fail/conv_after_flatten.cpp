// conv2d after flatten: a convolution needs an (H, W, C) image.
// expect: conv2d: input must be an image (H, W, C) per sample
// expect: In = cascade::shape<784>
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<28, 28, 1>, cc::layers::flatten, cc::layers::conv2d<8, cc::layers::kernel<3>>, cc::layers::relu>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
