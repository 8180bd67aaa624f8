// An element-wise merge of branches whose outputs differ in shape (Keras would broadcast; cascade does not).
// expect: add: every branch must give the same output shape (no broadcasting)
// expect: [with S0 = cascade::shape<4>; S = {cascade::shape<3>}]
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<3>, cc::net::add<cc::net::branch<L::dense<4>>, cc::net::branch<>>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
