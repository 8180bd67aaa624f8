// Forward values of the convolution family against direct loops (reference.hpp), in float and double:
// conv1d/conv2d/conv3d with strides 1–3, dilations 1–3, 'valid' and 'same', odd sizes; transposed
// convolutions; 1-D/3-D pooling. Plus output shapes at compile time, a hand-computed transposed
// convolution, the adjoint identity ⟨conv_transpose(x), z⟩ = ⟨x, conv(z)⟩, and small networks that learn.
#include "cases.hpp"

#include <cascade/cascade.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;
namespace padding = L::padding;
using glorot = cc::init::glorot_uniform;

// ---- output shapes at compile time ----
static_assert(std::is_same_v<L::output_shape_of<L::conv1d<4, L::kernel<3>, L::strides<2>, padding::same>, shape<11, 3>>, shape<6, 4>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv1d<4, L::kernel<3>, L::dilation<2>>, shape<11, 3>>, shape<7, 4>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv2d<8, L::kernel<3>, L::dilation<2>, L::kernel_init<glorot>>, shape<10, 9, 1>>, shape<6, 5, 8>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv2d<8, L::kernel<3>, L::strides<3>, padding::same, L::dilation<2>, L::kernel_init<glorot>>, shape<10, 9, 1>>, shape<4, 3, 8>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv3d<5, L::kernel<3>>, shape<6, 7, 8, 2>>, shape<4, 5, 6, 5>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv3d<5, L::kernel<3>, L::strides<2>, padding::same>, shape<6, 7, 8, 2>>, shape<3, 4, 4, 5>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv3d<5, L::kernel<2>, L::dilation<3>>, shape<6, 7, 8, 2>>, shape<3, 4, 5, 5>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv2d_transpose<6, L::kernel<3>, L::strides<2>>, shape<4, 5, 3>>, shape<9, 11, 6>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv2d_transpose<6, L::kernel<3>, L::strides<2>, padding::same>, shape<4, 5, 3>>, shape<8, 10, 6>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv2d_transpose<6, L::kernel<1>, L::strides<3>>, shape<4, 5, 3>>, shape<12, 15, 6>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv1d_transpose<2, L::kernel<4>, L::strides<2>>, shape<7, 3>>, shape<16, 2>>);
static_assert(std::is_same_v<L::output_shape_of<L::conv3d_transpose<2, L::kernel<2>, L::strides<2>>, shape<2, 3, 4, 1>>, shape<4, 6, 8, 2>>);
static_assert(std::is_same_v<L::output_shape_of<L::max_pool1d<2>, shape<9, 3>>, shape<4, 3>>);
static_assert(std::is_same_v<L::output_shape_of<L::avg_pool1d<3, L::strides<2>>, shape<9, 3>>, shape<4, 3>>);
static_assert(std::is_same_v<L::output_shape_of<L::avg_pool3d<2>, shape<5, 4, 6, 2>>, shape<2, 2, 3, 2>>);
static_assert(std::is_same_v<L::output_shape_of<L::max_pool3d<3, L::strides<2>>, shape<7, 7, 8, 1>>, shape<3, 3, 3, 1>>);
// The shape rules.
static_assert(!L::conv3d<2, L::kernel<3>>::accepts<shape<8, 8, 1>> && !L::conv1d<2, L::kernel<3>>::accepts<shape<8, 8, 1>>);
static_assert(!L::conv1d<2, L::kernel<3>, L::dilation<3>>::accepts<shape<6, 1>> && L::conv1d<2, L::kernel<3>, L::dilation<3>>::accepts<shape<7, 1>>);
static_assert(L::conv1d<2, L::kernel<3>, padding::same, L::dilation<3>>::accepts<shape<2, 1>>);
static_assert(!L::max_pool3d<2>::accepts<shape<1, 4, 4, 1>> && !L::max_pool1d<2>::accepts<shape<4, 4, 1>>);

