// The merge layers (net/merge.hpp: add, subtract, multiply, average, maximum, minimum, concatenate<Axis>)
// on backend::gpu against backend::cpu: the axis slice copies on every axis of an odd 4-D tensor and the
// maximum/minimum kernels (ties and NaNs) exactly; every merge as a layer, forward and backward (y, dx and
// every branch's parameter gradients), float and double, from the same seed; a network of merges trained
// with train::step to the same weights. Skips where no GPU is present.
#include "gpu_test.hpp"

#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
namespace N = cc::net;
namespace gpu = cascade::gpu;
using cc::shape;
using N::branch;
using namespace gpu_test;

namespace {

using cpu_b = cc::backend::cpu;
using gpu_b = cc::backend::gpu;

// Vectors (7) → (5) and images (5, 3, 2).
using v_dense = branch<L::dense<5>>;
using v_chain = branch<L::dense<4>, L::tanh, L::dense<5>>;
using v_sig = branch<L::dense<5>, L::sigmoid>;
using m_add = N::add<v_dense, v_chain, v_sig>;
using m_sub = N::subtract<v_chain, v_dense>;
using m_mul = N::multiply<v_dense, v_chain, v_sig>;
using m_avg = N::average<v_sig, v_dense, v_chain>;
using m_max = N::maximum<v_dense, v_chain, v_sig>;
using m_min = N::minimum<v_chain, v_sig, v_dense>;
using i_conv = branch<L::conv2d<2, L::kernel<3>, L::padding::same>, L::tanh>;
using m_add_img = N::add<i_conv, branch<>, branch<L::conv2d<2, L::kernel<1>>>>;
using m_max_img = N::maximum<branch<>, i_conv>;
using m_cat_h = N::concatenate<1, branch<L::conv2d<2, L::kernel<2, 1>>>, branch<>, i_conv>;   // (4|5|5, 3, 2)
using m_cat_w = N::concatenate<-2, branch<L::conv2d<2, L::kernel<1, 2>>>, i_conv>;             // (5, 2|3, 2)
using m_cat_c = N::concatenate<3, branch<L::conv2d<3, L::kernel<1>>>, branch<>>;               // (5, 3, 3|2)

template <class M>
struct input_of {
    using type = shape<7>;
};
template <class M>
    requires(std::is_same_v<M, m_add_img> || std::is_same_v<M, m_max_img> || std::is_same_v<M, m_cat_h> ||
             std::is_same_v<M, m_cat_w> || std::is_same_v<M, m_cat_c>)
struct input_of<M> {
    using type = shape<5, 3, 2>;
};

// Largest difference over every parameter gradient of two impls (either backend).
template <class A, class B>
double max_grad_difference(A& a, B& b) {
    std::vector<std::vector<double>> ga;
    std::apply([&](auto&... g) {
        ([&] {
             const auto h = host_copy(g);
             ga.emplace_back(h.begin(), h.end());
         }(), ...);
    }, a.grads());
    double m = 0;
    std::size_t k = 0;
    std::apply([&](auto&... g) {
        ([&] {
             const auto h = host_copy(g);
             REQUIRE(h.size() == ga[k].size());
             for (std::size_t i = 0; i < h.size(); ++i) m = std::max(m, std::abs(double(h.data()[i]) - ga[k][i]));
             ++k;
         }(), ...);
    }, b.grads());
    REQUIRE(k == ga.size());
    return m;
}

} // namespace

