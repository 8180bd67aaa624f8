// The old positional spelling batch_norm<ratio<9, 10>> (momentum 0.9) no longer compiles: momentum and ε
// are named options now, batch_norm<momentum<9, 10>, epsilon<1, 100000>>.
// expect: layer option: Opt is not a layer option
// expect: batch_norm<
// expect: Opt = std::ratio<9, 10>
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<6>, L::batch_norm<cc::ratio<9, 10>>, L::dense<2>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
