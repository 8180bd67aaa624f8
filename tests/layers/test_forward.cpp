// Forward values computed by hand (or taken from the seed slides) for every layer, and the
// compile-time shape rules.
#include <cascade/cascade.hpp>
#include <doctest/doctest.h>

#include <cmath>

namespace cc = cascade;
using cc::backend::cpu;
using cc::shape;

namespace {
template <class L, class In, class T = double>
auto make(unsigned seed = 0) {
    cc::rng g(seed);
    return cc::layers::layer_impl<L, In, cpu, T>(g);
}
} // namespace

// Shape inference, checked at compile time.
static_assert(std::is_same_v<cc::layers::output_shape_of<cc::layers::conv2d<32, cc::layers::kernel<5>>, shape<28, 28, 1>>, shape<24, 24, 32>>);
static_assert(std::is_same_v<cc::layers::output_shape_of<cc::layers::conv2d<8, cc::layers::kernel<3>, cc::layers::strides<2>, cc::layers::padding::same>, shape<7, 8, 3>>, shape<4, 4, 8>>);
static_assert(std::is_same_v<cc::layers::output_shape_of<cc::layers::conv2d<8, cc::layers::kernel<5>, cc::layers::strides<2>>, shape<32, 32, 3>>, shape<14, 14, 8>>);
static_assert(std::is_same_v<cc::layers::output_shape_of<cc::layers::max_pool2d<2>, shape<24, 24, 32>>, shape<12, 12, 32>>);
static_assert(std::is_same_v<cc::layers::output_shape_of<cc::layers::max_pool2d<3, cc::layers::strides<2>>, shape<7, 7, 4>>, shape<3, 3, 4>>);
static_assert(std::is_same_v<cc::layers::output_shape_of<cc::layers::flatten, shape<12, 12, 32>>, shape<4608>>);
static_assert(std::is_same_v<cc::layers::output_shape_of<cc::layers::dense<10>, shape<4608>>, shape<10>>);

TEST_CASE("dense: y = x W + b") {
    auto l = make<cc::layers::dense<3>, shape<2>>();
    l.w = cc::host_tensor<double, 2>{{1, 2, 3}, {4, 5, 6}};
    l.b = cc::host_tensor<double, 1>{0.5, -1, 0};
    cc::host_tensor<double, 2> x{{1, 2}, {0, -1}}, y;
    l.forward(x, y, cc::mode::infer);
    CHECK(y == cc::host_tensor<double, 2>{{9.5, 11, 15}, {-3.5, -6, -6}});
}

TEST_CASE("dense: default initialisation is glorot_uniform kernels and zero biases") {
    auto l = make<cc::layers::dense<200>, shape<300>>(3);
    const double limit = std::sqrt(6.0 / 500.0);
    CHECK(xt::amax(xt::abs(l.w))() <= limit);
    CHECK(xt::amax(xt::abs(l.w))() > 0.95 * limit);
    CHECK(std::abs(xt::mean(l.w)()) < 0.01 * limit);
    // Var of U(-l, l) is l^2 / 3.
    CHECK(xt::variance(l.w)() == doctest::Approx(limit * limit / 3).epsilon(0.02));
    CHECK(xt::amax(xt::abs(l.b))() == 0);
}

TEST_CASE("conv2d 'valid': the 5x5 binary image of seed 001 (convolved feature)") {
    auto l = make<cc::layers::conv2d<1, cc::layers::kernel<3>>, shape<5, 5, 1>>();
    const double k[3][3] = {{1, 0, 1}, {0, 1, 0}, {1, 0, 1}};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) l.w(i, j, 0, 0) = k[i][j];
    cc::host_tensor<double, 4> x(std::array<std::size_t, 4>{1, 5, 5, 1}), y;
    const double img[5][5] = {{1, 1, 1, 0, 0}, {0, 1, 1, 1, 0}, {0, 0, 1, 1, 1}, {0, 0, 1, 1, 0}, {0, 1, 1, 0, 0}};
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 5; ++j) x(0, i, j, 0) = img[i][j];
    l.forward(x, y, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{1, 3, 3, 1});
    const double expect[3][3] = {{4, 3, 4}, {2, 4, 3}, {2, 3, 4}};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) CHECK(y(0, i, j, 0) == expect[i][j]);
}

