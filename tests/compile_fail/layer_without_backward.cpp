// A user-written layer whose impl lacks backward().
// expect: layer: impl lacks  void backward(const X& x, const Y& y, const Y& dy, X* dx)
// expect: L = my_scale
#include <cascade/cascade.hpp>
namespace cc = cascade;
struct my_scale : cc::layers::any_input {
    static constexpr const char* name = "my_scale";
    template <class In> using output_shape = In;
    template <class In, class B, class T>
    struct impl : cc::layers::no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, In::rank + 1>;
        void forward(const tensor& x, tensor& y, cc::mode) { y = 2 * x; }
    };
};
using bad = cc::net::sequential<cc::shape<4>, cc::layers::dense<3>, my_scale>;
int main() { bad::on<cc::backend::cpu, float> net{1}; }
