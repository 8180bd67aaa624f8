// Experiment crayfis_tracks (seed 000, CRAYFIS track detection from two sources): the model's shapes
// and parameter count, the D1/D2 → track formula g(f) against the likelihood-ratio derivation, the toy
// generator's statistics and determinism, and a seeded learning test: a classifier trained on the source
// label only detects the hidden tracks (ROC AUC).
#include <cascade/backend/cpu.hpp>
#include <cascade/data/toy/crayfis_tracks.hpp>
#include <cascade/losses/binary_crossentropy.hpp>
#include <cascade/metrics/roc.hpp>
#include <cascade/models/crayfis_tracks.hpp>
#include <cascade/net/summary.hpp>
#include <cascade/optimizers/adam.hpp>
#include <cascade/train/fit.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace cc = cascade;
namespace toy = cascade::data::toy;
using cc::backend::cpu;

TEST_CASE("crayfis_tracks model: 6977 parameters and probabilities (n, 1)") {
    cc::models::crayfis_tracks::on<cpu, float> net{1};
    CHECK(cc::count_params(net).trainable == 6977);
    const auto d = toy::crayfis_tracks<40>(3, 1);
    const auto& y = net.forward(d.data.x, cc::mode::infer);
    REQUIRE(y.shape() == std::array<std::size_t, 2>{3, 1});
    for (float v : y) CHECK((v > 0 && v < 1));
}

TEST_CASE("crayfis_tracks: g(f) inverts f = P(D1 | X) of the two-source mixture") {
    // Independent derivation: with likelihood ratio ρ = P(X | track) / P(X | noise) and equal source priors,
    //   P(X | D_i) ∝ p_i ρ + 1 − p_i,  f = P(D1 | X) = (p1 ρ + 1 − p1) / ((p1 + p2) ρ + 2 − p1 − p2),
    //   P(track | X) = (p1 + p2) ρ / ((p1 + p2) ρ + 2 − p1 − p2).
    for (auto [p1, p2] : {std::pair{0.6, 0.1}, std::pair{0.9, 0.5}, std::pair{0.3, 0.05}})
        for (double rho : {0.0, 0.01, 0.3, 1.0, 2.5, 40.0, 1e6}) {
            const double den = (p1 + p2) * rho + 2 - p1 - p2;
            const double f = (p1 * rho + 1 - p1) / den, track = (p1 + p2) * rho / den;
            CHECK(toy::crayfis_track_probability(f, p1, p2) == doctest::Approx(track).epsilon(1e-9));
        }
    // Outside [a, b] the estimate is clipped.
    CHECK(toy::crayfis_track_probability(0.01, 0.6, 0.1) == 0);
    CHECK(toy::crayfis_track_probability(0.99, 0.6, 0.1) == 1);
}

