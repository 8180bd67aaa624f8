#pragma once
// cifar_like: a CIFAR-10-shaped toy data set — 32×32 RGB images (channels-last, values in [0, 1]) of 10 classes
// of procedurally drawn shapes and textures — for running the CIFAR-10 experiments of seed 003 (D. Walz, "Deep
// Learning Tutorial", RWTH Aachen 2017) without the real data. Same shapes as cifar10(): x (N, 32, 32, 3),
// y (N, 10) one-hot.
//
// Classes (cifar_like_class_names()):
//   0 disc          filled circle                  5 stripes_h     square patch of horizontal stripes
//   1 ring          annulus (inner r 50–70 %)      6 stripes_v     square patch of vertical stripes
//   2 square        filled square                  7 checkerboard  square patch of checks (3–5 px)
//   3 triangle      filled equilateral triangle    8 blob          Gaussian blob, soft edge (σ = 0.45 r)
//   4 cross         plus sign (arm width 0.6 r)    9 star          filled five-pointed star
// Every image: a background colour drawn uniformly and mixed with a fixed colour of its class by a weight
// U(0, colour_hint), with a linear brightness gradient in a random direction; a foreground colour at RGB
// distance ≥ 0.45 from it; the shape of "radius" r ∈ [min_size, max_size] pixels centred at (15.5, 15.5)
// + a uniform shift in ±max_shift pixels, rotated by a uniform angle in ±max_rotation (the star by any
// angle), stripe period 4–7 px with a random phase, anti-aliased by 3×3 super-sampling; then Gaussian
// pixel noise of standard deviation noise·U(0.5, 1.5), clamped to [0, 1].
// What makes it hard for a dense network: colour is only a weak class cue (like CIFAR-10's sky and grass)
// and shapes move, so the class lives in local structure (edges, curvature, texture) at any position — what
// convolutions share weights for; disc/blob/star and square/checkerboard/cross differ in details a few
// pixels wide. Measured (examples/cifar10_*, 2,000 training images, 3 epochs, standardised inputs): dense
// network 28 %, simple CNN 34 %, deep CNN 76 % test accuracy; 5,000 images and 5 epochs: 33 %, 82 %, 98 %.
//
// Labels are balanced: sample i has class i mod 10. Sample i is drawn from its own engine seeded from
// (seed, i), so the same seed gives the same data, and cifar_like(n, s) is a prefix of cifar_like(m, s) for
// n ≤ m. Cost: about 0.12 ms of CPU time per image.
//
// API (namespace cascade::data::toy):
//   dataset<T, 4, 2> cifar_like<T>(n, seed, options = {})
//   cifar_like_params draw_cifar_like<T>(cls, rng&, options, T* out)   one (32, 32, 3) image; returns what was drawn
#include "cascade/data/dataset.hpp"
#include "cascade/init/initializers.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cascade::data::toy {

enum class cifar_like_class { disc, ring, square, triangle, cross, stripes_h, stripes_v, checkerboard, blob, star };

inline constexpr std::size_t cifar_like_classes = 10, cifar_like_side = 32, cifar_like_channels = 3;

inline const std::vector<std::string>& cifar_like_class_names() {
    static const std::vector<std::string> names = {"disc",      "ring",      "square",       "triangle", "cross",
                                                   "stripes_h", "stripes_v", "checkerboard", "blob",     "star"};
    return names;
}

struct cifar_like_options {
    double noise = 0.08;                  // pixel noise σ (per image scaled by U(0.5, 1.5))
    double min_size = 6, max_size = 11;   // shape radius r in pixels (half the side of a square patch)
    double max_shift = 5;                 // centre shift in pixels, each axis
    double max_rotation = 0.35;           // radians (about 20°)
    double max_gradient = 0.3;            // background brightness change across the image
    double colour_hint = 0.6;             // background = mix(random colour, class colour, U(0, colour_hint))
};

// What draw_cifar_like drew (for tests and plots).
struct cifar_like_params {
    cifar_like_class cls;
    double cx, cy, r, angle;              // centre (column, row) in pixels, radius, rotation
    std::array<double, 3> background, foreground;
    double noise;
};

