// depthwise_conv1d/2d and separable_conv1d/2d on backend::gpu (kernels/gpu/depthwise_conv.hpp; the
// separable layers' pointwise stage is kernels/gpu/conv.hpp's GEMM path) against the same layers on the CPU:
// forward, input gradient and every parameter gradient, float and double, odd shapes, anisotropic kernels and
// strides, 'same' with an even kernel and stride 3, dilation with 'same', depth multipliers 1 and 3; then a
// network of both trained 3 steps on both backends from the same seed. Skips where no GPU is present.
// Tolerances, in units of the type's epsilon times the largest |CPU value| (the GEMM convention of
// docs/gpu.md): 8 per term of the longest sum behind a value — the taps (and the C·M pointwise terms) for y,
// taps·M (plus the Filters of the pointwise transpose) for dx, the rows n·od·oh·ow (plus Filters) for the
// kernel and bias gradients, whose GPU column sums add in another order than the CPU.
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
double max_ulps(const cc::host_tensor<T, R>& g, const cc::host_tensor<T, R>& c) {
    REQUIRE(g.shape() == c.shape());
    double scale = std::numeric_limits<T>::min();
    for (const T v : c) scale = std::max(scale, double(std::abs(v)));
    double m = 0;
    for (std::size_t i = 0; i < c.size(); ++i)
        m = std::max(m, std::abs(double(g.data()[i]) - double(c.data()[i])) / (scale * std::numeric_limits<T>::epsilon()));
    return m;
}

// Layer on both backends with the same random parameters; forward (train mode), backward with dx; y, dx and
// every parameter gradient compared. Both backward passes get the CPU's y. terms_* are the term counts above.
template <class Layer, class In, class T>
void compare_layer(std::size_t terms_y, std::size_t terms_dx, std::size_t terms_params, std::uint64_t seed = 1) {
    using Out = typename Layer::template output_shape<In>;
    cc::rng ec(seed + 1), eg(seed + 1);
    cc::layers::layer_impl<Layer, In, cc::backend::cpu, T> c(ec);
    cc::layers::layer_impl<Layer, In, cc::backend::gpu, T> g(eg);
    cc::rng r(seed);
    {
        auto pc = c.params();
        auto pg = g.params();
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((std::get<K>(pc) = random_tensor<T>(std::get<K>(pc).shape(), r, -1, 1),
              gpu::copy_to_device(std::get<K>(pc), std::get<K>(pg))), ...);
        }(std::make_index_sequence<std::tuple_size_v<decltype(pc)>>{});
    }
    const auto x = random_tensor<T>(cc::batch_shape<In>(3), r, -2, 2);
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
    CHECK(max_ulps(gpu::to_host(yg), yc) <= 8.0 * double(terms_y));
    CHECK(max_ulps(gpu::to_host(dxg), dxc) <= 8.0 * double(terms_dx));
    auto gc = c.grads();
    auto gg = g.grads();
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ([&] { CHECK(max_ulps(gpu::to_host(std::get<K>(gg)), std::get<K>(gc)) <= 8.0 * double(terms_params)); }(), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(gc)>>{});
    // The first layer of a net gets dx == nullptr: the parameter gradients must not change.
    g.backward(xd, gpu::to_device(yc), gpu::to_device(dy), nullptr);
    auto gg2 = g.grads();
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ([&] { CHECK(max_ulps(gpu::to_host(std::get<K>(gg2)), std::get<K>(gc)) <= 8.0 * double(terms_params)); }(), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(gc)>>{});
}

// rows = 3 samples × output positions.
template <class Layer, class In>
constexpr std::size_t rows() {
    using Out = typename Layer::template output_shape<In>;
    std::size_t p = 3;
    for (std::size_t a = 0; a + 1 < Out::rank; ++a) p *= Out::dim(a);
    return p;
}

} // namespace

