// Forward (and backward) values computed by hand for the layers of issue 3: elu, selu, softplus, linear,
// gaussian_noise, spatial_dropout2d, global pooling, zero_padding2d, cropping2d, upsampling2d; their
// compile-time shape rules; the random layers' train/inference behaviour and statistics; all of them in
// one trained network.
#include <cascade/cascade.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;
using cc::shape;

namespace {
template <class Layer, class In, class T = double>
auto make(unsigned seed = 0) {
    cc::rng g(seed);
    return L::layer_impl<Layer, In, cpu, T>(g);
}
// An (N, H, W, C) tensor with values 0, 1, 2, ... in row-major order.
cc::host_tensor<double, 4> iota4(std::size_t n, std::size_t h, std::size_t w, std::size_t c) {
    cc::host_tensor<double, 4> x(std::array<std::size_t, 4>{n, h, w, c});
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = double(i);
    return x;
}
template <class A, class B>
inline constexpr bool same = std::is_same_v<A, B>;
} // namespace

// ---- shape inference and shape rules, at compile time ----
static_assert(same<L::output_shape_of<L::elu<>, shape<3, 4>>, shape<3, 4>>);
static_assert(same<L::output_shape_of<L::gaussian_noise<cc::ratio<1, 10>>, shape<7>>, shape<7>>);
static_assert(same<L::output_shape_of<L::spatial_dropout2d<cc::ratio<1, 5>>, shape<4, 5, 6>>, shape<4, 5, 6>>);
static_assert(same<L::output_shape_of<L::global_average_pooling2d<>, shape<7, 6, 4>>, shape<4>>);
static_assert(same<L::output_shape_of<L::global_max_pooling2d<>, shape<7, 6, 4>>, shape<4>>);
static_assert(same<L::output_shape_of<L::global_average_pooling1d<>, shape<9, 5>>, shape<5>>);
static_assert(same<L::output_shape_of<L::global_max_pooling1d<>, shape<9, 5>>, shape<5>>);
static_assert(same<L::output_shape_of<L::zero_padding2d<1>, shape<4, 5, 3>>, shape<6, 7, 3>>);
static_assert(same<L::output_shape_of<L::zero_padding2d<L::dims<1, 2>>, shape<4, 5, 3>>, shape<6, 9, 3>>);
static_assert(same<L::output_shape_of<L::zero_padding2d<L::sides<0, 1>, L::sides<2, 3>>, shape<4, 5, 3>>, shape<5, 10, 3>>);
static_assert(same<L::output_shape_of<L::cropping2d<1>, shape<4, 5, 3>>, shape<2, 3, 3>>);
static_assert(same<L::output_shape_of<L::cropping2d<L::dims<1, 2>>, shape<4, 5, 3>>, shape<2, 1, 3>>);
static_assert(same<L::output_shape_of<L::cropping2d<L::sides<0, 1>, L::sides<2, 0>>, shape<4, 5, 3>>, shape<3, 3, 3>>);
static_assert(same<L::output_shape_of<L::upsampling2d<>, shape<4, 5, 3>>, shape<8, 10, 3>>);
static_assert(same<L::output_shape_of<L::upsampling2d<3, L::interpolation::bilinear>, shape<4, 5, 3>>, shape<12, 15, 3>>);
// Rejected inputs (the static_assert messages themselves are compile-fail material, owned by tests/compile_fail).
static_assert(!L::global_average_pooling2d<>::accepts<shape<64>> && !L::global_max_pooling2d<>::accepts<shape<8, 8>>);
static_assert(!L::global_average_pooling1d<>::accepts<shape<8, 8, 1>> && !L::global_max_pooling1d<>::accepts<shape<8>>);
static_assert(!L::zero_padding2d<1>::accepts<shape<8, 8>> && !L::upsampling2d<>::accepts<shape<8>>);
static_assert(!L::spatial_dropout2d<cc::ratio<1, 2>>::accepts<shape<8, 4>>);
static_assert(!L::cropping2d<2>::accepts<shape<4, 9, 1>> && !L::cropping2d<L::sides<0, 0>, L::sides<4, 5>>::accepts<shape<4, 9, 1>>);
static_assert(L::cropping2d<L::sides<0, 0>, L::sides<4, 4>>::accepts<shape<4, 9, 1>> && !L::cropping2d<1>::accepts<shape<9, 9>>);
// Output shapes stay well-formed for rejected inputs (no second diagnostic after check's).
static_assert(same<L::output_shape_of<L::cropping2d<3>, shape<4, 4, 2>>, shape<1, 1, 2>>);

