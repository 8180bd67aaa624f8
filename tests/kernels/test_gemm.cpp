// kernels::cpu::gemm against a naive triple loop with double accumulation: all four transpose forms,
// odd and degenerate sizes, alpha/beta, padded leading dimensions, thread-count independence.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "cascade/config.hpp"
#include "cascade/kernels/cpu/gemm.hpp"

namespace {

using cascade::kernels::cpu::gemm;

struct gemm_case {
    bool ta, tb;
    std::size_t m, n, k;
    double alpha, beta;
    std::size_t pad;  // extra elements per row of A, B and C
};

template <class T>
struct operands {
    std::size_t lda, ldb, ldc;
    std::vector<T> a, b, c;
};

template <class T>
operands<T> make_operands(const gemm_case& g, std::mt19937& rng) {
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    operands<T> o;
    o.lda = (g.ta ? g.m : g.k) + g.pad;
    o.ldb = (g.tb ? g.k : g.n) + g.pad;
    o.ldc = g.n + g.pad;
    o.a.resize((g.ta ? g.k : g.m) * o.lda);
    o.b.resize((g.tb ? g.n : g.k) * o.ldb);
    o.c.resize(g.m * o.ldc);
    for (auto& x : o.a) x = T(u(rng));
    for (auto& x : o.b) x = T(u(rng));
    for (std::size_t i = 0; i < g.m; ++i)
        for (std::size_t j = 0; j < o.ldc; ++j)
            o.c[i * o.ldc + j] = j >= g.n                ? T(7777)  // padding: must stay untouched
                                 : g.beta == 0.0 ? std::numeric_limits<T>::quiet_NaN()  // must not be read
                                                 : T(u(rng));
    return o;
}

// Runs gemm on one case and returns the number of elements outside the error bound
// |c - ref| <= 4·(k+2)·eps·(|alpha|·Σ|a·b| + |beta·c|), plus touched padding.
template <class T>
std::size_t count_errors(const gemm_case& g, std::mt19937& rng) {
    operands<T> o = make_operands<T>(g, rng);
    const std::vector<T> c0 = o.c;
    gemm<T>(g.ta, g.tb, g.m, g.n, g.k, T(g.alpha), o.a.data(), o.lda, o.b.data(), o.ldb, T(g.beta), o.c.data(),
            o.ldc);
    const double eps = std::numeric_limits<T>::epsilon();
    std::size_t bad = 0;
    for (std::size_t i = 0; i < g.m; ++i) {
        for (std::size_t j = 0; j < g.n; ++j) {
            double s = 0, s_abs = 0;
            for (std::size_t p = 0; p < g.k; ++p) {
                const double x = g.ta ? o.a[p * o.lda + i] : o.a[i * o.lda + p];
                const double y = g.tb ? o.b[j * o.ldb + p] : o.b[p * o.ldb + j];
                s += x * y;
                s_abs += std::abs(x * y);
            }
            const double cb = g.beta == 0.0 ? 0.0 : g.beta * double(c0[i * o.ldc + j]);
            const double want = g.alpha * s + cb;
            const double tol = 4.0 * double(g.k + 2) * eps * (std::abs(g.alpha) * s_abs + std::abs(cb)) + 1e-30;
            const double got = o.c[i * o.ldc + j];
            if (!(std::abs(got - want) <= tol)) ++bad;  // also catches NaN
        }
        for (std::size_t j = g.n; j < o.ldc; ++j) bad += o.c[i * o.ldc + j] != T(7777);
    }
    return bad;
}

template <class T>
void check(const gemm_case& g, std::mt19937& rng) {
    INFO("ta=" << g.ta << " tb=" << g.tb << " m=" << g.m << " n=" << g.n << " k=" << g.k << " alpha=" << g.alpha
               << " beta=" << g.beta << " pad=" << g.pad);
    CHECK(count_errors<T>(g, rng) == 0);
}

constexpr std::size_t sizes[] = {1, 7, 13, 17, 31, 33, 65, 129, 257};
constexpr std::size_t n_sizes = sizeof(sizes) / sizeof(sizes[0]);

// Restores the thread count a test changed.
struct thread_guard {
    int saved = cascade::num_threads();
    ~thread_guard() { cascade::set_num_threads(saved); }
};

} // namespace

TEST_CASE_TEMPLATE("kernels.gemm: square and non-square sizes, all transposes, alpha and beta", T, float, double) {
    std::mt19937 rng(42);
    const double betas[] = {0.0, 1.0, 0.5};
    for (int t = 0; t < 4; ++t) {
        const bool ta = t & 1, tb = t & 2;
        for (std::size_t i = 0; i < n_sizes; ++i) {
            const double beta = betas[i % 3];
            const std::size_t pad = i % 2 ? 3 : 0;
            check<T>({ta, tb, sizes[i], sizes[i], sizes[i], 1.0, beta, pad}, rng);  // square
            check<T>({ta, tb, sizes[i], sizes[(i + 3) % n_sizes], sizes[(i + 6) % n_sizes], -1.5, beta, pad + 1}, rng);
            check<T>({ta, tb, sizes[(i + 5) % n_sizes], sizes[(i + 1) % n_sizes], sizes[(i + 2) % n_sizes], 0.75,
                      betas[(i + 1) % 3], pad},
                     rng);
        }
    }
}

