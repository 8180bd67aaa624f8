// Pooling has no kernel<> (its size is the leading pool size).
// expect: layer option: this layer does not take option Opt
// expect: Opt = cascade::layers::kernel<3>
// expect: max_pool2d<
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::max_pool2d<2, L::kernel<3>>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
