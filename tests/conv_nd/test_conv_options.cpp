// The named-option spelling of the convolution family (docs/decisions/0013): per-axis kernels, strides,
// dilations and pool sizes, 'causal' conv1d, output_padding on transposed convolutions and 'same' pooling.
// Forward values against the direct loops of reference.hpp (the padding written out here by hand, from
// Keras' rules), input and parameter gradients against central differences in double.
#include "reference.hpp"

#include <cascade/backend/cpu.hpp>
#include <cascade/layers/conv1d.hpp>
#include <cascade/layers/conv2d.hpp>
#include <cascade/layers/conv3d.hpp>
#include <cascade/layers/conv_transpose.hpp>
#include <cascade/layers/pool1d.hpp>
#include <cascade/layers/pool2d.hpp>
#include <cascade/layers/pool3d.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;
using L::dims;

// Output shapes at compile time (Keras' numbers, worked out by hand in the comments).
// kernel (3, 5), strides (2, 1), 'same': ceil(9/2) = 5, ceil(11/1) = 11.
static_assert(std::is_same_v<L::output_shape_of<L::conv2d<3, L::kernel<3, 5>, L::strides<2, 1>, L::padding::same>, shape<9, 11, 2>>,
                             shape<5, 11, 3>>);
// 'valid' with kernel (3, 5), dilation (1, 2): spans 3 and 9 → 7, 3.
static_assert(std::is_same_v<L::output_shape_of<L::conv2d<4, L::kernel<3, 5>, L::dilation<1, 2>>, shape<9, 11, 2>>, shape<7, 3, 4>>);
// causal: ceil(9/2) = 5 whatever the kernel.
static_assert(std::is_same_v<L::output_shape_of<L::conv1d<2, L::kernel<4>, L::padding::causal, L::strides<2>>, shape<9, 1>>, shape<5, 2>>);
// Conv2DTranspose(2, 3, strides=2, output_padding=1), 'valid': (3 − 1)·2 + 3 + 1 = 8; (4 − 1)·2 + 3 + 1 = 10.
static_assert(std::is_same_v<L::output_shape_of<L::conv2d_transpose<2, L::kernel<3>, L::strides<2>, L::output_padding<1>>, shape<3, 4, 2>>,
                             shape<8, 10, 2>>);
// 'same', kernel (3, 4), strides (2, 3), output_padding (1, 2): (3 − 1)·2 + 3 − 2 + 1 = 6; (3 − 1)·3 + 4 − 4 + 2 = 8.
static_assert(std::is_same_v<L::output_shape_of<L::conv2d_transpose<2, L::kernel<3, 4>, L::strides<2, 3>, L::padding::same,
                                                                     L::output_padding<1, 2>>, shape<3, 3, 2>>, shape<6, 8, 2>>);
// Pooling: 'same' ceil(in / s); per-axis pool sizes and strides.
static_assert(std::is_same_v<L::output_shape_of<L::max_pool2d<3, L::strides<2>, L::padding::same>, shape<7, 6, 2>>, shape<4, 3, 2>>);
static_assert(std::is_same_v<L::output_shape_of<L::avg_pool2d<dims<2, 3>, L::strides<1, 2>, L::padding::same>, shape<5, 7, 3>>, shape<5, 4, 3>>);
static_assert(std::is_same_v<L::output_shape_of<L::max_pool2d<dims<2, 1>>, shape<6, 5, 1>>, shape<3, 5, 1>>);
// An even kernel with 'same' and stride 1 has no transposed layer without output_padding (TF rejects it too).
static_assert(!L::conv2d_transpose<2, L::kernel<2>, L::padding::same, L::output_padding<0>>::accepts<shape<4, 4, 1>>);
static_assert(L::conv2d_transpose<2, L::kernel<2>, L::padding::same>::accepts<shape<4, 4, 1>>);
// Invalid options make the layer reject every input (its check() then says why: tests/compile_fail).
static_assert(!L::conv2d<2, L::kernel<3>, L::kernel<3>>::accepts<shape<8, 8, 1>>);
static_assert(!L::max_pool2d<2, L::dilation<2>>::accepts<shape<8, 8, 1>>);
static_assert(!L::conv2d<2, L::kernel<3>, L::padding::causal>::accepts<shape<8, 8, 1>>);

