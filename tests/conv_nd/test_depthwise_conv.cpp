// depthwise_conv1d/2d and separable_conv1d/2d (Keras DepthwiseConv1D/2D, SeparableConv1D/2D) in the
// named-option spelling: forward values against direct loops written here (the padding of each case worked
// out by hand from Keras' rules in the comments), input and parameter gradients against central differences
// in double, parameter shapes, counts and initialisation as Keras builds them, and output shapes at compile
// time.
#include <cascade/cascade.hpp>
#include <cascade/layers/depthwise_conv.hpp>
#include <cascade/layers/separable_conv.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

// --- output shapes (Keras' numbers) ------------------------------------------------------------------
// 'valid' (7, 6), kernel 3: 5, 4; channels C·M = 4·2.
static_assert(std::is_same_v<L::output_shape_of<L::depthwise_conv2d<L::kernel<3>, L::depth_multiplier<2>>, shape<7, 6, 4>>, shape<5, 4, 8>>);
// 'same', kernel (4, 2), strides 3: ceil(10/3) = 4, ceil(7/3) = 3; C·M = 3·3.
static_assert(std::is_same_v<L::output_shape_of<L::depthwise_conv2d<L::kernel<4, 2>, L::strides<3>, L::padding::same, L::depth_multiplier<3>>,
                                                shape<10, 7, 3>>, shape<4, 3, 9>>);
// 'valid', kernel (2, 3), strides (1, 2): (5 − 2) + 1 = 4, (9 − 3)/2 + 1 = 4.
static_assert(std::is_same_v<L::output_shape_of<L::depthwise_conv2d<L::kernel<2, 3>, L::strides<1, 2>>, shape<5, 9, 3>>, shape<4, 4, 3>>);
// 'valid' with dilation 2: span 5, (11 − 5) + 1 = 7.
static_assert(std::is_same_v<L::output_shape_of<L::depthwise_conv1d<L::kernel<3>, L::dilation<2>, L::depth_multiplier<2>>, shape<11, 5>>, shape<7, 10>>);
static_assert(std::is_same_v<L::output_shape_of<L::depthwise_conv1d<L::kernel<3>, L::padding::causal, L::strides<2>>, shape<9, 3>>, shape<5, 3>>);
// SeparableConv2D(8, 3) on (7, 6, 4): (5, 4, 8); 'same' strides 2 on (7, 6): (4, 3).
static_assert(std::is_same_v<L::output_shape_of<L::separable_conv2d<8, L::kernel<3>, L::depth_multiplier<2>>, shape<7, 6, 4>>, shape<5, 4, 8>>);
static_assert(std::is_same_v<L::output_shape_of<L::separable_conv2d<5, L::kernel<3>, L::strides<2>, L::padding::same>, shape<7, 6, 4>>, shape<4, 3, 5>>);
static_assert(std::is_same_v<L::output_shape_of<L::separable_conv1d<6, L::kernel<5>, L::strides<2>, L::padding::same, L::depth_multiplier<3>>,
                                                shape<11, 2>>, shape<6, 6>>);
