#pragma once
// Toy air-shower footprints of seed 003 (D. Walz, RWTH Aachen, "Deep Learning Tutorial", HAP workshop 2017,
// slides "Air Shower Footprint – Toy Data Generator" and "Toy Data"): the muons of a vertical shower on a
// 9 × 9 grid of surface-detector stations, as an image of (muon count, first arrival time) per station.
// The slide gives the procedure; the numbers it leaves open are our choices, all in airshower_config:
//
//   1. Primary: A ∈ {1, 4, 14, 56} (p, He, N, Fe), exactly 25 % each in a seeded random order ("40.000
//      vertical showers, same energy, 25% protons, helium, nitrogen, iron"); lg(E/E0) = lg_energy (0).
//   2. Depth of shower maximum, Gumbel-distributed (long tail to deep showers):
//        ⟨Xmax⟩ = X_p + D₁₀·lg(E/E0) − D₁₀·log₁₀ A        (elongation rate D₁₀; superposition: A nucleons of E/A)
//        RMS(Xmax) = σ_p · A^(−κ)                          (fluctuations shrink with A)
//        Xmax = m − β·ln(−ln U),  U ~ U(0, 1),  β = RMS·√6/π,  m = ⟨Xmax⟩ − γ_E·β
//      X_p = 790 g/cm², D₁₀ = 58 g/cm² per decade, σ_p = 60 g/cm², κ = 0.28 (p 60, He 41, N 29, Fe 19 g/cm²),
//      of the size post-LHC hadronic models predict around E0 = 10 EeV (a round-number choice, not a fit).
//   3. Number of muons ("∝ E/E0 · A^0.15"): Poisson with mean λ = N₀ · (E/E0) · A^0.15, N₀ = 100, drawn in
//      its normal approximation max(0, round(λ + √λ·z)), z ~ N(0, 1) (mean and variance λ; for λ ≥ 100 the
//      skewness 1/√λ ≤ 0.1 of the Poisson distribution is what it leaves out).
//   4. Production depth of each muon ("∝ N(μ, σ(Xmax, A))"):
//        X_μ ~ N(Xmax − ΔX, σ_X),  σ_X = s · (Xmax / 750 g/cm²) · (1 + b·ln A)
//      ΔX = 100 g/cm² (muons are produced before the electromagnetic maximum), s = 100 g/cm²; deeper
//      showers are longer, and the superposition of A sub-showers broadens the production by b = 5 % per
//      unit of ln A. Muons with X_μ ≥ X_ground (below ground) are not produced; X_μ is clipped at 1 g/cm².
//      Height above ground in an isothermal atmosphere: h = H · ln(X_ground / X_μ), H = 8 km,
//      X_ground = 1000 g/cm².
//   5. Direction ("normal distribution with opening angle"), from a point on the shower axis: the slopes
//      (tan θx, tan θy) ~ N(0, σ_θ²) each, σ_θ = 0.1 (for small angles: θx, θy normal with σ_θ = 0.1 rad).
//   6. Arrival on ground: (x, y) = core + h · (tan θx, tan θy); time after the shower plane (which moves at
//      c along the axis) t = (h·√(1 + tan²θx + tan²θy) − h) / c + t₀. A muon counts in the station whose
//      cell (spacing d = 250 m, stations at (j − 4)·d, (i − 4)·d) it lands in.
//   7. Per-event random offset ("add random offset to (x, y, t) per event"): core ~ U(−d/2, d/2)², and
//      t₀ ~ U(−t_offset, t_offset), t_offset = 100 ns.
//
// Station (i, j) of event n: footprint(n, i, j, 0) = number of muons, footprint(n, i, j, 1) = arrival time of
// the first muon in ns (0 where there is none). Every event draws from its own engine, seeded from (seed, n):
// the output is the same for a seed whatever the thread count. About 0.2 µs per muon per core: 40,000
// showers (5.5 million muons) in about 1.3 s on one core.
//
// For networks: xmax_dataset / mass_dataset turn events into inputs (N, 9, 9, 2) with
// channel 0 = log₁₀(1 + muons), channel 1 = (t − first time in the event) / 100 ns (0 where no muon),
// and targets (Xmax − 750) / 100 g/cm² (N, 1) or one-hot species (N, 4).
#include "cascade/data/dataset.hpp"
#include "cascade/init/initializers.hpp"
#include "cascade/kernels/cpu/thread_pool.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace cascade::data::toy {

