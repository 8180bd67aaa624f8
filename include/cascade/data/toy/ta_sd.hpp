#pragma once
// ta_sd: toy events of the Telescope Array surface detector (SD) for seed 001 (O. Kalashev, "Machine
// Learning in Astroparticle Physics", lecture 5, Baksan school 2019; slides "Event reconstruction —
// standard parametric approach", "Sample event", "SD reconstruction NN architecture", "EAS modelling").
//
// An event is an (N, N, T, 2) tensor: an N×N square grid of detectors 1.2 km apart, each recording
// T time bins of 20 ns from its upper and lower scintillator layer (last axis: 0 upper, 1 lower), in MIPs.
//
// Shower (free parameters of the slide's standard fit):
//   zenith θ: isotropic flux on a flat array, dN ∝ sin θ cos θ dθ, i.e. cos²θ uniform in [cos²θ_max, 1],
//             θ_max = 45° (the slide's MC: "isotropic primary flux with zenith angles < 45 degrees");
//   azimuth φ uniform in [0, 2π); core (x, y) uniform in the central grid cell, ±spacing/2 around the grid
//             centre (the slide: "standard SD reconstruction is used to center image around shower core");
//   S800 (MIPs per detector at 800 m) from a steep spectrum dN/dS ∝ S⁻² on [s800_min, s800_max];
//   a (curvature amplitude, ns) uniform in [a_min, a_max]; t_0 is absorbed in the trace alignment (below).
// Lateral distribution (the slide's LDF):
//   f(r) = (r/R_m)^-1.2 (1 + r/R_m)^-(η−1.2) (1 + r²/R_1²)^-0.6,   R_m = 90 m, R_1 = 1000 m,
//   η = 3.97 − 1.79 (sec θ − 1),   LDF(r) = f(r)/f(800 m),   S(r) = S800 · LDF(r).
//   r is the distance from the shower axis, r² = d² − (sin θ (d_x cos φ + d_y sin φ))² for a detector at
//   ground offset d from the core (what TA's fit uses; the slide's ground distance is its θ = 0 case).
//   r is floored at r_min = 30 m (f diverges at the axis).
// Timing (the slide's t_r):
//   t_r = t_0 + t_plane + a (1 + r/R_L)^1.5 LDF(r)^-0.5,   R_L = 30 m.
//   Each detector's trace starts pre_bins bins before its plane-front time t_0 + t_plane, as if a plane
//   fit had aligned it; so the trace shows the curvature delay δ(r) = a (1 + r/R_L)^1.5 LDF(r)^-0.5 and
//   the front's thickness. Particles arrive at t_r + τ, τ ~ Gamma(2, m/2) (mean m), with
//   m_μ(r) = 20 ns + 0.3 δ(r) for muons and m_em(r) = 40 ns + 0.6 δ(r) for the electromagnetic part.
//   Particles after the end of the trace are lost (as in real 2.56 µs traces).
// Signal composition (the slide's "Sample event": muons ≈ 1 MIP in both layers, EM mostly in the upper):
//   muon fraction f_μ(r, θ) = clamp((0.2 + (sec θ − 1)) (r/800 m)^0.25, 0.02, 0.98) — inclined showers
//   cross more atmosphere, which absorbs the EM part; the muon lateral distribution is flatter.
//   Per bin b: k_μ ~ Poisson(f_μ S p_μ,b), k_e ~ Poisson((1 − f_μ) S p_em,b), k'_e ~ Poisson(0.1 (1 − f_μ) S p_em,b),
//   with p_·,b the Gamma(2) probability of bin b (closed form: G(x) = 1 − e^-x (1 + x)). Summing Poisson
//   particles bin by bin is exact and costs N·N·T draws, however large S is.
//   upper = k_μ + 0.3 √k_μ z₁ + k_e,   lower = k_μ + 0.3 √k_μ z₂ + k'_e   (muon energy-loss spread ≈ 30 %)
//   plus background: uncorrelated atmospheric muons (Poisson, bg_muons per trace on average, 1 MIP in both
//   layers, uniform in time) and Gaussian electronics noise σ_noise per bin and layer.
//   The delayed-neutron component of the slide (~5 MIPs, upper only) is not simulated.
// Input scaling: with log_scale (default) x = sign(s) log(1 + |s|) of the signal s in MIPs.
// Targets (k = 3), in units chosen so each has a variance of order 1:
//   y = (θ / 10°, x_core / 300 m, y_core / 300 m), the core relative to the grid centre.
//   The slide regresses the *error of the standard reconstruction*; a toy has no standard reconstruction,
//   so it regresses θ and the core position directly. events::truth keeps every drawn parameter.
//
// Poisson draws: inversion for λ < 30, else a rounded normal (λ ≥ 30 is rare: it only happens near the
// axis of large showers); bins with λ < 1e-9 are skipped. Everything is drawn from one cascade::rng in
// a fixed order: a seed reproduces the data set bit for bit.
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