namespace detail {

inline std::uint64_t splitmix64(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

inline double uniform(rng& g, double lo, double hi) { return lo + (hi - lo) * cascade::detail::uniform01(g); }

// Even-odd point-in-polygon test.
template <std::size_t N>
bool inside_polygon(const std::array<std::array<double, 2>, N>& p, double u, double v) {
    bool in = false;
    for (std::size_t i = 0, j = N - 1; i < N; j = i++) {
        const double ui = p[i][0], vi = p[i][1], uj = p[j][0], vj = p[j][1];
        if ((vi > v) != (vj > v) && u < (uj - ui) * (v - vi) / (vj - vi) + ui) in = !in;
    }
    return in;
}

// Regular star (or polygon when inner == outer·cos(π/K)): 2K vertices alternating outer and inner radius.
template <std::size_t K>
std::array<std::array<double, 2>, 2 * K> star_polygon(double outer, double inner) {
    std::array<std::array<double, 2>, 2 * K> p;
    for (std::size_t i = 0; i < 2 * K; ++i) {
        const double a = 1.5707963267948966 + 3.141592653589793 * double(i) / double(K);
        const double rr = i % 2 ? inner : outer;
        p[i] = {rr * std::cos(a), -rr * std::sin(a)};   // image rows grow downwards: point up
    }
    return p;
}

} // namespace detail

// Draws one (32, 32, 3) image of class cls into out (channels-last) from g.
template <class T>
cifar_like_params draw_cifar_like(cifar_like_class cls, rng& g, const cifar_like_options& o, T* out) {
    using detail::uniform;
    constexpr double pi = 3.141592653589793;
    cifar_like_params p{};
    p.cls = cls;
    // Like CIFAR-10's sky and grass, the background colour leans towards a class colour: a weak cue that
    // a dense network can use without seeing shapes.
    static constexpr double class_colour[cifar_like_classes][3] = {
        {0.9, 0.2, 0.2}, {0.2, 0.8, 0.2}, {0.2, 0.3, 0.9}, {0.9, 0.8, 0.1}, {0.8, 0.2, 0.8},
        {0.1, 0.8, 0.8}, {0.95, 0.55, 0.1}, {0.5, 0.5, 0.5}, {0.1, 0.1, 0.3}, {0.95, 0.95, 0.9}};
    const double hint = uniform(g, 0, o.colour_hint);
    for (int k = 0; k < 3; ++k)
        p.background[k] = (1 - hint) * uniform(g, 0, 1) + hint * class_colour[static_cast<int>(cls)][k];
    for (int tries = 0; tries < 64; ++tries) {   // a foreground colour that stands out from the background
        for (auto& c : p.foreground) c = uniform(g, 0, 1);
        double d2 = 0;
        for (int k = 0; k < 3; ++k) d2 += (p.foreground[k] - p.background[k]) * (p.foreground[k] - p.background[k]);
        if (d2 >= 0.45 * 0.45) break;
        if (tries == 63)
            for (int k = 0; k < 3; ++k) p.foreground[k] = p.background[k] < 0.5 ? 1.0 : 0.0;
    }
    p.cx = 15.5 + uniform(g, -o.max_shift, o.max_shift);
    p.cy = 15.5 + uniform(g, -o.max_shift, o.max_shift);
    p.r = uniform(g, o.min_size, o.max_size);
    p.angle = cls == cifar_like_class::star ? uniform(g, 0, 2 * pi / 5) : uniform(g, -o.max_rotation, o.max_rotation);
    p.noise = o.noise * uniform(g, 0.5, 1.5);
    const double grad_angle = uniform(g, 0, 2 * pi), grad = uniform(g, 0, o.max_gradient);
    const double ring_inner = uniform(g, 0.5, 0.7);
    const double period = uniform(g, 4, 7), phase = uniform(g, 0, period);   // stripes, pixels
    const double cell = uniform(g, 3, 5);                                    // checkerboard, pixels
    const double star_inner = uniform(g, 0.38, 0.5);

    const auto triangle = detail::star_polygon<3>(1.0, 0.5);   // inner vertices on the edges: a triangle
    const auto star = detail::star_polygon<5>(1.0, star_inner);
    const double ca = std::cos(p.angle), sa = std::sin(p.angle);
    // Coverage of the shape at image point (x, y) = (column, row), pixel centres at integer + 0.5.
    auto covered = [&](double x, double y) -> bool {
        const double dx = x - p.cx, dy = y - p.cy;
        const double u = (ca * dx + sa * dy) / p.r, v = (-sa * dx + ca * dy) / p.r;   // rotated, in radii
        const bool in_square = std::max(std::abs(u), std::abs(v)) <= 1.0;
        switch (cls) {
        case cifar_like_class::disc: return u * u + v * v <= 1.0;
        case cifar_like_class::ring: {
            const double q = u * u + v * v;
            return q <= 1.0 && q >= ring_inner * ring_inner;
        }
        case cifar_like_class::square: return std::max(std::abs(u), std::abs(v)) <= 0.8;
        case cifar_like_class::triangle: return detail::inside_polygon(triangle, u, v);
        case cifar_like_class::cross:
            return (std::abs(u) <= 0.3 && std::abs(v) <= 1.0) || (std::abs(v) <= 0.3 && std::abs(u) <= 1.0);
        case cifar_like_class::stripes_h:
            return in_square && std::fmod(v * p.r + 100 * period + phase, period) < period / 2;
        case cifar_like_class::stripes_v:
            return in_square && std::fmod(u * p.r + 100 * period + phase, period) < period / 2;
        case cifar_like_class::checkerboard: {
            const auto a = static_cast<long>(std::floor(u * p.r / cell + 100));
            const auto b = static_cast<long>(std::floor(v * p.r / cell + 100));
            return in_square && (a + b) % 2 == 0;
        }
        case cifar_like_class::star: return detail::inside_polygon(star, u, v);
        case cifar_like_class::blob: return false;   // drawn with a smooth alpha below
        }
        return false;
    };
    const double gx = std::cos(grad_angle), gy = std::sin(grad_angle);
    // Pixel noise: Box–Muller, both deviates of each pair used.
    std::array<double, cifar_like_side * cifar_like_side * cifar_like_channels> z;
    for (std::size_t i = 0; i < z.size(); i += 2) {
        const double u1 = std::max(cascade::detail::uniform01(g), 1e-300), u2 = cascade::detail::uniform01(g);
        const double rad = std::sqrt(-2.0 * std::log(u1));
        z[i] = rad * std::cos(2 * pi * u2);
        z[i + 1] = rad * std::sin(2 * pi * u2);
    }
    for (std::size_t row = 0; row < cifar_like_side; ++row)
        for (std::size_t col = 0; col < cifar_like_side; ++col) {
            const double x = double(col) + 0.5, y = double(row) + 0.5;
            double a = 0;
            if (cls == cifar_like_class::blob) {
                const double u = (x - p.cx) / p.r, v = (y - p.cy) / p.r;
                a = std::exp(-(u * u + v * v) / (2 * 0.45 * 0.45));
            } else {
                for (int sy = 0; sy < 3; ++sy)
                    for (int sx = 0; sx < 3; ++sx) a += covered(x + (sx - 1) / 3.0, y + (sy - 1) / 3.0);
                a /= 9;
            }
            const double shade = grad * (((x - 16) * gx + (y - 16) * gy) / 32.0);
            for (std::size_t k = 0; k < 3; ++k) {
                const double bg = p.background[k] + shade;
                const std::size_t at = (row * cifar_like_side + col) * cifar_like_channels + k;
                const double value = bg * (1 - a) + p.foreground[k] * a + p.noise * z[at];
                out[at] = static_cast<T>(std::clamp(value, 0.0, 1.0));
            }
        }
    return p;
}

// n images, class i mod 10 for image i, each drawn from an engine seeded from (seed, i).
template <class T = float>
dataset<T, 4, 2> cifar_like(std::size_t n, std::uint64_t seed, const cifar_like_options& o = {}) {
    dataset<T, 4, 2> d;
    d.x = host_tensor<T, 4>(std::array<std::size_t, 4>{n, cifar_like_side, cifar_like_side, cifar_like_channels});
    d.y = host_tensor<T, 2>(std::array<std::size_t, 2>{n, cifar_like_classes});
    std::fill(d.y.data(), d.y.data() + d.y.size(), T(0));
    const std::size_t row = cifar_like_side * cifar_like_side * cifar_like_channels;
    for (std::size_t i = 0; i < n; ++i) {
        rng g(detail::splitmix64(detail::splitmix64(seed) ^ i));
        const std::size_t cls = i % cifar_like_classes;
        draw_cifar_like<T>(static_cast<cifar_like_class>(cls), g, o, d.x.data() + i * row);
        d.y.data()[i * cifar_like_classes + cls] = T(1);
    }
    return d;
}

} // namespace cascade::data::toy
