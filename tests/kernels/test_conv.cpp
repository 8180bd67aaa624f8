// Convolution and pooling kernels against naive direct loops, on random sizes, strides and paddings,
// including channel counts that are not multiples of the SIMD width (float, the path users run).
#include <cascade/kernels/conv.hpp>
#include <cascade/kernels/pool.hpp>
#include <cascade/layers/padding.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <random>

namespace cc = cascade;
using cc::kernels::conv2d_geometry;

namespace {
cc::host_tensor<float, 4> random4(std::array<std::size_t, 4> s, std::mt19937& g) {
    cc::host_tensor<float, 4> t(s);
    std::uniform_real_distribution<float> u(-1, 1);
    for (auto& v : t) v = u(g);
    return t;
}
float at_padded(const cc::host_tensor<float, 4>& x, std::size_t n, std::ptrdiff_t i, std::ptrdiff_t j, std::size_t c) {
    if (i < 0 || j < 0 || i >= std::ptrdiff_t(x.shape()[1]) || j >= std::ptrdiff_t(x.shape()[2])) return 0;
    return x(n, std::size_t(i), std::size_t(j), c);
}
} // namespace

TEST_CASE("conv2d forward and both backward passes equal direct loops (random geometries)") {
    std::mt19937 g(42);
    struct cfg { std::size_t n, h, w, c, f, k, s; cc::layers::padding_mode p; };
    for (bool training : {false, true})   // true: backward reuses the patches kept by forward
    for (cfg k : {cfg{2, 9, 7, 3, 5, 3, 1, cc::layers::padding_mode::valid}, cfg{3, 8, 8, 1, 32, 5, 1, cc::layers::padding_mode::valid},
                  cfg{1, 11, 6, 13, 9, 3, 2, cc::layers::padding_mode::same}, cfg{2, 5, 5, 4, 17, 1, 1, cc::layers::padding_mode::valid},
                  cfg{2, 7, 9, 2, 3, 4, 3, cc::layers::padding_mode::same}, cfg{70, 6, 6, 3, 4, 3, 1, cc::layers::padding_mode::same}}) {
        CAPTURE(training); CAPTURE(k.h); CAPTURE(k.w); CAPTURE(k.c); CAPTURE(k.f); CAPTURE(k.k); CAPTURE(k.s);
        const auto ay = cc::layers::pad_axis(k.p, k.h, k.k, k.s), ax = cc::layers::pad_axis(k.p, k.w, k.k, k.s);
        const conv2d_geometry geo{k.h, k.w, k.c, k.k, k.k, k.s, k.s, ay.before, ax.before, 1, 1, ay.out, ax.out};
        auto x = random4({k.n, k.h, k.w, k.c}, g), w = random4({k.k, k.k, k.c, k.f}, g);
        cc::host_tensor<float, 1> b(std::array<std::size_t, 1>{k.f}), db(b.shape());
        cc::kernels::conv_workspace<float> ws;
        for (std::size_t i = 0; i < k.f; ++i) b(i) = float(i) * 0.1f;
        cc::host_tensor<float, 4> y, dx, dw(w.shape());
        cc::kernels::conv2d_forward(geo, x, w, &b, y, ws, training);
        CHECK((ws.patches_of != nullptr) == (training && !geo.is_pointwise()));
        REQUIRE(y.shape() == std::array<std::size_t, 4>{k.n, ay.out, ax.out, k.f});
        auto dy = random4(y.shape(), g);
        cc::kernels::conv2d_backward(geo, x, dy, w, dw, &db, &dx, ws);

        // Direct loops in double.
        double ey = 0, ew = 0, ex = 0, eb = 0;
        std::vector<double> rdx(x.size(), 0.0), rdw(w.size(), 0.0), rdb(k.f, 0.0);
        for (std::size_t n = 0; n < k.n; ++n)
            for (std::size_t oy = 0; oy < ay.out; ++oy)
                for (std::size_t ox = 0; ox < ax.out; ++ox)
                    for (std::size_t f = 0; f < k.f; ++f) {
                        double s = b(f);
                        const double gy = dy(n, oy, ox, f);
                        rdb[f] += gy;
                        for (std::size_t i = 0; i < k.k; ++i)
                            for (std::size_t j = 0; j < k.k; ++j)
                                for (std::size_t c = 0; c < k.c; ++c) {
                                    const auto iy = std::ptrdiff_t(oy * k.s + i) - std::ptrdiff_t(ay.before);
                                    const auto ix = std::ptrdiff_t(ox * k.s + j) - std::ptrdiff_t(ax.before);
                                    s += double(w(i, j, c, f)) * at_padded(x, n, iy, ix, c);
                                    rdw[((i * k.k + j) * k.c + c) * k.f + f] += gy * at_padded(x, n, iy, ix, c);
                                    if (iy >= 0 && ix >= 0 && iy < std::ptrdiff_t(k.h) && ix < std::ptrdiff_t(k.w))
                                        rdx[((n * k.h + std::size_t(iy)) * k.w + std::size_t(ix)) * k.c + c] += gy * w(i, j, c, f);
                                }
                        ey = std::max(ey, std::abs(s - y(n, oy, ox, f)));
                    }
        for (std::size_t i = 0; i < w.size(); ++i) ew = std::max(ew, std::abs(rdw[i] - dw.data()[i]));
        for (std::size_t i = 0; i < x.size(); ++i) ex = std::max(ex, std::abs(rdx[i] - dx.data()[i]));
        for (std::size_t i = 0; i < k.f; ++i) eb = std::max(eb, std::abs(rdb[i] - db(i)));
        // float accumulation over at most a few thousand terms of size 1
        CHECK(ey < 1e-4);
        CHECK(ew < 1e-3);
        CHECK(ex < 1e-4);
        CHECK(eb < 1e-3);
    }
}

