// GPU transposed convolutions (1-D/2-D/3-D), maxout, and net::concat / net::multi_input against the CPU
// path: the same layer type with the same seed on both backends, forward and backward (dx, dW, db) on odd
// shapes, strides 1 and 2, 'valid' and 'same', float and double; maxout's routing exactly (ties included);
// concat and multi_input networks trained with train::step to the same weights. Skips where no GPU is
// present.
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <cascade/net/concat.hpp>
#include <cascade/net/multi_input.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
namespace gpu = cascade::gpu;
using cc::shape;

using namespace gpu_test;

namespace {
template <class T, std::size_t R>
double max_abs_diff(const cc::host_tensor<T, R>& c, const gpu::device_tensor<T, R>& d) {
    const auto h = gpu::to_host(d);
    REQUIRE(h.shape() == c.shape());
    double m = 0;
    for (std::size_t i = 0; i < c.size(); ++i) m = std::max(m, std::abs(double(c.data()[i]) - double(h.data()[i])));
    return m;
}

// One layer type on both backends from the same seed (random bias too, so that forward's bias path is
// compared), forward and backward on a batch of 3; every result against the CPU's.
template <class Layer, class In, class T>
void compare_layer(std::size_t forward_terms, std::size_t dx_terms, std::size_t dw_terms, std::size_t db_terms) {
    constexpr std::size_t R = In::rank + 1;
    using Out = typename Layer::template output_shape<In>;
    cc::rng rc(11), rg(11);
    typename Layer::template impl<In, cc::backend::cpu, T> c(rc);
    typename Layer::template impl<In, cc::backend::gpu, T> g(rg);
    CHECK(max_abs_diff(c.w, g.w) == 0);   // the same draws, staged through the host
    cc::rng r(5);
    c.b = random_tensor<T, 1>(c.b.shape(), r);
    g.b = gpu::to_device(c.b);
    const std::size_t n = 3;
    const auto x = random_tensor<T, R>(cc::batch_shape<In>(n), r);
    const auto dy = random_tensor<T, R>(cc::batch_shape<Out>(n), r);
    const auto xd = gpu::to_device(x), dyd = gpu::to_device(dy);
    cc::host_tensor<T, R> y, dx;
    gpu::device_tensor<T, R> yd, dxd;
    c.forward(x, y, cc::mode::train);
    g.forward(xd, yd, cc::mode::train);
    c.backward(x, y, dy, &dx);
    g.backward(xd, yd, dyd, &dxd);
    // Both are sums of `terms` products of magnitude ≤ 1 in a different order: |Δ| ≤ 8·terms·ε.
    const double eps = std::numeric_limits<T>::epsilon();
    CHECK(max_abs_diff(y, yd) <= 8.0 * double(forward_terms) * eps);
    CHECK(max_abs_diff(dx, dxd) <= 8.0 * double(dx_terms) * eps);
    CHECK(max_abs_diff(c.dw, g.dw) <= 8.0 * double(dw_terms) * eps);
    CHECK(max_abs_diff(c.db, g.db) <= 8.0 * double(db_terms) * eps);
    // Without an input gradient (a first layer): the parameter gradients alone.
    g.backward(xd, yd, dyd, static_cast<gpu::device_tensor<T, R>*>(nullptr));
    CHECK(max_abs_diff(c.dw, g.dw) <= 8.0 * double(dw_terms) * eps);
}
} // namespace

// Term counts: forward sums at most K^D·C products, dx K^D·F, dW N·(input positions), db N·(output positions).
TEST_CASE_TEMPLATE("gpu conv1d_transpose forward and backward match the CPU (strides 1 and 2, valid and same)", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    namespace P = L::padding;
    compare_layer<L::conv1d_transpose<5, L::kernel<3>, P::valid>, shape<7, 3>, T>(3 * 3, 3 * 5, 3 * 7, 3 * 9);
    compare_layer<L::conv1d_transpose<4, L::kernel<3>, L::strides<2>, P::same>, shape<9, 2>, T>(3 * 2, 3 * 4, 3 * 9, 3 * 18);
    compare_layer<L::conv1d_transpose<3, L::kernel<4>, L::strides<2>, P::valid>, shape<5, 3>, T>(4 * 3, 4 * 3, 3 * 5, 3 * 12);
}

