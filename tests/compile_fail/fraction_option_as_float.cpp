// momentum<0.9> instead of momentum<9, 10>: the layer's check says how to write a fraction.
// expect: layer option: Opt takes a fraction of two integers: momentum<9, 10> for 0.9
// expect: Opt = cascade::layers::momentum<9.0000000000000002e-1>
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<4>, L::dense<3>, L::batch_norm<L::momentum<0.9>>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