namespace {

template <class T> constexpr double tolerance = std::is_same_v<T, float> ? 2e-5 : 1e-12;

template <class T, std::size_t R>
void fill_uniform(cc::host_tensor<T, R>& t, cc::rng& g) {
    for (auto& v : t) v = T(2 * cc::detail::uniform01(g) - 1);
}
// Distinct values (no near-ties for max pooling), shuffled.
template <class T, class In>
cc::host_tensor<T, In::rank + 1> distinct_input(std::size_t batch, cc::rng& g) {
    cc::host_tensor<T, In::rank + 1> x(cc::batch_shape<In>(batch));
    const std::size_t n = x.size();
    for (std::size_t k = 0; k < n; ++k) x.data()[k] = T(-1 + (2.0 * double(k) + 1.3) / double(n));
    for (std::size_t k = n; k-- > 1;) std::swap(x.data()[k], x.data()[std::size_t(g() % (k + 1))]);
    return x;
}
template <class T, std::size_t R>
double max_error(const cc::host_tensor<T, R>& y, const std::vector<double>& ref) {
    REQUIRE(y.size() == ref.size());
    double e = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) e = std::max(e, std::abs(double(y.data()[i]) - ref[i]) / (1 + std::abs(ref[i])));
    return e;
}
// (depth, height, width) of a Dims-D sample, 1 on the missing axes.
template <std::size_t Dims, class S>
ref::axes spatial() {
    ref::axes a;
    if constexpr (Dims == 3) a.d = S::dim(0);
    if constexpr (Dims >= 2) a.h = S::dim(Dims - 2);
    a.w = S::dim(Dims - 1);
    return a;
}

template <class Layer, class In>
void check_gradients(std::size_t batch = 2) {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(21);
    L::layer_impl<Layer, In, cpu, double> l(g);
    std::apply([&](auto&... p) { (fill_uniform(p, g), ...); }, l.params());
    const auto x = distinct_input<double, In>(batch, g);
    const auto r = cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
    CHECK(r.input < 1e-6);
    CHECK(r.params < 1e-6);
}

// One convolution case: the layer, its per-axis kernel/stride/dilation and the leading padding of each axis
// (from Keras' rules, worked out by hand in the test case).
template <class Layer, class In, std::size_t Dims, class T>
void conv_forward(ref::axes k, ref::axes s, ref::axes dil, ref::axes before) {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(5);
    L::layer_impl<Layer, In, cpu, T> l(g);
    fill_uniform(l.b, g);
    const std::size_t n = 3;
    const auto x = distinct_input<T, In>(n, g);
    const auto expect = ref::conv(x.data(), n, spatial<Dims, In>(), In::dim(Dims), l.w.data(), k, l.b.data(),
                                  Out::dim(Dims), s, dil, before, spatial<Dims, Out>());
    for (const auto m : {cc::mode::infer, cc::mode::train}) {
        cc::host_tensor<T, In::rank + 1> y;
        l.forward(x, y, m);
        CHECK(max_error(y, expect) < tolerance<T>);
    }
}