// The shape rule and the options: a wrong rank, a kernel larger than the input, options the layer does not
// take, kernel_init (these layers use depthwise_init / pointwise_init), causal in 2-D.
static_assert(L::depthwise_conv2d<L::kernel<3>>::accepts<shape<3, 3, 1>>);
static_assert(!L::depthwise_conv2d<L::kernel<3>>::accepts<shape<2, 3, 1>>);
static_assert(!L::depthwise_conv2d<L::kernel<3>>::accepts<shape<9, 1>>);
static_assert(!L::depthwise_conv2d<L::strides<2>>::accepts<shape<8, 8, 1>>);
static_assert(!L::depthwise_conv2d<L::kernel<3>, L::kernel_init<cc::init::zeros>>::accepts<shape<8, 8, 1>>);
static_assert(L::depthwise_conv2d<L::kernel<3>, L::depthwise_init<cc::init::zeros>>::accepts<shape<8, 8, 1>>);
static_assert(!L::depthwise_conv2d<L::kernel<3>, L::pointwise_init<cc::init::zeros>>::accepts<shape<8, 8, 1>>);
static_assert(!L::depthwise_conv2d<L::kernel<3>, L::padding::causal>::accepts<shape<8, 8, 1>>);
static_assert(!L::depthwise_conv2d<L::kernel<3>, L::depth_multiplier<2>, L::depth_multiplier<2>>::accepts<shape<8, 8, 1>>);
static_assert(L::separable_conv2d<4, L::kernel<3>, L::pointwise_init<cc::init::zeros>, L::depthwise_init<cc::init::ones>>::accepts<shape<8, 8, 1>>);
static_assert(!L::separable_conv2d<4, L::kernel<3>, L::kernel_init<cc::init::zeros>>::accepts<shape<8, 8, 1>>);
static_assert(!L::separable_conv1d<4, L::kernel<3>>::accepts<shape<8, 8, 1>>);
static_assert(!L::conv2d<4, L::kernel<3>, L::depth_multiplier<2>>::accepts<shape<8, 8, 1>>);

namespace {

template <class T> constexpr double tolerance = std::is_same_v<T, float> ? 2e-5 : 1e-12;

struct axes {
    std::size_t h = 1, w = 1;   // a 1-D case has h = 1
};

// Direct loops, written independently of the library. x (n, in.h, in.w, c); W (kh, kw, c, m);
// z (n, out.h, out.w, c·m) = b + Σ W[ky, kx, ci, mi] · x[n, oy·s + ky·d − before, ox·… , ci].
template <class T>
std::vector<double> depthwise_loop(const T* x, std::size_t n, axes in, std::size_t c, const T* w, axes k, std::size_t m,
                                   const T* b, axes s, axes dil, axes before, axes out) {
    std::vector<double> z(n * out.h * out.w * c * m);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t oy = 0; oy < out.h; ++oy)
            for (std::size_t ox = 0; ox < out.w; ++ox)
                for (std::size_t ci = 0; ci < c; ++ci)
                    for (std::size_t mi = 0; mi < m; ++mi) {
                        double acc = b ? double(b[ci * m + mi]) : 0.0;
                        for (std::size_t ky = 0; ky < k.h; ++ky)
                            for (std::size_t kx = 0; kx < k.w; ++kx) {
                                const long iy = long(oy * s.h + ky * dil.h) - long(before.h);
                                const long ix = long(ox * s.w + kx * dil.w) - long(before.w);
                                if (iy < 0 || ix < 0 || iy >= long(in.h) || ix >= long(in.w)) continue;
                                acc += double(x[((i * in.h + std::size_t(iy)) * in.w + std::size_t(ix)) * c + ci]) *
                                       double(w[((ky * k.w + kx) * c + ci) * m + mi]);
                            }
                        z[(((i * out.h + oy) * out.w + ox) * c + ci) * m + mi] = acc;
                    }
    return z;
}
// y (pixels, f) = b + z (pixels, j) · Wp (j, f).
template <class T>
std::vector<double> pointwise_loop(const std::vector<double>& z, std::size_t j, const T* wp, const T* b, std::size_t f) {
    const std::size_t pixels = z.size() / j;
    std::vector<double> y(pixels * f);
    for (std::size_t p = 0; p < pixels; ++p)
        for (std::size_t fo = 0; fo < f; ++fo) {
            double acc = b ? double(b[fo]) : 0.0;
            for (std::size_t q = 0; q < j; ++q) acc += z[p * j + q] * double(wp[q * f + fo]);
            y[p * f + fo] = acc;
        }
    return y;
}

