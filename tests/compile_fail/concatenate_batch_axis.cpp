// concatenate<Axis> counts the batch axis as 0, as Keras does: joining on it is rejected.
// expect: concatenate<Axis>: Axis counts the batch axis as 0
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<3>, cc::net::concatenate<0, cc::net::branch<L::dense<4>>, cc::net::branch<>>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
