// A fractional hyper-parameter written as a floating-point number: the diagnostic's template line says how
// to write it (a ratio type, docs/decisions/0003).
// expect: leaky_relu
// expect: Alpha_as_ratio_eg_ratio_3_10
// expect: expected a type, got '2
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<4>, cc::layers::dense<3>, cc::layers::leaky_relu<0.2>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