struct airshower_config {
    std::size_t events = 40000;
    double lg_energy = 0;            // lg(E / E0), the same for every shower
    // Xmax (g/cm²)
    double xmax_proton = 790, elongation_rate = 58, xmax_rms_proton = 60, xmax_rms_exponent = 0.28;
    // muons
    double muons_at_e0 = 100, muon_mass_exponent = 0.15;
    double production_offset = 100, production_width = 100, production_width_per_ln_a = 0.05;
    double angle_sigma = 0.1;                         // rad
    // atmosphere and array
    double x_ground = 1000, scale_height = 8000;      // g/cm², m
    double spacing = 250;                             // m
    double time_offset = 100;                         // ns, half-width of the per-event time offset
};

struct airshower_species {
    static constexpr std::size_t count = 4;
    static constexpr std::array<int, count> mass{1, 4, 14, 56};
    static constexpr std::array<const char*, count> name{"p", "He", "N", "Fe"};
};

struct airshower_events {
    static constexpr std::size_t grid = 9;   // stations per side
    host_tensor<float, 4> footprint;         // (N, 9, 9, 2): muon count, first arrival time [ns]
    std::vector<double> xmax;                // g/cm²
    std::vector<int> species;                // index into airshower_species (0 p, 1 He, 2 N, 3 Fe)
    std::vector<int> muons;                  // muons produced above ground (landing anywhere)
    std::vector<double> core_x, core_y, t0;  // m, m, ns
    std::size_t size() const { return xmax.size(); }
};

namespace detail {
inline std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
// Fills z[0..n) with standard normals, two per pair of Marsaglia's polar method (no trigonometry:
// one log and one square root per accepted pair, acceptance π/4).
inline void standard_normals(rng& g, double* z, std::size_t n) {
    for (std::size_t i = 0; i < n;) {
        const double u = 2 * cascade::detail::uniform01(g) - 1, v = 2 * cascade::detail::uniform01(g) - 1;
        const double s = u * u + v * v;
        if (s >= 1 || s == 0) continue;
        const double f = std::sqrt(-2 * std::log(s) / s);
        z[i++] = u * f;
        if (i < n) z[i++] = v * f;
    }
}
} // namespace detail

// Mean and RMS of the Xmax distribution of mass A (g/cm²), item 2 above.
inline double airshower_xmax_mean(const airshower_config& c, double a) {
    return c.xmax_proton + c.elongation_rate * (c.lg_energy - std::log10(a));
}
inline double airshower_xmax_rms(const airshower_config& c, double a) {
    return c.xmax_rms_proton * std::pow(a, -c.xmax_rms_exponent);
}
// Mean number of muons of mass A, item 3.
inline double airshower_muon_mean(const airshower_config& c, double a) {
    return c.muons_at_e0 * std::pow(10.0, c.lg_energy) * std::pow(a, c.muon_mass_exponent);
}
// Width of the production depth, item 4.
inline double airshower_production_sigma(const airshower_config& c, double xmax, double a) {
    return c.production_width * (xmax / 750.0) * (1 + c.production_width_per_ln_a * std::log(a));
}

