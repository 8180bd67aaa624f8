// The Keras layers of issue 12 item 5, second part, on backend::gpu (kernels/gpu/pointwise.hpp, resample.hpp,
// noise.hpp, embedding.hpp, unit_norm.hpp, group_norm.hpp): each layer's forward, backward (dx) and parameter
// gradients on the GPU against the same layer on the CPU, float and double, odd shapes, parameters set to the
// same random values on both; embedding's id check; then small networks trained on both backends from the
// same seed. Skips where no GPU is present.
// Tolerances, in units of the type's epsilon times the largest |CPU value| of the tensor (the emulator gives
// the CPU's bits for all but the pointwise activations):
//   0         global pooling (sums of additions only, in the CPU's order; gathers), the dropout layers
//             (masks and noise drawn on the host from the same engine; one product per element);
//   0         embedding (a gather; the table gradient as one thread per (row, column) summing in the
//             CPU's order);
//   8·K ulps  unit_normalization and group_normalization: sums of K products per row, group or channel that a
//             GPU compiler may contract into FMAs (the GEMM convention of docs/gpu.md);
//   16 ulps   the pointwise activations: the device's (the emulator's: the host libm's scalar) erf, tanh,
//             exp, log1p against the CPU's vectorised xsimd ones; the formula is the same functor.
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <tuple>

namespace cc = cascade;
namespace L = cc::layers;
namespace gpu = cascade::gpu;

using namespace gpu_test;

namespace {

// Largest |gpu − cpu| in units of ε times the largest |cpu|.
template <class T, std::size_t R>
double ulps_of_max(const cc::host_tensor<T, R>& g, const cc::host_tensor<T, R>& c) {
    REQUIRE(g.shape() == c.shape());
    double scale = std::numeric_limits<T>::min();
    for (const T v : c) scale = std::max(scale, double(std::abs(v)));
    double m = 0;
    for (std::size_t i = 0; i < c.size(); ++i)
        m = std::max(m, std::abs(double(g.data()[i]) - double(c.data()[i])) / (scale * std::numeric_limits<T>::epsilon()));
    return m;
}

// Layer on both backends with the same random parameters; forward (train mode), backward with dx; y, dx
// and every parameter gradient compared. x in [lo, hi); both backward passes get the CPU's y.
template <class Layer, class In, class T>
void compare_layer(double ulps_y, double ulps_dx, double ulps_params, double lo = -2, double hi = 2, std::uint64_t seed = 1) {
    using Out = typename Layer::template output_shape<In>;
    cc::rng ec(seed + 1), eg(seed + 1);
    cc::layers::layer_impl<Layer, In, cc::backend::cpu, T> c(ec);
    cc::layers::layer_impl<Layer, In, cc::backend::gpu, T> g(eg);
    cc::rng r(seed);
    {
        auto pc = c.params();
        auto pg = g.params();
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((std::get<K>(pc) = random_tensor<T>(std::get<K>(pc).shape(), r, -1, 1), gpu::copy_to_device(std::get<K>(pc), std::get<K>(pg))), ...);
        }(std::make_index_sequence<std::tuple_size_v<decltype(pc)>>{});
    }
    const auto x = random_tensor<T>(cc::batch_shape<In>(3), r, lo, hi);
    const auto dy = random_tensor<T>(cc::batch_shape<Out>(3), r, -2, 2);
    cc::host_tensor<T, Out::rank + 1> yc;
    cc::host_tensor<T, In::rank + 1> dxc;
    gpu::device_tensor<T, Out::rank + 1> yg;
    gpu::device_tensor<T, In::rank + 1> dxg;
    const auto xd = gpu::to_device(x);
    c.forward(x, yc, cc::mode::train);
    g.forward(xd, yg, cc::mode::train);
    c.backward(x, yc, dy, &dxc);
    g.backward(xd, gpu::to_device(yc), gpu::to_device(dy), &dxg);
    const std::string what = std::string(Layer::name) + (sizeof(T) == 4 ? " float" : " double");
    INFO(what);
    CHECK(ulps_of_max(gpu::to_host(yg), yc) <= ulps_y);
    CHECK(ulps_of_max(gpu::to_host(dxg), dxc) <= ulps_dx);
    auto gc = c.grads();
    auto gg = g.grads();
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ([&] { CHECK(ulps_of_max(gpu::to_host(std::get<K>(gg)), std::get<K>(gc)) <= ulps_params); }(), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(gc)>>{});
}

} // namespace

