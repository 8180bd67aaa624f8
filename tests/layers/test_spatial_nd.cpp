// zero_padding1d/2d/3d, cropping1d/2d/3d and upsampling1d/2d/3d (issue 12): per-axis and asymmetric sizes
// in the named spelling. Output shapes at compile time; forward against naive loops written here over the
// (n, d, h, w, c) view (independent of kernels/cpu/spatial.hpp); backward against the adjoint of that naive
// forward (all these layers are linear: dx = Jᵀ dy, J's columns from basis vectors); finite-difference
// gradient checks in double. Odd sizes and channel counts throughout.
#include <cascade/backend/cpu.hpp>
#include <cascade/layers/cropping1d.hpp>
#include <cascade/layers/cropping2d.hpp>
#include <cascade/layers/cropping3d.hpp>
#include <cascade/layers/upsampling1d.hpp>
#include <cascade/layers/upsampling2d.hpp>
#include <cascade/layers/upsampling3d.hpp>
#include <cascade/layers/zero_padding1d.hpp>
#include <cascade/layers/zero_padding2d.hpp>
#include <cascade/layers/zero_padding3d.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

namespace {

template <class A, class B>
constexpr bool same = std::is_same_v<A, B>;
template <class Layer, class In>
using out_t = L::output_shape_of<Layer, In>;

} // namespace

// ---- shapes at compile time ----
// zero padding: every side, per axis, per side; 1-D, 2-D, 3-D
static_assert(same<out_t<L::zero_padding1d<2>, shape<5, 3>>, shape<9, 3>>);
static_assert(same<out_t<L::zero_padding1d<L::sides<1, 3>>, shape<5, 3>>, shape<9, 3>>);
static_assert(same<out_t<L::zero_padding1d<L::sides<0, 2>>, shape<5, 3>>, shape<7, 3>>);
static_assert(same<out_t<L::zero_padding1d<L::dims<2>>, shape<5, 3>>, shape<9, 3>>);
static_assert(same<out_t<L::zero_padding2d<1>, shape<4, 5, 3>>, shape<6, 7, 3>>);
static_assert(same<out_t<L::zero_padding2d<L::dims<1, 2>>, shape<4, 5, 3>>, shape<6, 9, 3>>);
static_assert(same<out_t<L::zero_padding2d<L::sides<1, 2>, L::sides<3, 4>>, shape<4, 5, 3>>, shape<7, 12, 3>>);
static_assert(same<out_t<L::zero_padding3d<1>, shape<2, 3, 4, 5>>, shape<4, 5, 6, 5>>);
static_assert(same<out_t<L::zero_padding3d<L::dims<1, 0, 2>>, shape<2, 3, 4, 5>>, shape<4, 3, 8, 5>>);
static_assert(same<out_t<L::zero_padding3d<L::sides<0, 1>, L::sides<2, 0>, L::sides<1, 3>>, shape<2, 3, 4, 5>>,
                   shape<3, 5, 8, 5>>);
// cropping
static_assert(same<out_t<L::cropping1d<2>, shape<7, 3>>, shape<3, 3>>);
static_assert(same<out_t<L::cropping1d<L::sides<1, 3>>, shape<7, 3>>, shape<3, 3>>);
static_assert(same<out_t<L::cropping2d<L::dims<1, 2>>, shape<5, 7, 3>>, shape<3, 3, 3>>);
static_assert(same<out_t<L::cropping2d<L::sides<0, 1>, L::sides<2, 0>>, shape<5, 7, 3>>, shape<4, 5, 3>>);
static_assert(same<out_t<L::cropping3d<1>, shape<3, 5, 7, 2>>, shape<1, 3, 5, 2>>);
static_assert(same<out_t<L::cropping3d<L::dims<1, 0, 2>>, shape<3, 5, 7, 2>>, shape<1, 5, 3, 2>>);
static_assert(same<out_t<L::cropping3d<L::sides<1, 0>, L::sides<0, 2>, L::sides<3, 1>>, shape<3, 5, 7, 2>>,
                   shape<2, 3, 3, 2>>);
