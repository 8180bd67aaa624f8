// Padded ('same', TensorFlow's rule) max and average pooling kernels against a naive reference written
// here: loop over output cells, loop over the window, skip the cells outside the input. 1-, 2- and 3-D
// geometries with padding before and after, odd sizes, strides 1/2/3, pools 2/3 and anisotropic ones,
// channel counts across the max backward's 64-channel blocks. Average backward is also checked against
// the explicit transpose of the (linear) forward, max backward against central differences, both in double.
#include <cascade/kernels/pool.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

namespace cc = cascade;
using cc::kernels::pool_geometry;

namespace {

// One spatial axis: input, window, stride, output, padding before.
struct axis {
    std::size_t in, k, s, out, p;
};
// TensorFlow's 'same': out = ⌈in / s⌉, total padding max((out − 1)·s + k − in, 0), the smaller half before.
axis same(std::size_t in, std::size_t k, std::size_t s) {
    const std::size_t out = (in + s - 1) / s;
    const std::ptrdiff_t total = std::max<std::ptrdiff_t>(std::ptrdiff_t((out - 1) * s + k) - std::ptrdiff_t(in), 0);
    return {in, k, s, out, std::size_t(total / 2)};
}
axis valid(std::size_t in, std::size_t k, std::size_t s) { return {in, k, s, (in - k) / s + 1, 0}; }
const axis none{1, 1, 1, 1, 0};

pool_geometry make(axis z, axis y, axis x, std::size_t c) {
    return {z.in, y.in, x.in, c, z.k, y.k, x.k, z.s, y.s, x.s, z.out, y.out, x.out, z.p, y.p, x.p};
}

struct reference {
    std::vector<double> ymax, yavg, dxmax, dxavg;
};

// The naive loops, in double, over signed input coordinates o·s − p + i.
template <class T>
reference naive(const pool_geometry& g, std::size_t n, const std::vector<T>& x, const std::vector<T>& dy) {
    reference r{std::vector<double>(n * g.out_sample()), std::vector<double>(n * g.out_sample()),
                std::vector<double>(n * g.sample(), 0.0), std::vector<double>(n * g.sample(), 0.0)};
    const auto inside = [](std::ptrdiff_t v, std::size_t size) { return v >= 0 && v < std::ptrdiff_t(size); };
    for (std::size_t s = 0; s < n; ++s)
        for (std::size_t oz = 0; oz < g.od; ++oz)
            for (std::size_t oy = 0; oy < g.oh; ++oy)
                for (std::size_t ox = 0; ox < g.ow; ++ox)
                    for (std::size_t c = 0; c < g.c; ++c) {
                        const std::size_t o = (((s * g.od + oz) * g.oh + oy) * g.ow + ox) * g.c + c;
                        std::vector<std::size_t> cells;   // the window's real cells, row-major
                        for (std::size_t i = 0; i < g.kd; ++i)
                            for (std::size_t j = 0; j < g.kh; ++j)
                                for (std::size_t l = 0; l < g.kw; ++l) {
                                    const std::ptrdiff_t z = std::ptrdiff_t(oz * g.sd + i) - std::ptrdiff_t(g.pd),
                                                         yy = std::ptrdiff_t(oy * g.sh + j) - std::ptrdiff_t(g.ph),
                                                         xx = std::ptrdiff_t(ox * g.sw + l) - std::ptrdiff_t(g.pw);
                                    if (!inside(z, g.d) || !inside(yy, g.h) || !inside(xx, g.w)) continue;
                                    cells.push_back((((s * g.d + std::size_t(z)) * g.h + std::size_t(yy)) * g.w + std::size_t(xx)) * g.c + c);
                                }
                        REQUIRE(!cells.empty());   // every 'same' window holds a real cell
                        double m = -std::numeric_limits<double>::infinity(), sum = 0;
                        std::size_t best = 0;
                        for (const std::size_t k : cells) {
                            if (double(x[k]) > m) {   // strict: the first maximum wins
                                m = double(x[k]);
                                best = k;
                            }
                            sum += double(x[k]);
                        }
                        r.ymax[o] = m;
                        r.yavg[o] = sum / double(cells.size());
                        r.dxmax[best] += double(dy[o]);
                        for (const std::size_t k : cells) r.dxavg[k] += double(dy[o]) / double(cells.size());
                    }
    return r;
}

template <class T>
std::vector<T> random_values(std::size_t n, std::mt19937& g, double lo = -1, double hi = 1) {
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<T> v(n);
    for (auto& e : v) e = T(u(g));
    return v;
}

struct result {
    std::vector<float> ymax, yavg, dxmax, dxavg;
};
result run_kernels(const pool_geometry& g, std::size_t n, const std::vector<float>& x, const std::vector<float>& dy) {
    result r{std::vector<float>(n * g.out_sample()), std::vector<float>(n * g.out_sample()), std::vector<float>(n * g.sample(), 7.f),
             std::vector<float>(n * g.sample(), 7.f)};   // 7: dx must be overwritten everywhere
    cc::kernels::cpu::max_pool_forward(g, n, x.data(), r.ymax.data());
    cc::kernels::cpu::max_pool_backward(g, n, x.data(), r.ymax.data(), dy.data(), r.dxmax.data());
    cc::kernels::cpu::avg_pool_forward(g, n, x.data(), r.yavg.data());
    cc::kernels::cpu::avg_pool_backward(g, n, dy.data(), r.dxavg.data());
    return r;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<double>& b) {
    REQUIRE(a.size() == b.size());
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(double(a[i]) - b[i]));
    return m;
}