TEST_CASE_TEMPLATE("gpu copy_axis_slice joins and splits on every axis exactly as the CPU", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    cc::rng r(3);
    // Parts (3, 5, 7, 3) with extent 2 + 5 + 4 on the joined axis; every axis in turn (0 included: the kernel
    // does not care which axis it is).
    for (std::size_t axis = 0; axis < 4; ++axis) {
        std::array<std::size_t, 4> whole{3, 5, 7, 3};
        const std::array<std::size_t, 3> widths{2, 5, 4};
        whole[axis] = 11;
        cc::host_tensor<T, 4> yc(whole);
        yc.fill(T(0));
        auto yg = gpu::to_device(yc);
        std::size_t offset = 0;
        for (std::size_t w : widths) {
            std::array<std::size_t, 4> s{3, 5, 7, 3};
            s[axis] = w;
            const auto part = random_tensor<T, 4>(s, r);
            cc::kernels::copy_axis_slice(part, 0, yc, offset, w, axis);
            cc::kernels::copy_axis_slice(gpu::to_device(part), 0, yg, offset, w, axis);
            // Split it back out of the joined tensor.
            cc::host_tensor<T, 4> back(s);
            gpu::device_tensor<T, 4> backd(s);
            cc::kernels::copy_axis_slice(yc, offset, back, 0, w, axis);
            cc::kernels::copy_axis_slice(yg, offset, backd, 0, w, axis);
            CHECK(max_abs_diff(back, part) == 0);
            CHECK(max_abs_diff(host_copy(backd), part) == 0);
            offset += w;
        }
        CHECK(max_abs_diff(host_copy(yg), yc) == 0);
        // Every element was written (no zero left from the fill: the parts are random in (−1, 1)).
        CHECK(std::count(yc.begin(), yc.end(), T(0)) == 0);
    }
}

TEST_CASE_TEMPLATE("gpu maximum/minimum kernels: the same values, branch indices and routed gradients", T, float, double) {
    REQUIRE_GPU_OR_SKIP();
    cc::rng r(7);
    const std::size_t n = 1031;   // several blocks, odd
    std::vector<cc::host_tensor<T, 2>> f;
    for (int k = 0; k < 3; ++k) f.push_back(random_tensor<T, 2>({n, 1}, r));
    // Ties between branches 0/1 and 1/2, and NaNs in each branch.
    for (std::size_t i = 0; i < n; i += 5) f[1].data()[i] = f[0].data()[i];
    for (std::size_t i = 2; i < n; i += 7) f[2].data()[i] = f[1].data()[i];
    for (std::size_t i = 3; i < n; i += 11) f[i % 3].data()[i] = std::numeric_limits<T>::quiet_NaN();
    const auto dy = random_tensor<T, 2>({n, 1}, r);
    const auto dyd = gpu::to_device(dy);
    for (bool minimum : {false, true}) {
        cc::host_tensor<T, 2> y, arg;
        gpu::device_tensor<T, 2> yd, argd;
        for (std::size_t k = 0; k < 3; ++k) {
            cc::kernels::extremum_merge_step(f[k], k, y, arg, minimum);
            cc::kernels::extremum_merge_step(gpu::to_device(f[k]), k, yd, argd, minimum);
        }
        const auto yh = host_copy(yd);
        for (std::size_t i = 0; i < n; ++i) {
            const T a = y.data()[i], b = yh.data()[i];
            CHECK(((a == b) || (std::isnan(a) && std::isnan(b))));
        }
        CHECK(max_abs_diff(host_copy(argd), arg) == 0);
        for (std::size_t k = 0; k < 3; ++k) {
            cc::host_tensor<T, 2> d;
            gpu::device_tensor<T, 2> dd;
            cc::kernels::route_by_index(dy, arg, k, d);
            cc::kernels::route_by_index(dyd, argd, k, dd);
            CHECK(max_abs_diff(host_copy(dd), d) == 0);
        }
        // The CPU rule itself at a tie: branch 0 kept where f0 = f1 and f2 does not win.
        for (std::size_t i = 0; i < n; i += 5)
            if (!std::isnan(f[0].data()[i]) && !std::isnan(f[1].data()[i]) && !std::isnan(f[2].data()[i]) &&
                (minimum ? !(f[2].data()[i] < f[0].data()[i]) : !(f[2].data()[i] > f[0].data()[i])))
                CHECK(arg.data()[i] == 0);
    }
    cc::host_tensor<T, 2> q;
    gpu::device_tensor<T, 2> qd;
    cc::kernels::divide_by(dy, T(3), q);
    cc::kernels::divide_by(dyd, T(3), qd);
    CHECK(max_abs_diff(host_copy(qd), q) == 0);
}

