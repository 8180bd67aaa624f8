// A batch-norm momentum above 1 (PyTorch's momentum is the other side: its 0.1 is momentum<9, 10> here).
// expect: batch_norm: momentum<N, D> must lie in [0, 1], e.g. momentum<99, 100> for 0.99
// expect: batch_norm<cascade::layers::momentum<11, 10>
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<6>, L::batch_norm<L::momentum<11, 10>, L::unbiased_moving_variance>, L::dense<2>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