// upsampling: Keras' default size 2, one factor, per-axis factors, interpolation option
static_assert(same<out_t<L::upsampling1d<>, shape<5, 3>>, shape<10, 3>>);
static_assert(same<out_t<L::upsampling1d<3>, shape<5, 3>>, shape<15, 3>>);
static_assert(same<out_t<L::upsampling2d<>, shape<4, 5, 3>>, shape<8, 10, 3>>);
static_assert(same<out_t<L::upsampling2d<L::dims<2, 1>>, shape<4, 5, 3>>, shape<8, 5, 3>>);
static_assert(same<out_t<L::upsampling2d<L::dims<1, 3>, L::interpolation::bilinear>, shape<4, 5, 3>>, shape<4, 15, 3>>);
static_assert(same<out_t<L::upsampling2d<3, L::interpolation::nearest>, shape<4, 5, 3>>, shape<12, 15, 3>>);
static_assert(same<out_t<L::upsampling3d<>, shape<2, 3, 4, 5>>, shape<4, 6, 8, 5>>);
static_assert(same<out_t<L::upsampling3d<L::dims<1, 2, 3>>, shape<2, 3, 4, 5>>, shape<2, 6, 12, 5>>);

// ---- what is rejected (accepts is false; the messages are in tests/compile_fail) ----
// the old positional margins; the wrong number of sides<>; mixed forms; dims<> of the wrong length
static_assert(!L::zero_padding2d<1, 2>::accepts<shape<4, 5, 3>>);
static_assert(!L::zero_padding2d<0, 1, 2, 3>::accepts<shape<4, 5, 3>>);
static_assert(!L::zero_padding2d<>::accepts<shape<4, 5, 3>>);
static_assert(!L::zero_padding2d<L::sides<1, 2>>::accepts<shape<4, 5, 3>>);
static_assert(!L::zero_padding2d<L::sides<1, 2>, L::sides<1, 2>, L::sides<1, 2>>::accepts<shape<4, 5, 3>>);
static_assert(!L::zero_padding2d<L::sides<1, 2>, 3>::accepts<shape<4, 5, 3>>);
static_assert(!L::zero_padding2d<L::dims<1, 2, 3>>::accepts<shape<4, 5, 3>>);
static_assert(!L::zero_padding1d<L::dims<1, 3>>::accepts<shape<5, 3>>);   // Keras' 1-D (1, 3) is sides<1, 3>
static_assert(!L::zero_padding3d<L::dims<1, 2>>::accepts<shape<2, 3, 4, 5>>);
// ranks
static_assert(!L::zero_padding1d<1>::accepts<shape<4, 5, 3>> && !L::zero_padding2d<1>::accepts<shape<5, 3>>);
static_assert(!L::zero_padding3d<1>::accepts<shape<4, 5, 3>> && !L::cropping1d<1>::accepts<shape<9>>);
static_assert(!L::upsampling1d<>::accepts<shape<4, 5, 3>> && !L::upsampling3d<>::accepts<shape<4, 5, 3>>);
// cropping leaves at least one slice on every axis
static_assert(L::cropping1d<L::sides<3, 3>>::accepts<shape<7, 1>> && !L::cropping1d<L::sides<3, 4>>::accepts<shape<7, 1>>);
static_assert(!L::cropping3d<L::dims<0, 0, 3>>::accepts<shape<3, 5, 6, 2>> && L::cropping3d<L::dims<1, 2, 2>>::accepts<shape<3, 5, 5, 2>>);
static_assert(!L::cropping3d<L::sides<2, 1>, L::sides<0, 0>, L::sides<0, 0>>::accepts<shape<3, 5, 6, 2>>);
// factors: positive, one or one per axis; interpolation only for upsampling2d (as Keras); options once
static_assert(!L::upsampling2d<0>::accepts<shape<4, 5, 3>> && !L::upsampling2d<L::dims<2, 0>>::accepts<shape<4, 5, 3>>);
static_assert(!L::upsampling2d<L::dims<2, 2, 2>>::accepts<shape<4, 5, 3>> && !L::upsampling3d<L::dims<2, 2>>::accepts<shape<2, 4, 5, 3>>);
static_assert(!L::upsampling1d<2, L::interpolation::bilinear>::accepts<shape<5, 3>>);
static_assert(!L::upsampling1d<2, L::interpolation::nearest>::accepts<shape<5, 3>>);
static_assert(!L::upsampling3d<2, L::interpolation::nearest>::accepts<shape<2, 4, 5, 3>>);
static_assert(!L::upsampling2d<2, L::interpolation::bilinear, L::interpolation::nearest>::accepts<shape<4, 5, 3>>);
static_assert(!L::upsampling2d<2, L::padding::same>::accepts<shape<4, 5, 3>>);
static_assert(!L::upsampling2d<2, int>::accepts<shape<4, 5, 3>>);
// output shapes stay well-formed for rejected inputs (one diagnostic, check()'s)
static_assert(same<out_t<L::cropping2d<3>, shape<4, 4, 2>>, shape<1, 1, 2>>);