template <class T, std::size_t R>
void fill_uniform(cc::host_tensor<T, R>& t, cc::rng& g) {
    for (auto& v : t) v = T(2 * cc::detail::uniform01(g) - 1);
}
template <class T, class In>
cc::host_tensor<T, In::rank + 1> random_input(std::size_t batch, cc::rng& g) {
    cc::host_tensor<T, In::rank + 1> x(cc::batch_shape<In>(batch));
    fill_uniform(x, g);
    return x;
}
template <class T, std::size_t R>
double max_error(const cc::host_tensor<T, R>& y, const std::vector<double>& ref) {
    REQUIRE(y.size() == ref.size());
    double e = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) e = std::max(e, std::abs(double(y.data()[i]) - ref[i]) / (1 + std::abs(ref[i])));
    return e;
}
template <class S>
axes spatial() {
    if constexpr (S::rank == 3) return {S::dim(0), S::dim(1)};
    else return {1, S::dim(0)};
}

// Depthwise layer against the loop, in both modes, on a batch of 3 with random parameters (bias included).
template <class Layer, class In, class T>
void depthwise_forward(axes k, axes s, axes dil, axes before) {
    using Out = L::output_shape_of<Layer, In>;
    constexpr std::size_t C = In::dim(In::rank - 1), M = Layer::M;
    static_assert(Out::dim(Out::rank - 1) == C * M);
    cc::rng g(5);
    L::layer_impl<Layer, In, cpu, T> l(g);
    fill_uniform(l.w, g);
    fill_uniform(l.b, g);
    const std::size_t n = 3;
    const auto x = random_input<T, In>(n, g);
    const auto expect = depthwise_loop(x.data(), n, spatial<In>(), C, l.w.data(), k, M, l.b.size() ? l.b.data() : nullptr, s, dil,
                                       before, spatial<Out>());
    for (const auto m : {cc::mode::infer, cc::mode::train}) {
        cc::host_tensor<T, In::rank + 1> y;
        l.forward(x, y, m);
        CHECK(max_error(y, expect) < tolerance<T>);
    }
}

template <class Layer, class In, class T>
void separable_forward(axes k, axes s, axes dil, axes before) {
    using Out = L::output_shape_of<Layer, In>;
    constexpr std::size_t C = In::dim(In::rank - 1), M = Layer::M, F = Out::dim(Out::rank - 1);
    cc::rng g(6);
    L::layer_impl<Layer, In, cpu, T> l(g);
    fill_uniform(l.wd, g);
    fill_uniform(l.wp, g);
    fill_uniform(l.b, g);
    const std::size_t n = 2;
    const auto x = random_input<T, In>(n, g);
    const auto z = depthwise_loop(x.data(), n, spatial<In>(), C, l.wd.data(), k, M, static_cast<const T*>(nullptr), s, dil, before,
                                  spatial<Out>());
    const auto expect = pointwise_loop(z, C * M, l.wp.data(), l.b.size() ? l.b.data() : nullptr, F);
    for (const auto m : {cc::mode::infer, cc::mode::train}) {
        cc::host_tensor<T, In::rank + 1> y;
        l.forward(x, y, m);
        CHECK(max_error(y, expect) < tolerance<T>);
    }
}

template <class Layer, class In>
void check_gradients(std::size_t batch = 2) {
    using Out = L::output_shape_of<Layer, In>;
    cc::rng g(21);
    L::layer_impl<Layer, In, cpu, double> l(g);
    std::apply([&](auto&... p) { (fill_uniform(p, g), ...); }, l.params());
    const auto x = random_input<double, In>(batch, g);
    const auto r = cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
    CHECK(r.input < 1e-6);
    CHECK(r.params < 1e-6);
}

} // namespace

// --- the cases --------------------------------------------------------------------------------------------