TEST_CASE_TEMPLATE("gpu gelu, swish, hard_sigmoid, hard_swish, softsign, exponential and mish match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    constexpr double u = 16;
    compare_layer<L::gelu<>, cc::shape<7, 5, 3>, T>(u, u, 0, -5, 5);
    compare_layer<L::gelu<L::approximate>, cc::shape<7, 5, 3>, T>(u, u, 0, -5, 5);
    compare_layer<L::swish, cc::shape<7, 5, 3>, T>(u, u, 0, -8, 8);
    compare_layer<L::hard_sigmoid, cc::shape<7, 5, 3>, T>(u, u, 0, -5, 5);
    compare_layer<L::hard_swish, cc::shape<7, 5, 3>, T>(u, u, 0, -5, 5);
    compare_layer<L::softsign, cc::shape<13>, T>(u, u, 0, -9, 9);
    compare_layer<L::exponential, cc::shape<13>, T>(u, u, 0, -3, 3);
    compare_layer<L::mish, cc::shape<7, 5, 3>, T>(u, u, 0, -8, 8);
}

TEST_CASE_TEMPLATE("gpu global pooling 3d and keepdims match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    // Sums in the CPU's order (additions only, nothing to contract) and a gather: exact.
    compare_layer<L::global_average_pooling3d<>, cc::shape<3, 4, 5, 3>, T>(0, 0, 0);
    compare_layer<L::global_max_pooling3d<>, cc::shape<3, 4, 5, 3>, T>(0, 0, 0);
    compare_layer<L::global_average_pooling3d<L::keepdims>, cc::shape<3, 4, 5, 3>, T>(0, 0, 0);
    compare_layer<L::global_max_pooling3d<L::keepdims>, cc::shape<3, 4, 5, 3>, T>(0, 0, 0);
    compare_layer<L::global_average_pooling2d<L::keepdims>, cc::shape<5, 4, 3>, T>(0, 0, 0);
    compare_layer<L::global_max_pooling2d<L::keepdims>, cc::shape<5, 4, 3>, T>(0, 0, 0);
    compare_layer<L::global_average_pooling1d<L::keepdims>, cc::shape<9, 3>, T>(0, 0, 0);
    compare_layer<L::global_max_pooling1d<L::keepdims>, cc::shape<9, 3>, T>(0, 0, 0);
}

TEST_CASE_TEMPLATE("gpu spatial_dropout1d/3d and gaussian_dropout draw the CPU's masks and noise", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    // Drawn on the host from the same engine, one product per element on the device: exact.
    compare_layer<L::spatial_dropout1d<cc::ratio<2, 5>>, cc::shape<9, 7>, T>(0, 0, 0);
    compare_layer<L::spatial_dropout3d<cc::ratio<2, 5>>, cc::shape<3, 4, 5, 7>, T>(0, 0, 0);
    compare_layer<L::spatial_dropout2d<cc::ratio<1, 5>>, cc::shape<4, 5, 7>, T>(0, 0, 0);
    compare_layer<L::gaussian_dropout<cc::ratio<1, 5>>, cc::shape<7, 5, 3>, T>(0, 0, 0);
    compare_layer<L::gaussian_dropout<cc::ratio<1, 2>>, cc::shape<13>, T>(0, 0, 0);
}

TEST_CASE_TEMPLATE("gpu embedding: the gather, the deterministic scatter-add and the id check match the CPU", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    constexpr std::size_t V = 13, D = 7;
    using In = cc::shape<5, 9>;
    cc::rng ec(3), eg(3);
    cc::layers::layer_impl<L::embedding<V, D>, In, cc::backend::cpu, T> c(ec);
    cc::layers::layer_impl<L::embedding<V, D>, In, cc::backend::gpu, T> g(eg);
    CHECK(ulps_of_max(gpu::to_host(std::get<0>(g.params())), std::get<0>(c.params())) == 0);   // the same draws
    cc::rng r(4);
    cc::host_tensor<T, 3> x(cc::batch_shape<In>(3));
    for (auto& v : x) v = T(r() % 10);   // ids 0 … 9 with repeats; rows 10 … 12 get no gradient
    const auto dy = random_tensor<T, 4>({3, 5, 9, D}, r, -2, 2);
    cc::host_tensor<T, 4> yc;
    cc::host_tensor<T, 3> dxc;
    gpu::device_tensor<T, 4> yg;
    gpu::device_tensor<T, 3> dxg;
    const auto xd = gpu::to_device(x);
    c.forward(x, yc, cc::mode::train);
    g.forward(xd, yg, cc::mode::train);
    c.backward(x, yc, dy, &dxc);
    g.backward(xd, gpu::to_device(yc), gpu::to_device(dy), &dxg);
    // A gather, and per (row, column) the CPU's sum in the CPU's order (additions only): exact.
    CHECK(ulps_of_max(gpu::to_host(yg), yc) == 0);
    CHECK(ulps_of_max(gpu::to_host(std::get<0>(g.grads())), std::get<0>(c.grads())) == 0);
    const auto dxh = gpu::to_host(dxg);
    REQUIRE(dxh.shape() == x.shape());
    for (T v : dxh) CHECK(v == T(0));
    // A bad id is found on the device and named as on the CPU.
    for (const T bad : {T(13), T(-2), T(1.5)}) {
        auto xb = x;
        xb.data()[77] = bad;
        std::string mc = "no error", mg = "no error";
        try { c.forward(xb, yc, cc::mode::infer); } catch (const cc::error& e) { mc = e.what(); }
        try { g.forward(gpu::to_device(xb), yg, cc::mode::infer); } catch (const cc::error& e) { mg = e.what(); }
        CHECK(mc != "no error");
        CHECK(mg == mc);
    }
    // Two bad ids: the first one is named.
    auto xb = x;
    xb.data()[120] = T(-1);
    xb.data()[40] = T(99);
    std::string mg = "no error";
    try { g.forward(gpu::to_device(xb), yg, cc::mode::infer); } catch (const cc::error& e) { mg = e.what(); }
    CHECK(mg == "embedding: id 99 at flat position 40 of the input is out of range [0, 13)");
}

