// An initializer is not an option by itself: kernel_init<he_normal> is.
// expect: layer option: Opt is not a layer option
// expect: Opt = cascade::init::he_normal
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::conv2d<4, L::kernel<3>, cc::init::he_normal>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