// ---- activations ----
TEST_CASE("elu: y = x or alpha (e^x - 1), dx = dy or dy (y + alpha)") {
    cc::host_tensor<double, 2> x{{-2, -0.5, 0, 1.5}}, y, dx;
    auto e = make<L::elu<>, shape<4>>();
    e.forward(x, y, cc::mode::infer);
    CHECK(y(0, 0) == doctest::Approx(-0.8646647167633873));   // e^-2 - 1
    CHECK(y(0, 1) == doctest::Approx(-0.3934693402873666));   // e^-0.5 - 1
    CHECK(y(0, 2) == 0);
    CHECK(y(0, 3) == 1.5);
    e.backward(x, y, cc::host_tensor<double, 2>{{2, 2, 2, 2}}, &dx);
    CHECK(dx(0, 0) == doctest::Approx(2 * 0.1353352832366127));   // 2 e^-2
    CHECK(dx(0, 1) == doctest::Approx(2 * 0.6065306597126334));   // 2 e^-0.5
    CHECK(dx(0, 2) == doctest::Approx(2.0));                      // x = 0 takes the left branch: α e^0 = 1
    CHECK(dx(0, 3) == 2);

    auto e2 = make<L::elu<cc::ratio<1, 2>>, shape<4>>();   // Keras ELU(alpha=0.5)
    e2.forward(x, y, cc::mode::infer);
    CHECK(y(0, 0) == doctest::Approx(-0.5 * 0.8646647167633873));
    CHECK(y(0, 3) == 1.5);
    e2.backward(x, y, cc::host_tensor<double, 2>{{1, 1, 1, 1}}, &dx);
    CHECK(dx(0, 0) == doctest::Approx(0.5 * 0.1353352832366127));
    CHECK(dx(0, 3) == 1);
}

TEST_CASE("selu: the Klambauer et al. constants") {
    constexpr double l = 1.0507009873554804934, a = 1.6732632423543772848;
    cc::host_tensor<double, 2> x{{-1, 0, 2}}, y, dx;
    auto s = make<L::selu, shape<3>>();
    s.forward(x, y, cc::mode::infer);
    CHECK(y(0, 0) == doctest::Approx(-1.1113307378125628));   // λα (e^-1 − 1)
    CHECK(y(0, 0) == doctest::Approx(l * a * (std::exp(-1.0) - 1)));
    CHECK(y(0, 1) == 0);
    CHECK(y(0, 2) == doctest::Approx(2.1014019747109608));    // 2λ
    s.backward(x, y, cc::host_tensor<double, 2>{{1, 1, 1}}, &dx);
    CHECK(dx(0, 0) == doctest::Approx(l * a * std::exp(-1.0)));
    CHECK(dx(0, 1) == doctest::Approx(l * a));
    CHECK(dx(0, 2) == doctest::Approx(l));
    // The fixed point the constants were chosen for: mean 0 and variance 1 of selu(z), z ~ N(0, 1),
    // by quadrature on [-10, 10].
    long double m1 = 0, m2 = 0;
    const int k = 200000;
    cc::host_tensor<double, 2> z(std::array<std::size_t, 2>{1, std::size_t(k + 1)}), sz;
    for (int i = 0; i <= k; ++i) z(0, std::size_t(i)) = -10 + 20.0 * i / k;
    s.forward(z, sz, cc::mode::infer);
    for (int i = 0; i <= k; ++i) {
        const double t = z(0, std::size_t(i)), w = std::exp(-t * t / 2) / std::sqrt(2 * 3.141592653589793) * 20.0 / k * ((i == 0 || i == k) ? 0.5 : 1);
        m1 += w * sz(0, std::size_t(i));
        m2 += w * sz(0, std::size_t(i)) * sz(0, std::size_t(i));
    }
    CHECK(double(m1) == doctest::Approx(0).epsilon(1e-6).scale(1));
    CHECK(double(m2) == doctest::Approx(1).epsilon(1e-6));
}

