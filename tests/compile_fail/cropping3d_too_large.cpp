// Cropping that removes a whole axis (2 + 2 rows of a 4-row volume) is rejected at compile time.
// expect: cropping3d: cropping removes the whole input on some axis
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<5, 4, 6, 1>, L::cropping3d<L::dims<1, 2, 1>>, L::flatten>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
