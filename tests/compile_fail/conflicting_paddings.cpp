// 'same' and 'valid' together are two options of one kind.
// expect: layer option: an option is given twice, or with another of its kind
// expect: Opts = {cascade::layers::kernel<3>, cascade::layers::padding::same, cascade::layers::padding::valid}
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::conv2d<4, L::kernel<3>, L::padding::same, L::padding::valid>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
