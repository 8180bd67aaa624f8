// repeat_vector after a convolution: it repeats feature vectors, so the image must be flattened first.
// expect: repeat_vector: input must be flat (one axis per sample); add layers::flatten before repeat_vector
// expect: In = cascade::shape<6, 6, 4>
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<8, 8, 1>, L::conv2d<4, L::kernel<3>>, L::repeat_vector<3>, L::flatten, L::dense<2>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
