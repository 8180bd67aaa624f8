// conv2d without its kernel size.
// expect: conv2d: the kernel size is required
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::conv2d<8>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