TEST_CASE("crayfis_tracks generator: rates, noise model, hot pixels, determinism") {
    const auto a = toy::crayfis_tracks<40>(2000, 3), b = toy::crayfis_tracks<40>(2000, 3);
    REQUIRE(a.data.x.shape() == std::array<std::size_t, 4>{2000, 40, 40, 1});
    CHECK((a.data.x == b.data.x));   // (( )): compared as one bool, the tensors are not printed
    CHECK((a.data.y == b.data.y));
    CHECK(a.has_track == b.has_track);
    double d1 = 0, t1 = 0, t2 = 0, both_track = 0;
    for (std::size_t i = 0; i < 2000; ++i) {
        const bool src = a.data.y(i, 0) > 0.5;
        d1 += src;
        (src ? t1 : t2) += a.has_track[i];
        CHECK(bool(a.has_track[i]) == (a.tracks[i] > 0));
        both_track += a.tracks[i] > 1;
    }
    // Sources 1/2 each (σ 0.011); P(track | D1) = 0.6 (σ 0.016), P(track | D2) = 0.1 (σ 0.0095); 4 σ.
    CHECK(std::abs(d1 / 2000 - 0.5) < 0.045);
    CHECK(std::abs(t1 / d1 - 0.6) < 0.062);
    CHECK(std::abs(t2 / (2000 - d1) - 0.1) < 0.038);
    // 1 + Poisson(0.2) tracks: P(> 1 | track) = 1 − e^-0.2 = 0.181 (σ 0.015 for ~700 track images).
    CHECK(std::abs(both_track / (t1 + t2) - 0.181) < 0.06);

    // Noise: per pixel over the images without a track, the mean is pedestal + offset (+ hot level) and
    // the spread is the thermal σ = 2 ADC (plus rounding, 1/12) for ordinary pixels. Hot pixels are the
    // same for both sources.
    std::vector<double> sum(1600), sum2(1600), sum_d1(1600), sum_d2(1600);
    double n0 = 0, n_d1 = 0, n_d2 = 0;
    for (std::size_t i = 0; i < 2000; ++i) {
        if (a.has_track[i]) continue;
        const bool src = a.data.y(i, 0) > 0.5;
        n0 += 1;
        (src ? n_d1 : n_d2) += 1;
        for (std::size_t p = 0; p < 1600; ++p) {
            const double v = 64.0 * a.data.x.data()[i * 1600 + p];
            sum[p] += v, sum2[p] += v * v;
            (src ? sum_d1 : sum_d2)[p] += v;
        }
    }
    std::size_t hot = 0;
    double var = 0, mean = 0;
    for (std::size_t p = 0; p < 1600; ++p) {
        const double m = sum[p] / n0;
        if (m > 20) {
            ++hot;
            CHECK(sum_d1[p] / n_d1 == doctest::Approx(sum_d2[p] / n_d2).epsilon(0.05));
            continue;
        }
        mean += m;
        var += sum2[p] / n0 - m * m;
    }
    CHECK(hot == 5);
    CHECK(mean / (1600 - 5) == doctest::Approx(8).epsilon(0.02));                    // pedestal (dead pixels: −0.004)
    CHECK(std::sqrt(var / (1600 - 5)) == doctest::Approx(std::sqrt(4 + 1.0 / 12)).epsilon(0.05));

    // Tracks add light: the summed excess over the pedestal is larger in track images (by a lot).
    double excess_t = 0, excess_n = 0;
    for (std::size_t i = 0; i < 2000; ++i) {
        double e = 0;
        for (std::size_t p = 0; p < 1600; ++p) e += 64.0 * a.data.x.data()[i * 1600 + p] - sum[p] / n0;
        (a.has_track[i] ? excess_t : excess_n) += e;
    }
    CHECK(excess_t / (t1 + t2) > 100);
    CHECK(std::abs(excess_n / n0) < 5);
    const auto [lo, hi] = std::minmax_element(a.data.x.begin(), a.data.x.end());
    CHECK(*lo == 0);                 // dead pixels read 0
    CHECK(*hi <= 255.0f / 64);       // 8-bit saturation
}

TEST_CASE("crayfis_tracks learning: a D1-vs-D2 classifier finds the hidden tracks (ROC AUC of g)") {
    // 20×20 images (the same generator and network at a quarter of the pixels) for speed.
    auto train = toy::crayfis_tracks<20>(2000, 21), test = toy::crayfis_tracks<20>(1000, 22);
    cc::models::crayfis_tracks_net<20>::on<cpu, float> net{3};
    cc::optimizers::adam opt{{.lr = 3e-3}};
    cc::train::fit(net, cc::losses::binary_crossentropy{}, opt, train.data,
                   {.epochs = 3, .batch_size = 32, .seed = 1, .verbose = cc::train::progress::style::silent});
    const auto f = cc::train::predict(net, test.data.x);
    std::vector<double> g(f.size()), label(f.size());
    for (std::size_t i = 0; i < f.size(); ++i) {
        g[i] = toy::crayfis_track_probability(f(i, 0), 0.6, 0.1);
        label[i] = test.has_track[i];
    }
    const double auc = cc::metrics::roc_auc(g, label);
    // Seed 3 reaches 0.98; an untrained network scores about 0.5.
    CHECK(auc > 0.93);
}
