// Padded ('same', TensorFlow's rule) GPU max and average pooling against the CPU kernels
// (tests/kernels/test_pool_padding.cpp checks those against naive loops): 1-, 2- and 3-D geometries with
// padding before and after, windows past the end, odd sizes, strides 1/2/3, anisotropic pools, and
// channel counts above a warp. Every case returns early where no GPU is present.
#include <cascade/kernels/gpu/pool.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <algorithm>
#include <cfloat>
#include <cstddef>
#include <type_traits>

namespace cc = cascade;
namespace gpu = cascade::gpu;

using namespace gpu_test;
using cc::kernels::pool_geometry;

namespace {

struct axis {
    std::size_t in, k, s, out, p;
};
// TensorFlow's 'same': out = ⌈in / s⌉, total padding max((out − 1)·s + k − in, 0), the smaller half before.
axis same(std::size_t in, std::size_t k, std::size_t s) {
    const std::size_t out = (in + s - 1) / s, reach = (out - 1) * s + k;
    return {in, k, s, out, reach > in ? (reach - in) / 2 : 0};
}
const axis none{1, 1, 1, 1, 0};

pool_geometry make(axis z, axis y, axis x, std::size_t c) {
    return {z.in, y.in, x.in, c, z.k, y.k, x.k, z.s, y.s, x.s, z.out, y.out, x.out, z.p, y.p, x.p};
}

template <std::size_t R>
std::array<std::size_t, R> shape_of(std::size_t n, std::size_t d, std::size_t h, std::size_t w, std::size_t c) {
    if constexpr (R == 5) return {n, d, h, w, c};
    else if constexpr (R == 4) return {n, h, w, c};
    else return {n, w, c};
}

// Runs the four pooling entries on both backends (tensor level) and compares.
template <std::size_t R>
void compare(const pool_geometry& g, std::size_t n, cc::rng& rg, bool ties) {
    auto x = random_tensor<float, R>(shape_of<R>(n, g.d, g.h, g.w, g.c), rg);
    if (ties)
        for (auto& v : x) v = v < 0 ? -1.f : 0.f;   // many equal maxima: the first real one takes dy
    const auto dy = random_tensor<float, R>(shape_of<R>(n, g.od, g.oh, g.ow, g.c), rg);
    cc::host_tensor<float, R> y, ya, dx, dxa;
    cc::kernels::max_pool_forward(g, x, y);
    cc::kernels::max_pool_backward(g, x, y, dy, dx);
    cc::kernels::avg_pool_forward(g, x, ya);
    cc::kernels::avg_pool_backward(g, dy, dxa);

    const auto gx = gpu::to_device(x), gdy = gpu::to_device(dy);
    gpu::device_tensor<float, R> gy, gya, gdx, gdxa;
    cc::kernels::max_pool_forward(g, gx, gy);
    cc::kernels::max_pool_backward(g, gx, gy, gdy, gdx);
    cc::kernels::avg_pool_forward(g, gx, gya);
    cc::kernels::avg_pool_backward(g, gdy, gdxa);
    CHECK(max_abs_diff(gpu::to_host(gy), y) == 0);                  // a max is exact
    CHECK(max_abs_diff(gpu::to_host(gdx), dx) <= 4 * FLT_EPSILON);  // overlapping windows add in any order
    CHECK(max_abs_diff(gpu::to_host(gya), ya) <= 4 * FLT_EPSILON);
    CHECK(max_abs_diff(gpu::to_host(gdxa), dxa) <= 4 * FLT_EPSILON);
}

} // namespace

TEST_CASE("gpu padded ('same') max and average pooling equal the CPU kernels (1-D, 2-D, 3-D)") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng rg(21);
    struct cfg {
        const char* name;
        std::size_t n;
        axis z, y, x;
        std::size_t c;
    };
    const cfg cases[] = {
        {"1-D same k3 s1", 2, none, none, same(7, 3, 1), 5},
        {"1-D same k2 s2 (pad only after)", 3, none, none, same(9, 2, 2), 33},
        {"1-D p=k-1 (full)", 2, none, none, axis{6, 3, 1, 8, 2}, 2},
        {"2-D same 3x3 s2 odd", 3, none, same(7, 3, 2), same(9, 3, 2), 5},
        {"2-D same 2x2 s2 odd (past the end)", 2, none, same(7, 2, 2), same(5, 2, 2), 17},
        {"2-D same anisotropic kh3 kw2, sh1 sw3", 2, none, same(6, 3, 1), same(11, 2, 3), 7},
        {"2-D same k3 s3", 1, none, same(10, 3, 3), same(8, 3, 3), 65},
        {"2-D window past the end only (no pad before)", 2, none, axis{7, 2, 2, 4, 0}, axis{5, 3, 2, 3, 0}, 3},
        {"3-D same 3x3x3 s1", 2, same(4, 3, 1), same(5, 3, 1), same(3, 3, 1), 3},
        {"3-D same anisotropic kd3 kh2 kw3, strides 3/1/2", 1, same(7, 3, 3), same(4, 2, 1), same(9, 3, 2), 2},
        {"2-D unpadded (valid: the old kernels path)", 2, none, axis{7, 3, 2, 3, 0}, axis{9, 3, 2, 4, 0}, 5},
    };
    for (const cfg& t : cases)
        for (const bool ties : {false, true}) {
            INFO(t.name, ties ? " (ties)" : "");
            const pool_geometry g = make(t.z, t.y, t.x, t.c);
            if (t.z.in > 1) compare<5>(g, t.n, rg, ties);
            else if (t.y.in > 1) compare<4>(g, t.n, rg, ties);
            else compare<3>(g, t.n, rg, ties);
        }
}