namespace {

template <class T>
constexpr double tolerance = std::is_same_v<T, float> ? 2e-5 : 1e-12;

template <class T, std::size_t R>
void fill_uniform(cc::host_tensor<T, R>& t, cc::rng& g) {
    for (auto& v : t) v = T(2 * cc::detail::uniform01(g) - 1);
}
template <class T, class In>
cc::host_tensor<T, In::rank + 1> random_batch(std::size_t n, cc::rng& g) {
    cc::host_tensor<T, In::rank + 1> x(cc::batch_shape<In>(n));
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

template <class Out, class T, std::size_t R>
void check_shape(const cc::host_tensor<T, R>& y, std::size_t n) {
    const auto want = cc::batch_shape<Out>(n);
    for (std::size_t i = 0; i < R; ++i) CHECK(y.shape()[i] == want[i]);
}

template <class Case, class T>
void conv_forward(std::size_t n) {
    constexpr std::size_t D = Case::dims;
    using In = typename Case::in;
    using Out = L::output_shape_of<typename Case::layer, In>;
    cc::rng g(11);
    L::layer_impl<typename Case::layer, In, cpu, T> l(g);
    fill_uniform(l.b, g);   // a non-zero bias
    const auto x = random_batch<T, In>(n, g);

    const ref::axes in = cases::spatial<D, In>(), k = cases::uniform<D>(Case::kernel), s = cases::uniform<D>(Case::stride),
                    dil = cases::uniform<D>(Case::dilation);
    ref::axes out, before{0, 0, 0};
    std::size_t* o[3] = {&out.d, &out.h, &out.w};
    std::size_t* p[3] = {&before.d, &before.h, &before.w};
    for (std::size_t a = 0; a < 3; ++a) {
        const auto r = ref::conv_axis(Case::pad, in[a], k[a], s[a], dil[a]);
        *o[a] = r.out;
        *p[a] = r.before;
    }
    CHECK(cases::spatial<D, Out>()[0] == out.d);
    CHECK(cases::spatial<D, Out>()[1] == out.h);
    CHECK(cases::spatial<D, Out>()[2] == out.w);
    const auto expect = ref::conv(x.data(), n, in, In::dim(D), l.w.data(), k, Case::bias ? l.b.data() : nullptr,
                                  Case::filters, s, dil, before, out);
    for (const auto m : {cc::mode::infer, cc::mode::train}) {   // train keeps the whole batch's patches
        cc::host_tensor<T, In::rank + 1> y;
        l.forward(x, y, m);
        check_shape<Out>(y, n);
        CHECK(max_error(y, expect) < tolerance<T>);
    }
}

template <class Case, class T>
void conv_transpose_forward(std::size_t n) {
    constexpr std::size_t D = Case::dims;
    using In = typename Case::in;
    using Out = L::output_shape_of<typename Case::layer, In>;
    cc::rng g(12);
    L::layer_impl<typename Case::layer, In, cpu, T> l(g);
    fill_uniform(l.b, g);
    const auto x = random_batch<T, In>(n, g);

    const ref::axes in = cases::spatial<D, In>(), k = cases::uniform<D>(Case::kernel), s = cases::uniform<D>(Case::stride),
                    dil = cases::uniform<D>(Case::dilation);
    ref::axes out, before{0, 0, 0};
    std::size_t* o[3] = {&out.d, &out.h, &out.w};
    std::size_t* p[3] = {&before.d, &before.h, &before.w};
    for (std::size_t a = 0; a < 3; ++a) {
        *o[a] = ref::transpose_out(Case::pad, in[a], k[a], s[a], dil[a]);
        *p[a] = ref::conv_axis(Case::pad, *o[a], k[a], s[a], dil[a]).before;   // the forward conv out → in
    }
    CHECK(cases::spatial<D, Out>()[0] == out.d);
    CHECK(cases::spatial<D, Out>()[1] == out.h);
    CHECK(cases::spatial<D, Out>()[2] == out.w);
    const auto expect = ref::conv_transpose(x.data(), n, in, In::dim(D), l.w.data(), k, l.b.data(), Case::filters, s, dil, before, out);
    cc::host_tensor<T, In::rank + 1> y;
    l.forward(x, y, cc::mode::train);
    check_shape<Out>(y, n);
    CHECK(max_error(y, expect) < tolerance<T>);
}

template <class Case, class T>
void pool_forward(std::size_t n) {
    constexpr std::size_t D = Case::dims;
    using In = typename Case::in;
    using Out = L::output_shape_of<typename Case::layer, In>;
    cc::rng g(13);
    L::layer_impl<typename Case::layer, In, cpu, T> l(g);
    const auto x = random_batch<T, In>(n, g);
    const ref::axes in = cases::spatial<D, In>(), out = cases::spatial<D, Out>();
    CHECK(out.w == (in.w - Case::window) / Case::stride + 1);
    const auto expect = ref::pool(Case::max, x.data(), n, in, In::dim(D), cases::uniform<D>(Case::window),
                                  cases::uniform<D>(Case::stride), out);
    cc::host_tensor<T, In::rank + 1> y;
    l.forward(x, y, cc::mode::infer);
    check_shape<Out>(y, n);
    CHECK(max_error(y, expect) < tolerance<T>);
}

} // namespace

using cases::conv;
using cases::conv_transpose;
using cases::pool;
constexpr auto valid = L::padding_mode::valid;
constexpr auto same = L::padding_mode::same;

TEST_CASE_TEMPLATE("conv1d, conv2d and conv3d match a direct loop", C,
                   conv<1, 5, 4, 2, same, 1, shape<13, 3>>, conv<1, 2, 3, 3, same, 2, shape<17, 1>>,
                   conv<1, 4, 2, 1, valid, 3, shape<9, 5>, false>,
                   conv<2, 3, 3, 1, valid, 2, shape<9, 8, 2>>, conv<2, 4, 3, 2, same, 2, shape<11, 7, 3>>,
                   conv<2, 2, 2, 3, same, 3, shape<10, 13, 1>>, conv<2, 2, 1, 1, valid, 1, shape<5, 6, 3>>,
                   conv<3, 2, 3, 2, same, 1, shape<7, 5, 6, 3>>,
                   conv<3, 4, 2, 1, same, 2, shape<6, 7, 5, 1>>, conv<3, 2, 3, 3, valid, 2, shape<9, 8, 10, 2>>,
                   conv<3, 4, 3, 1, same, 1, shape<8, 16, 16, 4>>) {   // the last: several im2col chunks in float
    conv_forward<C, float>(3);
    conv_forward<C, double>(2);
}

TEST_CASE_TEMPLATE("transposed convolutions match a direct loop", C,
                   conv_transpose<2, 2, 3, 2, same, 1, shape<5, 3, 3>>,
                   conv_transpose<2, 4, 2, 3, valid, 1, shape<3, 4, 2>>, conv_transpose<2, 2, 4, 3, same, 1, shape<3, 5, 1>>,
                   conv_transpose<2, 3, 3, 1, same, 2, shape<6, 5, 2>>, conv_transpose<2, 2, 1, 1, valid, 1, shape<4, 3, 5>>,
                   conv_transpose<1, 2, 5, 3, valid, 2, shape<6, 3>>,
                   conv_transpose<3, 2, 3, 2, same, 1, shape<3, 4, 2, 2>>, conv_transpose<3, 4, 3, 2, same, 1, shape<8, 8, 8, 3>>) {   // the last: several col2im chunks
    conv_transpose_forward<C, float>(3);
    conv_transpose_forward<C, double>(2);
}

TEST_CASE_TEMPLATE("1-D and 3-D pooling match a direct loop", C,
                   pool<1, true, 2, 2, shape<9, 3>>, pool<1, false, 3, 2, shape<10, 5>>, pool<1, true, 3, 1, shape<8, 17>>,
                   pool<3, true, 2, 2, shape<5, 4, 7, 3>>, pool<3, true, 3, 2, shape<7, 7, 8, 1>>) {
    pool_forward<C, float>(3);
    pool_forward<C, double>(2);
}

TEST_CASE("conv2d_transpose by hand: stride 2, 'valid', each pixel stamps the kernel") {
    cc::rng g(0);
    L::layer_impl<L::conv2d_transpose<1, L::kernel<2>, L::strides<2>>, shape<2, 2, 1>, cpu, double> l(g);
    const double w[4] = {1, 10, 100, 1000};   // W[ky, kx, 0, 0]
    std::copy_n(w, 4, l.w.data());
    l.b.data()[0] = 0.5;
    cc::host_tensor<double, 4> x(std::array<std::size_t, 4>{1, 2, 2, 1}), y;
    const double xv[4] = {1, 2, 3, 4};
    std::copy_n(xv, 4, x.data());
    l.forward(x, y, cc::mode::infer);
    const double expect[16] = {1,   10,   2,   20,   100, 1000, 200, 2000,
                               3,   30,   4,   40,   300, 3000, 400, 4000};
    REQUIRE(y.size() == 16);
    for (std::size_t i = 0; i < 16; ++i) CHECK(y.data()[i] == expect[i] + 0.5);
}

TEST_CASE("conv2d_transpose is the adjoint of conv2d with the same kernel") {
    // conv2d<2, kernel<3>, strides<2>, same> maps (9, 10, 3) → (5, 5, 2); its transpose maps (5, 5, 2) → (10, 10, 3) in Keras'
    // rule (in·s), so the adjoint pair is taken on (10, 10, 3).
    using conv = L::conv2d<2, L::kernel<3>, L::strides<2>, padding::same, L::kernel_init<glorot>, L::no_bias>;
    using convt = L::conv2d_transpose<3, L::kernel<3>, L::strides<2>, padding::same, L::kernel_init<glorot>, L::no_bias>;
    using Big = shape<10, 10, 3>;
    using Small = L::output_shape_of<conv, Big>;
    static_assert(std::is_same_v<Small, shape<5, 5, 2>> && std::is_same_v<L::output_shape_of<convt, Small>, Big>);
    cc::rng g(5);
    L::layer_impl<conv, Big, cpu, double> c(g);
    L::layer_impl<convt, Small, cpu, double> t(g);
    REQUIRE(c.w.size() == t.w.size());   // (3, 3, 3, 2) both: conv (K, K, C, F), transpose (K, K, F', C')
    std::copy_n(c.w.data(), c.w.size(), t.w.data());
    const auto z = random_batch<double, Big>(2, g);
    const auto x = random_batch<double, Small>(2, g);
    cc::host_tensor<double, 4> cz, tx;
    c.forward(z, cz, cc::mode::infer);
    t.forward(x, tx, cc::mode::infer);
    double lhs = 0, rhs = 0;
    for (std::size_t i = 0; i < tx.size(); ++i) lhs += tx.data()[i] * z.data()[i];
    for (std::size_t i = 0; i < cz.size(); ++i) rhs += x.data()[i] * cz.data()[i];
    CHECK(std::abs(lhs - rhs) < 1e-12 * (1 + std::abs(lhs)));
}

TEST_CASE("dilation 1 is the old conv2d: same weights, same outputs") {
    // Options in another order, and the defaults spelled out, give the same layer.
    using defaults = L::conv2d<4, L::kernel<3>, L::strides<2>, padding::same>;
    using spelled_out = L::conv2d<4, L::kernel_init<glorot>, L::dilation<1>, padding::same, L::use_bias<true>,
                                  L::strides<2, 2>, L::kernel<3, 3>>;
    {
        using In = shape<7, 6, 2>;
        cc::rng g1(3), g2(3);
        L::layer_impl<defaults, In, cpu, double> a(g1);
        L::layer_impl<spelled_out, In, cpu, double> b(g2);
        static_assert(std::is_same_v<L::output_shape_of<defaults, In>, L::output_shape_of<spelled_out, In>>);
        CHECK(a.w == b.w);
        cc::host_tensor<double, 4> x({2, 7, 6, 2}), ya, yb;
        for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = std::sin(0.3 * double(i));
        a.forward(x, ya, cc::mode::infer);
        b.forward(x, yb, cc::mode::infer);
        CHECK(ya == yb);
    }
    // A dilated 3×3 equals a 5×5 whose odd taps are zero.
    using dilated = L::conv2d<4, L::kernel<3>, padding::same, L::dilation<2>, L::kernel_init<glorot>>;
    using dense5 = L::conv2d<4, L::kernel<5>, padding::same>;
    using In = shape<9, 8, 3>;
    cc::rng g(8);
    L::layer_impl<dilated, In, cpu, double> a(g);
    L::layer_impl<dense5, In, cpu, double> b(g);
    std::fill(b.w.begin(), b.w.end(), 0.0);
    for (std::size_t ky = 0; ky < 3; ++ky)
        for (std::size_t kx = 0; kx < 3; ++kx)
            for (std::size_t c = 0; c < 3; ++c)
                for (std::size_t f = 0; f < 4; ++f) b.w(2 * ky, 2 * kx, c, f) = a.w(ky, kx, c, f);
    const auto x = random_batch<double, In>(2, g);
    cc::host_tensor<double, 4> ya, yb;
    a.forward(x, ya, cc::mode::infer);
    b.forward(x, yb, cc::mode::infer);
    CHECK(max_error(ya, std::vector<double>(yb.begin(), yb.end())) < 1e-14);
}

TEST_CASE("networks of conv1d and conv3d layers learn") {
    // 1-D: does a bump sit in the first or the second half of the sequence?
    using net1 = cc::net::sequential<shape<24, 2>,
        L::conv1d<6, L::kernel<5>, padding::same>, L::relu, L::max_pool1d<2>,
        L::conv1d<6, L::kernel<3>, L::strides<2>, L::dilation<2>>, L::relu, L::avg_pool1d<2>,
        L::flatten, L::dense<2>, L::softmax>;
    static_assert(std::is_same_v<net1::on<cpu, float>::shape_at<4>, shape<4, 6>>);
    const auto learns = [](auto& net, auto x, std::size_t time_axis_len, std::size_t per_step) {
        // x: (16, …) with the last two axes (time, channel); class c puts a bump in half c.
        const std::size_t n = 16;
        cc::host_tensor<float, 2> t = xt::zeros<float>({n, std::size_t(2)});
        cc::rng g(4);
        const std::size_t sample = x.size() / n;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t c = i % 2;
            t(i, c) = 1;
            for (std::size_t p = 0; p < sample; ++p) {
                const std::size_t time = p / per_step % time_axis_len;
                const bool bump = (time < time_axis_len / 2) == (c == 0);
                x.data()[i * sample + p] = float(0.2 * cc::detail::uniform01(g)) + (bump ? 1.f : 0.f);
            }
        }
        cc::optimizers::adam opt{{.lr = 0.01}};
        const cc::losses::categorical_crossentropy loss;
        const float first = cc::train::step(net, loss, opt, x, t);
        float last = first;
        for (int i = 0; i < 40; ++i) last = cc::train::step(net, loss, opt, x, t);
        MESSAGE("loss: " << first << " -> " << last);
        CHECK(last < 0.3f * first);
    };
    net1::on<cpu, float> a{1};
    learns(a, cc::host_tensor<float, 3>(std::array<std::size_t, 3>{16, 24, 2}), 24, 2);
    // 3-D: (N, N, T, 2) detector-style volumes, the same question along the time axis.
    using net3b = cc::net::sequential<shape<5, 5, 12, 2>,
        L::conv3d<4, L::kernel<3>, padding::same>, L::relu, L::max_pool3d<2>,
        L::conv3d_transpose<3, L::kernel<2>, L::strides<2>>, L::relu, L::avg_pool3d<2>, L::flatten, L::dense<2>, L::softmax>;
    static_assert(std::is_same_v<net3b::on<cpu, float>::shape_at<4>, shape<4, 4, 12, 3>>);
    net3b::on<cpu, float> b{1};
    std::ostringstream summary;
    cc::summary(b, summary);
    CHECK(summary.str().find("conv3d_transpose_3") != std::string::npos);
    learns(b, cc::host_tensor<float, 5>(std::array<std::size_t, 5>{16, 5, 5, 12, 2}), 12, 2);
}
