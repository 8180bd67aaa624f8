// Layers that run on backend::gpu through kernels/gpu/activations.hpp, resample.hpp and noise.hpp: each
// layer's forward and backward on the GPU against the same layer on the CPU (same random input, odd shapes:
// batch 3, 7 × 5 images, 3 channels, asymmetric margins and factors), float and double; then small
// networks built from them trained 3 steps on both backends from the same seed. Skips where no GPU is
// present. The noise layers (gaussian_noise, spatial_dropout2d, alpha_dropout) draw on the host from the
// same engines on both backends, so their comparisons are as strict as the deterministic layers'.
// Tolerances, in units of the type's epsilon (the emulator meets them with 0 for all but the exp-based ones;
// the margins are for a real GPU's libm and FMA contraction):
//   exact (0)   copies and selections (leaky_relu, zero padding, cropping, nearest up-sampling, max pooling,
//               masks), and sums taken in the CPU's order (nearest up-sampling's adjoint, average pooling);
//   8 ulps      exp/expm1/log1p-based activations (elu, selu, softplus), relative: the device libm (CUDA
//               expf/log1pf within 1-2 ulps) and the CPU's xsimd each round differently, and softplus
//               chains two such calls and an add;
//   32 ulps of the largest reference value   bilinear up-sampling: its adjoint sums up to (2f)² weighted
//               terms per input pixel (36 for f = 3) that a GPU compiler may contract into FMAs, changing
//               each term's rounding by up to ½ ulp of the partial sum.
// An indexing or formula error shows up as O(1) differences, far above any of these.
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
namespace gpu = cascade::gpu;

using namespace gpu_test;

namespace {

// Largest |gpu − cpu| / (ulp of the reference), the reference's scale being |cpu| element-wise
// (relative) or the largest |cpu| (absolute, for sums whose terms may cancel).
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

// One layer on both backends: forward (train mode) and backward with dx; the GPU's y and dx within tol of
// the CPU's. Both the GPU output and dx start as empty tensors (the kernels size them).
template <class Layer, class In, class T>
void compare_layer(tolerance tol, std::uint64_t seed = 1) {
    using Out = typename Layer::template output_shape<In>;
    cc::rng ec(seed + 1), eg(seed + 1);   // the noise layers seed their engines from these: the same draws
    cc::layers::layer_impl<Layer, In, cc::backend::cpu, T> c(ec);
    cc::layers::layer_impl<Layer, In, cc::backend::gpu, T> g(eg);
    cc::rng r(seed);
    for (int step = 0; step < 2; ++step) {   // twice: noise and masks are drawn anew each forward
        const auto x = random_tensor<T>(cc::batch_shape<In>(3), r, -2, 2);
        const auto dy = random_tensor<T>(cc::batch_shape<Out>(3), r, -2, 2);
        cc::host_tensor<T, Out::rank + 1> yc;
        cc::host_tensor<T, In::rank + 1> dxc;
        gpu::device_tensor<T, Out::rank + 1> yg;
        gpu::device_tensor<T, In::rank + 1> dxg;
        const auto xd = gpu::to_device(x);
        const auto dyd = gpu::to_device(dy);
        c.forward(x, yc, cc::mode::train);
        g.forward(xd, yg, cc::mode::train);
        // Both backward passes get the CPU's y, so that dx measures the backward kernel alone: elu/selu's
        // dx = dy (y + α) would otherwise amplify an ulp of y by |y| / |y + α| (up to e² − 1 ≈ 6.4 for x ≥ −2).
        c.backward(x, yc, dy, &dxc);
        g.backward(xd, gpu::to_device(yc), dyd, &dxg);
        const auto yh = gpu::to_host(yg);
        const auto dxh = gpu::to_host(dxg);
        const std::string what = std::string(Layer::name) + (sizeof(T) == 4 ? " float" : " double");
        INFO(what);
        CHECK(max_ulps(yh, yc, tol.relative) <= tol.ulps);
        CHECK(max_ulps(dxh, dxc, tol.relative) <= tol.ulps);
    }
}

constexpr tolerance exact{0, true};
constexpr tolerance exp_based{8, true};
constexpr tolerance weighted_sum{32, false};
using image = cc::shape<7, 5, 3>;
} // namespace

TEST_CASE_TEMPLATE("gpu activations leaky_relu elu selu softplus match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    compare_layer<L::leaky_relu<>, image, T>(exact);
    compare_layer<L::leaky_relu<cc::ratio<1, 7>>, cc::shape<11>, T>(exact);
    compare_layer<L::elu<>, image, T>(exp_based);
    compare_layer<L::elu<cc::ratio<1, 2>>, cc::shape<13>, T>(exp_based);
    compare_layer<L::selu, image, T>(exp_based);
    compare_layer<L::softplus, image, T>(exp_based);
}

TEST_CASE_TEMPLATE("gpu global average and max pooling 1d and 2d match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    compare_layer<L::global_average_pooling2d<>, image, T>(exact);
    compare_layer<L::global_max_pooling2d<>, image, T>(exact);
    compare_layer<L::global_average_pooling1d<>, cc::shape<9, 4>, T>(exact);
    compare_layer<L::global_max_pooling1d<>, cc::shape<9, 4>, T>(exact);
}

