// Pooling a 2x2 feature map with a 3x3 window.
// expect: max_pool2d: pooling window is larger than the input image
// expect: In = cascade::shape<2, 2, 8>
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<4, 4, 1>, cc::layers::conv2d<8, cc::layers::kernel<3>>, cc::layers::max_pool2d<3>, cc::layers::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
