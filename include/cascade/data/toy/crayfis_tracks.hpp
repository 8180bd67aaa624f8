#pragma once
// crayfis_tracks: toy smartphone-camera images for seed 000's track-detection trick (M. Borisyak,
// A. Ustyuzhanin et al., "Deep Learning for Image Processing in Astrophysical Experiments", slides
// "CRAYFIS experiment — Track detection — Data" and "Labeling problem"): two sets of 40×40 images, D1
// and D2, taken by the same phone under the same conditions but next to two radioactive sources with
// different rates, so P(track | D1) ≫ P(track | D2). Which image holds a track is unknown to the
// classifier; the generator keeps it (events::has_track) for evaluation only.
//
// Per image (pixels in ADC counts of an 8-bit sensor, clipped to [0, 255]):
//   source: D1 or D2 with probability 1/2 each (equal priors); label y = 1 for D1, 0 for D2;
//   tracks: with probability p1 (D1, default 0.6) or p2 (D2, default 0.1) the image has 1 + Poisson(0.2)
//           tracks, else none;
//   noise (the same model for both sources, as the slides assume P(noise | X, D1) ≈ P(noise | X, D2)):
//     pedestal 8 + a fixed per-pixel offset N(0, 1) of the phone, thermal noise N(0, σ = 2) per image,
//     hot pixels: 5 fixed pixels of the phone (distinct, uniform) read pedestal + U(20, 80) + N(0, 6),
//     dead pixels: each pixel reads 0 with probability 5·10⁻⁴ per image;
//     `phones` phones (default 1, as in the slides) each with its own fixed offset and hot-pixel map,
//     drawn from phone_seed, so D1 and D2 share them; an image picks a phone uniformly.
//   a track: a line segment with uniform direction, centre uniform in the image, length 3 + Exp(mean 8)
//     pixels, transverse Gaussian profile σ_w ∈ U(0.5, 1.2) px, deposit per pixel length
//     dE/dx = 40 · LogNormal(0, 0.6) ADC (peak ≈ 19 ADC above the pedestal for the median track, ≈ 10 σ
//     of the thermal noise; one track in six has less than half of that); with probability 0.3
//     it is a "worm" (a low-energy electron): its direction turns by N(0, 0.35 rad) every pixel.
//     Rendered by summing Gaussian blobs at 1/4-pixel steps along the path.
// Output x (n, 40, 40, 1) = ADC / 64, so the pedestal sits near 0.13 and saturation at 3.98.
//
// Turning the D1/D2 classifier into a track detector (the slide "Labeling problem" → "solved"):
// with X independent of the source given whether it holds a track (the slide's assumptions),
// P(D1 | X, track) = P(D1 | track) = p1/(p1 + p2) =: b and P(D1 | X, noise) = (1 − p1)/(2 − p1 − p2) =: a
// (equal priors), so
//   f(X) = P(D1 | X) = a + (b − a) · P(track | X)      ⇒      g(X) = P(track | X) = (f(X) − a) / (b − a),
// clipped to [0, 1] (a trained f may stray outside [a, b]). P(track | X) is the posterior in the equal
// mixture of D1 and D2, whose track prior is (p1 + p2)/2. g is an increasing function of f, so the ROC
// curve of g against the true track labels is f's; the formula makes g a calibrated probability.
// p1 and p2 must be known or estimated (here they are the generator's).
#include "cascade/config.hpp"
#include "cascade/data/dataset.hpp"
#include "cascade/init/initializers.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cascade::data::toy {

struct crayfis_options {
    double p1 = 0.6, p2 = 0.1;         // P(track | D1), P(track | D2)
    std::size_t phones = 1;
    std::uint64_t phone_seed = 2016;   // the phones' fixed offsets and hot pixels
    double pedestal = 8, thermal_sigma = 2, dead_probability = 5e-4;
    std::size_t hot_pixels = 5;        // per phone
    double dedx_scale = 40, worm_probability = 0.3;
};

template <class T, std::size_t Size>
struct crayfis_events {
    static constexpr std::size_t size = Size;
    dataset<T, 4, 2> data;                 // x (n, Size, Size, 1), y (n, 1): 1 = D1, 0 = D2
    std::vector<std::uint8_t> has_track;   // hidden truth: 1 if the image holds at least one track
    std::vector<std::uint8_t> tracks;      // number of tracks
};

// g(X) = P(track | X) from f(X) = P(D1 | X), equal priors (see the header comment); clipped to [0, 1].
inline double crayfis_track_probability(double f, double p1, double p2) {
    const double a = (1 - p1) / (2 - p1 - p2), b = p1 / (p1 + p2);
    return std::clamp((f - a) / (b - a), 0.0, 1.0);
}

