// masking<0.5>: the mask value is a fraction of two integers; the message says how to write it.
// expect: masking<Num, Den>: write the mask value as a fraction of two integers, e.g. masking<0> or masking<-1, 2>
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<5, 3>, L::masking<0.5>, L::lstm<4, L::mask_value<0>>, L::dense<1>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