struct ta_sd_options {
    double spacing_m = 1200;             // grid spacing
    double bin_ns = 20;                  // time bin width
    std::size_t pre_bins = 8;            // trace bins before the plane-front time
    double theta_max_deg = 45;
    double s800_min = 10, s800_max = 1000;   // MIPs per detector at 800 m, dN/dS ∝ S^-2
    double a_min_ns = 0.5, a_max_ns = 2.0;   // curvature amplitude a of t_r
    double bg_muons = 0.5;               // uncorrelated background muons per trace
    double noise_mip = 0.05;             // electronics noise per bin and layer
    bool log_scale = true;               // x = sign(s) log(1 + |s|)
};

// The slide's constants.
inline constexpr double ta_r_m = 90.0, ta_r_1 = 1000.0, ta_r_l = 30.0, ta_r_min = 30.0;

// η(θ) = 3.97 − 1.79 (sec θ − 1)
inline double ta_eta(double theta) { return 3.97 - 1.79 * (1.0 / std::cos(theta) - 1.0); }

// f(r) = (r/R_m)^-1.2 (1 + r/R_m)^-(η−1.2) (1 + r²/R_1²)^-0.6
inline double ta_f(double r, double eta) {
    return std::pow(r / ta_r_m, -1.2) * std::pow(1.0 + r / ta_r_m, -(eta - 1.2)) *
           std::pow(1.0 + r * r / (ta_r_1 * ta_r_1), -0.6);
}

// LDF(r) = f(r) / f(800 m) for zenith θ (r floored at r_min).
inline double ta_ldf(double r, double theta) {
    const double eta = ta_eta(theta);
    return ta_f(std::max(r, ta_r_min), eta) / ta_f(800.0, eta);
}

// Curvature delay of t_r behind the plane front: δ(r) = a (1 + r/R_L)^1.5 LDF(r)^-0.5 (a and δ in ns).
inline double ta_delay(double r, double theta, double a_ns) {
    return a_ns * std::pow(1.0 + std::max(r, ta_r_min) / ta_r_l, 1.5) / std::sqrt(ta_ldf(r, theta));
}

// Muon fraction of the signal: clamp((0.2 + sec θ − 1) (r/800 m)^0.25, 0.02, 0.98).
inline double ta_muon_fraction(double r, double theta) {
    const double f = (0.2 + 1.0 / std::cos(theta) - 1.0) * std::pow(std::max(r, ta_r_min) / 800.0, 0.25);
    return std::clamp(f, 0.02, 0.98);
}

// Mean arrival delay behind t_r (ns) of muons and of the EM part: the front's thickness.
inline double ta_mean_spread_mu(double delay_ns) { return 20.0 + 0.3 * delay_ns; }
inline double ta_mean_spread_em(double delay_ns) { return 40.0 + 0.6 * delay_ns; }

// Distance of a detector at ground offset (dx, dy) from the core to the shower axis (θ, φ).
inline double ta_axis_distance(double dx, double dy, double theta, double phi) {
    const double along = std::sin(theta) * (dx * std::cos(phi) + dy * std::sin(phi));
    return std::sqrt(std::max(dx * dx + dy * dy - along * along, 0.0));
}

