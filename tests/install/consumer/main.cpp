// Consumer of an installed cascade: prints "ok" when the headers, the imported target and its
// dependencies (xtensor, xsimd, OpenMP, zlib) all work from the install prefix.
#if __has_include(<cascade/cascade.hpp>)
#include <cascade/cascade.hpp>
#else
#include <cascade/config.hpp>
#include <cascade/tensor/tensor.hpp>
#endif

#include <cstdio>

int main() {
    cascade::host_tensor<float, 2> z = cascade::host_tensor<float, 2>::from_shape({3, 4});
    z.fill(0.0f);
    bool good = cascade::num_threads() > 0 && z.size() == 12 && z(2, 3) == 0.0f;
    std::puts(good ? "ok" : "bad");
    return good ? 0 : 1;
}