TEST_CASE("softplus: log(1 + e^x), stable for large |x|, dx = dy sigmoid(x)") {
    cc::host_tensor<double, 2> x{{-40, -1, 0, 1, 40, 800}}, y, dx;
    auto s = make<L::softplus, shape<6>>();
    s.forward(x, y, cc::mode::infer);
    CHECK(y(0, 0) == doctest::Approx(4.248354255291589e-18));   // e^-40, no cancellation
    CHECK(y(0, 1) == doctest::Approx(0.31326168751822286));
    CHECK(y(0, 2) == doctest::Approx(0.6931471805599453));     // ln 2
    CHECK(y(0, 3) == doctest::Approx(1.3132616875182228));
    CHECK(y(0, 4) == 40);
    CHECK(y(0, 5) == 800);                                      // no overflow
    s.backward(x, y, cc::host_tensor<double, 2>{{1, 1, 2, 1, 1, 1}}, &dx);
    CHECK(dx(0, 0) == doctest::Approx(4.248354255291589e-18));
    CHECK(dx(0, 1) == doctest::Approx(0.2689414213699951));
    CHECK(dx(0, 2) == doctest::Approx(1.0));                    // 2 · σ(0)
    CHECK(dx(0, 3) == doctest::Approx(0.7310585786300049));
    CHECK(dx(0, 5) == 1);
}

TEST_CASE("linear: the identity, both ways") {
    cc::host_tensor<double, 3> x{{{1, -2}, {3, 4.5}}}, y, dx;
    auto l = make<L::linear, shape<2, 2>>();
    l.forward(x, y, cc::mode::train);
    CHECK(y == x);
    const cc::host_tensor<double, 3> dy{{{0.5, 1}, {-1, 2}}};
    l.backward(x, y, dy, &dx);
    CHECK(dx == dy);
}

TEST_CASE("elu, selu, softplus in float, sizes that are not multiples of the SIMD width, against std::") {
    const double l = 1.0507009873554804934, a = 1.6732632423543772848;
    for (std::size_t n : {1, 3, 7, 9, 17, 33}) {
        cc::host_tensor<float, 2> x(std::array<std::size_t, 2>{1, n}), y, dx, dy(std::array<std::size_t, 2>{1, n});
        for (std::size_t i = 0; i < n; ++i) { x(0, i) = 0.37f * float(i) - 2.9f; dy(0, i) = 1.f + 0.1f * float(i); }
        auto ref = [&](auto f) {
            for (std::size_t i = 0; i < n; ++i) CHECK(y(0, i) == doctest::Approx(f(double(x(0, i)))).epsilon(1e-5));
        };
        cc::kernels::elu_forward(x, y, 0.7f);
        ref([](double v) { return v > 0 ? v : 0.7 * std::expm1(v); });
        cc::kernels::elu_backward(x, y, dy, dx, 0.7f);
        for (std::size_t i = 0; i < n; ++i)
            CHECK(dx(0, i) == doctest::Approx(dy(0, i) * (x(0, i) > 0 ? 1 : 0.7 * std::exp(double(x(0, i))))).epsilon(1e-5));
        cc::kernels::selu_forward(x, y);
        ref([&](double v) { return v > 0 ? l * v : l * a * std::expm1(v); });
        cc::kernels::selu_backward(x, y, dy, dx);
        for (std::size_t i = 0; i < n; ++i)
            CHECK(dx(0, i) == doctest::Approx(dy(0, i) * (x(0, i) > 0 ? l : l * a * std::exp(double(x(0, i))))).epsilon(1e-5));
        cc::kernels::softplus_forward(x, y);
        ref([](double v) { return std::log1p(std::exp(v)); });
        cc::kernels::softplus_backward(x, dy, dx);
        for (std::size_t i = 0; i < n; ++i)
            CHECK(dx(0, i) == doctest::Approx(dy(0, i) / (1 + std::exp(-double(x(0, i))))).epsilon(1e-5));
        x(0, n - 1) = std::nanf("");
        cc::kernels::elu_forward(x, y, 1.f);
        CHECK(std::isnan(y(0, n - 1)));
        cc::kernels::softplus_forward(x, y);
        CHECK(std::isnan(y(0, n - 1)));
    }
}

