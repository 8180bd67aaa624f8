// A layer name must not be empty (it would make the layer unaddressable and the weights file ambiguous).
// expect: named<"...", Layer>: the name must not be empty
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<4>, L::named<"", L::dense<4>>, L::dense<1>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
