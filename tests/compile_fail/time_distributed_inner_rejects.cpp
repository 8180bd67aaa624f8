// time_distributed<dense> on (T, H, W): dense rejects the per-step shape (H, W); both layers say so.
// expect: dense: input must be flat (one axis per sample)
// expect: time_distributed<cascade::layers::dense<3> >::check<cascade::shape<4, 5, 6> >
// expect: In = cascade::shape<5, 6>
#include <cascade/cascade.hpp>
#include <cascade/layers/time_distributed.hpp>
namespace cc = cascade;
using bad = cc::net::sequential<cc::shape<4, 5, 6>, cc::layers::time_distributed<cc::layers::dense<3>>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