namespace detail {

inline double crayfis_poisson(rng& g, double lambda) {
    double u = cascade::detail::uniform01(g), p = std::exp(-lambda), c = p, k = 0;
    while (u > c && k < 50) {
        k += 1;
        p *= lambda / k;
        c += p;
    }
    return k;
}

// Adds one track (straight or worm) to the Size×Size image `img` (ADC).
template <std::size_t Size>
void crayfis_draw_track(std::array<double, Size * Size>& img, rng& g, const crayfis_options& o) {
    auto u01 = [&] { return cascade::detail::uniform01(g); };
    constexpr double pi = 3.14159265358979323846, step = 0.25;
    double angle = 2 * pi * u01();
    const double length = 3 - 8 * std::log(std::max(u01(), 1e-12));
    const double width = 0.5 + 0.7 * u01();
    const double dedx = o.dedx_scale * std::exp(0.6 * cascade::detail::standard_normal(g));
    const bool worm = u01() < o.worm_probability;
    // Start so that the straight segment is centred on a uniform point.
    double x = double(Size) * u01() - 0.5 * length * std::cos(angle), y = double(Size) * u01() - 0.5 * length * std::sin(angle);
    const double amp = dedx * step / (2 * pi * width * width);   // a blob of integral dedx·step
    const int reach = int(std::ceil(3 * width));
    const std::size_t steps = std::size_t(length / step);
    for (std::size_t s = 0; s < steps; ++s) {
        if (worm && s % 4 == 0) angle += 0.35 * cascade::detail::standard_normal(g);
        x += step * std::cos(angle);
        y += step * std::sin(angle);
        const int cx = int(std::floor(x)), cy = int(std::floor(y));
        for (int py = std::max(0, cy - reach); py <= std::min(int(Size) - 1, cy + reach); ++py)
            for (int px = std::max(0, cx - reach); px <= std::min(int(Size) - 1, cx + reach); ++px) {
                const double dx = px + 0.5 - x, dy = py + 0.5 - y;
                img[std::size_t(py) * Size + std::size_t(px)] += amp * std::exp(-(dx * dx + dy * dy) / (2 * width * width));
            }
    }
}

} // namespace detail

// n images of Size×Size pixels (the slides' 40×40 by default), half from D1 and half from D2 on average.
template <std::size_t Size = 40, class T = float>
crayfis_events<T, Size> crayfis_tracks(std::size_t n, std::uint64_t seed, const crayfis_options& o = {}) {
    CASCADE_CHECK(o.p1 >= 0 && o.p1 <= 1 && o.p2 >= 0 && o.p2 <= 1 && o.p1 != o.p2,
                  "crayfis_tracks: need track rates p1 != p2 in [0, 1], got ", o.p1, " and ", o.p2);
    CASCADE_CHECK(o.phones > 0, "crayfis_tracks: need at least one phone");
    constexpr std::size_t pixels = Size * Size;
    // The phones: fixed per-pixel offsets and hot pixels, from their own seed.
    std::vector<double> offset(o.phones * pixels), hot(o.phones * pixels, 0.0), hot_sigma(o.phones * pixels, 0.0);
    {
        rng pg(o.phone_seed);
        std::vector<std::size_t> order(pixels);
        for (std::size_t ph = 0; ph < o.phones; ++ph) {
            for (std::size_t i = 0; i < pixels; ++i) offset[ph * pixels + i] = o.pedestal + cascade::detail::standard_normal(pg);
            // The first hot_pixels of a partial Fisher–Yates shuffle.
            for (std::size_t i = 0; i < pixels; ++i) order[i] = i;
            for (std::size_t k = 0; k < std::min(o.hot_pixels, pixels); ++k) {
                std::swap(order[k], order[k + std::size_t(cascade::detail::uniform01(pg) * double(pixels - k))]);
                hot[ph * pixels + order[k]] = 20 + 60 * cascade::detail::uniform01(pg);
                hot_sigma[ph * pixels + order[k]] = 6;
            }
        }
    }
    crayfis_events<T, Size> ev;
    ev.data.x = host_tensor<T, 4>(std::array<std::size_t, 4>{n, Size, Size, 1});
    ev.data.y = host_tensor<T, 2>(std::array<std::size_t, 2>{n, 1});
    ev.has_track.resize(n);
    ev.tracks.resize(n);
    rng g(seed);
    std::array<double, pixels> img;
    for (std::size_t e = 0; e < n; ++e) {
        const bool d1 = cascade::detail::uniform01(g) < 0.5;
        const std::size_t phone = std::min(o.phones - 1, std::size_t(cascade::detail::uniform01(g) * double(o.phones)));
        const bool track = cascade::detail::uniform01(g) < (d1 ? o.p1 : o.p2);
        const std::size_t k = track ? 1 + std::size_t(detail::crayfis_poisson(g, 0.2)) : 0;
        img.fill(0.0);
        for (std::size_t t = 0; t < k; ++t) detail::crayfis_draw_track<Size>(img, g, o);
        const double* off = offset.data() + phone * pixels;
        const double* hp = hot.data() + phone * pixels;
        const double* hs = hot_sigma.data() + phone * pixels;
        T* out = ev.data.x.data() + e * pixels;
        for (std::size_t i = 0; i < pixels; i += 2) {
            // Box–Muller: one pair of normals for two pixels.
            const double u1 = std::max(cascade::detail::uniform01(g), 1e-300), u2 = cascade::detail::uniform01(g);
            const double r = std::sqrt(-2 * std::log(u1)), w = 6.283185307179586 * u2;
            const double z[2] = {r * std::cos(w), r * std::sin(w)};
            for (std::size_t j = 0; j < 2 && i + j < pixels; ++j) {
                const std::size_t p = i + j;
                double v = off[p] + hp[p] + std::sqrt(o.thermal_sigma * o.thermal_sigma + hs[p] * hs[p]) * z[j] + img[p];
                if (cascade::detail::uniform01(g) < o.dead_probability) v = 0;
                out[p] = T(std::clamp(std::round(v), 0.0, 255.0) / 64.0);
            }
        }
        ev.data.y(e, 0) = T(d1 ? 1 : 0);
        ev.has_track[e] = track;
        ev.tracks[e] = std::uint8_t(k);
    }
    return ev;
}

} // namespace cascade::data::toy