TEST_CASE_TEMPLATE("gpu conv2d_transpose forward and backward match the CPU (strides 1 and 2, valid and same, 1x1)", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    namespace P = L::padding;
    compare_layer<L::conv2d_transpose<3, L::kernel<3>, L::strides<2>, P::valid>, shape<5, 7, 2>, T>(9 * 2, 9 * 3, 3 * 35, 3 * 11 * 15);
    compare_layer<L::conv2d_transpose<4, L::kernel<3>, P::same>, shape<6, 5, 3>, T>(9 * 3, 9 * 4, 3 * 30, 3 * 30);
    compare_layer<L::conv2d_transpose<2, L::kernel<1>, P::valid>, shape<4, 3, 5>, T>(5, 2, 3 * 12, 3 * 12);   // pointwise
}

TEST_CASE_TEMPLATE("gpu conv3d_transpose forward and backward match the CPU (strides 1 and 2, valid and same)", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    namespace P = L::padding;
    compare_layer<L::conv3d_transpose<3, L::kernel<3>, L::strides<2>, P::same>, shape<3, 4, 5, 2>, T>(27 * 2, 27 * 3, 3 * 60, 3 * 480);
    compare_layer<L::conv3d_transpose<2, L::kernel<2>, P::valid>, shape<3, 3, 3, 3>, T>(8 * 3, 8 * 2, 3 * 27, 3 * 64);
}

TEST_CASE_TEMPLATE("gpu maxout pieces route exactly like the CPU (ties to the first piece)", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    cc::rng r(3);
    const std::size_t n = 37, units = 13, pieces = 3;
    // Values from {−1, 0, 1}: most groups have ties.
    cc::host_tensor<T, 2> z(std::array<std::size_t, 2>{n, units * pieces});
    for (auto& v : z) v = T(int(r() % 3) - 1);
    const auto dy = random_tensor<T, 2>({n, units}, r);
    cc::host_tensor<T, 2> y, dz;
    cc::kernels::max_pieces_forward(z, pieces, y);
    cc::kernels::max_pieces_backward(z, dy, pieces, dz);
    const auto zd = gpu::to_device(z), dyd = gpu::to_device(dy);
    gpu::device_tensor<T, 2> yd, dzd;
    cc::kernels::max_pieces_forward(zd, pieces, yd);
    cc::kernels::max_pieces_backward(zd, dyd, pieces, dzd);
    CHECK(max_abs_diff(y, yd) == 0);
    CHECK(max_abs_diff(dz, dzd) == 0);
    // One piece per unit: the identity.
    cc::kernels::max_pieces_forward(zd, 1, yd);
    CHECK(max_abs_diff(z, yd) == 0);
}

TEST_CASE_TEMPLATE("gpu maxout layer forward and backward match the CPU", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    // dense to 7·3 = 21 values from 11 inputs: forward sums 11 terms, dx 21, dW and db the batch (3).
    compare_layer<L::maxout<7, 3>, shape<11>, T>(11, 21, 3, 3);
}

using concat_dense = cc::net::sequential<
    shape<6>, L::dense<10>, L::relu,
    cc::net::concat<cc::net::branch<L::dense<8>, L::relu>, cc::net::branch<L::dense<5>>, cc::net::branch<>>,
    L::dense<4>>;
// Channel-axis joins of images: a transposed convolution next to the identity, then a maxout head.
using concat_image = cc::net::sequential<
    shape<5, 4, 2>,
    cc::net::concat<cc::net::branch<L::conv2d_transpose<3, L::kernel<3>, L::padding::same>, L::tanh>, cc::net::branch<>>,
    L::flatten, L::maxout<3, 2>>;

