// zero_output_for_mask on a recurrent layer without mask_value<>: it would mean nothing, so it is rejected.
// expect: gru: zero_output_for_mask needs mask_value<> and return_sequences
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<5, 3>, L::gru<4, L::return_sequences, L::zero_output_for_mask>, L::dense<1>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