// ---- global pooling ----
TEST_CASE("global_average_pooling2d and global_max_pooling2d: per-channel mean and max over the image") {
    // channel 0: 0 2 4 6, channel 1: 1 3 5 7 (sample 0); sample 1 adds 8, channel 1 negated.
    cc::host_tensor<double, 4> x = iota4(2, 2, 2, 2), dx;
    for (std::size_t i = 8; i < 16; i += 2) x.data()[i + 1] = -x.data()[i + 1];
    cc::host_tensor<double, 2> y;
    auto avg = make<L::global_average_pooling2d<>, shape<2, 2, 2>>();
    avg.forward(x, y, cc::mode::infer);
    CHECK(y == cc::host_tensor<double, 2>{{3, 4}, {11, -12}});
    avg.backward(x, y, cc::host_tensor<double, 2>{{4, -8}, {1, 2}}, &dx);
    REQUIRE(dx.shape() == x.shape());
    for (std::size_t i = 0; i < 8; ++i) CHECK(dx.data()[i] == (i % 2 == 0 ? 1 : -2));
    for (std::size_t i = 8; i < 16; ++i) CHECK(dx.data()[i] == (i % 2 == 0 ? 0.25 : 0.5));

    auto mx = make<L::global_max_pooling2d<>, shape<2, 2, 2>>();
    mx.forward(x, y, cc::mode::infer);
    CHECK(y == cc::host_tensor<double, 2>{{6, 7}, {14, -9}});
    mx.backward(x, y, cc::host_tensor<double, 2>{{4, -8}, {1, 2}}, &dx);
    cc::host_tensor<double, 4> expect = xt::zeros<double>({2, 2, 2, 2});
    expect(0, 1, 1, 0) = 4;
    expect(0, 1, 1, 1) = -8;
    expect(1, 1, 1, 0) = 1;
    expect(1, 0, 0, 1) = 2;   // -9 is the largest of -9, -11, -13, -15
    CHECK(dx == expect);
}

TEST_CASE("global_max_pooling2d: ties go to the first maximum (row-major)") {
    cc::host_tensor<double, 4> x = xt::zeros<double>({1, 2, 3, 1}), dx;
    x(0, 0, 2, 0) = 5;
    x(0, 1, 0, 0) = 5;
    cc::host_tensor<double, 2> y;
    auto mx = make<L::global_max_pooling2d<>, shape<2, 3, 1>>();
    mx.forward(x, y, cc::mode::train);
    CHECK(y(0, 0) == 5);
    mx.backward(x, y, cc::host_tensor<double, 2>{{3}}, &dx);
    CHECK(dx(0, 0, 2, 0) == 3);
    CHECK(xt::sum(dx)() == 3);
}

TEST_CASE("global_average_pooling1d and global_max_pooling1d over (N, T, C)") {
    cc::host_tensor<double, 3> x{{{1, -1, 0}, {4, -5, 2}, {-2, -3, 2}, {1, 0, 0}}}, dx;   // T = 4, C = 3
    cc::host_tensor<double, 2> y;
    auto avg = make<L::global_average_pooling1d<>, shape<4, 3>>();
    avg.forward(x, y, cc::mode::infer);
    CHECK(y == cc::host_tensor<double, 2>{{1, -2.25, 1}});
    avg.backward(x, y, cc::host_tensor<double, 2>{{4, 8, -2}}, &dx);
    for (std::size_t t = 0; t < 4; ++t) {
        CHECK(dx(0, t, 0) == 1);
        CHECK(dx(0, t, 1) == 2);
        CHECK(dx(0, t, 2) == -0.5);
    }
    auto mx = make<L::global_max_pooling1d<>, shape<4, 3>>();
    mx.forward(x, y, cc::mode::infer);
    CHECK(y == cc::host_tensor<double, 2>{{4, 0, 2}});
    mx.backward(x, y, cc::host_tensor<double, 2>{{4, 8, -2}}, &dx);
    CHECK(dx == cc::host_tensor<double, 3>{{{0, 0, 0}, {4, 0, -2}, {0, 0, 0}, {0, 8, 0}}});
}

// ---- padding, cropping ----
TEST_CASE("zero_padding2d: zeros around, Keras' three spellings, backward crops") {
    const cc::host_tensor<double, 4> x = iota4(1, 2, 2, 1) + 1.0;   // [[1, 2], [3, 4]]
    cc::host_tensor<double, 4> y, dx;
    auto p = make<L::zero_padding2d<1>, shape<2, 2, 1>>();
    p.forward(x, y, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{1, 4, 4, 1});
    const double e1[4][4] = {{0, 0, 0, 0}, {0, 1, 2, 0}, {0, 3, 4, 0}, {0, 0, 0, 0}};
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j) CHECK(y(0, i, j, 0) == e1[i][j]);
    cc::host_tensor<double, 4> dy = iota4(1, 4, 4, 1);
    p.backward(x, y, dy, &dx);
    CHECK(dx == cc::host_tensor<double, 4>{{{{5}, {6}}, {{9}, {10}}}});

    auto q = make<L::zero_padding2d<L::sides<0, 1>, L::sides<2, 0>>, shape<2, 2, 1>>();   // top 0, bottom 1, left 2, right 0
    q.forward(x, y, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{1, 3, 4, 1});
    const double e2[3][4] = {{0, 0, 1, 2}, {0, 0, 3, 4}, {0, 0, 0, 0}};
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 4; ++j) CHECK(y(0, i, j, 0) == e2[i][j]);

    auto r = make<L::zero_padding2d<L::dims<1, 0>>, shape<2, 2, 1>>();   // Keras padding=(1, 0): rows only
    r.forward(x, y, cc::mode::infer);
    CHECK(y == cc::host_tensor<double, 4>{{{{0}, {0}}, {{1}, {2}}, {{3}, {4}}, {{0}, {0}}}});
}