namespace {

// ---- the naive reference: x as (n, d, h, w, c), row-major ----
struct ext {
    std::size_t n, d, h, w, c;
    std::size_t size() const { return n * d * h * w * c; }
    std::size_t at(std::size_t s, std::size_t z, std::size_t y, std::size_t x, std::size_t k) const {
        return (((s * d + z) * h + y) * w + x) * c + k;
    }
};
template <class In>
ext ext_of(std::size_t n) {
    if constexpr (In::rank == 2) return {n, 1, 1, In::dim(0), In::dim(1)};
    else if constexpr (In::rank == 3) return {n, 1, In::dim(0), In::dim(1), In::dim(2)};
    else return {n, In::dim(0), In::dim(1), In::dim(2), In::dim(3)};
}
using vec = std::vector<double>;
using axes = std::array<std::size_t, 3>;   // (depth, height, width)

// y[s, b0 + z, b1 + y, b2 + x, k] = x[s, z, y, x, k], 0 elsewhere
vec naive_pad(const vec& x, ext e, axes b, axes a, ext& o) {
    o = {e.n, e.d + b[0] + a[0], e.h + b[1] + a[1], e.w + b[2] + a[2], e.c};
    vec y(o.size(), 0.0);
    for (std::size_t s = 0; s < e.n; ++s)
        for (std::size_t z = 0; z < e.d; ++z)
            for (std::size_t i = 0; i < e.h; ++i)
                for (std::size_t j = 0; j < e.w; ++j)
                    for (std::size_t k = 0; k < e.c; ++k) y[o.at(s, z + b[0], i + b[1], j + b[2], k)] = x[e.at(s, z, i, j, k)];
    return y;
}
// y[s, z, y, x, k] = x[s, b0 + z, b1 + y, b2 + x, k]
vec naive_crop(const vec& x, ext e, axes b, axes a, ext& o) {
    o = {e.n, e.d - b[0] - a[0], e.h - b[1] - a[1], e.w - b[2] - a[2], e.c};
    vec y(o.size());
    for (std::size_t s = 0; s < o.n; ++s)
        for (std::size_t z = 0; z < o.d; ++z)
            for (std::size_t i = 0; i < o.h; ++i)
                for (std::size_t j = 0; j < o.w; ++j)
                    for (std::size_t k = 0; k < o.c; ++k) y[o.at(s, z, i, j, k)] = x[e.at(s, z + b[0], i + b[1], j + b[2], k)];
    return y;
}
// y[s, z, y, x, k] = x[s, z / f0, y / f1, x / f2, k]
vec naive_nearest(const vec& x, ext e, axes f, ext& o) {
    o = {e.n, e.d * f[0], e.h * f[1], e.w * f[2], e.c};
    vec y(o.size());
    for (std::size_t s = 0; s < o.n; ++s)
        for (std::size_t z = 0; z < o.d; ++z)
            for (std::size_t i = 0; i < o.h; ++i)
                for (std::size_t j = 0; j < o.w; ++j)
                    for (std::size_t k = 0; k < o.c; ++k) y[o.at(s, z, i, j, k)] = x[e.at(s, z / f[0], i / f[1], j / f[2], k)];
    return y;
}
// Half-pixel bilinear (tf.image.resize, PyTorch align_corners=False): source (o + ½)/f − ½, clamped to
// [0, in − 1], linear between its two neighbours.
vec naive_bilinear(const vec& x, ext e, std::size_t fh, std::size_t fw, ext& o) {
    o = {e.n, e.d, e.h * fh, e.w * fw, e.c};
    auto tap = [](std::size_t out, std::size_t f, std::size_t in, std::size_t& i0, std::size_t& i1, double& l) {
        double src = (double(out) + 0.5) / double(f) - 0.5;
        if (src < 0) src = 0;
        i0 = std::size_t(std::floor(src));
        if (i0 > in - 1) i0 = in - 1;
        i1 = i0 + 1 < in ? i0 + 1 : in - 1;
        l = src - double(i0);
    };
    vec y(o.size());
    for (std::size_t s = 0; s < o.n; ++s)
        for (std::size_t z = 0; z < o.d; ++z)
            for (std::size_t i = 0; i < o.h; ++i)
                for (std::size_t j = 0; j < o.w; ++j) {
                    std::size_t y0, y1, x0, x1;
                    double ly, lx;
                    tap(i, fh, e.h, y0, y1, ly);
                    tap(j, fw, e.w, x0, x1, lx);
                    for (std::size_t k = 0; k < o.c; ++k) {
                        const double top = (1 - lx) * x[e.at(s, z, y0, x0, k)] + lx * x[e.at(s, z, y0, x1, k)];
                        const double bot = (1 - lx) * x[e.at(s, z, y1, x0, k)] + lx * x[e.at(s, z, y1, x1, k)];
                        y[o.at(s, z, i, j, k)] = (1 - ly) * top + ly * bot;
                    }
                }
    return y;
}

// Distinct values, never 0 (a padded zero cannot pass for an input value).
vec distinct(std::size_t n, unsigned seed) {
    cc::rng g(seed);
    vec v(n);
    for (std::size_t k = 0; k < n; ++k) v[k] = (k % 2 ? -1.0 : 1.0) * (1.0 + double(k) + 0.25 * cc::detail::uniform01(g));
    return v;
}

// Runs Layer on In (batch 2) and compares forward with naive(x) and backward with Σ_o dy[o] ∂naive_o/∂x
// (the naive map applied to each basis vector). exact: copies compare with ==, else within 1e-12 relative.
template <class Layer, class In, class Naive>
void check_against_naive(Naive naive, bool exact) {
    using Out = out_t<Layer, In>;
    constexpr std::size_t n = 2;
    const ext e = ext_of<In>(n);
    cc::rng g(3);
    L::layer_impl<Layer, In, cpu, double> l(g);
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(n)), dx;
    cc::host_tensor<double, Out::rank + 1> y, dy(cc::batch_shape<Out>(n));
    const vec xv = distinct(x.size(), 5), dyv = distinct(dy.size(), 6);
    std::copy(xv.begin(), xv.end(), x.data());
    std::copy(dyv.begin(), dyv.end(), dy.data());

