#pragma once
// Toy Galaxy Zoo: galaxy images with the 37 vote fractions of the Galaxy Zoo 2 decision tree, for seed
// 001's "Galaxy Zoo challenge" (Kaggle 2014: predict how volunteers classified SDSS galaxy images;
// Willett et al., MNRAS 435 (2013) 2835 for the tree). The real images are not available here; this
// generator draws a galaxy's true morphology, renders it, and derives the volunteers' answers from it.
//
// Morphology (per galaxy, seeded):
//   class:  smooth 45 % / features or disk 50 % / star or artifact 5 %
//   smooth: axis ratio q ~ U(0.2, 1) → "completely round" q > 0.8, "in between" 0.45–0.8, "cigar" below
//   disk:   cos i ~ U(0.05, 1); edge-on if cos i < 0.3, then a bulge shape (rounded / boxy / none);
//           face-on-ish: bar (30 %), spiral arms (65 %) with m ∈ {1, 2, 3, 4, 5+} (mostly 2) and pitch
//           12° / 22° / 35° (tight / medium / loose), bulge-to-total B/T ~ U(0, 0.7) → no bulge (< 0.05),
//           just noticeable (< 0.2), obvious (< 0.45), dominant
//   odd features (12 %): ring, lens, disturbed, irregular, other, merger, dust lane (Q8)
// Rendering on an S×S×3 image (default 69, the winner's downscaled crop), centre jitter ±2 px, random
// position angle, effective radius R_e ~ U(6, 14) px:
//   bulge  I = I_b exp(−7.669 ((ρ/R_b)^{1/4} − 1))        (de Vaucouleurs), ρ the elliptical radius
//   disk   I = I_d exp(−ρ/h), h = R_e/1.678, axis ratio cos i (with a thickness floor of 0.12)
//   arms   disk × (1 + 0.7 cos(m (φ − ln(ρ/h)/tan(pitch))))     (logarithmic spirals)
//   bar    a Gaussian of length 0.8 R_e and width 0.15 R_e;  ring: a Gaussian annulus at 1.3 R_e;
//   merger: a second, smaller galaxy at 1.5–2.2 R_e;  dust lane: an absorbing stripe on edge-on disks;
//   irregular/disturbed: clumps;  star: a point source with diffraction spikes
// colours (g, r, i channels): bulges red (0.55, 0.8, 1.0), disks and arms blue (1.0, 0.85, 0.6);
// Gaussian sky noise σ = 0.03 and per-galaxy brightness U(0.6, 1.4).
//
// Vote fractions: each question's answer distribution is (1 − c)·onehot(true) + c·spread, with the
// confusion c = 0.08 + 0.25·(1 − visibility) rising for faint, small or inclined galaxies and `spread`
// putting the mass on neighbouring answers for ordered questions (roundness, bulge, tightness, arm count)
// and uniformly otherwise; then each question is weighted by the fraction of volunteers who reached it
// (the product of its parent answers), exactly the normalisation of the Kaggle targets:
//   Q1 smooth/features/star (3)  Q2 edge-on (2) ← 1.2   Q3 bar (2) ← 2.2   Q4 spiral (2) ← 2.2
//   Q5 bulge (4) ← 2.2   Q6 odd (2)   Q7 roundness (3) ← 1.1   Q8 odd type (7) ← 6.1
//   Q9 bulge shape (3) ← 2.1   Q10 arm tightness (3) ← 4.1   Q11 arm count (6) ← 4.1        = 37 outputs
#include "cascade/data/dataset.hpp"
#include "cascade/init/initializers.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

