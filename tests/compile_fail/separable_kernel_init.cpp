// separable_conv2d has two kernels; their initializers are depthwise_init<> and pointwise_init<>, as in Keras.
// expect: separable_conv2d: the initializers are depthwise_init<I> and pointwise_init<I>
// expect: separable_conv2d<Filters, Opts>::check() [with In = cascade::shape<8, 8, 2>; long unsigned int Filters = 8; Opts = {cascade::layers::kernel<3>, cascade::layers::kernel_init<cascade::init::he_normal>}]
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::separable_conv2d<8, L::kernel<3>, L::kernel_init<cc::init::he_normal>>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