TEST_CASE("cropping2d: keeps the inner window, backward pads with zeros") {
    const cc::host_tensor<double, 4> x = iota4(2, 3, 4, 2);
    cc::host_tensor<double, 4> y, dx;
    auto c = make<L::cropping2d<L::sides<1, 0>, L::sides<1, 2>>, shape<3, 4, 2>>();   // top 1, bottom 0, left 1, right 2
    c.forward(x, y, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{2, 2, 1, 2});
    CHECK(y(0, 0, 0, 0) == x(0, 1, 1, 0));
    CHECK(y(0, 1, 0, 1) == x(0, 2, 1, 1));
    CHECK(y(1, 0, 0, 1) == x(1, 1, 1, 1));
    CHECK(y(1, 1, 0, 0) == 42);   // x(1, 2, 1, 0) = 24 + 2·8 + 1·2
    cc::host_tensor<double, 4> dy = y + 100.0;
    c.backward(x, y, dy, &dx);
    REQUIRE(dx.shape() == x.shape());
    CHECK(xt::sum(dx)() == doctest::Approx(xt::sum(dy)()));
    CHECK(dx(1, 2, 1, 0) == dy(1, 1, 0, 0));
    CHECK(dx(0, 0, 1, 0) == 0);
    CHECK(dx(0, 1, 3, 1) == 0);

    auto s = make<L::cropping2d<1>, shape<3, 4, 2>>();
    s.forward(x, y, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{2, 1, 2, 2});
    CHECK(y(0, 0, 0, 0) == x(0, 1, 1, 0));
    CHECK(y(0, 0, 1, 1) == x(0, 1, 2, 1));
}

// ---- up-sampling ----
TEST_CASE("upsampling2d nearest: repeats pixels, backward sums the blocks") {
    const cc::host_tensor<double, 4> x = iota4(1, 2, 2, 1) + 1.0;   // [[1, 2], [3, 4]]
    cc::host_tensor<double, 4> y, dx;
    auto u = make<L::upsampling2d<>, shape<2, 2, 1>>();
    u.forward(x, y, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{1, 4, 4, 1});
    const double e[4][4] = {{1, 1, 2, 2}, {1, 1, 2, 2}, {3, 3, 4, 4}, {3, 3, 4, 4}};
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j) CHECK(y(0, i, j, 0) == e[i][j]);
    u.backward(x, y, iota4(1, 4, 4, 1), &dx);
    // blocks of 0..15: {0,1,4,5} = 10, {2,3,6,7} = 18, {8,9,12,13} = 42, {10,11,14,15} = 50
    CHECK(dx == cc::host_tensor<double, 4>{{{{10}, {18}}, {{42}, {50}}}});
}

