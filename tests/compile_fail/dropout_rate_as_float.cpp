// dropout<0.3> instead of dropout<ratio<3, 10>>.
// expect: dropout
// expect: Rate_as_ratio_eg_ratio_3_10
// expect: expected a type, got '2.99
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<4>, cc::layers::dense<3>, cc::layers::dropout<0.3>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