TEST_CASE("gpu global max pooling routes the gradient to the first of tied maxima, as on the CPU") {
    REQUIRE_GPU_OR_SKIP();
    cc::layers::layer_impl<L::global_max_pooling2d<>, cc::shape<2, 2, 1>, cc::backend::gpu, float> g;
    cc::host_tensor<float, 4> x(std::array<std::size_t, 4>{1, 2, 2, 1});
    x.data()[0] = 1; x.data()[1] = 3; x.data()[2] = 3; x.data()[3] = 2;
    cc::host_tensor<float, 2> dy(std::array<std::size_t, 2>{1, 1});
    dy.data()[0] = 5;
    gpu::device_tensor<float, 2> y;
    gpu::device_tensor<float, 4> dx;
    const auto xd = gpu::to_device(x);
    g.forward(xd, y, cc::mode::train);
    g.backward(xd, y, gpu::to_device(dy), &dx);
    CHECK(gpu::to_host(y).data()[0] == 3);
    const auto h = gpu::to_host(dx);
    CHECK(h.data()[0] == 0);
    CHECK(h.data()[1] == 5);
    CHECK(h.data()[2] == 0);
    CHECK(h.data()[3] == 0);
}

TEST_CASE_TEMPLATE("gpu upsampling2d zero_padding2d cropping2d match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    compare_layer<L::upsampling2d<2>, image, T>(exact);
    compare_layer<L::upsampling2d<3>, image, T>(exact);
    compare_layer<L::upsampling2d<2, L::interpolation::bilinear>, image, T>(weighted_sum);
    compare_layer<L::upsampling2d<3, L::interpolation::bilinear>, image, T>(weighted_sum);
    compare_layer<L::upsampling2d<1, L::interpolation::bilinear>, cc::shape<1, 4, 2>, T>(weighted_sum);
    compare_layer<L::zero_padding2d<1>, image, T>(exact);
    compare_layer<L::zero_padding2d<L::sides<0, 2>, L::sides<1, 3>>, image, T>(exact);
    compare_layer<L::cropping2d<L::dims<1, 2>>, image, T>(exact);
    compare_layer<L::cropping2d<L::sides<2, 0>, L::sides<0, 3>>, image, T>(exact);
}

TEST_CASE_TEMPLATE("gpu gaussian_noise spatial_dropout2d alpha_dropout draw the CPU's noise and masks", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    // The noise and masks are drawn on the host from the same engines: masks and their products are exact;
    // gaussian noise is exact up to the CPU's x + r·cos possibly fused into one FMA (1 ulp of |y|).
    compare_layer<L::gaussian_noise<cc::ratio<1, 3>>, image, T>({1, false});
    compare_layer<L::gaussian_noise<cc::ratio<1, 3>>, cc::shape<11>, T>({1, false});   // an odd tail
    compare_layer<L::spatial_dropout2d<cc::ratio<2, 5>>, image, T>(exact);
    compare_layer<L::alpha_dropout<cc::ratio<1, 4>>, image, T>(exact);
    compare_layer<L::alpha_dropout<cc::ratio<1, 4>>, cc::shape<9>, T>(exact);
}

TEST_CASE("gpu noise layers in inference copy their input and gradient") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng e(3), r(4);
    cc::layers::layer_impl<L::gaussian_noise<cc::ratio<1, 2>>, image, cc::backend::gpu, float> a(e);
    cc::layers::layer_impl<L::spatial_dropout2d<cc::ratio<1, 2>>, image, cc::backend::gpu, float> b(e);
    cc::layers::layer_impl<L::alpha_dropout<cc::ratio<1, 2>>, image, cc::backend::gpu, float> c(e);
    const auto x = random_tensor<float>(cc::batch_shape<image>(3), r, -2, 2);
    const auto xd = gpu::to_device(x);
    auto check_identity = [&](auto& layer) {
        gpu::device_tensor<float, 4> y, dx;
        layer.forward(xd, y, cc::mode::infer);
        layer.backward(xd, y, xd, &dx);
        CHECK(max_ulps(gpu::to_host(y), x, true) == 0);
        CHECK(max_ulps(gpu::to_host(dx), x, true) == 0);
    };
    check_identity(a);
    check_identity(b);
    check_identity(c);
}

namespace {
// Model trained 3 adam steps on both backends from the same seed (the same initial weights: see
// test_gpu_network.cpp) on the same batch; losses and weights agree to float rounding.
template <class Model>
void compare_training(std::size_t classes) {
    using cpu_net = typename Model::template on<cc::backend::cpu, float>;
    using In = typename cpu_net::input_shape;
    cpu_net c{13};
    typename Model::template on<cc::backend::gpu, float> g{13};
    CHECK(max_param_difference(c, g) == 0);
    cc::rng r(6);
    const auto x = random_tensor<float>(cc::batch_shape<In>(3), r, -2, 2);
    cc::host_tensor<float, 2> t(std::array<std::size_t, 2>{3, classes});
    t.fill(0);
    for (std::size_t i = 0; i < 3; ++i) t(i, r() % classes) = 1;
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
} // namespace

TEST_CASE("networks of the new gpu layers train to the same weights on the CPU and the GPU") {
    REQUIRE_GPU_OR_SKIP();
    using a = cc::net::sequential<image, L::conv2d<4, L::kernel<3>, L::padding::same>, L::elu<>,
                                  L::spatial_dropout2d<cc::ratio<1, 4>>, L::upsampling2d<2>,
                                  L::zero_padding2d<L::sides<0, 1>, L::sides<2, 0>>,
                                  L::global_average_pooling2d<>, L::dense<5>, L::softmax>;
    compare_training<a>(5);
    using b = cc::net::sequential<image, L::conv2d<4, L::kernel<3>>, L::leaky_relu<>, L::upsampling2d<2, L::interpolation::bilinear>,
                                  L::cropping2d<L::sides<1, 0>, L::sides<2, 1>>, L::gaussian_noise<cc::ratio<1, 10>>, L::selu,
                                  L::global_max_pooling2d<>, L::dense<6>, L::alpha_dropout<cc::ratio<1, 5>>, L::softplus,
                                  L::dense<3>, L::softmax>;
    compare_training<b>(3);
}