TEST_CASE("upsampling2d bilinear: half-pixel centres, as PyTorch align_corners=False and tf.image.resize") {
    using bl2 = L::upsampling2d<2, L::interpolation::bilinear>;
    const cc::host_tensor<double, 4> x = iota4(1, 2, 2, 1) + 1.0;   // [[1, 2], [3, 4]]
    cc::host_tensor<double, 4> y, dx;
    auto u = make<bl2, shape<2, 2, 1>>();
    u.forward(x, y, cc::mode::infer);
    // torch.nn.functional.interpolate(torch.tensor([[[[1., 2.], [3., 4.]]]]), scale_factor=2, mode='bilinear')
    const double e[4][4] = {{1, 1.25, 1.75, 2}, {1.5, 1.75, 2.25, 2.5}, {2.5, 2.75, 3.25, 3.5}, {3, 3.25, 3.75, 4}};
    REQUIRE(y.shape() == std::array<std::size_t, 4>{1, 4, 4, 1});
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j) CHECK(y(0, i, j, 0) == doctest::Approx(e[i][j]));

    // One row [0, 1], factor 3: sources -1/3 (clamped to 0), 0, 1/3, 2/3, 1, 4/3 (clamped to the last pixel).
    auto u3 = make<L::upsampling2d<3, L::interpolation::bilinear>, shape<1, 2, 1>>();
    const cc::host_tensor<double, 4> r{{{{0}, {1}}}};
    u3.forward(r, y, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{1, 3, 6, 1});
    const double e3[6] = {0, 0, 1.0 / 3, 2.0 / 3, 1, 1};
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 6; ++j) CHECK(y(0, i, j, 0) == doctest::Approx(e3[j]));

    // Backward, by hand: one row [a, b] up-sampled by 2 reads (a), (.75a + .25b), (.25a + .75b), (b) in each
    // of its 2 output rows; with dy = [1, 2, 3, 4] in both rows,
    // da = 2 (1 + .75·2 + .25·3) = 6.5 and db = 2 (.25·2 + .75·3 + 4) = 13.5.
    auto ur = make<bl2, shape<1, 2, 1>>();
    ur.forward(r, y, cc::mode::train);
    ur.backward(r, y, cc::host_tensor<double, 4>{{{{1}, {2}, {3}, {4}}, {{1}, {2}, {3}, {4}}}}, &dx);
    REQUIRE(dx.shape() == r.shape());
    CHECK(dx(0, 0, 0, 0) == doctest::Approx(6.5));
    CHECK(dx(0, 0, 1, 0) == doctest::Approx(13.5));
}

TEST_CASE("upsampling2d: channels stay separate, several samples, factor 1 is the identity") {
    const cc::host_tensor<double, 4> x = iota4(3, 3, 2, 5);
    cc::host_tensor<double, 4> y, dx;
    auto n = make<L::upsampling2d<3>, shape<3, 2, 5>>();
    n.forward(x, y, cc::mode::infer);
    CHECK(y(2, 8, 5, 4) == x(2, 2, 1, 4));
    CHECK(y(1, 4, 2, 3) == x(1, 1, 0, 3));
    auto b = make<L::upsampling2d<3, L::interpolation::bilinear>, shape<3, 2, 5>>();
    b.forward(x, y, cc::mode::infer);
    CHECK(y(2, 4, 2, 3) == doctest::Approx(x(2, 1, 0, 3) * 2.0 / 3 + x(2, 1, 1, 3) / 3.0));   // row exact, column 1/3 of the way
    auto one = make<L::upsampling2d<1, L::interpolation::bilinear>, shape<3, 2, 5>>();
    one.forward(x, y, cc::mode::infer);
    CHECK(y == x);
}

// ---- random layers: train/inference behaviour and statistics ----
TEST_CASE("gaussian_noise: identity in inference, N(0, sigma^2) added in training, gradient is the identity") {
    auto gn = make<L::gaussian_noise<cc::ratio<1, 2>>, shape<1000>>(5);
    cc::host_tensor<double, 2> x = xt::ones<double>({200, 1000}), y, dx;
    gn.forward(x, y, cc::mode::infer);
    CHECK(y == x);
    gn.forward(x, y, cc::mode::train);
    const double n = double(y.size());
    double m1 = 0, m2 = 0, m4 = 0, within = 0;
    for (double v : y) {
        const double z = v - 1;
        m1 += z;
        m2 += z * z;
        m4 += z * z * z * z;
        within += std::abs(z) < 0.5;
    }
    m1 /= n;
    m2 /= n;
    m4 /= n;
    CHECK(std::abs(m1) < 4 * 0.5 / std::sqrt(n));                      // mean 0 (4 standard errors)
    CHECK(std::sqrt(m2) == doctest::Approx(0.5).epsilon(0.01));         // σ = 0.5
    CHECK(m4 / (m2 * m2) == doctest::Approx(3).epsilon(0.03));         // Gaussian kurtosis
    CHECK(within / n == doctest::Approx(0.6826894921).epsilon(0.01));   // P(|z| < σ)
    const cc::host_tensor<double, 2> dy = y;
    gn.backward(x, y, dy, &dx);
    CHECK(dx == dy);
    cc::host_tensor<double, 2> y2;
    gn.forward(x, y2, cc::mode::train);
    CHECK(y2 != y);   // new noise each step
    // The same seed reproduces the noise.
    auto gn2 = make<L::gaussian_noise<cc::ratio<1, 2>>, shape<1000>>(5);
    gn2.forward(x, y2, cc::mode::train);
    CHECK(y2 == y);
    // Stddev 0: the identity also in training.
    auto zero = make<L::gaussian_noise<cc::ratio<0>>, shape<1000>>(5);
    zero.forward(x, y2, cc::mode::train);
    CHECK(y2 == x);
}

