// keepdims given twice to a global pooling.
// expect: layer option: an option is given twice
// expect: global_pool<cascade::layers::pool_kind::max, 3, cascade::layers::keepdims, cascade::layers::keepdims>
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<2, 3, 4, 5>, L::global_max_pooling3d<L::keepdims, L::keepdims>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
