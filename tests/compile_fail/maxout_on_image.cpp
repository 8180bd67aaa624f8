// maxout (dense + max over pieces) on an image without flatten.
// expect: maxout: input must be flat (one axis per sample); add layers::flatten before maxout
#include <cascade/cascade.hpp>
#include <cascade/layers/maxout.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<8, 8, 1>, cc::layers::maxout<4, 2>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
