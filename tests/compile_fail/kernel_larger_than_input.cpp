// A 5x5 kernel on a 3x3 input with 'valid' padding.
// expect: conv2d: kernel is larger than the input image
// expect: conv2d<4, cascade::layers::kernel<5> >
// expect: In = cascade::shape<3, 3, 1>
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<3, 3, 1>, cc::layers::conv2d<4, cc::layers::kernel<5>>, cc::layers::flatten, cc::layers::dense<2>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