// Ground position (m, relative to the grid centre) of detector (i, j): ((j − (N−1)/2) s, (i − (N−1)/2) s);
// i is the row (y), j the column (x).
inline double ta_detector_coordinate(std::size_t index, std::size_t n, double spacing) {
    return (double(index) - 0.5 * double(n - 1)) * spacing;
}

struct ta_sd_truth {
    double theta, phi, x_core, y_core, s800, a_ns;   // radians, metres, MIPs, ns
};

template <class T, std::size_t N, std::size_t Bins>
struct ta_sd_events {
    static constexpr std::size_t grid = N, bins = Bins, targets = 3;
    dataset<T, 5, 2> data;             // x (n, N, N, Bins, 2), y (n, 3)
    std::vector<ta_sd_truth> truth;    // the drawn shower parameters of each event
};

namespace detail {

// Gamma(2, 1) CDF: G(x) = 1 − e^-x (1 + x), 0 for x ≤ 0.
inline double gamma2_cdf(double x) { return x <= 0 ? 0.0 : 1.0 - std::exp(-x) * (1.0 + x); }

inline double poisson(rng& g, double lambda) {
    if (lambda < 1e-9) return 0;
    if (lambda >= 30) return std::max(0.0, std::round(lambda + std::sqrt(lambda) * cascade::detail::standard_normal(g)));
    // Inversion: walk the CDF.
    double u = cascade::detail::uniform01(g), p = std::exp(-lambda), c = p;
    double k = 0;
    while (u > c && k < 200) {
        k += 1;
        p *= lambda / k;
        c += p;
    }
    return k;
}

} // namespace detail

// Simulates one event with the parameters t into out, N·N·Bins·2 values in the layout of one sample
// (detector row i, column j, bin b, layer l at ((i·N + j)·Bins + b)·2 + l); draws from g.
template <std::size_t N, std::size_t Bins, class T>
void ta_sd_simulate(const ta_sd_truth& t, T* out, rng& g, const ta_sd_options& o = {}) {
    constexpr std::size_t per_detector = Bins * 2;
    std::array<double, per_detector> s;
    std::array<double, Bins> p_mu, p_em;
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < N; ++j) {
            const double dx = ta_detector_coordinate(j, N, o.spacing_m) - t.x_core;
            const double dy = ta_detector_coordinate(i, N, o.spacing_m) - t.y_core;
            const double r = ta_axis_distance(dx, dy, t.theta, t.phi);
            const double signal = t.s800 * ta_ldf(r, t.theta), fmu = ta_muon_fraction(r, t.theta);
            const double delay = ta_delay(r, t.theta, t.a_ns);
            const double scale_mu = ta_mean_spread_mu(delay) / 2, scale_em = ta_mean_spread_em(delay) / 2;
            for (std::size_t b = 0; b < Bins; ++b) {
                // Bin b spans [lo, hi) ns after the particle front t_r.
                const double lo = (double(b) - double(o.pre_bins)) * o.bin_ns - delay, hi = lo + o.bin_ns;
                p_mu[b] = detail::gamma2_cdf(hi / scale_mu) - detail::gamma2_cdf(lo / scale_mu);
                p_em[b] = detail::gamma2_cdf(hi / scale_em) - detail::gamma2_cdf(lo / scale_em);
            }
            const double n_mu = fmu * signal, n_em = (1 - fmu) * signal;
            for (std::size_t b = 0; b < Bins; ++b) {
                const double k_mu = detail::poisson(g, n_mu * p_mu[b]);
                double up = k_mu + detail::poisson(g, n_em * p_em[b]);
                double low = k_mu + detail::poisson(g, 0.1 * n_em * p_em[b]);
                if (k_mu > 0) {
                    up += 0.3 * std::sqrt(k_mu) * cascade::detail::standard_normal(g);
                    low += 0.3 * std::sqrt(k_mu) * cascade::detail::standard_normal(g);
                }
                s[2 * b] = up;
                s[2 * b + 1] = low;
            }
            // Background muons: uniform in time, 1 MIP in both layers.
            for (double k = detail::poisson(g, o.bg_muons); k > 0; --k) {
                const std::size_t b = std::min<std::size_t>(Bins - 1, std::size_t(cascade::detail::uniform01(g) * double(Bins)));
                s[2 * b] += 1;
                s[2 * b + 1] += 1;
            }
            // Electronics noise: Box–Muller pairs, one pair per bin (upper, lower).
            T* det = out + (i * N + j) * per_detector;
            for (std::size_t b = 0; b < Bins; ++b) {
                const double u1 = std::max(cascade::detail::uniform01(g), 1e-300), u2 = cascade::detail::uniform01(g);
                const double rad = o.noise_mip * std::sqrt(-2 * std::log(u1)), w = 6.283185307179586 * u2;
                const double up = s[2 * b] + rad * std::cos(w), low = s[2 * b + 1] + rad * std::sin(w);
                det[2 * b] = T(o.log_scale ? std::copysign(std::log1p(std::abs(up)), up) : up);
                det[2 * b + 1] = T(o.log_scale ? std::copysign(std::log1p(std::abs(low)), low) : low);
            }
        }
}

