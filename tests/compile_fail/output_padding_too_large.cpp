// output_padding must be smaller than the stride (Keras raises the same).
// expect: output_padding<> takes one size or one per axis, each smaller than the stride
// expect: conv2d_transpose<4
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::conv2d_transpose<4, L::kernel<3>, L::strides<2>, L::output_padding<2>>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