// Generates c.events showers from `seed` (parallel over the kernels' thread pool; deterministic).
inline airshower_events generate_airshowers(const airshower_config& c, std::uint64_t seed) {
    CASCADE_CHECK(c.events > 0, "toy::generate_airshowers: need at least one event");
    CASCADE_CHECK(c.spacing > 0 && c.scale_height > 0 && c.x_ground > 0 && c.angle_sigma >= 0,
                  "toy::generate_airshowers: spacing, scale_height and x_ground must be positive, angle_sigma >= 0");
    constexpr std::size_t G = airshower_events::grid, half = G / 2;
    const std::size_t n = c.events;
    airshower_events ev;
    ev.footprint = host_tensor<float, 4>(std::array<std::size_t, 4>{n, G, G, 2});
    ev.xmax.resize(n);
    ev.species.resize(n);
    ev.muons.resize(n);
    ev.core_x.resize(n);
    ev.core_y.resize(n);
    ev.t0.resize(n);

    // Exactly balanced species (n/4 each, the remainder p, He, N in turn), in a seeded random order.
    for (std::size_t i = 0; i < n; ++i) ev.species[i] = int(i % airshower_species::count);
    {
        rng g(detail::splitmix64(seed));
        for (std::size_t i = n - 1; i > 0; --i) std::swap(ev.species[i], ev.species[g() % (i + 1)]);
    }

    constexpr double c_light = 0.299792458;   // m/ns
    constexpr double euler_gamma = 0.5772156649015329, pi = 3.141592653589793;
    const double x_lowest = c.x_ground;       // production at or below ground: no muon

    auto one_event = [&](std::size_t e, std::vector<double>& z) {
        rng g(detail::splitmix64(seed ^ detail::splitmix64(e + 1)));
        const double a = airshower_species::mass[std::size_t(ev.species[e])];
        // Xmax: Gumbel
        const double rms = airshower_xmax_rms(c, a), beta = rms * std::sqrt(6.0) / pi;
        const double m = airshower_xmax_mean(c, a) - euler_gamma * beta;
        double u = cascade::detail::uniform01(g);
        if (u < 1e-300) u = 1e-300;
        const double xmax = m - beta * std::log(-std::log(u));
        // number of muons: Poisson in the normal approximation
        const double lambda = airshower_muon_mean(c, a);
        double z0[2];
        detail::standard_normals(g, z0, 2);
        const long nmu = std::max(0L, std::lround(lambda + std::sqrt(lambda) * z0[0]));
        // per-event offsets
        const double cx = (cascade::detail::uniform01(g) - 0.5) * c.spacing;
        const double cy = (cascade::detail::uniform01(g) - 0.5) * c.spacing;
        const double t0 = (2 * cascade::detail::uniform01(g) - 1) * c.time_offset;
        // muons: three normals each (depth, θx, θy), generated in one pass, then transported
        z.resize(3 * std::size_t(nmu));
        detail::standard_normals(g, z.data(), z.size());
        const double mu_x = xmax - c.production_offset, sig_x = airshower_production_sigma(c, xmax, a);
        float* img = ev.footprint.data() + e * G * G * 2;
        std::fill(img, img + G * G * 2, 0.0f);
        int produced = 0;
        for (long k = 0; k < nmu; ++k) {
            const double xmu = std::max(1.0, mu_x + sig_x * z[3 * std::size_t(k)]);
            if (xmu >= x_lowest) continue;
            ++produced;
            const double h = c.scale_height * std::log(c.x_ground / xmu);
            const double tx = c.angle_sigma * z[3 * std::size_t(k) + 1];
            const double ty = c.angle_sigma * z[3 * std::size_t(k) + 2];
            const double gx = std::floor((cx + h * tx) / c.spacing + 0.5) + double(half);
            const double gy = std::floor((cy + h * ty) / c.spacing + 0.5) + double(half);
            if (gx < 0 || gy < 0 || gx >= double(G) || gy >= double(G)) continue;
            const double t = h * (std::sqrt(1 + tx * tx + ty * ty) - 1) / c_light + t0;
            float* s = img + (std::size_t(gy) * G + std::size_t(gx)) * 2;
            s[1] = s[0] == 0 ? float(t) : std::min(s[1], float(t));
            s[0] += 1;
        }
        ev.xmax[e] = xmax;
        ev.muons[e] = produced;
        ev.core_x[e] = cx;
        ev.core_y[e] = cy;
        ev.t0[e] = t0;
    };

    auto& pool = kernels::cpu::thread_pool::instance();
    const int nt = int(std::min<std::size_t>(std::size_t(std::max(1, pool.threads())), (n + 255) / 256));
    pool.run(nt, [&](int tid, int nthreads) {
        std::vector<double> z;
        const std::size_t begin = n * std::size_t(tid) / std::size_t(nthreads);
        const std::size_t end = n * std::size_t(tid + 1) / std::size_t(nthreads);
        for (std::size_t e = begin; e < end; ++e) one_event(e, z);
    });
    return ev;
}

