// 'causal' is defined for 1-D convolutions only.
// expect: conv2d: padding::causal is for conv1d only
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::conv2d<4, L::kernel<3>, L::padding::causal>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