TEST_CASE_TEMPLATE("gpu merge layers: forward, dx and parameter gradients as on the CPU", M, m_add, m_sub, m_mul, m_avg, m_max, m_min,
                   m_add_img, m_max_img, m_cat_h, m_cat_w, m_cat_c) {
    REQUIRE_GPU_OR_SKIP();
    using In = typename input_of<M>::type;
    using Out = cc::layers::output_shape_of<M, In>;
    auto run = [](auto zero) {
        using T = decltype(zero);
        constexpr std::size_t R = In::rank + 1, RO = Out::rank + 1;
        cc::rng rc(13), rg(13);
        cc::layers::layer_impl<M, In, cpu_b, T> c(rc);
        cc::layers::layer_impl<M, In, gpu_b, T> g(rg);
        cc::rng r(5);
        const std::size_t n = 5;
        const auto x = random_tensor<T, R>(cc::batch_shape<In>(n), r);
        const auto dy = random_tensor<T, RO>(cc::batch_shape<Out>(n), r);
        const auto xd = gpu::to_device(x), dyd = gpu::to_device(dy);
        cc::host_tensor<T, RO> y;
        gpu::device_tensor<T, RO> yd;
        cc::host_tensor<T, R> dx;
        gpu::device_tensor<T, R> dxd;
        c.forward(x, y, cc::mode::train);
        g.forward(xd, yd, cc::mode::train);
        c.backward(x, y, dy, &dx);
        g.backward(xd, yd, dyd, &dxd);
        // Dense/conv sums of ≤ 18 terms in another order, then a few element-wise operations.
        const double tol = 256 * std::numeric_limits<T>::epsilon();
        CHECK(max_abs_diff(host_copy(yd), y) <= tol);
        CHECK(max_abs_diff(host_copy(dxd), dx) <= tol);
        CHECK(max_grad_difference(c, g) <= tol);
        if constexpr (requires { c.op.arg; }) CHECK(max_abs_diff(host_copy(g.op.arg), c.op.arg) == 0);
        // A second forward/backward with the buffers in place (steady state) gives the same results.
        g.forward(xd, yd, cc::mode::train);
        g.backward(xd, yd, dyd, &dxd);
        CHECK(max_abs_diff(host_copy(dxd), dx) <= tol);
    };
    run(0.0f);
    run(0.0);
}

using merge_net = N::sequential<
    shape<5, 3, 2>, N::concatenate<2, branch<L::conv2d<3, L::kernel<1, 2>>>, branch<L::conv2d<3, L::kernel<3>, L::padding::same>>>,
    L::relu, L::flatten, L::dense<9>, L::tanh,
    N::add<branch<L::dense<6>, L::tanh, L::dense<6>>, branch<L::dense<6>>>,
    N::multiply<branch<L::dense<6>, L::sigmoid>, branch<>>, N::subtract<branch<>, branch<L::dense<6>>>,
    N::average<branch<>, branch<L::dense<6>>>, N::maximum<branch<L::dense<4>>, branch<L::dense<4>>>,
    N::minimum<branch<>, branch<L::dense<4>>>, L::dense<3>>;

TEST_CASE("a network of every merge trains to the same weights on the CPU and the GPU") {
    REQUIRE_GPU_OR_SKIP();
    merge_net::on<cpu_b, float> c{21};
    merge_net::on<gpu_b, float> g{21};
    CHECK(max_param_difference(c, g) == 0);
    cc::rng r(4);
    const std::size_t n = 17;
    const auto x = random_tensor<float, 4>(cc::batch_shape<shape<5, 3, 2>>(n), r);
    const auto t = random_tensor<float, 2>({n, 3}, r);
    const auto xd = gpu::to_device(x);
    const auto td = gpu::to_device(t);
    cc::optimizers::sgd oc, og;
    oc.opt = og.opt = {.lr = 0.1, .momentum = 0.9};
    for (int s = 0; s < 3; ++s) {
        const float lc = cc::train::step(c, cc::losses::mse{}, oc, x, t);
        const float lg = cc::train::step(g, cc::losses::mse{}, og, xd, td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    CHECK(max_param_difference(c, g) < 1e-5);
    cc::host_tensor<float, 4> dx;
    gpu::device_tensor<float, 4> dxd;
    c.forward(x, cc::mode::train);
    g.forward(xd, cc::mode::train);
    const auto dy = random_tensor<float, 2>({n, 3}, r);
    c.backward(dy, &dx);
    g.backward(gpu::to_device(dy), &dxd);
    CHECK(max_abs_diff(host_copy(dxd), dx) < 1e-5);
}
