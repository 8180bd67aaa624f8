// Two kernel sizes: the second is reported.
// expect: layer option: an option is given twice, or with another of its kind
// expect: Opts = {cascade::layers::kernel<3>, cascade::layers::kernel<5>}
// expect: conv2d<4, cascade::layers::kernel<3>, cascade::layers::kernel<5> >
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::conv2d<4, L::kernel<3>, L::kernel<5>>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