namespace cascade::data::toy {

// The decision tree: answers per question, offset into the 37 outputs, and the parent answer (an index
// into the 37 outputs, or −1 for the questions every volunteer answers).
struct galaxy_question {
    std::size_t answers, offset;
    int parent;
};
inline constexpr std::array<galaxy_question, 11> galaxy_zoo_tree{{
    {3, 0, -1},   // Q1  smooth | features or disk | star or artifact
    {2, 3, 1},    // Q2  edge-on: yes | no                          ← Q1.2
    {2, 5, 4},    // Q3  bar: yes | no                              ← Q2.2
    {2, 7, 4},    // Q4  spiral arms: yes | no                      ← Q2.2
    {4, 9, 4},    // Q5  bulge: none | noticeable | obvious | dominant ← Q2.2
    {2, 13, -1},  // Q6  anything odd: yes | no
    {3, 15, 0},   // Q7  roundness: complete | in between | cigar  ← Q1.1
    {7, 18, 13},  // Q8  odd: ring | lens | disturbed | irregular | other | merger | dust lane ← Q6.1
    {3, 25, 3},   // Q9  edge-on bulge: rounded | boxy | none       ← Q2.1
    {3, 28, 7},   // Q10 arms: tight | medium | loose               ← Q4.1
    {6, 31, 7},   // Q11 arm count: 1 | 2 | 3 | 4 | more | can't tell ← Q4.1
}};
inline constexpr std::size_t galaxy_zoo_outputs = 37;

struct galaxy_zoo_options {
    std::size_t size = 69;       // image side in pixels
    double noise = 0.03;         // sky noise σ
};

namespace detail {

struct galaxy_truth {
    int kind = 0;                  // 0 smooth, 1 disk, 2 star/artifact
    double q = 1, cos_i = 1;       // smooth axis ratio; disk inclination
    bool edge_on = false, bar = false, spiral = false, odd = false;
    int roundness = 0, bulge_shape = 0, bulge_class = 0, arms = 1, tightness = 1, odd_type = 0;
    double bulge_fraction = 0, re = 8, pa = 0, brightness = 1, cx = 0, cy = 0;
};

inline double uniform(rng& g, double a, double b) { return a + (b - a) * cascade::detail::uniform01(g); }
inline int pick(rng& g, std::initializer_list<double> weights) {
    double u = cascade::detail::uniform01(g), s = 0;
    int i = 0;
    for (double w : weights) {
        s += w;
        if (u < s) return i;
        ++i;
    }
    return i - 1;
}

inline galaxy_truth draw_truth(rng& g, std::size_t size) {
    galaxy_truth t;
    t.kind = pick(g, {0.45, 0.50, 0.05});
    t.re = uniform(g, 6, 14) * double(size) / 69.0;
    t.pa = uniform(g, 0, M_PI);
    t.brightness = uniform(g, 0.6, 1.4);
    t.cx = uniform(g, -2, 2);
    t.cy = uniform(g, -2, 2);
    if (t.kind == 0) {
        t.q = uniform(g, 0.2, 1.0);
        t.roundness = t.q > 0.8 ? 0 : (t.q > 0.45 ? 1 : 2);
    } else if (t.kind == 1) {
        t.cos_i = uniform(g, 0.05, 1.0);
        t.edge_on = t.cos_i < 0.3;
        t.bulge_fraction = uniform(g, 0.0, 0.7);
        if (t.edge_on) {
            t.bulge_shape = pick(g, {0.5, 0.2, 0.3});
            if (t.bulge_shape == 2) t.bulge_fraction = 0.02;
        } else {
            t.bar = cascade::detail::uniform01(g) < 0.3;
            t.spiral = cascade::detail::uniform01(g) < 0.65;
            t.arms = pick(g, {0.1, 0.55, 0.15, 0.1, 0.1}) + 1;   // 1..5 (5: "more than four")
            t.tightness = pick(g, {0.33, 0.34, 0.33});
            const double bt = t.bulge_fraction;
            t.bulge_class = bt < 0.05 ? 0 : (bt < 0.2 ? 1 : (bt < 0.45 ? 2 : 3));
        }
    }
    t.odd = t.kind != 2 && cascade::detail::uniform01(g) < 0.12;
    if (t.odd) {
        t.odd_type = pick(g, {0.2, 0.1, 0.15, 0.15, 0.1, 0.2, 0.1});
        if (t.odd_type == 6 && !(t.kind == 1 && t.edge_on)) t.odd_type = 4;   // dust lanes on edge-on disks only
    }
    return t;
}

// Answer distribution of one question: (1 − c) onehot + c spread (neighbours for ordered questions).
inline void votes(double* p, std::size_t answers, int truth, double c, bool ordered) {
    for (std::size_t a = 0; a < answers; ++a) p[a] = 0;
    p[truth] += 1 - c;
    if (!ordered || answers < 2) {
        for (std::size_t a = 0; a < answers; ++a) p[a] += c / double(answers);
        return;
    }
    const bool lo = truth > 0, hi = std::size_t(truth) + 1 < answers;
    const double share = c / double(int(lo) + int(hi));
    if (lo) p[truth - 1] += share;
    if (hi) p[truth + 1] += share;
}

// The 37 Kaggle targets of a galaxy: conditional answer distributions, weighted down the tree.
inline std::array<double, galaxy_zoo_outputs> targets(const galaxy_truth& t, rng& g) {
    const double visibility = std::min(1.0, t.brightness * t.re / 12.0);
    const double c = std::min(0.6, 0.08 + 0.25 * (1 - visibility) + 0.05 * cascade::detail::uniform01(g));
    std::array<double, galaxy_zoo_outputs> p{};
    const auto& Q = galaxy_zoo_tree;
    votes(p.data() + Q[0].offset, 3, t.kind, c, false);
    votes(p.data() + Q[1].offset, 2, t.edge_on ? 0 : 1, c, false);
    votes(p.data() + Q[2].offset, 2, t.bar ? 0 : 1, c + 0.1, false);
    votes(p.data() + Q[3].offset, 2, t.spiral ? 0 : 1, c, false);
    votes(p.data() + Q[4].offset, 4, t.bulge_class, c, true);
    votes(p.data() + Q[5].offset, 2, t.odd ? 0 : 1, c, false);
    votes(p.data() + Q[6].offset, 3, t.roundness, c, true);
    votes(p.data() + Q[7].offset, 7, t.odd_type, c + 0.15, false);
    votes(p.data() + Q[8].offset, 3, t.bulge_shape, c, true);
    votes(p.data() + Q[9].offset, 3, t.tightness, c + 0.1, true);
    // Arm count: "can't tell" (index 5) takes a share that grows with the confusion.
    votes(p.data() + Q[10].offset, 6, t.arms - 1, c, true);
    p[Q[10].offset + 5] += 0.5 * c;
    for (std::size_t a = 0; a < 5; ++a) p[Q[10].offset + a] *= 1 / (1 + 0.5 * c);
    p[Q[10].offset + 5] /= 1 + 0.5 * c;
    // Weight each question by the probability of reaching it (parents precede children in the table).
    for (const auto& q : Q)
        if (q.parent >= 0)
            for (std::size_t a = 0; a < q.answers; ++a) p[q.offset + a] *= p[std::size_t(q.parent)];
    return p;
}

template <class T>
void render(const galaxy_truth& t, rng& g, std::size_t S, double noise, T* img) {
    const double c0 = (double(S) - 1) / 2;
    const double ca = std::cos(t.pa), sa = std::sin(t.pa);
    const double axis = t.kind == 0 ? t.q : std::max(t.cos_i, 0.12);
    const double h = t.re / 1.678, rb = t.kind == 0 ? t.re : 0.35 * t.re;
    const double ib = t.kind == 0 ? 1.0 : t.bulge_fraction * 3.0, id = t.kind == 1 ? (1 - t.bulge_fraction) * 1.2 : 0;
    const double pitch = (t.tightness == 0 ? 12.0 : t.tightness == 1 ? 22.0 : 35.0) * M_PI / 180;
    const double arm_phase = uniform(g, 0, 2 * M_PI);
    // A merger companion and clumps, drawn once per galaxy.
    const double comp_r = uniform(g, 1.5, 2.2) * t.re, comp_a = uniform(g, 0, 2 * M_PI);
    std::array<std::array<double, 3>, 4> clumps{};
    for (auto& cl : clumps) cl = {uniform(g, -1, 1) * t.re, uniform(g, -1, 1) * t.re, uniform(g, 0.3, 0.8)};
    const double red[3] = {0.55, 0.8, 1.0}, blue[3] = {1.0, 0.85, 0.6};
    for (std::size_t y = 0; y < S; ++y)
        for (std::size_t x = 0; x < S; ++x) {
            const double dx = double(x) - c0 - t.cx, dy = double(y) - c0 - t.cy;
            const double u = ca * dx + sa * dy, v = -sa * dx + ca * dy;   // galaxy frame
            const double rho = std::sqrt(u * u + (v / axis) * (v / axis)) + 1e-3;
            double bulge = 0, disk = 0;
            if (t.kind == 2) {
                const double r2 = dx * dx + dy * dy;
                bulge = 3 * std::exp(-r2 / 2.0) + ((std::abs(dx) < 0.7 || std::abs(dy) < 0.7) ? 0.4 * std::exp(-std::sqrt(r2) / 6) : 0);
            } else {
                const double rb_axis = t.kind == 0 ? axis : std::max(axis, 0.6);   // bulges stay roundish
                const double rho_b = std::sqrt(u * u + (v / rb_axis) * (v / rb_axis)) + 1e-3;
                bulge = ib * std::exp(-7.669 * (std::pow(rho_b / rb, 0.25) - 1)) * 0.02;
                if (t.kind == 1 && t.bulge_shape == 1 && t.edge_on)   // boxy: flatten the bulge's isophotes
                    bulge = ib * 0.02 * std::exp(-7.669 * (std::pow(std::max(std::abs(u), std::abs(v) / rb_axis) / rb + 1e-3, 0.25) - 1));
                if (id > 0) {
                    disk = id * std::exp(-rho / h);
                    if (t.spiral) {
                        const double phi = std::atan2(v / axis, u);
                        disk *= 1 + 0.7 * std::cos(double(t.arms) * (phi - std::log(rho / h) / std::tan(pitch)) + arm_phase);
                    }
                    if (t.bar) disk += 0.8 * std::exp(-(u * u) / (2 * std::pow(0.8 * t.re, 2)) - (v * v) / (2 * std::pow(0.15 * t.re * axis, 2)));
                }
                if (t.odd) {
                    switch (t.odd_type) {
                    case 0: disk += 0.5 * std::exp(-std::pow(rho - 1.3 * t.re, 2) / 4); break;       // ring
                    case 1: bulge += 0.3 * std::exp(-rho / (0.6 * t.re)); break;                        // lens
                    case 2: case 3:                                                                     // clumps
                        for (const auto& cl : clumps)
                            disk += cl[2] * std::exp(-((dx - cl[0]) * (dx - cl[0]) + (dy - cl[1]) * (dy - cl[1])) / 3);
                        break;
                    case 5: {                                                                           // merger
                        const double mx = dx - comp_r * std::cos(comp_a), my = dy - comp_r * std::sin(comp_a);
                        bulge += 0.8 * std::exp(-std::sqrt(mx * mx + my * my) / (0.3 * t.re));
                        break;
                    }
                    case 6: disk *= 1 - 0.8 * std::exp(-(v * v) / 1.5); bulge *= 1 - 0.8 * std::exp(-(v * v) / 1.5); break;   // dust lane
                    default: break;
                    }
                }
            }
            for (std::size_t ch = 0; ch < 3; ++ch) {
                const double value = t.brightness * (bulge * red[ch] + disk * blue[ch]) + noise * cascade::detail::standard_normal(g);
                img[(y * S + x) * 3 + ch] = T(value);
            }
        }
}

} // namespace detail

// n galaxies: x (n, S, S, 3) images, y (n, 37) vote fractions. Deterministic for a seed.
template <class T = float>
dataset<T, 4, 2> galaxy_zoo(std::size_t n, std::uint64_t seed, galaxy_zoo_options o = {}) {
    CASCADE_CHECK(o.size >= 16, "galaxy_zoo: images must be at least 16 pixels wide, got ", o.size);
    dataset<T, 4, 2> d;
    d.x = host_tensor<T, 4>(std::array<std::size_t, 4>{n, o.size, o.size, 3});
    d.y = host_tensor<T, 2>(std::array<std::size_t, 2>{n, galaxy_zoo_outputs});
    rng g(seed);
    for (std::size_t i = 0; i < n; ++i) {
        const auto t = detail::draw_truth(g, o.size);
        detail::render(t, g, o.size, o.noise, d.x.data() + i * o.size * o.size * 3);
        const auto p = detail::targets(t, g);
        for (std::size_t k = 0; k < galaxy_zoo_outputs; ++k) d.y.data()[i * galaxy_zoo_outputs + k] = T(p[k]);
    }
    return d;
}

// The winner's viewpoints (Dieleman 2014, simplified): `views` crops of side C from the centre of each
// S×S image — views = 1: the centre crop; 4: the centre crop rotated by 0°, 90°, 180°, 270°; 8: those
// and their mirror images. Output (n, views, C, C, 3): a view axis for time_distributed.
template <class T>
host_tensor<T, 5> galaxy_views(const host_tensor<T, 4>& images, std::size_t views, std::size_t crop) {
    const std::size_t n = images.shape()[0], S = images.shape()[1];
    CASCADE_CHECK(views == 1 || views == 4 || views == 8, "galaxy_views: views must be 1, 4 or 8, got ", views);
    CASCADE_CHECK(crop <= S && images.shape()[2] == S && images.shape()[3] == 3, "galaxy_views: need (n, S, S, 3) images with S ≥ ",
                  crop);
    host_tensor<T, 5> out(std::array<std::size_t, 5>{n, views, crop, crop, 3});
    const std::size_t o = (S - crop) / 2;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t v = 0; v < views; ++v)
            for (std::size_t y = 0; y < crop; ++y)
                for (std::size_t x = 0; x < crop; ++x) {
                    std::size_t sx = x, sy = y;
                    if (v >= 4) sx = crop - 1 - sx;                 // mirror
                    for (std::size_t r = 0; r < v % 4; ++r) {        // rotate by 90°
                        const std::size_t t = sx;
                        sx = crop - 1 - sy;
                        sy = t;
                    }
                    for (std::size_t ch = 0; ch < 3; ++ch)
                        out(i, v, y, x, ch) = images(i, o + sy, o + sx, ch);
                }
    return out;
}

} // namespace cascade::data::toy