    ext o{};
    const vec ref = naive(xv, e, o);
    l.forward(x, y, cc::mode::train);
    REQUIRE(y.shape() == cc::batch_shape<Out>(n));
    REQUIRE(o.size() == y.size());
    auto close = [exact](double a, double b) { return exact ? a == b : std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b)); };
    std::size_t bad_y = 0;
    for (std::size_t i = 0; i < y.size(); ++i) bad_y += !close(y.data()[i], ref[i]);
    CHECK_MESSAGE(bad_y == 0, Layer::name);

    // The adjoint of the naive map.
    vec dref(x.size(), 0.0), basis(x.size(), 0.0);
    for (std::size_t i = 0; i < x.size(); ++i) {
        basis[i] = 1;
        const vec col = naive(basis, e, o);
        basis[i] = 0;
        for (std::size_t q = 0; q < col.size(); ++q) dref[i] += col[q] * dyv[q];
    }
    dx = x * 1e3;   // overwritten, not accumulated
    l.backward(x, y, dy, &dx);
    REQUIRE(dx.shape() == x.shape());
    std::size_t bad_dx = 0;
    for (std::size_t i = 0; i < dx.size(); ++i) bad_dx += !close(dx.data()[i], dref[i]);
    CHECK_MESSAGE(bad_dx == 0, Layer::name);
    l.backward(x, y, dy, nullptr);   // no input gradient wanted: nothing to do, nothing to crash
}

template <class Layer, class In>
void pad_case(axes b, axes a) {
    check_against_naive<Layer, In>([=](const vec& x, ext e, ext& o) { return naive_pad(x, e, b, a, o); }, true);
}
template <class Layer, class In>
void crop_case(axes b, axes a) {
    check_against_naive<Layer, In>([=](const vec& x, ext e, ext& o) { return naive_crop(x, e, b, a, o); }, true);
}
template <class Layer, class In>
void nearest_case(axes f) {
    check_against_naive<Layer, In>([=](const vec& x, ext e, ext& o) { return naive_nearest(x, e, f, o); }, true);
}
template <class Layer, class In>
void bilinear_case(std::size_t fh, std::size_t fw) {
    check_against_naive<Layer, In>([=](const vec& x, ext e, ext& o) { return naive_bilinear(x, e, fh, fw, o); }, false);
}

