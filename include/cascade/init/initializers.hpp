#pragma once
// Weight initializers, as in Keras (glorot_uniform kernels and zero biases are Keras' defaults).
//   glorot_uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out))        Glorot & Bengio, AISTATS 2010
//   glorot_normal:  truncated N(0, s), s = sqrt(2 / (fan_in + fan_out)) / .8796 (Keras' correction)
//   he_uniform:     U(-l, l), l = sqrt(6 / fan_in)                      He et al., ICCV 2015
//   he_normal:      truncated N(0, s), s = sqrt(2 / fan_in) / .8796
//   random_uniform<Lo, Hi>: U(lo, hi), ratios, default (−0.05, 0.05): Keras RandomUniform() / 'uniform'
// Truncation at 2 s by rejection, like Keras' TruncatedNormal. fan_in/fan_out of a conv kernel are
// (receptive field · in channels) and (receptive field · out channels).
#include "cascade/tensor/ratio.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>

namespace cascade {

// The one random-number engine of the library: std::mt19937_64 is the same sequence on every
// platform; distributions are written here (not std::*_distribution, whose output is
// implementation-defined) so a seed reproduces weights across standard libraries.
using rng = std::mt19937_64;

namespace detail {
inline double uniform01(rng& g) { return double(g() >> 11) * 0x1.0p-53; }          // [0, 1)
inline double standard_normal(rng& g) {                                              // Box–Muller
    double u1 = uniform01(g), u2 = uniform01(g);
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}
inline double truncated_normal(rng& g) {
    for (;;) {
        double z = standard_normal(g);
        if (std::abs(z) <= 2.0) return z;
    }
}
} // namespace detail

namespace init {

struct zeros {
    static constexpr const char* name = "zeros";
    template <class T>
    static void fill(T* p, std::size_t n, std::size_t, std::size_t, rng&) {
        for (std::size_t i = 0; i < n; ++i) p[i] = T(0);
    }
};
struct ones {
    static constexpr const char* name = "ones";
    template <class T>
    static void fill(T* p, std::size_t n, std::size_t, std::size_t, rng&) {
        for (std::size_t i = 0; i < n; ++i) p[i] = T(1);
    }
};
struct glorot_uniform {
    static constexpr const char* name = "glorot_uniform";
    template <class T>
    static void fill(T* p, std::size_t n, std::size_t fan_in, std::size_t fan_out, rng& g) {
        const double l = std::sqrt(6.0 / double(fan_in + fan_out));
        for (std::size_t i = 0; i < n; ++i) p[i] = T((2.0 * detail::uniform01(g) - 1.0) * l);
    }
};
struct glorot_normal {
    static constexpr const char* name = "glorot_normal";
    template <class T>
    static void fill(T* p, std::size_t n, std::size_t fan_in, std::size_t fan_out, rng& g) {
        const double s = std::sqrt(2.0 / double(fan_in + fan_out)) / .87962566103423978;
        for (std::size_t i = 0; i < n; ++i) p[i] = T(detail::truncated_normal(g) * s);
    }
};
struct he_uniform {
    static constexpr const char* name = "he_uniform";
    template <class T>
    static void fill(T* p, std::size_t n, std::size_t fan_in, std::size_t, rng& g) {
        const double l = std::sqrt(6.0 / double(fan_in));
        for (std::size_t i = 0; i < n; ++i) p[i] = T((2.0 * detail::uniform01(g) - 1.0) * l);
    }
};
struct he_normal {
    static constexpr const char* name = "he_normal";
    template <class T>
    static void fill(T* p, std::size_t n, std::size_t fan_in, std::size_t, rng& g) {
        const double s = std::sqrt(2.0 / double(fan_in)) / .87962566103423978;
        for (std::size_t i = 0; i < n; ++i) p[i] = T(detail::truncated_normal(g) * s);
    }
};

// U(lo, hi) with lo = Lo, hi = Hi (ratios): Keras RandomUniform(minval, maxval), default (−0.05, 0.05), the
// 'uniform' initializer of Keras' Embedding.
template <class Lo = ratio<-1, 20>, class Hi = ratio<1, 20>>
struct random_uniform {
    static_assert(Lo::num * Hi::den <= Hi::num * Lo::den, "init::random_uniform<Lo, Hi>: Lo must not exceed Hi");
    static constexpr const char* name = "random_uniform";
    template <class T>
    static void fill(T* p, std::size_t n, std::size_t, std::size_t, rng& g) {
        const double lo = ratio_value<double, Lo>, hi = ratio_value<double, Hi>;
        for (std::size_t i = 0; i < n; ++i) p[i] = T(lo + (hi - lo) * detail::uniform01(g));
    }
};

template <class I>
concept initializer = requires(float* p, rng& g) { I::fill(p, std::size_t{}, std::size_t{}, std::size_t{}, g); };

} // namespace init
} // namespace cascade