// Events [begin, end) of ev, copied (the generator's order is random in species, so a contiguous cut is a
// fair train/test split).
inline airshower_events subset(const airshower_events& ev, std::size_t begin, std::size_t end) {
    CASCADE_CHECK(begin <= end && end <= ev.size(), "toy::subset: range [", begin, ", ", end, ") is not inside the ",
                  ev.size(), " events");
    airshower_events p;
    p.footprint = data::detail::copy_rows(ev.footprint, begin, end);
    auto slice = [&](const auto& v) { return std::decay_t<decltype(v)>(v.begin() + long(begin), v.begin() + long(end)); };
    p.xmax = slice(ev.xmax);
    p.species = slice(ev.species);
    p.muons = slice(ev.muons);
    p.core_x = slice(ev.core_x);
    p.core_y = slice(ev.core_y);
    p.t0 = slice(ev.t0);
    return p;
}

// Network inputs of the events: (N, 9, 9, 2), channel 0 = log₁₀(1 + muons), channel 1 = (t − earliest
// station time of the event) / 100 ns, 0 for stations without muons.
inline host_tensor<float, 4> airshower_inputs(const airshower_events& ev) {
    constexpr std::size_t P = airshower_events::grid * airshower_events::grid;
    const std::size_t n = ev.size();
    host_tensor<float, 4> x(std::array<std::size_t, 4>{n, airshower_events::grid, airshower_events::grid, 2});
    for (std::size_t e = 0; e < n; ++e) {
        const float* in = ev.footprint.data() + e * P * 2;
        float* out = x.data() + e * P * 2;
        float first = std::numeric_limits<float>::infinity();
        for (std::size_t p = 0; p < P; ++p)
            if (in[2 * p] > 0) first = std::min(first, in[2 * p + 1]);
        for (std::size_t p = 0; p < P; ++p) {
            const bool hit = in[2 * p] > 0;
            out[2 * p] = std::log10(1.0f + in[2 * p]);
            out[2 * p + 1] = hit ? (in[2 * p + 1] - first) / 100.0f : 0.0f;
        }
    }
    return x;
}

// Scaling of the Xmax regression target: y = (Xmax − center) / scale.
struct airshower_xmax_scaling {
    static constexpr double center = 750, scale = 100;   // g/cm²
    static double to_target(double xmax) { return (xmax - center) / scale; }
    static double to_xmax(double y) { return center + scale * y; }
};

// Xmax regression: inputs (N, 9, 9, 2), targets (Xmax − 750) / 100 g/cm², (N, 1).
inline dataset<float, 4, 2> xmax_dataset(const airshower_events& ev) {
    dataset<float, 4, 2> d{airshower_inputs(ev), host_tensor<float, 2>(std::array<std::size_t, 2>{ev.size(), 1})};
    for (std::size_t e = 0; e < ev.size(); ++e) d.y.data()[e] = float(airshower_xmax_scaling::to_target(ev.xmax[e]));
    return d;
}

// Mass classification: inputs (N, 9, 9, 2), one-hot species (N, 4) in the order p, He, N, Fe.
inline dataset<float, 4, 2> mass_dataset(const airshower_events& ev) {
    return {airshower_inputs(ev), one_hot<float>(ev.species, airshower_species::count)};
}

} // namespace cascade::data::toy