// n toy events on an N×N grid with Bins time bins (defaults: the slide's N = 4–8, T = 128–256).
template <std::size_t N = 6, std::size_t Bins = 128, class T = float>
ta_sd_events<T, N, Bins> ta_sd(std::size_t n, std::uint64_t seed, const ta_sd_options& o = {}) {
    static_assert(N >= 2 && Bins >= 8, "ta_sd: the grid needs N >= 2 detectors per side and Bins >= 8 time bins");
    CASCADE_CHECK(o.theta_max_deg > 0 && o.theta_max_deg < 90, "ta_sd: theta_max_deg must be in (0, 90), got ",
                  o.theta_max_deg);
    CASCADE_CHECK(o.s800_min > 0 && o.s800_max >= o.s800_min, "ta_sd: need 0 < s800_min <= s800_max");
    CASCADE_CHECK(o.spacing_m > 0 && o.bin_ns > 0 && o.pre_bins < Bins,
                  "ta_sd: spacing_m and bin_ns must be positive and pre_bins < Bins");
    constexpr double pi = 3.14159265358979323846, deg = pi / 180.0;
    constexpr std::size_t per_event = N * N * Bins * 2;
    ta_sd_events<T, N, Bins> ev;
    ev.data.x = host_tensor<T, 5>(std::array<std::size_t, 5>{n, N, N, Bins, 2});
    ev.data.y = host_tensor<T, 2>(std::array<std::size_t, 2>{n, 3});
    ev.truth.resize(n);
    rng g(seed);
    auto u01 = [&] { return cascade::detail::uniform01(g); };
    const double c2min = std::pow(std::cos(o.theta_max_deg * deg), 2);
    for (std::size_t e = 0; e < n; ++e) {
        ta_sd_truth t{};
        t.theta = std::acos(std::sqrt(c2min + (1 - c2min) * u01()));
        t.phi = 2 * pi * u01();
        t.x_core = (u01() - 0.5) * o.spacing_m;
        t.y_core = (u01() - 0.5) * o.spacing_m;
        // Inverse CDF of S^-2 on [lo, hi]: 1/S = 1/lo − u (1/lo − 1/hi).
        t.s800 = 1.0 / (1.0 / o.s800_min - u01() * (1.0 / o.s800_min - 1.0 / o.s800_max));
        t.a_ns = o.a_min_ns + (o.a_max_ns - o.a_min_ns) * u01();
        ev.truth[e] = t;
        ta_sd_simulate<N, Bins>(t, ev.data.x.data() + e * per_event, g, o);
        ev.data.y(e, 0) = T(t.theta / (10 * deg));
        ev.data.y(e, 1) = T(t.x_core / 300.0);
        ev.data.y(e, 2) = T(t.y_core / 300.0);
    }
    return ev;
}

} // namespace cascade::data::toy