// (9, 11), kernel (3, 5), strides (2, 1), dilation (1, 2), 'same': H out 5, total 4·2 + 3 − 9 = 2 → 1 before;
// W span 9, out 11, total 10 + 9 − 11 = 8 → 4.
using dw_aniso = L::depthwise_conv2d<L::kernel<3, 5>, L::strides<2, 1>, L::padding::same, L::dilation<1, 2>>;
// (10, 7), kernel (4, 2), stride 3, 'same', M = 3: H out 4, total 3·3 + 4 − 10 = 3 → 1; W out 3, total 2·3 + 2 − 7 = 1 → 0.
using dw_even_same_s3 = L::depthwise_conv2d<L::kernel<4, 2>, L::strides<3>, L::padding::same, L::depth_multiplier<3>>;
// (8, 7), kernel 3, dilation 2 (span 5), stride 3, 'same', M = 3: H out 3, total 2·3 + 5 − 8 = 3 → 1;
// W out 3, total 6 + 5 − 7 = 4 → 2.
using dw_dilated_same = L::depthwise_conv2d<L::depth_multiplier<3>, L::kernel<3>, L::strides<3>, L::padding::same, L::dilation<2>>;
// (5, 9), kernel (2, 3), strides (1, 2), 'valid', M = 2, no bias: out (4, 4).
using dw_valid_nobias = L::depthwise_conv2d<L::kernel<2, 3>, L::strides<1, 2>, L::depth_multiplier<2>, L::no_bias>;
// 1-D (10), kernel 4, stride 3, 'same', M = 3: out 4, total 3·3 + 4 − 10 = 3 → 1.
using dw1_even_same_s3 = L::depthwise_conv1d<L::kernel<4>, L::strides<3>, L::padding::same, L::depth_multiplier<3>>;
// 1-D (11), kernel 3, dilation 2, 'same': span 5, out 11, total 4 → 2.
using dw1_dilated_same = L::depthwise_conv1d<L::kernel<3>, L::dilation<2>, L::padding::same>;
// 1-D (9), kernel 3, dilation 2, causal, M = 2: 4 zeros before, out 9.
using dw1_causal = L::depthwise_conv1d<L::kernel<3>, L::dilation<2>, L::padding::causal, L::depth_multiplier<2>>;

TEST_CASE_TEMPLATE("depthwise_conv2d/1d match a direct loop", T, float, double) {
    depthwise_forward<dw_aniso, shape<9, 11, 2>, T>({3, 5}, {2, 1}, {1, 2}, {1, 4});
    depthwise_forward<dw_even_same_s3, shape<10, 7, 3>, T>({4, 2}, {3, 3}, {1, 1}, {1, 0});
    depthwise_forward<dw_dilated_same, shape<8, 7, 2>, T>({3, 3}, {3, 3}, {2, 2}, {1, 2});
    depthwise_forward<dw_valid_nobias, shape<5, 9, 3>, T>({2, 3}, {1, 2}, {1, 1}, {0, 0});
    depthwise_forward<dw1_even_same_s3, shape<10, 2>, T>({1, 4}, {1, 3}, {1, 1}, {0, 1});
    depthwise_forward<dw1_dilated_same, shape<11, 5>, T>({1, 3}, {1, 1}, {1, 2}, {0, 2});
    depthwise_forward<dw1_causal, shape<9, 3>, T>({1, 3}, {1, 1}, {1, 2}, {0, 4});
}

TEST_CASE("depthwise convolutions: gradients match central differences") {
    check_gradients<dw_aniso, shape<9, 11, 2>>();
    check_gradients<dw_even_same_s3, shape<10, 7, 3>>();
    check_gradients<dw_dilated_same, shape<8, 7, 2>>();
    check_gradients<dw_valid_nobias, shape<5, 9, 3>>();
    check_gradients<dw1_even_same_s3, shape<10, 2>>();
    check_gradients<dw1_dilated_same, shape<11, 5>>();
    check_gradients<dw1_causal, shape<9, 3>>(3);
}