// 'same'/'valid' pooling with padding `before` on each axis: the cells outside the input take no part.
template <class T>
std::vector<double> padded_pool(bool max, const T* x, std::size_t n, ref::axes in, std::size_t c, ref::axes k, ref::axes s,
                                ref::axes before, ref::axes out) {
    std::vector<double> y;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t oz = 0; oz < out.d; ++oz)
            for (std::size_t oy = 0; oy < out.h; ++oy)
                for (std::size_t ox = 0; ox < out.w; ++ox)
                    for (std::size_t ci = 0; ci < c; ++ci) {
                        double acc = max ? -1e300 : 0.0;
                        std::size_t count = 0;
                        for (std::size_t kz = 0; kz < k.d; ++kz)
                            for (std::size_t ky = 0; ky < k.h; ++ky)
                                for (std::size_t kx = 0; kx < k.w; ++kx) {
                                    const long iz = long(oz * s.d + kz) - long(before.d), iy = long(oy * s.h + ky) - long(before.h),
                                               ix = long(ox * s.w + kx) - long(before.w);
                                    if (iz < 0 || iy < 0 || ix < 0 || iz >= long(in.d) || iy >= long(in.h) || ix >= long(in.w)) continue;
                                    const double v = double(x[(((i * in.d + std::size_t(iz)) * in.h + std::size_t(iy)) * in.w + std::size_t(ix)) * c + ci]);
                                    acc = max ? std::max(acc, v) : acc + v;
                                    ++count;
                                }
                        REQUIRE(count > 0);
                        y.push_back(max ? acc : acc / double(count));
                    }
    return y;
}

template <class Layer, class In, std::size_t Dims, class T>
void pool_forward(bool max, ref::axes k, ref::axes s, ref::axes before) {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(6);
    L::layer_impl<Layer, In, cpu, T> l(g);
    const std::size_t n = 2;
    const auto x = distinct_input<T, In>(n, g);
    const auto expect = padded_pool(max, x.data(), n, spatial<Dims, In>(), In::dim(Dims), k, s, before, spatial<Dims, Out>());
    cc::host_tensor<T, In::rank + 1> y;
    l.forward(x, y, cc::mode::infer);
    CHECK(max_error(y, expect) < tolerance<T>);
}

} // namespace

// --- convolutions with per-axis sizes --------------------------------------------------------------------

using conv_aniso = L::conv2d<3, L::kernel<3, 5>, L::strides<2, 1>, L::padding::same, L::dilation<1, 2>>;   // spans 3, 9
using conv_even_same_s3 = L::conv2d<2, L::kernel<4, 2>, L::strides<3>, L::padding::same>;
using conv3d_aniso = L::conv3d<2, L::kernel<1, 3, 2>, L::strides<1, 2, 3>, L::padding::same>;
using conv1d_causal = L::conv1d<3, L::kernel<3>, L::padding::causal, L::dilation<2>>;
using conv1d_causal_s2 = L::conv1d<2, L::kernel<4>, L::padding::causal, L::strides<2>, L::no_bias>;

TEST_CASE_TEMPLATE("anisotropic convolutions match direct loops", T, float, double) {
    // (9, 11): 'same' H: out 5, total (5 − 1)·2 + 3 − 9 = 2 → before 1; W: out 11, total 10 + 9 − 11 = 8 → 4.
    conv_forward<conv_aniso, shape<9, 11, 2>, 2, T>({1, 3, 5}, {1, 2, 1}, {1, 1, 2}, {0, 1, 4});
    // (10, 7), kernel (4, 2), stride 3: H out 4, total 3·3 + 4 − 10 = 3 → 1; W out 3, total 2·3 + 2 − 7 = 1 → 0.
    conv_forward<conv_even_same_s3, shape<10, 7, 3>, 2, T>({1, 4, 2}, {1, 3, 3}, {1, 1, 1}, {0, 1, 0});
    // (3, 7, 8): D out 3 total 0; H out 4, total 3·2 + 3 − 7 = 2 → 1; W out 3, total 2·3 + 2 − 8 = 0.
    conv_forward<conv3d_aniso, shape<3, 7, 8, 2>, 3, T>({1, 3, 2}, {1, 2, 3}, {1, 1, 1}, {0, 1, 0});
}