TEST_CASE("conv2d 'same', 3 channels: the RGB example of seed 001 (308 - 498 + 164 + 1 = -25)") {
    auto l = make<cc::layers::conv2d<1, cc::layers::kernel<3>, cc::layers::padding::same>, shape<5, 5, 3>>();
    const double k[3][3][3] = {{{-1, -1, 1}, {0, 1, -1}, {0, 1, 1}},
                               {{1, 0, 0}, {1, -1, -1}, {1, 0, -1}},
                               {{0, 1, 1}, {0, 1, 0}, {1, -1, 1}}};
    for (int c = 0; c < 3; ++c)
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) l.w(i, j, c, 0) = k[c][i][j];
    l.b(0) = 1;
    const double img[3][5][5] = {
        {{156, 155, 156, 158, 158}, {153, 154, 157, 159, 159}, {149, 151, 155, 158, 159}, {146, 146, 149, 153, 158}, {145, 143, 143, 148, 158}},
        {{167, 166, 167, 169, 169}, {164, 165, 168, 170, 170}, {160, 162, 166, 169, 170}, {156, 156, 159, 163, 168}, {155, 153, 153, 158, 168}},
        {{163, 162, 163, 165, 165}, {160, 161, 164, 166, 166}, {156, 158, 162, 165, 166}, {155, 155, 158, 162, 167}, {154, 152, 152, 157, 167}}};
    cc::host_tensor<double, 4> x(std::array<std::size_t, 4>{1, 5, 5, 3}), y;
    for (int c = 0; c < 3; ++c)
        for (int i = 0; i < 5; ++i)
            for (int j = 0; j < 5; ++j) x(0, i, j, c) = img[c][i][j];
    l.forward(x, y, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 4>{1, 5, 5, 1});
    CHECK(y(0, 0, 0, 0) == -25);
}

TEST_CASE("conv2d stride 2 'same' pads like TensorFlow (smaller half first)") {
    // 4x4 input, 3x3 kernel, stride 2: out 2x2, total padding 1 -> 0 before, 1 after.
    auto l = make<cc::layers::conv2d<1, cc::layers::kernel<3>, cc::layers::strides<2>, cc::layers::padding::same>, shape<4, 4, 1>>();
    l.w.fill(1);
    cc::host_tensor<double, 4> x(std::array<std::size_t, 4>{1, 4, 4, 1}), y;
    for (std::size_t i = 0; i < 16; ++i) x.data()[i] = double(i);
    l.forward(x, y, cc::mode::infer);
    // window at (0,0): rows 0-2, cols 0-2 -> 0+1+2+4+5+6+8+9+10 = 45
    CHECK(y(0, 0, 0, 0) == 45);
    // window at (1,1): rows 2-3 (+pad), cols 2-3 (+pad) -> 10+11+14+15 = 50
    CHECK(y(0, 1, 1, 0) == 50);
}

TEST_CASE("max_pool2d and avg_pool2d") {
    cc::host_tensor<double, 4> x(std::array<std::size_t, 4>{1, 4, 4, 2}), y;
    for (std::size_t i = 0; i < 16; ++i) { x.data()[2 * i] = double(i); x.data()[2 * i + 1] = -double(i); }
    auto mp = make<cc::layers::max_pool2d<2>, shape<4, 4, 2>>();
    mp.forward(x, y, cc::mode::infer);
    CHECK(y(0, 0, 0, 0) == 5);
    CHECK(y(0, 1, 1, 0) == 15);
    CHECK(y(0, 0, 0, 1) == 0);
    CHECK(y(0, 1, 1, 1) == -10);
    auto ap = make<cc::layers::avg_pool2d<2>, shape<4, 4, 2>>();
    ap.forward(x, y, cc::mode::infer);
    CHECK(y(0, 0, 0, 0) == doctest::Approx(2.5));
    CHECK(y(0, 1, 0, 1) == doctest::Approx(-(8 + 9 + 12 + 13) / 4.0));
}

