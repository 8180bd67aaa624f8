// group_normalization<4> on 6 channels: the channels must be a multiple of the groups.
// expect: group_normalization<Groups>: the channels (last axis) must be a multiple of Groups
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<5, 6>, L::group_normalization<4>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