// SeparableConv2D(8, 3, depth_multiplier=2) on (7, 6, 4): 'valid' out (5, 4).
using sep_keras = L::separable_conv2d<8, L::kernel<3>, L::depth_multiplier<2>>;
// (10, 7), kernel (4, 2), stride 3, 'same', M = 3, 5 filters: as dw_even_same_s3.
using sep_even_same_s3 = L::separable_conv2d<5, L::kernel<4, 2>, L::strides<3>, L::padding::same, L::depth_multiplier<3>>;
// (7, 9), kernel (3, 2), dilation 2 (spans 5, 3), 'same', no bias: H out 7, total 4 → 2; W out 9, total 2 → 1.
using sep_dilated_same = L::separable_conv2d<4, L::kernel<3, 2>, L::dilation<2>, L::padding::same, L::no_bias>;
// (8, 11), kernel (3, 1), strides (2, 3), 'valid', M = 1: out (3, 4).
using sep_aniso_strides = L::separable_conv2d<3, L::strides<2, 3>, L::kernel<3, 1>>;
// 1-D (11), kernel 5, stride 2, 'same', M = 3: out 6, total 5·2 + 5 − 11 = 4 → 2.
using sep1_same = L::separable_conv1d<6, L::kernel<5>, L::strides<2>, L::padding::same, L::depth_multiplier<3>>;
// 1-D (8), kernel 3, 'valid': out 6.
using sep1_valid = L::separable_conv1d<3, L::kernel<3>>;

TEST_CASE_TEMPLATE("separable_conv2d/1d match a depthwise then pointwise loop", T, float, double) {
    separable_forward<sep_keras, shape<7, 6, 4>, T>({3, 3}, {1, 1}, {1, 1}, {0, 0});
    separable_forward<sep_even_same_s3, shape<10, 7, 3>, T>({4, 2}, {3, 3}, {1, 1}, {1, 0});
    separable_forward<sep_dilated_same, shape<7, 9, 2>, T>({3, 2}, {1, 1}, {2, 2}, {2, 1});
    separable_forward<sep_aniso_strides, shape<8, 11, 2>, T>({3, 1}, {2, 3}, {1, 1}, {0, 0});
    separable_forward<sep1_same, shape<11, 2>, T>({1, 5}, {1, 2}, {1, 1}, {0, 2});
    separable_forward<sep1_valid, shape<8, 4>, T>({1, 3}, {1, 1}, {1, 1}, {0, 0});
}

TEST_CASE("separable convolutions: gradients match central differences") {
    check_gradients<sep_keras, shape<7, 6, 4>>();
    check_gradients<sep_even_same_s3, shape<10, 7, 3>>();
    check_gradients<sep_dilated_same, shape<7, 9, 2>>();
    check_gradients<sep_aniso_strides, shape<8, 11, 2>>();
    check_gradients<sep1_same, shape<11, 2>>(3);
    check_gradients<sep1_valid, shape<8, 4>>();
}

