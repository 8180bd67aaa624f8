// permute<1, 1>: an axis named twice is no permutation of the sample axes.
// expect: permute<Dims...>: Dims must be a permutation of 1 ... rank
// expect: In = cascade::shape<5, 3>
#include <cascade/cascade.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<5, 3>, cc::layers::permute<1, 1>, cc::layers::flatten, cc::layers::dense<2>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