TEST_CASE("activations") {
    cc::host_tensor<double, 2> x{{-2, 0, 3}}, y;
    auto r = make<cc::layers::relu, shape<3>>();
    r.forward(x, y, cc::mode::infer);
    CHECK(y == cc::host_tensor<double, 2>{{0, 0, 3}});
    auto lr = make<cc::layers::leaky_relu<>, shape<3>>();
    lr.forward(x, y, cc::mode::infer);
    CHECK(y(0, 0) == doctest::Approx(-0.6));
    CHECK(y(0, 2) == 3);
    auto s = make<cc::layers::sigmoid, shape<3>>();
    s.forward(x, y, cc::mode::infer);
    CHECK(y(0, 1) == doctest::Approx(0.5));
    CHECK(y(0, 0) == doctest::Approx(1 / (1 + std::exp(2.0))));
    auto t = make<cc::layers::tanh, shape<3>>();
    t.forward(x, y, cc::mode::infer);
    CHECK(y(0, 2) == doctest::Approx(std::tanh(3.0)));
    cc::host_tensor<double, 2> z{{1, 2, 3}, {1000, 1000, 1000}};
    auto sm = make<cc::layers::softmax, shape<3>>();
    sm.forward(z, y, cc::mode::infer);
    CHECK(y(0, 0) == doctest::Approx(0.0900305732));
    CHECK(y(0, 2) == doctest::Approx(0.6652409558));
    CHECK(y(1, 1) == doctest::Approx(1.0 / 3));   // stable for large logits
}

TEST_CASE("activations in float, sizes that are not multiples of the SIMD width") {
    for (std::size_t n : {1, 7, 9, 33}) {
        cc::host_tensor<float, 2> x(std::array<std::size_t, 2>{1, n}), y;
        for (std::size_t i = 0; i < n; ++i) x(0, i) = float(i) - 3.5f;
        cc::kernels::sigmoid_forward(x, y);
        for (std::size_t i = 0; i < n; ++i) CHECK(y(0, i) == doctest::Approx(1 / (1 + std::exp(-x(0, i)))).epsilon(1e-6));
        cc::kernels::relu_forward(x, y);
        for (std::size_t i = 0; i < n; ++i) CHECK(y(0, i) == std::max(0.f, x(0, i)));
        x(0, n - 1) = std::nanf("");
        cc::kernels::relu_forward(x, y);
        CHECK(std::isnan(y(0, n - 1)));   // NaN propagates, so fit can report it
    }
}

TEST_CASE("flatten and reshape keep row-major order") {
    auto f = make<cc::layers::flatten, shape<2, 3, 2>>();
    cc::host_tensor<double, 4> x(std::array<std::size_t, 4>{2, 2, 3, 2});
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = double(i);
    cc::host_tensor<double, 2> y;
    f.forward(x, y, cc::mode::infer);
    CHECK(y.shape() == std::array<std::size_t, 2>{2, 12});
    CHECK(y(1, 0) == 12);
    CHECK(y(0, 11) == 11);
}

TEST_CASE("dropout: identity in inference, inverted scaling and a reused mask in training") {
    auto d = make<cc::layers::dropout<cc::ratio<3, 10>>, shape<1000>>(5);
    cc::host_tensor<double, 2> x = xt::ones<double>({100, 1000}), y, dx;
    d.forward(x, y, cc::mode::infer);
    CHECK(y == x);
    d.forward(x, y, cc::mode::train);
    std::size_t kept = 0;
    for (double v : y) {
        CHECK((v == 0 || v == doctest::Approx(1 / 0.7)));
        kept += v != 0;
    }
    CHECK(double(kept) / 1e5 == doctest::Approx(0.7).epsilon(0.01));
    d.backward(x, y, x, &dx);
    CHECK(dx == y);   // dy = 1 -> dx = mask = y
    cc::host_tensor<double, 2> y2;
    d.forward(x, y2, cc::mode::train);
    CHECK(y2 != y);   // a new mask each step
}

TEST_CASE("batch_norm: batch statistics in training, moving statistics (Keras momentum) in inference") {
    auto bn = make<cc::layers::batch_norm<>, shape<1>>();
    cc::host_tensor<double, 2> x{{1}, {3}}, y;
    bn.forward(x, y, cc::mode::train);
    const double s = std::sqrt(1 + 1e-3);
    CHECK(y(0, 0) == doctest::Approx(-1 / s));
    CHECK(y(1, 0) == doctest::Approx(1 / s));
    CHECK(bn.moving_mean(0) == doctest::Approx(0.01 * 2));
    CHECK(bn.moving_var(0) == doctest::Approx(0.99 + 0.01 * 1));   // Keras 3: the biased batch variance 1
    bn.forward(x, y, cc::mode::infer);
    CHECK(y(0, 0) == doctest::Approx((1 - 0.02) / std::sqrt(1.0 + 1e-3)));
}