TEST_CASE_TEMPLATE("gpu depthwise_conv2d/1d match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    using aniso = L::depthwise_conv2d<L::kernel<3, 5>, L::strides<2, 1>, L::padding::same, L::dilation<1, 2>>;
    compare_layer<aniso, cc::shape<9, 11, 2>, T>(15, 15, rows<aniso, cc::shape<9, 11, 2>>());
    using even_s3 = L::depthwise_conv2d<L::kernel<4, 2>, L::strides<3>, L::padding::same, L::depth_multiplier<3>>;
    compare_layer<even_s3, cc::shape<10, 7, 3>, T>(8, 8 * 3, rows<even_s3, cc::shape<10, 7, 3>>());
    using dilated = L::depthwise_conv2d<L::kernel<3>, L::strides<3>, L::padding::same, L::dilation<2>, L::depth_multiplier<3>, L::no_bias>;
    compare_layer<dilated, cc::shape<8, 7, 2>, T>(9, 9 * 3, rows<dilated, cc::shape<8, 7, 2>>());
    using valid = L::depthwise_conv2d<L::kernel<2, 3>, L::strides<1, 2>>;
    compare_layer<valid, cc::shape<5, 9, 3>, T>(6, 6, rows<valid, cc::shape<5, 9, 3>>());
    using d1 = L::depthwise_conv1d<L::kernel<4>, L::strides<3>, L::padding::same, L::depth_multiplier<3>>;
    compare_layer<d1, cc::shape<10, 2>, T>(4, 12, rows<d1, cc::shape<10, 2>>());
    using d1_causal = L::depthwise_conv1d<L::kernel<3>, L::dilation<2>, L::padding::causal, L::depth_multiplier<2>>;
    compare_layer<d1_causal, cc::shape<9, 3>, T>(3, 6, rows<d1_causal, cc::shape<9, 3>>());
}

TEST_CASE_TEMPLATE("gpu separable_conv2d/1d match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    using keras = L::separable_conv2d<8, L::kernel<3>, L::depth_multiplier<2>>;   // C = 4: C·M = 8 pointwise terms
    compare_layer<keras, cc::shape<7, 6, 4>, T>(9 + 8, 9 * 2 + 8, rows<keras, cc::shape<7, 6, 4>>() + 8);
    using even_s3 = L::separable_conv2d<5, L::kernel<4, 2>, L::strides<3>, L::padding::same, L::depth_multiplier<3>>;
    compare_layer<even_s3, cc::shape<10, 7, 3>, T>(8 + 9, 8 * 3 + 5, rows<even_s3, cc::shape<10, 7, 3>>() + 5);
    using dilated = L::separable_conv2d<4, L::kernel<3, 2>, L::dilation<2>, L::padding::same, L::no_bias>;
    compare_layer<dilated, cc::shape<7, 9, 2>, T>(6 + 2, 6 + 4, rows<dilated, cc::shape<7, 9, 2>>() + 4);
    using s1 = L::separable_conv1d<6, L::kernel<5>, L::strides<2>, L::padding::same, L::depth_multiplier<3>>;
    compare_layer<s1, cc::shape<11, 2>, T>(5 + 6, 15 + 6, rows<s1, cc::shape<11, 2>>() + 6);
}

TEST_CASE("a depthwise-separable network trains to the same weights on the CPU and the GPU") {
    REQUIRE_GPU_OR_SKIP();
    using model = cc::net::sequential<cc::shape<9, 9, 2>,
        L::separable_conv2d<6, L::kernel<3>, L::padding::same, L::depth_multiplier<2>>, L::relu,
        L::depthwise_conv2d<L::kernel<3>, L::strides<2>, L::depth_multiplier<3>>, L::relu,   // (4, 4, 18)
        L::flatten, L::dense<4>, L::softmax>;
    model::on<cc::backend::cpu, float> c{13};
    model::on<cc::backend::gpu, float> g{13};
    CHECK(max_param_difference(c, g) == 0);
    cc::rng r(6);
    const auto x = random_tensor<float>(std::array<std::size_t, 4>{5, 9, 9, 2}, r, -2, 2);
    cc::host_tensor<float, 2> t(std::array<std::size_t, 2>{5, 4});
    t.fill(0);
    for (std::size_t i = 0; i < 5; ++i) t(i, r() % 4) = 1;
    const auto xd = gpu::to_device(x);
    const auto td = gpu::to_device(t);
    cc::optimizers::adam oc, og;
    for (int s = 0; s < 3; ++s) {
        const float lc = cc::train::step(c, cc::losses::categorical_crossentropy{}, oc, x, t);
        const float lg = cc::train::step(g, cc::losses::categorical_crossentropy{}, og, xd, td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    CHECK(max_param_difference(c, g) < 1e-5);
}
