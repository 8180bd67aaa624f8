// The old positional spelling lstm<Units, true> (return_sequences) no longer compiles: options are named
// types now (lstm<Units, return_sequences>).
// expect: lstm
// expect: expected a type, got 'true'
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<5, 3>, cc::layers::lstm<8, true>, cc::layers::dense<1>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