TEST_CASE("gaussian_noise in float, sizes that are not multiples of the SIMD width") {
    for (std::size_t n : {1, 3, 7, 9, 17, 33, 1001}) {
        cc::rng g(n);
        cc::host_tensor<float, 2> x(std::array<std::size_t, 2>{1, n}), y;
        for (std::size_t i = 0; i < n; ++i) x(0, i) = float(i);
        cc::kernels::add_gaussian_noise(x, 0.25f, g, y);
        std::size_t changed = 0;
        for (std::size_t i = 0; i < n; ++i) {
            CHECK(std::isfinite(y(0, i)));
            CHECK(std::abs(y(0, i) - x(0, i)) < 0.25f * 7);
            changed += y(0, i) != x(0, i);
        }
        CHECK(changed == n);
    }
}

TEST_CASE("spatial_dropout2d: whole channels dropped with inverted scaling in training, identity in inference") {
    auto sd = make<L::spatial_dropout2d<cc::ratio<1, 4>>, shape<3, 5, 10>>(7);
    cc::host_tensor<double, 4> x = xt::ones<double>({400, 3, 5, 10}), y, dx;
    sd.forward(x, y, cc::mode::infer);
    CHECK(y == x);
    sd.backward(x, y, x, &dx);
    CHECK(dx == x);
    sd.forward(x, y, cc::mode::train);
    std::size_t kept = 0, mixed = 0;
    for (std::size_t n = 0; n < 400; ++n)
        for (std::size_t c = 0; c < 10; ++c) {
            const double v = y(n, 0, 0, c);
            CHECK((v == 0 || v == doctest::Approx(4.0 / 3)));
            kept += v != 0;
            for (std::size_t i = 0; i < 3; ++i)
                for (std::size_t j = 0; j < 5; ++j) mixed += y(n, i, j, c) != v;
        }
    CHECK(mixed == 0);   // one decision per (sample, channel)
    CHECK(double(kept) / 4000 == doctest::Approx(0.75).epsilon(0.03));
    const cc::host_tensor<double, 4> dy = 2.0 * x;
    sd.backward(x, y, dy, &dx);
    CHECK(dx == 2.0 * y);   // dx = dy ⊙ mask, the same mask as forward
    cc::host_tensor<double, 4> y2;
    sd.forward(x, y2, cc::mode::train);
    CHECK(y2 != y);   // a new mask each step
}

// ---- in a network ----
TEST_CASE("the new layers in networks: shape chain, summary, and training lowers the loss") {
    using model = cc::net::sequential<shape<6, 5, 2>,
        L::gaussian_noise<cc::ratio<1, 20>>,             // (N, 6, 5, 2)
        L::zero_padding2d<1>,                            // (N, 8, 7, 2)
        L::conv2d<4, L::kernel<3>>,                      // (N, 6, 5, 4)
        L::elu<>,                                        // (N, 6, 5, 4)
        L::upsampling2d<2, L::interpolation::bilinear>,  // (N, 12, 10, 4)
        L::cropping2d<L::dims<1, 2>>,                    // (N, 10, 6, 4)
        L::spatial_dropout2d<cc::ratio<1, 10>>,          // (N, 10, 6, 4)
        L::upsampling2d<>,                               // (N, 20, 12, 4)
        L::selu,                                         // (N, 20, 12, 4)
        L::global_average_pooling2d<>,                   // (N, 4)
        L::dense<2>,                                     // (N, 2)
        L::softplus, L::linear,                          // (N, 2)
        L::softmax>;                                     // (N, 2)
    static_assert(same<model::on<cpu, float>::shape_at<2>, shape<8, 7, 2>>);
    static_assert(same<model::on<cpu, float>::shape_at<6>, shape<10, 6, 4>>);
    static_assert(same<model::on<cpu, float>::shape_at<10>, shape<4>>);
    model::on<cpu, float> net{1};
    std::ostringstream summary;
    cc::summary(net, summary);
    for (const char* s : {"gaussian_noise_0", "zero_padding2d_1", "upsampling2d_4", "cropping2d_5", "spatial_dropout2d_6",
                          "global_average_pooling2d_9", "softplus_11", "linear_12"})
        CHECK(summary.str().find(s) != std::string::npos);

    // Bright images are class 1, dark ones class 0.
    xt::random::seed(3);
    cc::host_tensor<float, 4> x = xt::random::rand<float>({16, 6, 5, 2}, 0.f, 1.f);
    cc::host_tensor<float, 2> t = xt::zeros<float>({16, 2});
    for (std::size_t i = 0; i < 16; ++i) {
        t(i, i % 2) = 1;
        for (std::size_t p = 0; p < 60; ++p) x.data()[i * 60 + p] += float(i % 2);
    }
    cc::optimizers::adam opt{{.lr = 0.02}};
    const cc::losses::categorical_crossentropy loss;
    const float first = cc::train::step(net, loss, opt, x, t);
    float last = first;
    for (int i = 0; i < 60; ++i) last = cc::train::step(net, loss, opt, x, t);
    MESSAGE("loss: " << first << " -> " << last);
    CHECK(std::isfinite(last));
    CHECK(last < 0.5f * first);

    // Sequences: max over time.
    using seq = cc::net::sequential<shape<12>, L::reshape<4, 3>, L::global_max_pooling1d<>, L::dense<2>, L::softmax>;
    seq::on<cpu, float> s{2};
    cc::host_tensor<float, 2> xs = xt::random::rand<float>({5, 12}, -1.f, 1.f);
    CHECK(s.forward(xs, cc::mode::infer).shape() == std::array<std::size_t, 2>{5, 2});
}

