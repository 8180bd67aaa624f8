// A residual block whose output shape differs from its input (x + f(x) needs equal shapes).
// expect: residual: the block's output shape must equal its input shape
// expect: In = cascade::shape<8, 8, 2>
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<8, 8, 2>, cc::net::residual<cc::layers::conv2d<4, cc::layers::kernel<3>, cc::layers::padding::same>>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