struct padded_case {
    const char* name;
    std::size_t n;
    axis z, y, x;
    std::size_t c;
};

// 1-D, 2-D and 3-D: TF 'same' (padding before and after, or only after, or none at all), hand-made
// geometries with more padding before than 'same' gives (p = k − 1) and windows past the end.
const std::vector<padded_case>& padded_cases() {
    static const std::vector<padded_case> cases{
        {"1-D same k3 s1", 2, none, none, same(7, 3, 1), 5},
        {"1-D same k2 s2 (pad only after)", 3, none, none, same(9, 2, 2), 3},
        {"1-D same k3 s3 (no pad: 9 = 3·3)", 1, none, none, same(9, 3, 3), 4},
        {"1-D same k3 s2 (pad after only, left 0)", 2, none, none, same(8, 3, 2), 67},
        {"1-D p=k-1 (full)", 2, none, none, axis{6, 3, 1, 8, 2}, 2},
        {"2-D same 3x3 s1", 2, none, same(5, 3, 1), same(7, 3, 1), 3},
        {"2-D same 3x3 s2 odd", 3, none, same(7, 3, 2), same(9, 3, 2), 5},
        {"2-D same 2x2 s2 odd (past the end)", 2, none, same(7, 2, 2), same(5, 2, 2), 17},
        {"2-D same anisotropic kh3 kw2, sh1 sw3", 2, none, same(6, 3, 1), same(11, 2, 3), 7},
        {"2-D same k3 s3", 1, none, same(10, 3, 3), same(8, 3, 3), 65},
        {"2-D padded h, valid w", 2, none, same(7, 3, 2), valid(9, 2, 2), 3},
        {"2-D window past the end only (no pad before)", 2, none, axis{7, 2, 2, 4, 0}, axis{5, 3, 2, 3, 0}, 2},
        {"2-D many rows (threads)", 4, none, same(79, 3, 2), same(5, 2, 1), 3},
        {"3-D same 3x3x3 s1", 2, same(4, 3, 1), same(5, 3, 1), same(3, 3, 1), 3},
        {"3-D same 2x3x2 s2", 2, same(5, 2, 2), same(7, 3, 2), same(6, 2, 2), 5},
        {"3-D same anisotropic kd3 kh2 kw3, strides 3/1/2", 1, same(7, 3, 3), same(4, 2, 1), same(9, 3, 2), 2},
        {"3-D padded depth only", 2, same(5, 3, 2), valid(4, 2, 2), valid(5, 2, 1), 3},
    };
    return cases;
}

} // namespace

