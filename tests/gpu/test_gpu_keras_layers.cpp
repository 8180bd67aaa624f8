// The Keras layers of issue 12 item 5 on backend::gpu (kernels/gpu/layout.hpp, axis_softmax.hpp,
// layer_norm.hpp, rectifiers.hpp): permute, repeat_vector, layer_normalization, prelu, relu_with and
// softmax_over. Each layer's forward, backward (dx) and parameter gradients on the GPU against the same
// layer on the CPU, float and double, odd shapes, parameters set to the same random values on both; then a
// network of all six trained 3 steps on both backends from the same seed. Skips where no GPU is present.
// Every GPU kernel runs the CPU's per-element / per-row / per-column function in the CPU's order, so the
// emulator gives the CPU's bits. The tolerances, in units of the type's epsilon, leave room for a real GPU:
//   exact (0)       copies and gathers (permute, repeat_vector and its sum: no product to contract),
//                   prelu's y and dx and relu_with (one product per element);
//   8 ulps          softmax_over's y, relative: the device's exp against the host's;
//   8·K ulps of the largest reference value   sums of K products that a GPU compiler may contract into FMAs
//                   (layer_normalization's statistics and gradients, softmax_over's dx, prelu's dα), the
//                   GEMM convention of docs/gpu.md.
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

// Largest |gpu − cpu| in units of ε times |cpu| (relative) or times the largest |cpu| (absolute).
template <class T, std::size_t R>
double max_ulps(const cc::host_tensor<T, R>& g, const cc::host_tensor<T, R>& c, bool relative) {
    REQUIRE(g.shape() == c.shape());
    double scale = std::numeric_limits<T>::min();
    for (const T v : c) scale = std::max(scale, double(std::abs(v)));
    double m = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
        const double ref = relative ? std::max(double(std::abs(c.data()[i])), double(std::numeric_limits<T>::min())) : scale;
        m = std::max(m, std::abs(double(g.data()[i]) - double(c.data()[i])) / (ref * std::numeric_limits<T>::epsilon()));
    }
    return m;
}

struct tolerance {
    double ulps;
    bool relative;
};
constexpr tolerance exact{0, true};

// Layer on both backends with the same random parameters; forward (train mode), backward with dx; y, dx
// and every parameter gradient compared. Both backward passes get the CPU's y.
template <class Layer, class In, class T>
void compare_layer(tolerance ty, tolerance tdx, tolerance tparams, std::uint64_t seed = 1) {
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
    CHECK(max_ulps(gpu::to_host(yg), yc, ty.relative) <= ty.ulps);
    CHECK(max_ulps(gpu::to_host(dxg), dxc, tdx.relative) <= tdx.ulps);
    auto gc = c.grads();
    auto gg = g.grads();
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ([&] { CHECK(max_ulps(gpu::to_host(std::get<K>(gg)), std::get<K>(gc), tparams.relative) <= tparams.ulps); }(), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(gc)>>{});
}

} // namespace

TEST_CASE_TEMPLATE("gpu permute and repeat_vector match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    compare_layer<L::permute<2, 1>, cc::shape<7, 5>, T>(exact, exact, exact);
    compare_layer<L::permute<3, 1, 2>, cc::shape<7, 5, 3>, T>(exact, exact, exact);
    compare_layer<L::permute<2, 3, 1>, cc::shape<7, 5, 3>, T>(exact, exact, exact);
    compare_layer<L::permute<1, 2, 3>, cc::shape<7, 5, 3>, T>(exact, exact, exact);
    compare_layer<L::repeat_vector<5>, cc::shape<13>, T>(exact, exact, exact);
    compare_layer<L::repeat_vector<1>, cc::shape<3>, T>(exact, exact, exact);
}

TEST_CASE_TEMPLATE("gpu layer_normalization matches the CPU layer, with and without center and scale", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    // C = 13 values per row; the parameter gradients sum 3 · 7 · 5 = 105 rows.
    constexpr tolerance row{8 * 13, false}, column{8 * 105, false};
    compare_layer<L::layer_normalization<>, cc::shape<7, 5, 13>, T>(row, row, column);
    compare_layer<L::layer_normalization<L::no_center, L::epsilon<1, 10>>, cc::shape<7, 5, 13>, T>(row, row, column);
    compare_layer<L::layer_normalization<L::no_scale>, cc::shape<7, 5, 13>, T>(row, row, column);
    compare_layer<L::layer_normalization<L::no_scale, L::no_center>, cc::shape<35, 13>, T>(row, row, column);
}

TEST_CASE_TEMPLATE("gpu prelu matches the CPU layer, alpha per element and shared", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    // dα sums the batch (3) times the shared positions: 3, 3 · 35, 3 · 5.
    compare_layer<L::prelu<>, cc::shape<7, 5, 3>, T>(exact, exact, {8 * 3, false});
    compare_layer<L::prelu<L::shared_axes<1, 2>>, cc::shape<7, 5, 3>, T>(exact, exact, {8 * 105, false});
    compare_layer<L::prelu<L::shared_axes<2>>, cc::shape<7, 5, 3>, T>(exact, exact, {8 * 15, false});
    compare_layer<L::prelu<>, cc::shape<11>, T>(exact, exact, {8 * 3, false});
}

TEST_CASE_TEMPLATE("gpu relu_with and softmax_over match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    compare_layer<L::relu_with<>, cc::shape<7, 5, 3>, T>(exact, exact, exact);
    compare_layer<L::relu6, cc::shape<7, 5, 3>, T>(exact, exact, exact);
    compare_layer<L::relu_with<L::max_value<3, 2>, L::negative_slope<1, 10>, L::threshold<1, 4>>, cc::shape<13>, T>(exact, exact, exact);
    constexpr tolerance exp_based{8, true};
    compare_layer<L::softmax_over<1>, cc::shape<7, 5, 3>, T>(exp_based, {8 * 7, false}, exact);
    compare_layer<L::softmax_over<2>, cc::shape<7, 5, 3>, T>(exp_based, {8 * 5, false}, exact);
    compare_layer<L::softmax_over<-1>, cc::shape<7, 5, 3>, T>(exp_based, {8 * 3, false}, exact);
    compare_layer<L::softmax_over<-2>, cc::shape<9, 11>, T>(exp_based, {8 * 9, false}, exact);
}

TEST_CASE("a network of the Keras layers trains to the same weights on the CPU and the GPU") {
    REQUIRE_GPU_OR_SKIP();
    using model = cc::net::sequential<cc::shape<6>, L::dense<10>, L::prelu<>, L::repeat_vector<3>, L::layer_normalization<>,
                                      L::permute<2, 1>, L::relu_with<L::max_value<6>, L::negative_slope<1, 10>>,
                                      L::softmax_over<1>, L::flatten, L::dense<4>, L::softmax>;
    model::on<cc::backend::cpu, float> c{13};
    model::on<cc::backend::gpu, float> g{13};
    CHECK(max_param_difference(c, g) == 0);
    cc::rng r(6);
    const auto x = random_tensor<float>(std::array<std::size_t, 2>{5, 6}, r, -2, 2);
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