// Finite differences (double): the largest relative error of dx.
template <class Layer, class In>
double fd_error(std::size_t batch = 2, unsigned seed = 1) {
    using Out = out_t<Layer, In>;
    cc::rng g(seed);
    L::layer_impl<Layer, In, cpu, double> l(g);
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(batch));
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    return cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x).input;
}
constexpr double tol = 1e-6;

} // namespace

TEST_CASE("zero_padding1d/2d/3d against a naive loop: every side, per axis, per side") {
    pad_case<L::zero_padding1d<2>, shape<5, 3>>({0, 0, 2}, {0, 0, 2});
    pad_case<L::zero_padding1d<L::sides<1, 3>>, shape<5, 3>>({0, 0, 1}, {0, 0, 3});
    pad_case<L::zero_padding1d<L::sides<0, 2>>, shape<1, 1>>({0, 0, 0}, {0, 0, 2});
    pad_case<L::zero_padding2d<1>, shape<3, 5, 3>>({0, 1, 1}, {0, 1, 1});
    pad_case<L::zero_padding2d<L::dims<1, 2>>, shape<3, 5, 3>>({0, 1, 2}, {0, 1, 2});
    pad_case<L::zero_padding2d<L::dims<0, 3>>, shape<3, 5, 1>>({0, 0, 3}, {0, 0, 3});
    pad_case<L::zero_padding2d<L::sides<1, 2>, L::sides<3, 0>>, shape<3, 5, 3>>({0, 1, 3}, {0, 2, 0});
    pad_case<L::zero_padding2d<L::sides<0, 1>, L::sides<0, 2>>, shape<1, 1, 5>>({0, 0, 0}, {0, 1, 2});
    pad_case<L::zero_padding3d<1>, shape<2, 3, 5, 3>>({1, 1, 1}, {1, 1, 1});
    pad_case<L::zero_padding3d<L::dims<2, 0, 1>>, shape<1, 3, 5, 3>>({2, 0, 1}, {2, 0, 1});
    pad_case<L::zero_padding3d<L::sides<0, 1>, L::sides<2, 0>, L::sides<1, 3>>, shape<3, 3, 5, 3>>({0, 2, 1}, {1, 0, 3});
}

TEST_CASE("cropping1d/2d/3d against a naive loop: every side, per axis, per side, down to one slice") {
    crop_case<L::cropping1d<2>, shape<7, 3>>({0, 0, 2}, {0, 0, 2});
    crop_case<L::cropping1d<L::sides<1, 3>>, shape<7, 3>>({0, 0, 1}, {0, 0, 3});
    crop_case<L::cropping1d<L::sides<0, 6>>, shape<7, 3>>({0, 0, 0}, {0, 0, 6});   // one step left
    crop_case<L::cropping2d<1>, shape<5, 7, 3>>({0, 1, 1}, {0, 1, 1});
    crop_case<L::cropping2d<L::dims<2, 1>>, shape<5, 7, 3>>({0, 2, 1}, {0, 2, 1});
    crop_case<L::cropping2d<L::sides<0, 1>, L::sides<2, 3>>, shape<5, 7, 3>>({0, 0, 2}, {0, 1, 3});
    crop_case<L::cropping2d<L::sides<4, 0>, L::sides<0, 6>>, shape<5, 7, 1>>({0, 4, 0}, {0, 0, 6});   // 1 × 1 left
    crop_case<L::cropping3d<1>, shape<3, 5, 7, 3>>({1, 1, 1}, {1, 1, 1});
    crop_case<L::cropping3d<L::dims<0, 2, 1>>, shape<3, 5, 7, 3>>({0, 2, 1}, {0, 2, 1});
    crop_case<L::cropping3d<L::sides<1, 0>, L::sides<0, 2>, L::sides<3, 1>>, shape<3, 5, 7, 3>>({1, 0, 3}, {0, 2, 1});
}

