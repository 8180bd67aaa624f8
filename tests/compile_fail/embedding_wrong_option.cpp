// embedding takes embeddings_init<>; kernel_init is a dense/conv option.
// expect: layer option: this layer does not take option Opt
// expect: cascade::layers::embedding<10, 4, cascade::layers::kernel_init<cascade::init::zeros> >::check<cascade::shape<7> >()
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<7>, L::embedding<10, 4, L::kernel_init<cc::init::zeros>>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