TEST_CASE_TEMPLATE("a concat network trains to the same weights on the CPU and the GPU", Net, concat_dense, concat_image) {
    REQUIRE_GPU_OR_SKIP();
    using CpuNet = typename Net::template on<cc::backend::cpu, float>;
    CpuNet c{21};
    typename Net::template on<cc::backend::gpu, float> g{21};
    CHECK(max_param_difference(c, g) == 0);
    cc::rng r(4);
    using In = typename CpuNet::input_shape;
    using Out = typename CpuNet::output_shape;
    const std::size_t n = 17;
    const auto x = random_tensor<float, In::rank + 1>(cc::batch_shape<In>(n), r);
    const auto t = random_tensor<float, 2>(cc::batch_shape<Out>(n), r);
    const auto xd = gpu::to_device(x);
    const auto td = gpu::to_device(t);
    cc::optimizers::sgd oc, og;
    oc.opt = og.opt = {.lr = 0.1, .momentum = 0.9};
    for (int s = 0; s < 3; ++s) {
        const float lc = cc::train::step(c, cc::losses::mse{}, oc, x, t);
        const float lg = cc::train::step(g, cc::losses::mse{}, og, xd, td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    // Float GEMMs in a different summation order: weights agree to ~1e-6 after 3 steps.
    CHECK(max_param_difference(c, g) < 1e-5);
    // The input gradient too, through the identity branch's copy and the branches' sum.
    gpu::device_tensor<float, In::rank + 1> dxd;
    cc::host_tensor<float, In::rank + 1> dx;
    c.forward(x, cc::mode::train);
    g.forward(xd, cc::mode::train);
    const auto dy = random_tensor<float, 2>(cc::batch_shape<Out>(n), r);
    c.backward(dy, &dx);
    g.backward(gpu::to_device(dy), &dxd);
    CHECK(max_abs_diff(dx, dxd) < 1e-5);
}

using two_inputs = cc::net::multi_input<
    cc::net::inputs<cc::net::sequential<shape<5>, L::dense<6>, L::relu>,   // (N, 6)
                    cc::net::sequential<shape<3>, L::dense<4>, L::tanh>>,  // (N, 4)
    L::dense<5>, L::relu, L::dense<2>>;

TEST_CASE("a multi_input network trains to the same weights on the CPU and the GPU") {
    REQUIRE_GPU_OR_SKIP();
    two_inputs::on<cc::backend::cpu, float> c{8};
    two_inputs::on<cc::backend::gpu, float> g{8};
    CHECK(max_param_difference(c, g) == 0);
    cc::rng r(6);
    const std::size_t n = 19;
    const auto x0 = random_tensor<float, 2>({n, 5}, r), x1 = random_tensor<float, 2>({n, 3}, r);
    const auto t = random_tensor<float, 2>({n, 2}, r);
    const auto x0d = gpu::to_device(x0), x1d = gpu::to_device(x1), td = gpu::to_device(t);
    cc::optimizers::adam oc, og;
    for (int s = 0; s < 3; ++s) {
        const float lc = cc::train::step(c, cc::losses::mse{}, oc, std::tie(x0, x1), t);
        const float lg = cc::train::step(g, cc::losses::mse{}, og, std::tie(x0d, x1d), td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    CHECK(max_param_difference(c, g) < 1e-5);
    // Input gradients of both heads.
    cc::host_tensor<float, 2> dx0, dx1;
    gpu::device_tensor<float, 2> dx0d, dx1d;
    c.forward(std::tie(x0, x1), cc::mode::train);
    g.forward(std::tie(x0d, x1d), cc::mode::train);
    const auto dy = random_tensor<float, 2>({n, 2}, r);
    c.backward(dy, std::tuple{&dx0, &dx1});
    g.backward(gpu::to_device(dy), std::tuple{&dx0d, &dx1d});
    CHECK(max_abs_diff(dx0, dx0d) < 1e-5);
    CHECK(max_abs_diff(dx1, dx1d) < 1e-5);
}