TEST_CASE("padded max and average pooling equal naive loops, forward and backward (1-D, 2-D, 3-D)") {
    std::mt19937 rg(11);
    for (const auto& t : padded_cases()) {
        INFO(t.name);
        const pool_geometry g = make(t.z, t.y, t.x, t.c);
        const bool any_pad = t.z.p || t.y.p || t.x.p || (t.z.out - 1) * t.z.s + t.z.k > t.z.in ||
                             (t.y.out - 1) * t.y.s + t.y.k > t.y.in || (t.x.out - 1) * t.x.s + t.x.k > t.x.in;
        CHECK(g.windows_inside() == !any_pad);
        const auto x = random_values<float>(t.n * g.sample(), rg), dy = random_values<float>(t.n * g.out_sample(), rg);
        const reference ref = naive(g, t.n, x, dy);
        const result r = run_kernels(g, t.n, x, dy);
        CHECK(max_abs_diff(r.ymax, ref.ymax) == 0);        // a max is exact
        CHECK(max_abs_diff(r.dxmax, ref.dxmax) <= 1e-5);   // sums of ≤ 27 routed dy in float
        CHECK(max_abs_diff(r.yavg, ref.yavg) <= 1e-6);
        CHECK(max_abs_diff(r.dxavg, ref.dxavg) <= 1e-5);
    }
}

TEST_CASE("padded max pooling ignores padded cells: all-negative inputs, and ties go to the first real maximum") {
    std::mt19937 rg(5);
    for (const auto& t : padded_cases()) {
        INFO(t.name);
        const pool_geometry g = make(t.z, t.y, t.x, t.c);
        // All inputs in [−2, −1]: a zero-padded max would return 0 at the border.
        const auto x = random_values<float>(t.n * g.sample(), rg, -2, -1), dy = random_values<float>(t.n * g.out_sample(), rg);
        const result r = run_kernels(g, t.n, x, dy);
        CHECK(*std::max_element(r.ymax.begin(), r.ymax.end()) <= -1.f);
        CHECK(max_abs_diff(r.ymax, naive(g, t.n, x, dy).ymax) == 0);
        // Inputs from {−1, 0}: many ties, each routed to the window's first real maximum only.
        std::vector<float> q(x.size());
        std::uniform_int_distribution<int> u(0, 1);
        for (auto& v : q) v = float(-u(rg));
        const reference ref = naive(g, t.n, q, dy);
        const result rq = run_kernels(g, t.n, q, dy);
        CHECK(max_abs_diff(rq.ymax, ref.ymax) == 0);
        CHECK(max_abs_diff(rq.dxmax, ref.dxmax) <= 1e-5);
    }
}

TEST_CASE("padded average pooling backward is the transpose of its forward (double)") {
    std::mt19937 rg(3);
    for (const auto& t : padded_cases()) {
        const pool_geometry g = make(t.z, t.y, t.x, t.c);
        const std::size_t n = 1, in = g.sample(), out = g.out_sample();
        if (in * out > 400000) continue;   // the dense matrix of the larger cases is not needed for the point
        INFO(t.name);
        // A[o][i] = ∂y_o / ∂x_i, column i = forward of the unit vector e_i.
        std::vector<double> a(out * in), e(in, 0.0), col(out);
        for (std::size_t i = 0; i < in; ++i) {
            e[i] = 1;
            cc::kernels::cpu::avg_pool_forward(g, n, e.data(), col.data());
            e[i] = 0;
            for (std::size_t o = 0; o < out; ++o) a[o * in + i] = col[o];
        }
        const auto dy = random_values<double>(out, rg);
        std::vector<double> dx(in, 5.0);
        cc::kernels::cpu::avg_pool_backward(g, n, dy.data(), dx.data());
        double worst = 0;
        for (std::size_t i = 0; i < in; ++i) {
            double v = 0;
            for (std::size_t o = 0; o < out; ++o) v += a[o * in + i] * dy[o];
            worst = std::max(worst, std::abs(v - dx[i]));
        }
        CHECK(worst <= 1e-14);
        // Every row of A sums to 1: a mean over the real cells only.
        for (std::size_t o = 0; o < out; ++o) {
            double row = 0;
            for (std::size_t i = 0; i < in; ++i) row += a[o * in + i];
            CHECK(row == doctest::Approx(1.0).epsilon(1e-14));
        }
    }
}