TEST_CASE_TEMPLATE("causal conv1d pads d·(K − 1) before and sees no future input", T, float, double) {
    conv_forward<conv1d_causal, shape<9, 2>, 1, T>({1, 1, 3}, {1, 1, 1}, {1, 1, 2}, {0, 0, 4});
    {
        using In = shape<9, 1>;
        cc::rng g(7);
        L::layer_impl<conv1d_causal_s2, In, cpu, T> l(g);
        const auto x = distinct_input<T, In>(2, g);
        const auto expect = ref::conv(x.data(), 2, {1, 1, 9}, 1, l.w.data(), {1, 1, 4}, static_cast<const T*>(nullptr), 2,
                                      {1, 1, 2}, {1, 1, 1}, {0, 0, 3}, {1, 1, 5});
        cc::host_tensor<T, 3> y;
        l.forward(x, y, cc::mode::infer);
        CHECK(max_error(y, expect) < tolerance<T>);
    }
    // Changing x at t0 leaves every output before t0 unchanged.
    using In = shape<12, 2>;
    cc::rng g(8);
    L::layer_impl<conv1d_causal, In, cpu, T> l(g);
    auto x = distinct_input<T, In>(1, g);
    cc::host_tensor<T, 3> y0, y1;
    l.forward(x, y0, cc::mode::infer);
    const std::size_t t0 = 7;
    x(0, t0, 0) += T(5);
    x(0, t0, 1) -= T(3);
    l.forward(x, y1, cc::mode::infer);
    for (std::size_t t = 0; t < 12; ++t)
        for (std::size_t f = 0; f < 3; ++f) {
            if (t < t0) CHECK(y1(0, t, f) == y0(0, t, f));
        }
    CHECK(y1(0, t0, 0) != y0(0, t0, 0));
}

TEST_CASE("anisotropic and causal convolutions: gradients match central differences") {
    check_gradients<conv_aniso, shape<9, 11, 2>>();
    check_gradients<conv_even_same_s3, shape<10, 7, 3>>();
    check_gradients<conv3d_aniso, shape<3, 7, 8, 2>>();
    check_gradients<conv1d_causal, shape<9, 2>>();
    check_gradients<conv1d_causal_s2, shape<9, 1>>();
    check_gradients<L::conv2d<2, L::kernel<3>, L::strides<3>, L::padding::same, L::dilation<2>>, shape<8, 7, 2>>();   // dilation + 'same'
}

// --- transposed convolutions with output_padding -------------------------------------------------------

using convt_op_valid = L::conv2d_transpose<2, L::kernel<3>, L::strides<2>, L::output_padding<1>>;
using convt_op_same = L::conv2d_transpose<2, L::kernel<3, 4>, L::strides<2, 3>, L::padding::same, L::output_padding<1, 2>>;
using convt1d_op = L::conv1d_transpose<3, L::kernel<2>, L::strides<3>, L::padding::same, L::output_padding<2>>;

template <class Layer, class In, std::size_t Dims>
void conv_transpose_forward(ref::axes k, ref::axes s, ref::axes before) {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(9);
    L::layer_impl<Layer, In, cpu, double> l(g);
    fill_uniform(l.b, g);
    const auto x = distinct_input<double, In>(2, g);
    const auto expect = ref::conv_transpose(x.data(), 2, spatial<Dims, In>(), In::dim(Dims), l.w.data(), k, l.b.data(),
                                            Out::dim(Dims), s, {1, 1, 1}, before, spatial<Dims, Out>());
    cc::host_tensor<double, In::rank + 1> y;
    l.forward(x, y, cc::mode::train);
    CHECK(max_error(y, expect) < 1e-12);
}