TEST_CASE_TEMPLATE("kernels.gemm: random shapes", T, float, double) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::size_t> dim(1, 300), pad(0, 5);
    const double betas[] = {0.0, 1.0, 0.5};
    for (int r = 0; r < 24; ++r)
        check<T>({bool(r & 1), bool(r & 2), dim(rng), dim(rng), dim(rng), 1.25, betas[r % 3], pad(rng)}, rng);
}

TEST_CASE_TEMPLATE("kernels.gemm: shapes beyond one cache block in every dimension", T, float, double) {
    using P = cascade::kernels::cpu::detail::gemm_blocking<T, cascade::simd::default_arch>;
    std::mt19937 rng(3);
    for (int t = 0; t < 4; ++t) {
        const bool ta = t & 1, tb = t & 2;
        check<T>({ta, tb, 3, 2 * P::nc + 5, 2, 2.0, 0.5, 1}, rng);       // several jc blocks
        check<T>({ta, tb, 9, 11, 2 * P::kc + 3, 1.0, 1.0, 0}, rng);      // several pc blocks (C accumulates)
        check<T>({ta, tb, 2 * P::mc + 5, 19, 5, -1.0, 0.0, 2}, rng);     // several ic blocks
        check<T>({ta, tb, P::mr + 1, P::nr + 1, P::kc + 1, 1.0, 0.0, 0}, rng);  // edges everywhere
    }
}

TEST_CASE_TEMPLATE("kernels.gemm: layer shapes (narrow, short and tall operands)", T, float, double) {
    std::mt19937 rng(11);
    check<T>({false, false, 32, 20, 20, 1.0, 0.0, 0}, rng);    // MLP layer
    check<T>({false, false, 64, 10, 461, 1.0, 1.0, 0}, rng);   // dense forward, bias already in C
    check<T>({true, false, 461, 10, 64, 1.0, 0.0, 0}, rng);    // dense dW = xᵀ·dy
    check<T>({false, true, 64, 461, 10, 1.0, 0.0, 0}, rng);    // dense dx = dy·Wᵀ
    check<T>({false, false, 2304, 32, 25, 1.0, 0.0, 0}, rng);  // im2col conv forward
    check<T>({true, false, 25, 32, 2304, 1.0, 0.0, 0}, rng);   // conv weight gradient
    check<T>({false, true, 2304, 25, 32, 1.0, 0.0, 0}, rng);   // conv input gradient
}

TEST_CASE_TEMPLATE("kernels.gemm: k = 0 and alpha = 0 give beta·C", T, float, double) {
    const T a[1] = {T(1)}, b[1] = {T(1)};
    std::vector<T> c(12, std::numeric_limits<T>::quiet_NaN());
    gemm<T>(false, false, 3, 4, 0, T(1), a, 1, b, 4, T(0), c.data(), 4);
    for (T x : c) CHECK(x == T(0));
    for (std::size_t i = 0; i < c.size(); ++i) c[i] = T(i);
    gemm<T>(true, true, 3, 4, 0, T(2), a, 3, b, 1, T(0.5), c.data(), 4);
    for (std::size_t i = 0; i < c.size(); ++i) CHECK(c[i] == T(0.5) * T(i));
    gemm<T>(false, false, 3, 4, 1, T(0), a, 1, b, 4, T(2), c.data(), 4);
    for (std::size_t i = 0; i < c.size(); ++i) CHECK(c[i] == T(i));
    gemm<T>(false, false, 0, 4, 5, T(1), a, 5, b, 4, T(0), c.data(), 4);  // empty: nothing happens
    gemm<T>(false, false, 3, 0, 5, T(1), a, 5, b, 0, T(0), c.data(), 4);
    for (std::size_t i = 0; i < c.size(); ++i) CHECK(c[i] == T(i));
}

TEST_CASE_TEMPLATE("kernels.gemm: 1 and 2 threads give bit-identical results", T, float, double) {
    thread_guard guard;
    std::mt19937 rng(5);
    const gemm_case cases[] = {
        {false, false, 257, 129, 300, 1.0, 0.5, 1},  // rows split among threads
        {true, true, 300, 65, 129, 0.5, 0.0, 0},
        {false, true, 13, 1000, 50, 1.0, 1.0, 2},    // few rows: columns split
        {true, false, 25, 32, 3000, 1.0, 0.0, 0},    // long k
        {false, false, 3000, 10, 40, 1.0, 0.0, 0},   // narrow
    };
    for (const gemm_case& g : cases) {
        INFO("ta=" << g.ta << " tb=" << g.tb << " m=" << g.m << " n=" << g.n << " k=" << g.k);
        operands<T> o = make_operands<T>(g, rng);
        std::vector<T> c1 = o.c, c2 = o.c;
        cascade::set_num_threads(1);
        gemm<T>(g.ta, g.tb, g.m, g.n, g.k, T(g.alpha), o.a.data(), o.lda, o.b.data(), o.ldb, T(g.beta), c1.data(),
                o.ldc);
        cascade::set_num_threads(2);
        gemm<T>(g.ta, g.tb, g.m, g.n, g.k, T(g.alpha), o.a.data(), o.lda, o.b.data(), o.ldb, T(g.beta), c2.data(),
                o.ldc);
        CHECK(std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(T)) == 0);
    }
}

TEST_CASE("kernels.gemm: packing buffers are reused, not reallocated") {
    using cascade::kernels::cpu::detail::thread_scratch;
    float* p = thread_scratch<float>(1000);
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 64 == 0);
    CHECK(thread_scratch<float>(10) == p);
    CHECK(thread_scratch<float>(1000) == p);
}