TEST_CASE("padded max pooling backward equals central differences (double)") {
    std::mt19937 rg(9);
    for (const auto& t : padded_cases()) {
        const pool_geometry g = make(t.z, t.y, t.x, t.c);
        const std::size_t n = 1, in = g.sample(), out = g.out_sample();
        if (in * out > 400000) continue;
        INFO(t.name);
        auto x = random_values<double>(in, rg);   // distinct values, ≥ ~1e-3 apart in a window: no kink within h
        const auto r = random_values<double>(out, rg);
        std::vector<double> y(out), dx(in);
        cc::kernels::cpu::max_pool_forward(g, n, x.data(), y.data());
        cc::kernels::cpu::max_pool_backward(g, n, x.data(), y.data(), r.data(), dx.data());
        const auto f = [&] {
            cc::kernels::cpu::max_pool_forward(g, n, x.data(), y.data());
            long double s = 0;
            for (std::size_t o = 0; o < out; ++o) s += (long double)y[o] * (long double)r[o];
            return double(s);
        };
        const double h = 1e-6;   // max is piecewise linear: no truncation error, rounding ≈ 1e-8
        double worst = 0;
        for (std::size_t i = 0; i < in; ++i) {
            const double v = x[i];
            x[i] = v + h;
            const double fp = f();
            x[i] = v - h;
            const double fm = f();
            x[i] = v;
            worst = std::max(worst, std::abs((fp - fm) / (2 * h) - dx[i]));
        }
        CHECK(worst <= 1e-7);
    }
}

TEST_CASE("unpadded geometries keep the old results: 13-value aggregates, and 'same' without padding take the fast path") {
    std::mt19937 rg(1);
    // A 13-value aggregate (the spelling of before padding) means no padding.
    const pool_geometry old{1, 7, 9, 17, 1, 3, 3, 1, 2, 2, 1, 3, 4};
    CHECK(old.pd == 0);
    CHECK(old.ph == 0);
    CHECK(old.pw == 0);
    CHECK(old.windows_inside());
    const pool_geometry old3{5, 4, 6, 3, 2, 3, 2, 1, 1, 2, 4, 2, 3};
    CHECK(old3.windows_inside());
    // 'same' whose windows tile the input exactly: no padding at all, the unpadded loops.
    const pool_geometry tiled = make(same(6, 2, 2), same(9, 3, 3), same(8, 2, 2), 5);
    CHECK(tiled.pd + tiled.ph + tiled.pw == 0);
    CHECK(tiled.windows_inside());
    for (const pool_geometry& g : {old, old3, tiled}) {
        const std::size_t n = 3;
        const auto x = random_values<float>(n * g.sample(), rg), dy = random_values<float>(n * g.out_sample(), rg);
        const reference ref = naive(g, n, x, dy);
        const result r = run_kernels(g, n, x, dy);
        CHECK(max_abs_diff(r.ymax, ref.ymax) == 0);
        CHECK(max_abs_diff(r.dxmax, ref.dxmax) <= 1e-5);
        CHECK(max_abs_diff(r.yavg, ref.yavg) <= 1e-6);
        CHECK(max_abs_diff(r.dxavg, ref.dxavg) <= 1e-5);
        // The padded loops, run on the same unpadded geometry, agree with the fast path exactly for max
        // and the average forward (same order of operations).
        std::vector<float> ym(n * g.out_sample()), ya(n * g.out_sample()), dxm(n * g.sample()), dxa(n * g.sample());
        cc::kernels::cpu::detail::max_pool_forward_padded(g, n, x.data(), ym.data());
        cc::kernels::cpu::detail::avg_pool_forward_padded(g, n, x.data(), ya.data());
        cc::kernels::cpu::detail::max_pool_backward_padded(g, n, x.data(), ym.data(), dy.data(), dxm.data());
        cc::kernels::cpu::detail::avg_pool_backward_padded(g, n, dy.data(), dxa.data());
        CHECK(ym == r.ymax);
        CHECK(ya == r.yavg);
        CHECK(dxm == r.dxmax);
        for (std::size_t i = 0; i < dxa.size(); ++i) CHECK(dxa[i] == doctest::Approx(r.dxavg[i]).epsilon(1e-6));
    }
}