TEST_CASE("gpu: embedding, keepdims pooling and the dropout layers train like the CPU network") {
    REQUIRE_GPU_OR_SKIP();
    using model = cc::net::sequential<cc::shape<6>, L::embedding<9, 4>, L::spatial_dropout1d<cc::ratio<1, 4>>,
                                      L::global_average_pooling1d<L::keepdims>, L::flatten, L::gaussian_dropout<cc::ratio<1, 5>>,
                                      L::dense<3>, L::softmax>;
    model::on<cc::backend::cpu, double> c{8};
    model::on<cc::backend::gpu, double> g{8};
    CHECK(max_param_difference(c, g) == 0);
    cc::rng r(5);
    cc::host_tensor<double, 2> x(std::array<std::size_t, 2>{10, 6}), t(std::array<std::size_t, 2>{10, 3});
    for (auto& v : x) v = double(r() % 9);
    t.fill(0);
    for (std::size_t i = 0; i < 10; ++i) t(i, r() % 3) = 1;
    const auto xd = gpu::to_device(x);
    const auto td = gpu::to_device(t);
    cc::optimizers::adam oc{{.lr = 0.01}}, og{{.lr = 0.01}};
    for (int s = 0; s < 3; ++s) {
        const double lc = cc::train::step(c, cc::losses::categorical_crossentropy{}, oc, x, t);
        const double lg = cc::train::step(g, cc::losses::categorical_crossentropy{}, og, xd, td);
        CHECK(std::abs(lc - lg) <= 1e-12);
    }
    CHECK(max_param_difference(c, g) <= 1e-12);
}

TEST_CASE_TEMPLATE("gpu unit_normalization matches the CPU layer", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    // Row sums of C = 13 products that a GPU compiler may contract into FMAs: 8·C ulps (docs/gpu.md).
    constexpr double row = 8 * 13;
    compare_layer<L::unit_normalization, cc::shape<7, 5, 13>, T>(row, row, 0);
    compare_layer<L::unit_normalization, cc::shape<13>, T>(row, row, 0);
}

TEST_CASE_TEMPLATE("gpu group_normalization matches the CPU layer, with and without center and scale", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    // (7, 5, 6) with 3 groups: M = 35 · 2 = 70 values per group; the parameter gradients sum 3 · 35 = 105.
    constexpr double group = 8 * 70, column = 8 * 105;
    compare_layer<L::group_normalization<3>, cc::shape<7, 5, 6>, T>(group, group, column);
    compare_layer<L::group_normalization<3, L::no_center, L::epsilon<1, 10>>, cc::shape<7, 5, 6>, T>(group, group, column);
    compare_layer<L::group_normalization<6, L::no_scale>, cc::shape<7, 5, 6>, T>(group, group, column);
    compare_layer<L::group_normalization<1, L::no_scale, L::no_center>, cc::shape<7, 5, 6>, T>(8 * 210, 8 * 210, 0);
}

TEST_CASE("gpu: a network of the new pointwise activations trains like the CPU one") {
    REQUIRE_GPU_OR_SKIP();
    using model = cc::net::sequential<cc::shape<6>, L::dense<9>, L::gelu<>, L::dense<9>, L::swish, L::dense<9>, L::mish,
                                      L::dense<9>, L::hard_swish, L::dense<9>, L::softsign, L::dense<3>, L::hard_sigmoid>;
    model::on<cc::backend::cpu, double> c{5};
    model::on<cc::backend::gpu, double> g{5};
    cc::rng r(3);
    const auto x = random_tensor<double, 2>({16, 6}, r);
    const auto t = random_tensor<double, 2>({16, 3}, r, 0, 1);
    const auto xd = gpu::to_device(x);
    const auto td = gpu::to_device(t);
    cc::optimizers::adam oc{{.lr = 0.01}}, og{{.lr = 0.01}};
    const cc::losses::mse loss;
    double lc = 0, lg = 0;
    for (int i = 0; i < 3; ++i) {
        lc = cc::train::step(c, loss, oc, x, t);
        lg = cc::train::step(g, loss, og, xd, td);
    }
    CHECK(std::abs(lc - lg) <= 1e-10);
    CHECK(max_param_difference(c, g) <= 1e-10);
}