TEST_CASE("upsampling1d/2d/3d nearest against a naive loop: one factor, per-axis factors, factor 1") {
    nearest_case<L::upsampling1d<>, shape<5, 3>>({1, 1, 2});
    nearest_case<L::upsampling1d<3>, shape<5, 3>>({1, 1, 3});
    nearest_case<L::upsampling1d<1>, shape<5, 3>>({1, 1, 1});
    nearest_case<L::upsampling2d<>, shape<3, 5, 3>>({1, 2, 2});
    nearest_case<L::upsampling2d<L::dims<2, 1>>, shape<3, 5, 3>>({1, 2, 1});
    nearest_case<L::upsampling2d<L::dims<1, 3>, L::interpolation::nearest>, shape<3, 5, 3>>({1, 1, 3});
    nearest_case<L::upsampling2d<L::dims<3, 2>>, shape<1, 1, 5>>({1, 3, 2});
    nearest_case<L::upsampling3d<>, shape<2, 3, 5, 3>>({2, 2, 2});
    nearest_case<L::upsampling3d<L::dims<3, 1, 2>>, shape<2, 3, 5, 3>>({3, 1, 2});
    nearest_case<L::upsampling3d<L::dims<1, 2, 1>>, shape<1, 3, 1, 7>>({1, 2, 1});
}

TEST_CASE("upsampling2d bilinear against a naive loop: per-axis factors, single rows and columns") {
    bilinear_case<L::upsampling2d<2, L::interpolation::bilinear>, shape<3, 5, 3>>(2, 2);
    bilinear_case<L::upsampling2d<L::dims<2, 3>, L::interpolation::bilinear>, shape<3, 5, 3>>(2, 3);
    bilinear_case<L::upsampling2d<L::dims<3, 1>, L::interpolation::bilinear>, shape<4, 3, 5>>(3, 1);
    bilinear_case<L::upsampling2d<L::dims<1, 4>, L::interpolation::bilinear>, shape<1, 3, 2>>(1, 4);
    bilinear_case<L::upsampling2d<L::dims<3, 2>, L::interpolation::bilinear>, shape<1, 1, 3>>(3, 2);
}

TEST_CASE("upsampling2d bilinear with per-axis factors: hand values") {
    // One row [0, 3] (H = 1, W = 2), size (2, 3): every output row is the 1-D half-pixel resize of [0, 3]
    // by 3: sources −1/3 (clamped to 0), 0, 1/3, 2/3, 1, 4/3 (clamped to the last pixel).
    L::layer_impl<L::upsampling2d<L::dims<2, 3>, L::interpolation::bilinear>, shape<1, 2, 1>, cpu, double> u;
    const cc::host_tensor<double, 4> x{{{{0}, {3}}}};
    cc::host_tensor<double, 4> y;
    u.forward(x, y, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{1, 2, 6, 1});
    const double e[6] = {0, 0, 1, 2, 3, 3};
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 6; ++j) CHECK(y(0, i, j, 0) == doctest::Approx(e[j]).epsilon(1e-14));
}

TEST_CASE("zero padding, cropping and upsampling 1-D/2-D/3-D: finite-difference gradients (double)") {
    CHECK(fd_error<L::zero_padding1d<L::sides<1, 3>>, shape<5, 3>>() < tol);
    CHECK(fd_error<L::zero_padding2d<L::sides<0, 2>, L::sides<1, 0>>, shape<3, 5, 3>>() < tol);
    CHECK(fd_error<L::zero_padding3d<L::dims<1, 0, 2>>, shape<3, 3, 5, 1>>() < tol);
    CHECK(fd_error<L::cropping1d<L::sides<2, 1>>, shape<7, 3>>() < tol);
    CHECK(fd_error<L::cropping2d<L::dims<1, 2>>, shape<5, 7, 3>>() < tol);
    CHECK(fd_error<L::cropping3d<L::sides<1, 0>, L::sides<0, 2>, L::sides<3, 1>>, shape<3, 5, 7, 3>>() < tol);
    CHECK(fd_error<L::upsampling1d<3>, shape<5, 3>>() < tol);
    CHECK(fd_error<L::upsampling2d<L::dims<2, 3>>, shape<3, 5, 3>>() < tol);
    CHECK(fd_error<L::upsampling2d<L::dims<3, 2>, L::interpolation::bilinear>, shape<3, 5, 3>>() < tol);
    CHECK(fd_error<L::upsampling2d<L::dims<1, 3>, L::interpolation::bilinear>, shape<1, 5, 3>>() < tol);
    CHECK(fd_error<L::upsampling3d<L::dims<2, 1, 3>>, shape<3, 3, 5, 3>>() < tol);
}