TEST_CASE("max and average pooling equal direct loops, forward and backward") {
    std::mt19937 g(7);
    for (auto [n, h, w, c, p, s] : std::vector<std::array<std::size_t, 6>>{{2, 8, 8, 3, 2, 2}, {3, 7, 9, 17, 3, 2}, {1, 5, 5, 1, 2, 1}}) {
        const auto oy = cc::layers::pad_axis(cc::layers::padding_mode::valid, h, p, s).out;
        const auto ox = cc::layers::pad_axis(cc::layers::padding_mode::valid, w, p, s).out;
        const cc::kernels::pool2d_geometry geo{h, w, c, p, p, s, s, oy, ox};
        auto x = random4({n, h, w, c}, g);
        cc::host_tensor<float, 4> y, ya, dx, dxa;
        cc::kernels::max_pool2d_forward(geo, x, y);
        cc::kernels::avg_pool2d_forward(geo, x, ya);
        auto dy = random4(y.shape(), g);
        cc::kernels::max_pool2d_backward(geo, x, y, dy, dx);
        cc::kernels::avg_pool2d_backward(geo, dy, dxa);
        std::vector<double> rdx(x.size(), 0.0), rdxa(x.size(), 0.0);
        for (std::size_t b = 0; b < n; ++b)
            for (std::size_t i = 0; i < oy; ++i)
                for (std::size_t j = 0; j < ox; ++j)
                    for (std::size_t k = 0; k < c; ++k) {
                        double m = -1e30, sum = 0;
                        std::size_t best = 0;
                        for (std::size_t u = 0; u < p; ++u)
                            for (std::size_t v = 0; v < p; ++v) {
                                const std::size_t idx = ((b * h + i * s + u) * w + j * s + v) * c + k;
                                sum += x.data()[idx];
                                if (x.data()[idx] > m) { m = x.data()[idx]; best = idx; }
                            }
                        CHECK(y(b, i, j, k) == float(m));
                        CHECK(ya(b, i, j, k) == doctest::Approx(sum / double(p * p)).epsilon(1e-5));
                        rdx[best] += dy(b, i, j, k);
                        for (std::size_t u = 0; u < p; ++u)
                            for (std::size_t v = 0; v < p; ++v)
                                rdxa[((b * h + i * s + u) * w + j * s + v) * c + k] += dy(b, i, j, k) / double(p * p);
                    }
        for (std::size_t i = 0; i < x.size(); ++i) {
            CHECK(dx.data()[i] == doctest::Approx(rdx[i]).epsilon(1e-5));
            CHECK(dxa.data()[i] == doctest::Approx(rdxa[i]).epsilon(1e-5));
        }
    }
}