TEST_CASE("parameter shapes, counts and initialisation as Keras builds them") {
    using A = std::array<std::size_t, 4>;
    {
        // SeparableConv2D(8, 3, depth_multiplier=2) on C = 4: depthwise (3, 3, 4, 2), pointwise (1, 1, 8, 8),
        // bias (8): 72 + 64 + 8 = 144 parameters.
        cc::rng g(3);
        L::layer_impl<sep_keras, shape<7, 6, 4>, cpu, double> l(g);
        CHECK(l.wd.shape() == A{3, 3, 4, 2});
        CHECK(l.wp.shape() == A{1, 1, 8, 8});
        CHECK(l.b.shape() == std::array<std::size_t, 1>{8});
        CHECK(cc::detail::count_elements(l.params()) == 144);
        // Drawn in Keras' build order with Keras' fans: depthwise fan_in 3·3·4, fan_out 3·3·2; pointwise 8, 8.
        cc::rng e(3);
        std::vector<double> wd(72), wp(64);
        cc::init::glorot_uniform::fill(wd.data(), wd.size(), 36, 18, e);
        cc::init::glorot_uniform::fill(wp.data(), wp.size(), 8, 8, e);
        CHECK(std::equal(wd.begin(), wd.end(), l.wd.data()));
        CHECK(std::equal(wp.begin(), wp.end(), l.wp.data()));
        CHECK(std::all_of(l.b.begin(), l.b.end(), [](double v) { return v == 0; }));
        // In a network: the same count, and the shapes chain.
        using net_t = cc::net::sequential<shape<7, 6, 4>, sep_keras, L::relu>;
        net_t::on<cpu, float> net{1};
        CHECK(cc::count_params(net).trainable == 144);
    }
    {
        // SeparableConv2D(4, (3, 2), use_bias=False) on C = 2 (M = 1): 12 + 8 = 20; no bias tensor.
        cc::rng g(3);
        L::layer_impl<sep_dilated_same, shape<7, 9, 2>, cpu, double> l(g);
        CHECK(l.wd.shape() == A{3, 2, 2, 1});
        CHECK(l.wp.shape() == A{1, 1, 2, 4});
        CHECK(std::tuple_size_v<decltype(l.params())> == 2);
        CHECK(cc::detail::count_elements(l.params()) == 20);
    }
    {
        // SeparableConv1D(6, 5, depth_multiplier=3) on C = 2: depthwise (5, 2, 3), pointwise (1, 6, 6), bias 6.
        cc::rng g(3);
        L::layer_impl<sep1_same, shape<11, 2>, cpu, double> l(g);
        CHECK(l.wd.shape() == std::array<std::size_t, 3>{5, 2, 3});
        CHECK(l.wp.shape() == std::array<std::size_t, 3>{1, 6, 6});
        CHECK(cc::detail::count_elements(l.params()) == 30 + 36 + 6);
    }
    {
        // DepthwiseConv2D((4, 2), depth_multiplier=3) on C = 3: kernel (4, 2, 3, 3), bias 9; glorot with
        // fan_in 4·2·3 = 24, fan_out 4·2·3 = 24.
        cc::rng g(4);
        L::layer_impl<dw_even_same_s3, shape<10, 7, 3>, cpu, double> l(g);
        CHECK(l.w.shape() == A{4, 2, 3, 3});
        CHECK(l.b.shape() == std::array<std::size_t, 1>{9});
        CHECK(cc::detail::count_elements(l.params()) == 72 + 9);
        cc::rng e(4);
        std::vector<double> w(72);
        cc::init::glorot_uniform::fill(w.data(), w.size(), 24, 24, e);
        CHECK(std::equal(w.begin(), w.end(), l.w.data()));
    }
    {
        // DepthwiseConv1D(3, depth_multiplier=2, use_bias=False) on C = 3: kernel (3, 3, 2) only; he_normal as
        // the depthwise initializer, fans 3·3 and 3·2.
        using layer = L::depthwise_conv1d<L::kernel<3>, L::depth_multiplier<2>, L::no_bias, L::depthwise_init<cc::init::he_normal>>;
        cc::rng g(5);
        L::layer_impl<layer, shape<9, 3>, cpu, double> l(g);
        CHECK(l.w.shape() == std::array<std::size_t, 3>{3, 3, 2});
        CHECK(std::tuple_size_v<decltype(l.params())> == 1);
        cc::rng e(5);
        std::vector<double> w(18);
        cc::init::he_normal::fill(w.data(), w.size(), 9, 6, e);
        CHECK(std::equal(w.begin(), w.end(), l.w.data()));
    }
}

