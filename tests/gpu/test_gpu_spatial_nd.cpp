// zero_padding1d/2d/3d, cropping1d/2d/3d and upsampling1d/2d/3d on backend::gpu (kernels/gpu/resample.hpp)
// against the same layers on the CPU: forward and backward, float and double, batch 3, odd sizes and
// channel counts, asymmetric margins and per-axis factors; then a 1-D and a 3-D network trained 3 steps
// on both backends. Skips where no GPU is present.
// Tolerances, in units of the type's epsilon: copies (padding, cropping, nearest up-sampling) and the
// nearest adjoint (sums taken in the CPU's order) are exact; bilinear allows 32 ulps of the largest
// reference value (its adjoint sums up to (2f)² weighted terms that a GPU compiler may contract into
// FMAs; see tests/gpu/test_gpu_layers.cpp). An indexing error shows up as O(1) differences.
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace cc = cascade;
namespace L = cc::layers;
namespace gpu = cascade::gpu;

using namespace gpu_test;

namespace {

// Largest |gpu − cpu| in ulps of the largest |cpu| (0 for identical results).
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

// Layer on both backends, forward and backward (the GPU's y and dx start empty: the kernels size them;
// a second pass reuses them).
template <class Layer, class In, class T>
void compare(double ulps) {
    using Out = typename Layer::template output_shape<In>;
    cc::rng e(1);
    L::layer_impl<Layer, In, cc::backend::cpu, T> c(e);
    L::layer_impl<Layer, In, cc::backend::gpu, T> g(e);
    cc::rng r(2);
    gpu::device_tensor<T, Out::rank + 1> yg;
    gpu::device_tensor<T, In::rank + 1> dxg;
    for (int pass = 0; pass < 2; ++pass) {
        const auto x = random_tensor<T>(cc::batch_shape<In>(3), r, -2, 2);
        const auto dy = random_tensor<T>(cc::batch_shape<Out>(3), r, -2, 2);
        cc::host_tensor<T, Out::rank + 1> yc;
        cc::host_tensor<T, In::rank + 1> dxc;
        const auto xd = gpu::to_device(x);
        c.forward(x, yc, cc::mode::train);
        g.forward(xd, yg, cc::mode::train);
        c.backward(x, yc, dy, &dxc);
        g.backward(xd, yg, gpu::to_device(dy), &dxg);
        const std::string what = std::string(Layer::name) + (sizeof(T) == 4 ? " float" : " double") + " pass " + std::to_string(pass);
        INFO(what);
        CHECK(ulps_of_max(gpu::to_host(yg), yc) <= ulps);
        CHECK(ulps_of_max(gpu::to_host(dxg), dxc) <= ulps);
    }
}

constexpr double exact = 0;
constexpr double weighted_sum = 32;

} // namespace

TEST_CASE_TEMPLATE("gpu zero_padding1d/2d/3d and cropping1d/2d/3d match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    compare<L::zero_padding1d<2>, cc::shape<7, 3>, T>(exact);
    compare<L::zero_padding1d<L::sides<0, 3>>, cc::shape<7, 3>, T>(exact);
    compare<L::zero_padding2d<L::dims<1, 2>>, cc::shape<7, 5, 3>, T>(exact);
    compare<L::zero_padding2d<L::sides<2, 0>, L::sides<1, 3>>, cc::shape<7, 5, 3>, T>(exact);
    compare<L::zero_padding3d<1>, cc::shape<3, 5, 4, 3>, T>(exact);
    compare<L::zero_padding3d<L::sides<1, 0>, L::sides<0, 2>, L::sides<3, 1>>, cc::shape<3, 5, 4, 3>, T>(exact);
    compare<L::cropping1d<L::sides<1, 3>>, cc::shape<7, 3>, T>(exact);
    compare<L::cropping2d<L::sides<0, 2>, L::sides<1, 0>>, cc::shape<7, 5, 3>, T>(exact);
    compare<L::cropping3d<L::dims<1, 0, 2>>, cc::shape<3, 5, 7, 3>, T>(exact);
    compare<L::cropping3d<L::sides<0, 2>, L::sides<1, 1>, L::sides<2, 0>>, cc::shape<3, 5, 7, 3>, T>(exact);
}

TEST_CASE_TEMPLATE("gpu upsampling1d/2d/3d match the CPU layers", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    compare<L::upsampling1d<>, cc::shape<7, 3>, T>(exact);
    compare<L::upsampling1d<3>, cc::shape<7, 3>, T>(exact);
    compare<L::upsampling2d<L::dims<2, 3>>, cc::shape<7, 5, 3>, T>(exact);
    compare<L::upsampling2d<L::dims<1, 2>, L::interpolation::nearest>, cc::shape<7, 5, 3>, T>(exact);
    compare<L::upsampling3d<>, cc::shape<3, 5, 4, 3>, T>(exact);
    compare<L::upsampling3d<L::dims<3, 1, 2>>, cc::shape<3, 5, 4, 3>, T>(exact);
    compare<L::upsampling2d<L::dims<2, 3>, L::interpolation::bilinear>, cc::shape<7, 5, 3>, T>(weighted_sum);
    compare<L::upsampling2d<L::dims<3, 1>, L::interpolation::bilinear>, cc::shape<7, 5, 3>, T>(weighted_sum);
    compare<L::upsampling2d<L::dims<1, 4>, L::interpolation::bilinear>, cc::shape<1, 4, 2>, T>(weighted_sum);
}

namespace {
// Model trained 3 adam steps on both backends from the same seed on the same batch.
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

TEST_CASE("gpu networks with 1-D and 3-D padding, cropping and upsampling train as on the CPU") {
    REQUIRE_GPU_OR_SKIP();
    using seq = cc::net::sequential<cc::shape<9, 2>, L::zero_padding1d<L::sides<1, 2>>, L::conv1d<4, L::kernel<3>>,
                                    L::upsampling1d<3>, L::cropping1d<L::sides<2, 1>>, L::global_average_pooling1d<>,
                                    L::dense<3>, L::softmax>;
    compare_training<seq>(3);
    using vol = cc::net::sequential<cc::shape<3, 4, 5, 2>, L::zero_padding3d<L::sides<0, 1>, L::sides<1, 0>, L::sides<0, 2>>,
                                    L::conv3d<3, L::kernel<2>>, L::upsampling3d<L::dims<1, 2, 1>>,
                                    L::cropping3d<L::dims<0, 1, 1>>, L::flatten, L::dense<4>, L::softmax>;
    compare_training<vol>(4);
}
