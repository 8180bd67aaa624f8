// bidirectional given two merge modes: the repetition is reported, naming the wrapper and both options.
// expect: layer option: an option is given twice, or with another of its kind
// expect: cascade::layers::merge::sum, cascade::layers::merge::mul
// expect: bidirectional<cascade::layers::lstm<4>, cascade::layers::merge::sum, cascade::layers::merge::mul>
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<5, 3>, L::bidirectional<L::lstm<4>, L::merge::sum, L::merge::mul>, L::dense<1>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
