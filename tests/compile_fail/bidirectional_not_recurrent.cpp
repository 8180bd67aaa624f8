// bidirectional around a layer that is not recurrent: the wrapper says which layers it takes.
// expect: bidirectional: Layer must be a recurrent layer (lstm<>, gru<>, simple_rnn<>)
// expect: bidirectional<cascade::layers::dense<4> >
#include <cascade/cascade.hpp>
namespace cc = cascade;
namespace L = cc::layers;
using bad = cc::net::sequential<cc::shape<5, 3>, L::bidirectional<L::dense<4>>, L::dense<1>>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