TEST_CASE("depthwise with M > 1 equals M depthwise convolutions with multiplier 1, one per copy") {
    // Channel c·M + m of DepthwiseConv2D(M) is the depthwise conv of channel c with W[.., c, m]: check it
    // against the multiplier-1 layer run on each slice of the kernel (same geometry, different code path).
    using In = shape<8, 7, 2>;
    using one = L::depthwise_conv2d<L::kernel<3>, L::strides<3>, L::padding::same, L::dilation<2>>;
    cc::rng g(9);
    L::layer_impl<dw_dilated_same, In, cpu, double> l3(g);
    L::layer_impl<one, In, cpu, double> l1(g);
    fill_uniform(l3.w, g);
    fill_uniform(l3.b, g);
    const auto x = random_input<double, In>(2, g);
    cc::host_tensor<double, 4> y3, y1;
    l3.forward(x, y3, cc::mode::infer);
    for (std::size_t m = 0; m < 3; ++m) {
        for (std::size_t t = 0; t < 9; ++t)
            for (std::size_t c = 0; c < 2; ++c) l1.w.data()[t * 2 + c] = l3.w.data()[(t * 2 + c) * 3 + m];
        for (std::size_t c = 0; c < 2; ++c) l1.b.data()[c] = l3.b.data()[c * 3 + m];
        l1.forward(x, y1, cc::mode::infer);
        double e = 0;
        for (std::size_t p = 0; p < y1.size() / 2; ++p)
            for (std::size_t c = 0; c < 2; ++c) e = std::max(e, std::abs(y1.data()[p * 2 + c] - y3.data()[p * 6 + c * 3 + m]));
        CHECK(e < 1e-14);   // the same sums in the same order; only FMA contraction may differ
    }
}

TEST_CASE("a separable network trains") {
    using model = cc::net::sequential<shape<9, 9, 2>,
        L::separable_conv2d<6, L::kernel<3>, L::padding::same, L::depth_multiplier<2>>, L::relu,
        L::depthwise_conv2d<L::kernel<3>, L::strides<2>>, L::relu,       // (4, 4, 6)
        L::flatten, L::dense<2>, L::softmax>;
    static_assert(std::is_same_v<model::on<cpu, float>::shape_at<3>, shape<4, 4, 6>>);
    model::on<cpu, float> net{2};
    cc::rng g(10);
    cc::host_tensor<float, 4> x(std::array<std::size_t, 4>{16, 9, 9, 2});
    fill_uniform(x, g);
    cc::host_tensor<float, 2> t = xt::zeros<float>({16, 2});
    for (std::size_t i = 0; i < 16; ++i) {
        const std::size_t c = i % 2;
        t(i, c) = 1;
        for (std::size_t p = 0; p < 81; ++p) x.data()[i * 162 + p * 2 + c] += 1.5f;   // class = the brighter channel
    }
    cc::optimizers::adam opt{{.lr = 0.02}};
    const cc::losses::categorical_crossentropy loss;
    const float first = cc::train::step(net, loss, opt, x, t);
    float last = first;
    for (int i = 0; i < 60; ++i) last = cc::train::step(net, loss, opt, x, t);
    MESSAGE("loss: " << first << " -> " << last);
    CHECK(last < 0.5f * first);
}

TEST_CASE("depthwise and separable results do not depend on the thread count") {
    using In = shape<10, 7, 3>;
    auto run = [](int threads) {
        cc::set_num_threads(threads);
        cc::rng g(11);
        L::layer_impl<sep_even_same_s3, In, cpu, float> l(g);
        const auto x = random_input<float, In>(5, g);
        cc::host_tensor<float, 4> y, dx;
        l.forward(x, y, cc::mode::train);
        auto dy = y;
        fill_uniform(dy, g);
        l.backward(x, y, dy, &dx);
        std::vector<float> all(y.begin(), y.end());
        all.insert(all.end(), dx.begin(), dx.end());
        all.insert(all.end(), l.dwd.begin(), l.dwd.end());
        all.insert(all.end(), l.dwp.begin(), l.dwp.end());
        all.insert(all.end(), l.db.begin(), l.db.end());
        return all;
    };
    const int before = cc::num_threads();
    const auto one = run(1), three = run(3);
    cc::set_num_threads(before);
    CHECK(one == three);
}