TEST_CASE("the tensor-level pooling entries take padded geometries (rank 3, 4, 5)") {
    std::mt19937 rg(4);
    const auto check_rank = [&](auto rank_tag, const pool_geometry& g, std::size_t n) {
        constexpr std::size_t R = decltype(rank_tag)::value;
        std::array<std::size_t, R> shape{};
        if constexpr (R == 5) shape = {n, g.d, g.h, g.w, g.c};
        if constexpr (R == 4) shape = {n, g.h, g.w, g.c};
        if constexpr (R == 3) shape = {n, g.w, g.c};
        cc::host_tensor<float, R> x(shape);
        const auto xv = random_values<float>(x.size(), rg);
        std::copy(xv.begin(), xv.end(), x.begin());
        cc::host_tensor<float, R> y, ya, dx, dxa;
        cc::kernels::max_pool_forward(g, x, y);
        cc::kernels::avg_pool_forward(g, x, ya);
        REQUIRE(y.size() == n * g.out_sample());
        cc::host_tensor<float, R> dy(y.shape());
        const auto dyv = random_values<float>(dy.size(), rg);
        std::copy(dyv.begin(), dyv.end(), dy.begin());
        cc::kernels::max_pool_backward(g, x, y, dy, dx);
        cc::kernels::avg_pool_backward(g, dy, dxa);
        const reference ref = naive(g, n, xv, dyv);
        CHECK(max_abs_diff(std::vector<float>(y.begin(), y.end()), ref.ymax) == 0);
        CHECK(max_abs_diff(std::vector<float>(ya.begin(), ya.end()), ref.yavg) <= 1e-6);
        CHECK(max_abs_diff(std::vector<float>(dx.begin(), dx.end()), ref.dxmax) <= 1e-5);
        CHECK(max_abs_diff(std::vector<float>(dxa.begin(), dxa.end()), ref.dxavg) <= 1e-5);
    };
    check_rank(std::integral_constant<std::size_t, 3>{}, make(none, none, same(11, 3, 2), 4), 2);
    check_rank(std::integral_constant<std::size_t, 4>{}, make(none, same(7, 3, 2), same(6, 2, 1), 3), 2);
    check_rank(std::integral_constant<std::size_t, 5>{}, make(same(3, 2, 1), same(5, 3, 2), same(4, 3, 3), 2), 2);
}

TEST_CASE("padded pooling on a 3x3 image gives TensorFlow's 'same' values") {
    // x = 1…9 row-major, one channel; the values tf.nn.{max,avg}_pool2d(x, k, s, 'SAME') return.
    const std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9};
    const auto pool = [&](std::size_t k, std::size_t s, bool average) {
        const pool_geometry g = make(none, same(3, k, s), same(3, k, s), 1);
        std::vector<float> y(g.out_sample());
        if (average) cc::kernels::cpu::avg_pool_forward(g, 1, x.data(), y.data());
        else cc::kernels::cpu::max_pool_forward(g, 1, x.data(), y.data());
        return y;
    };
    // k = 2, s = 1: no padding before, one cell after.
    CHECK(max_abs_diff(pool(2, 1, true), std::vector<double>{3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9}) <= 1e-6);
    CHECK(pool(2, 1, false) == std::vector<float>{5, 6, 6, 8, 9, 9, 8, 9, 9});
    // k = 3, s = 1: one cell before and after.
    CHECK(max_abs_diff(pool(3, 1, true), std::vector<double>{3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7}) <= 1e-6);
    CHECK(pool(3, 1, false) == std::vector<float>{5, 6, 6, 8, 9, 9, 8, 9, 9});
    // k = 2, s = 2: out 2 × 2, the last window holds the last row/column only.
    CHECK(max_abs_diff(pool(2, 2, true), std::vector<double>{3, 4.5, 7.5, 9}) <= 1e-6);
    CHECK(pool(2, 2, false) == std::vector<float>{5, 6, 8, 9});
    // k = 3, s = 2: out 2 × 2, one cell before and after.
    CHECK(max_abs_diff(pool(3, 2, true), std::vector<double>{3, 4, 6, 7}) <= 1e-6);
    CHECK(pool(3, 2, false) == std::vector<float>{5, 6, 8, 9});
}