TEST_CASE("output_padding: transposed convolutions match the scatter loop") {
    // valid: out 8 × 10, no padding; the last row/column gets the bias and the reach of no window but k = 2.
    conv_transpose_forward<convt_op_valid, shape<3, 4, 2>, 2>({1, 3, 3}, {1, 2, 2}, {0, 0, 0});
    // same: out (6, 8); the forward conv 6 → 3 ('same', k 3, s 2) pads total (3 − 1)·2 + 3 − 6 = 1 → 0 before;
    // 8 → 3 (k 4, s 3): total 2·3 + 4 − 8 = 2 → 1 before.
    conv_transpose_forward<convt_op_same, shape<3, 3, 2>, 2>({1, 3, 4}, {1, 2, 3}, {0, 0, 1});
    // 1-D: span 2, pad 1: (4 − 1)·3 + 2 − 2 + 2 = 11; forward conv 11 → 4: total 3·3 + 2 − 11 = 0.
    static_assert(std::is_same_v<L::output_shape_of<convt1d_op, shape<4, 2>>, shape<11, 3>>);
    conv_transpose_forward<convt1d_op, shape<4, 2>, 1>({1, 1, 2}, {1, 1, 3}, {0, 0, 0});
    check_gradients<convt_op_valid, shape<3, 4, 2>>();
    check_gradients<convt_op_same, shape<3, 3, 2>>();
    check_gradients<convt1d_op, shape<4, 2>>();
}

// --- pooling: per-axis sizes and 'same' ----------------------------------------------------------------

using max_same = L::max_pool2d<3, L::strides<2>, L::padding::same>;
using avg_same = L::avg_pool2d<dims<2, 3>, L::strides<1, 2>, L::padding::same>;
using max_tall = L::max_pool2d<dims<2, 1>>;
using avg_same_1d = L::avg_pool1d<3, L::strides<3>, L::padding::same>;
using max_same_3d = L::max_pool3d<dims<2, 3, 2>, L::strides<2, 2, 1>, L::padding::same>;

TEST_CASE_TEMPLATE("'same' and per-axis pooling match a padded direct loop", T, float, double) {
    // (7, 6), pool 3, stride 2: H out 4, total 3·2 + 3 − 7 = 2 → 1 before; W out 3, total 2·2 + 3 − 6 = 1 → 0.
    pool_forward<max_same, shape<7, 6, 2>, 2, T>(true, {1, 3, 3}, {1, 2, 2}, {0, 1, 0});
    pool_forward<L::avg_pool2d<3, L::strides<2>, L::padding::same>, shape<7, 6, 2>, 2, T>(false, {1, 3, 3}, {1, 2, 2}, {0, 1, 0});
    // (5, 7), pool (2, 3), strides (1, 2): H out 5, total 4 + 2 − 5 = 1 → 0 (the extra cell at the end);
    // W out 4, total 6 + 3 − 7 = 2 → 1.
    pool_forward<avg_same, shape<5, 7, 3>, 2, T>(false, {1, 2, 3}, {1, 1, 2}, {0, 0, 1});
    pool_forward<max_tall, shape<6, 5, 1>, 2, T>(true, {1, 2, 1}, {1, 2, 1}, {0, 0, 0});
    // 1-D (8): out 3, total 2·3 + 3 − 8 = 1 → 0 before, the last window holds two real cells.
    pool_forward<avg_same_1d, shape<8, 2>, 1, T>(false, {1, 1, 3}, {1, 1, 3}, {0, 0, 0});
    // 3-D (3, 5, 4): D out 2 total 1 → 0; H out 3, total 2·2 + 3 − 5 = 2 → 1; W out 4, total 3 + 2 − 4 = 1 → 0.
    pool_forward<max_same_3d, shape<3, 5, 4, 2>, 3, T>(true, {2, 3, 2}, {2, 2, 1}, {0, 1, 0});
}

TEST_CASE("'same' and per-axis pooling: gradients match central differences") {
    check_gradients<max_same, shape<7, 6, 2>>();
    check_gradients<L::avg_pool2d<3, L::strides<2>, L::padding::same>, shape<7, 6, 2>>();
    check_gradients<avg_same, shape<5, 7, 3>>();
    check_gradients<max_tall, shape<6, 5, 1>>();
    check_gradients<avg_same_1d, shape<8, 2>>();
    check_gradients<max_same_3d, shape<3, 5, 4, 2>>();
}