// ---- thread splits ----
TEST_CASE("large batches (split over threads) give each sample's values, bit for bit") {
    constexpr std::size_t N = 160, H = 12, W = 10, C = 9;   // large enough for every kernel to split
    using In = shape<H, W, C>;
    cc::host_tensor<double, 4> x(std::array<std::size_t, 4>{N, H, W, C});
    cc::rng g(11);
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    auto one = [&](std::size_t n) {
        cc::host_tensor<double, 4> s(std::array<std::size_t, 4>{1, H, W, C});
        std::copy(x.data() + n * In::size, x.data() + (n + 1) * In::size, s.data());
        return s;
    };
    // Runs forward and backward (dy = y) on the batch and on each sample; compares.
    auto compare = [&](auto layer) {
        using Layer = decltype(layer);
        using Y = cc::host_tensor<double, L::output_shape_of<Layer, In>::rank + 1>;
        auto l = make<Layer, In>();
        Y y;
        cc::host_tensor<double, 4> dx;
        l.forward(x, y, cc::mode::infer);
        l.backward(x, y, y, &dx);
        bool same_y = true, same_dx = true;
        for (std::size_t n = 0; n < N; ++n) {
            auto ln = make<Layer, In>();
            const auto xn = one(n);
            Y yn;
            cc::host_tensor<double, 4> dxn;
            ln.forward(xn, yn, cc::mode::infer);
            ln.backward(xn, yn, yn, &dxn);
            same_y = same_y && std::equal(yn.begin(), yn.end(), y.data() + n * yn.size());
            same_dx = same_dx && std::equal(dxn.begin(), dxn.end(), dx.data() + n * dxn.size());
        }
        CHECK_MESSAGE(same_y, Layer::name);
        CHECK_MESSAGE(same_dx, Layer::name);
    };
    compare(L::global_average_pooling2d<>{});
    compare(L::global_max_pooling2d<>{});
    compare(L::zero_padding2d<L::sides<2, 1>, L::sides<0, 3>>{});
    compare(L::cropping2d<L::sides<1, 2>, L::sides<3, 0>>{});
    compare(L::upsampling2d<3>{});
    compare(L::upsampling2d<3, L::interpolation::bilinear>{});
    // spatial dropout's channel multiply: the batch's mask applied sample by sample.
    cc::host_tensor<double, 2> m(std::array<std::size_t, 2>{N, C});
    for (auto& v : m) v = cc::detail::uniform01(g);
    cc::host_tensor<double, 4> y;
    cc::kernels::multiply_channels(x, m, y);
    bool ok = true;
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t p = 0; p < H * W; ++p)
            for (std::size_t c = 0; c < C; ++c) ok = ok && y.data()[(n * H * W + p) * C + c] == x.data()[(n * H * W + p) * C + c] * m(n, c);
    CHECK(ok);
}
