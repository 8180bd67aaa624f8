// A 3-D kernel on conv2d.
// expect: conv2d: kernel<>, strides<> and dilation<> take one size or two (height, width)
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::conv2d<4, L::kernel<3, 3, 3>>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
