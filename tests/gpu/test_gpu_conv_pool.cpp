// GPU convolution (im2col + GEMM, strides, 'same'-style padding, dilation) and pooling against naive
// loops in double, forward and backward, odd sizes. Every case returns early where no GPU is present.
#include <cascade/kernels/gpu/conv.hpp>
#include <cascade/kernels/gpu/pool.hpp>
#include <cascade/init/initializers.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cfloat>
#include <cmath>
#include <vector>

namespace cc = cascade;
namespace gpu = cascade::gpu;

using namespace gpu_test;

namespace {
std::vector<float> random_vector(std::size_t n, cc::rng& g) {
    std::vector<float> v(n);
    for (auto& x : v) x = float(2 * cc::detail::uniform01(g) - 1);
    return v;
}
template <std::size_t R>
gpu::device_tensor<float, R> upload(const std::vector<float>& v, const std::array<std::size_t, R>& shape) {
    cc::host_tensor<float, R> h(shape);
    std::copy(v.begin(), v.end(), h.begin());
    return gpu::to_device(h);
}
template <class D>
std::vector<float> download(const D& d) {
    const auto h = gpu::to_host(d);
    return {h.begin(), h.end()};
}
double max_abs_diff(const std::vector<float>& a, const std::vector<double>& b) {
    REQUIRE(a.size() == b.size());
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(double(a[i]) - b[i]));
    return m;
}
} // namespace

TEST_CASE("gpu conv2d forward and backward against naive loops (strides, padding, dilation, 1x1)") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng rg(1);
    struct cfg { std::size_t n, h, w, c, f, k, s, p, d; };
    const cfg cases[] = {{2, 7, 9, 3, 5, 3, 1, 1, 1}, {3, 11, 10, 2, 4, 5, 2, 2, 1}, {1, 9, 9, 3, 2, 3, 1, 2, 2},
                         {2, 6, 5, 7, 3, 1, 1, 0, 1}, {2, 28, 28, 1, 32, 5, 1, 0, 1}};
    for (const auto& t : cases) {
        cc::kernels::cpu::conv2d_geometry g2{};
        g2.h = t.h; g2.w = t.w; g2.c = t.c; g2.kh = g2.kw = t.k; g2.sh = g2.sw = t.s; g2.ph = g2.pw = t.p; g2.dh = g2.dw = t.d;
        g2.oh = (t.h + 2 * t.p - t.d * (t.k - 1) - 1) / t.s + 1;
        g2.ow = (t.w + 2 * t.p - t.d * (t.k - 1) - 1) / t.s + 1;
        const cc::kernels::conv_geometry g = g2;   // the 3-D geometry with d = 1
        const auto x = random_vector(t.n * t.h * t.w * t.c, rg), w = random_vector(t.k * t.k * t.c * t.f, rg),
                   b = random_vector(t.f, rg), dy = random_vector(t.n * g.oh * g.ow * t.f, rg);
        // Naive references in double.
        std::vector<double> y(dy.size()), dw(w.size()), db(t.f), dx(x.size());
        auto xi = [&](std::size_t s, std::ptrdiff_t iy, std::ptrdiff_t ix, std::size_t c) -> std::ptrdiff_t {
            if (iy < 0 || ix < 0 || iy >= std::ptrdiff_t(t.h) || ix >= std::ptrdiff_t(t.w)) return -1;
            return std::ptrdiff_t(((s * t.h + std::size_t(iy)) * t.w + std::size_t(ix)) * t.c + c);
        };
        for (std::size_t s = 0; s < t.n; ++s)
            for (std::size_t oy = 0; oy < g.oh; ++oy)
                for (std::size_t ox = 0; ox < g.ow; ++ox)
                    for (std::size_t f = 0; f < t.f; ++f) {
                        const std::size_t o = ((s * g.oh + oy) * g.ow + ox) * t.f + f;
                        double acc = b[f];
                        db[f] += dy[o];
                        for (std::size_t ky = 0; ky < t.k; ++ky)
                            for (std::size_t kx = 0; kx < t.k; ++kx)
                                for (std::size_t c = 0; c < t.c; ++c) {
                                    const auto k = xi(s, std::ptrdiff_t(oy * t.s + ky * t.d) - std::ptrdiff_t(t.p),
                                                      std::ptrdiff_t(ox * t.s + kx * t.d) - std::ptrdiff_t(t.p), c);
                                    if (k < 0) continue;
                                    const std::size_t wi = ((ky * t.k + kx) * t.c + c) * t.f + f;
                                    acc += double(x[std::size_t(k)]) * w[wi];
                                    dw[wi] += double(x[std::size_t(k)]) * dy[o];
                                    dx[std::size_t(k)] += double(w[wi]) * dy[o];
                                }
                        y[o] = acc;
                    }
        const auto gx = upload<4>(x, {t.n, t.h, t.w, t.c});
        const auto gw = upload<4>(w, {t.k, t.k, t.c, t.f});   // (KH, KW, C, F)
        const auto gb = upload<1>(b, {t.f});
        const auto gdy = upload<4>(dy, {t.n, g.oh, g.ow, t.f});
        gpu::device_tensor<float, 4> gy, gdw(gw.shape()), gdx;
        gpu::device_tensor<float, 1> gdb(gb.shape());
        cc::kernels::conv_workspace<float> unused;
        cc::kernels::conv_forward(g, gx, gw, &gb, gy, unused, true);
        cc::kernels::conv_backward(g, gx, gdy, gw, gdw, &gdb, &gdx, unused);
        INFO("case n h w c f k s p d = ", t.n, " ", t.h, " ", t.w, " ", t.c, " ", t.f, " ", t.k, " ", t.s, " ", t.p, " ", t.d);
        // Float sums of up to K·K·C (forward, dx) or N·OH·OW (dw, db) terms of size ≤ 1: |Δ| ≤ 8·terms·ε.
        CHECK(max_abs_diff(download(gy), y) <= 8.0 * double(t.k * t.k * t.c) * FLT_EPSILON);
        CHECK(max_abs_diff(download(gdw), dw) <= 8.0 * double(t.n * g.oh * g.ow) * FLT_EPSILON);
        CHECK(max_abs_diff(download(gdb), db) <= 8.0 * double(t.n * g.oh * g.ow) * FLT_EPSILON);
        CHECK(max_abs_diff(download(gdx), dx) <= 8.0 * double(t.k * t.k * t.f) * FLT_EPSILON);
    }
}

