// Something that is not a layer in the layer list.
// expect: sequential: this is not a layer
// expect: L = int
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<4>, cc::layers::dense<3>, int, cc::layers::relu>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
