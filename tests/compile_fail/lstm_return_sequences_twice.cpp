// lstm given return_sequences twice: the repetition is reported, naming the layer.
// expect: layer option: an option is given twice, or with another of its kind
// expect: Opts = {cascade::layers::return_sequences, cascade::layers::return_sequences}
// expect: lstm<8, cascade::layers::return_sequences, cascade::layers::return_sequences>
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<5, 3>, L::lstm<8, L::return_sequences, L::return_sequences>, L::dense<1>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