TEST_CASE("gpu max and average pooling against naive loops (overlapping and odd windows)") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng rg(2);
    struct cfg { std::size_t n, h, w, c, p, s; };
    for (const cfg t : {cfg{2, 8, 8, 3, 2, 2}, cfg{3, 7, 9, 5, 3, 2}, cfg{1, 5, 5, 33, 2, 1}}) {
        const cc::kernels::pool_geometry g =
            cc::kernels::cpu::pool2d_geometry{t.h, t.w, t.c, t.p, t.p, t.s, t.s, (t.h - t.p) / t.s + 1, (t.w - t.p) / t.s + 1};
        const auto x = random_vector(t.n * t.h * t.w * t.c, rg), dy = random_vector(t.n * g.oh * g.ow * t.c, rg);
        std::vector<double> ymax(dy.size()), yavg(dy.size()), dxmax(x.size()), dxavg(x.size());
        for (std::size_t s = 0; s < t.n; ++s)
            for (std::size_t oy = 0; oy < g.oh; ++oy)
                for (std::size_t ox = 0; ox < g.ow; ++ox)
                    for (std::size_t c = 0; c < t.c; ++c) {
                        const std::size_t o = ((s * g.oh + oy) * g.ow + ox) * t.c + c;
                        std::size_t best = 0;
                        double m = -INFINITY, sum = 0;
                        for (std::size_t a = 0; a < t.p; ++a)
                            for (std::size_t b = 0; b < t.p; ++b) {
                                const std::size_t k = ((s * t.h + oy * t.s + a) * t.w + ox * t.s + b) * t.c + c;
                                if (x[k] > m) { m = x[k]; best = k; }
                                sum += x[k];
                                dxavg[k] += double(dy[o]) / double(t.p * t.p);
                            }
                        ymax[o] = m;
                        yavg[o] = sum / double(t.p * t.p);
                        dxmax[best] += dy[o];
                    }
        const auto gx = upload<4>(x, {t.n, t.h, t.w, t.c});
        const auto gdy = upload<4>(dy, {t.n, g.oh, g.ow, t.c});
        gpu::device_tensor<float, 4> gy(gdy.shape()), gdx(gx.shape());
        INFO("case n h w c p s = ", t.n, " ", t.h, " ", t.w, " ", t.c, " ", t.p, " ", t.s);
        gpu::max_pool_forward(g, t.n, gx.data(), gy.data());
        CHECK(max_abs_diff(download(gy), ymax) == 0);
        gpu::max_pool_backward(g, t.n, gx.data(), gy.data(), gdy.data(), gdx.data());
        CHECK(max_abs_diff(download(gdx), dxmax) <= 4 * FLT_EPSILON);   // overlapping windows add in any order
        gpu::avg_pool_forward(g, t.n, gx.data(), gy.data());
        CHECK(max_abs_diff(download(gy), yavg) <= 4 * FLT_EPSILON);
        gpu::avg_pool_backward(g, t.n, gdy.data(), gdx.data());
        CHECK(max_abs_diff(download(gdx), dxavg) <= 4 * FLT_EPSILON);
    }
}
