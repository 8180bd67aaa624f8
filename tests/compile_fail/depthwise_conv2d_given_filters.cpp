// depthwise_conv2d has no Filters: its output channels are C · depth_multiplier (Keras DepthwiseConv2D takes
// kernel_size first). A leading count is rejected; write depthwise_conv2d<kernel<3>, depth_multiplier<2>>.
// expect: depthwise_conv2d
// expect: expected a type, got '32'
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, L::depthwise_conv2d<32, L::kernel<3>>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
