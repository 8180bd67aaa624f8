// Seed 003's toy air-shower reconstruction (examples/airshower): the two CNNs (parameter counts, output
// shapes), the footprint generator (shapes, determinism also across thread counts, the Xmax and muon-number
// distributions against their formulas, physically sensible arrival times and footprints) and a seeded
// learning test of both tasks on a small slice.
#include <cascade/cascade.hpp>
#include <cascade/data/toy/airshower.hpp>
#include <cascade/models/airshower.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace cc = cascade;
namespace toy = cc::data::toy;
using cc::backend::cpu;

namespace {
toy::airshower_events events(std::size_t n, std::uint64_t seed) {
    toy::airshower_config c;
    c.events = n;
    return toy::generate_airshowers(c, seed);
}

// Kolmogorov–Smirnov distance between the sample and the Gumbel CDF F(x) = exp(−exp(−(x − m) / β)).
double ks_gumbel(std::vector<double> x, double m, double beta) {
    std::sort(x.begin(), x.end());
    double d = 0;
    const double n = double(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double f = std::exp(-std::exp(-(x[i] - m) / beta));
        d = std::max({d, std::abs(f - double(i) / n), std::abs(f - double(i + 1) / n)});
    }
    return d;
}

// Learning tests run on one thread: the same numbers on every machine, and no fork-join waits for a
// descheduled second thread when other tests share the cores.
struct single_thread {
    int saved = cascade::num_threads();
    single_thread() { cascade::set_num_threads(1); }
    ~single_thread() { cascade::set_num_threads(saved); }
};

double filled(const toy::airshower_events& ev, std::size_t e) {
    double f = 0;
    for (std::size_t i = 0; i < 81; ++i) f += ev.footprint(e, i / 9, i % 9, 0) > 0;
    return f;
}
} // namespace

TEST_CASE("airshower models: parameter counts and output shapes") {
    cc::models::airshower_xmax::on<cpu, float> xmax{1};
    cc::models::airshower_mass::on<cpu, float> mass{1};
    // 304 + 4,640 + 9,248 + 51,264 shared, + 65 (dense 1) or + 260 (dense 4)
    CHECK(cc::count_params(xmax).trainable == 65521);
    CHECK(cc::count_params(mass).trainable == 65716);
    const auto ev = events(6, 1);
    const auto x = toy::airshower_inputs(ev);
    const auto& y = xmax.forward(x, cc::mode::infer);
    CHECK(y.shape() == std::array<std::size_t, 2>{6, 1});
    const auto& p = mass.forward(x, cc::mode::infer);
    REQUIRE(p.shape() == std::array<std::size_t, 2>{6, 4});
    for (std::size_t e = 0; e < 6; ++e) CHECK(p(e, 0) + p(e, 1) + p(e, 2) + p(e, 3) == doctest::Approx(1.0).epsilon(1e-5));
}

TEST_CASE("airshower generator: shapes, balanced species, determinism for a seed and any thread count") {
    const auto ev = events(4002, 7);
    REQUIRE(ev.footprint.shape() == std::array<std::size_t, 4>{4002, 9, 9, 2});
    REQUIRE(ev.size() == 4002);
    std::size_t count[4] = {};
    for (int s : ev.species) ++count[s];
    CHECK(count[0] == 1001);   // 4002 = 4·1000 + 2: the remainder goes to p and He
    CHECK(count[1] == 1001);
    CHECK(count[2] == 1000);
    CHECK(count[3] == 1000);
    bool mixed = false;   // random order, not p, He, N, Fe, p, ...
    for (std::size_t e = 0; e + 1 < 100; ++e) mixed |= (ev.species[e + 1] - ev.species[e] + 4) % 4 != 1;
    CHECK(mixed);

    const int threads = cc::num_threads();
    cc::set_num_threads(1);
    const auto one = events(4002, 7);
    cc::set_num_threads(2);
    const auto two = events(4002, 7);
    cc::set_num_threads(threads);
    CHECK(std::equal(ev.footprint.begin(), ev.footprint.end(), one.footprint.begin()));
    CHECK(std::equal(ev.footprint.begin(), ev.footprint.end(), two.footprint.begin()));
    CHECK(ev.xmax == two.xmax);
    CHECK(ev.species == two.species);
    const auto other = events(4002, 8);
    CHECK(ev.xmax != other.xmax);
    CHECK_FALSE(std::equal(ev.footprint.begin(), ev.footprint.end(), other.footprint.begin()));

    toy::airshower_config bad;
    bad.events = 0;
    CHECK_THROWS_AS(toy::generate_airshowers(bad, 1), cc::error);
}

TEST_CASE("airshower generator: Xmax is Gumbel with the documented mean and RMS, muon numbers Poisson-like") {
    const toy::airshower_config c;
    const auto ev = events(12000, 3);
    const double pi = 3.141592653589793, gamma = 0.5772156649015329;
    double previous_mean = 1e9, previous_muons = 0;
    for (std::size_t s = 0; s < 4; ++s) {
        const double a = toy::airshower_species::mass[s];
        std::vector<double> x;
        double mu = 0, mu2 = 0;
        for (std::size_t e = 0; e < ev.size(); ++e)
            if (ev.species[e] == int(s)) {
                x.push_back(ev.xmax[e]);
                mu += ev.muons[e];
                mu2 += double(ev.muons[e]) * ev.muons[e];
            }
        const double n = double(x.size());
        double m = 0, v = 0;
        for (double xi : x) m += xi;
        m /= n;
        for (double xi : x) v += (xi - m) * (xi - m);
        const double rms = std::sqrt(v / n), mean = toy::airshower_xmax_mean(c, a), rms_true = toy::airshower_xmax_rms(c, a);
        CAPTURE(a);
        CHECK(mean == doctest::Approx(790 - 58 * std::log10(a)));
        CHECK(rms_true == doctest::Approx(60 * std::pow(a, -0.28)));
        CHECK(std::abs(m - mean) < 5 * rms_true / std::sqrt(n));
        CHECK(std::abs(rms - rms_true) < 5 * rms_true * std::sqrt(1.1 / n));   // Gumbel: Var(s²) = (2 + 2.4) σ⁴ / n
        const double beta = rms_true * std::sqrt(6.0) / pi;
        CHECK(ks_gumbel(x, mean - gamma * beta, beta) < 1.95 / std::sqrt(n));   // KS test at the 0.1 % level
        CHECK(m < previous_mean);                                                // heavier: shallower
        previous_mean = m;
        // muons produced above ground: Poisson(λ) minus the few produced below ground (< 2 % here)
        const double lambda = toy::airshower_muon_mean(c, a), mm = mu / n, var = mu2 / n - mm * mm;
        CHECK(lambda == doctest::Approx(100 * std::pow(a, 0.15)));
        CHECK(mm < lambda);
        CHECK(mm > 0.98 * lambda - 5 * std::sqrt(lambda / n));
        CHECK(var == doctest::Approx(lambda).epsilon(0.15));
        CHECK(mm > previous_muons);
        previous_muons = mm;
    }
}

TEST_CASE("airshower generator: offsets, arrival times and footprints are physically sensible") {
    const toy::airshower_config c;
    const auto ev = events(4000, 5);
    double t_core = 0, n_core = 0, t_edge = 0, n_edge = 0;
    double min_delay = 1e9, max_delay = -1e9;
    std::vector<double> xp, fp;   // Xmax and filled stations of protons
    double filled_p = 0, filled_fe = 0, np = 0, nfe = 0, max_filled_p = 0, min_filled_fe = 81;
    std::size_t bad_offsets = 0, bad_counts = 0, bad_empty = 0, overcounted = 0;
    for (std::size_t e = 0; e < ev.size(); ++e) {
        bad_offsets += std::abs(ev.core_x[e]) > c.spacing / 2 || std::abs(ev.core_y[e]) > c.spacing / 2 ||
                       std::abs(ev.t0[e]) > c.time_offset;
        double counted = 0;
        for (std::size_t i = 0; i < 9; ++i)
            for (std::size_t j = 0; j < 9; ++j) {
                const double n = ev.footprint(e, i, j, 0), t = ev.footprint(e, i, j, 1);
                bad_counts += n < 0 || n != std::floor(n);
                counted += n;
                if (n == 0) {
                    bad_empty += t != 0;
                    continue;
                }
                const double delay = t - ev.t0[e];   // after the shower plane
                min_delay = std::min(min_delay, delay);
                max_delay = std::max(max_delay, delay);
                const double r = std::hypot((double(j) - 4) * c.spacing - ev.core_x[e], (double(i) - 4) * c.spacing - ev.core_y[e]);
                if (r < 200) { t_core += delay; n_core += 1; }
                if (r > 700) { t_edge += delay; n_edge += 1; }
            }
        overcounted += counted > ev.muons[e];
        const double f = filled(ev, e);
        if (ev.species[e] == 0) {
            xp.push_back(ev.xmax[e]);
            fp.push_back(f);
            filled_p += f;
            np += 1;
            max_filled_p = std::max(max_filled_p, f);
        }
        if (ev.species[e] == 3) {
            filled_fe += f;
            nfe += 1;
            min_filled_fe = std::min(min_filled_fe, f);
        }
    }
    CHECK(bad_offsets == 0);   // core within ±d/2, t0 within ±time_offset
    CHECK(bad_counts == 0);    // non-negative integers
    CHECK(bad_empty == 0);     // no muon: time 0
    CHECK(overcounted == 0);   // never more muons on the grid than produced
    // Muons arrive after the shower plane, within microseconds; far from the core, later.
    CHECK(min_delay >= -1e-3);
    CHECK(max_delay < 10000);
    CHECK(t_edge / n_edge > 3 * (t_core / n_core));
    // Iron: more muons produced higher up, a larger footprint; but the distributions overlap (the slide:
    // "no clear separation possible on either Xmax or number of filled pixels").
    CHECK(filled_fe / nfe > 1.3 * filled_p / np);
    CHECK(min_filled_fe < max_filled_p);
    // Deeper proton showers: muons produced closer to the ground, a smaller footprint.
    double mx = 0, mf = 0, sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < xp.size(); ++i) { mx += xp[i]; mf += fp[i]; }
    mx /= double(xp.size());
    mf /= double(xp.size());
    for (std::size_t i = 0; i < xp.size(); ++i) {
        sxy += (xp[i] - mx) * (fp[i] - mf);
        sxx += (xp[i] - mx) * (xp[i] - mx);
        syy += (fp[i] - mf) * (fp[i] - mf);
    }
    CHECK(sxy / std::sqrt(sxx * syy) < -0.3);
}

TEST_CASE("airshower datasets: normalised inputs and targets") {
    const auto ev = events(200, 9);
    const auto xd = toy::xmax_dataset(ev), md = toy::mass_dataset(ev);
    REQUIRE(xd.x.shape() == std::array<std::size_t, 4>{200, 9, 9, 2});
    REQUIRE(xd.y.shape() == std::array<std::size_t, 2>{200, 1});
    REQUIRE(md.y.shape() == std::array<std::size_t, 2>{200, 4});
    double worst_target = 0, worst_signal = 0, worst_time = 0;
    std::size_t wrong_labels = 0, empty_with_time = 0, first_not_zero = 0;
    for (std::size_t e = 0; e < 200; ++e) {
        worst_target = std::max(worst_target, std::abs(xd.y(e, 0) - (ev.xmax[e] - 750) / 100));
        for (std::size_t s = 0; s < 4; ++s) wrong_labels += md.y(e, s) != (int(s) == ev.species[e] ? 1.0f : 0.0f);
        double first = 1e9, tmin = 1e9;
        for (std::size_t i = 0; i < 9; ++i)
            for (std::size_t j = 0; j < 9; ++j) {
                const float n = ev.footprint(e, i, j, 0);
                worst_signal = std::max(worst_signal, std::abs(xd.x(e, i, j, 0) - std::log10(1.0 + n)));
                if (n > 0) {
                    first = std::min(first, double(ev.footprint(e, i, j, 1)));
                    tmin = std::min(tmin, double(xd.x(e, i, j, 1)));
                } else {
                    empty_with_time += xd.x(e, i, j, 1) != 0.0f;
                }
            }
        first_not_zero += tmin != 0.0;
        for (std::size_t i = 0; i < 9; ++i)
            for (std::size_t j = 0; j < 9; ++j)
                if (ev.footprint(e, i, j, 0) > 0)
                    worst_time = std::max(worst_time, std::abs(xd.x(e, i, j, 1) - (ev.footprint(e, i, j, 1) - first) / 100));
    }
    CHECK(worst_target < 1e-5);     // (Xmax − 750) / 100
    CHECK(wrong_labels == 0);       // one-hot species
    CHECK(worst_signal < 1e-6);     // log10(1 + muons)
    CHECK(empty_with_time == 0);    // time 0 where no muon
    CHECK(first_not_zero == 0);     // the earliest station of each event at 0
    CHECK(worst_time < 1e-4);       // (t − t_first) / 100 ns
    const auto part = toy::subset(ev, 50, 80);
    CHECK(part.size() == 30);
    CHECK(part.xmax[0] == ev.xmax[50]);
    CHECK(std::equal(part.footprint.begin(), part.footprint.end(), ev.footprint.begin() + 50 * 162));
    CHECK_THROWS_AS(toy::subset(ev, 10, 201), cc::error);
}

TEST_CASE("airshower CNNs learn on a small slice: Xmax resolution and species accuracy well beyond guessing") {
    const single_thread one;
    const auto ev = events(3000, 21);
    const auto train_ev = toy::subset(ev, 0, 2400), test_ev = toy::subset(ev, 2400, 3000);
    const cc::train::fit_options<cc::data::dataset<float, 4, 2>> opts{
        .epochs = 2, .batch_size = 32, .seed = 1, .verbose = cc::train::progress::style::silent};

    // Xmax: guessing the mean of the mixture gives the spread of Xmax itself, about 55 g/cm².
    {
        const auto train = toy::xmax_dataset(train_ev), test = toy::xmax_dataset(test_ev);
        cc::models::airshower_xmax::on<cpu, float> net{1};
        cc::optimizers::adam opt{{.lr = 1e-3}};
        cc::train::fit(net, cc::losses::mse{}, opt, train, opts);
        const auto y = cc::train::predict(net, test.x);
        double s = 0, s2 = 0, t = 0, t2 = 0;
        for (std::size_t e = 0; e < test_ev.size(); ++e) {
            const double d = toy::airshower_xmax_scaling::to_xmax(y.data()[e]) - test_ev.xmax[e];
            s += d;
            s2 += d * d;
            t += test_ev.xmax[e];
            t2 += test_ev.xmax[e] * test_ev.xmax[e];
        }
        const double n = double(test_ev.size());
        const double resolution = std::sqrt(s2 / n - (s / n) * (s / n)), spread = std::sqrt(t2 / n - (t / n) * (t / n));
        CAPTURE(resolution);
        CAPTURE(spread);
        CHECK(spread > 45);
        CHECK(resolution < 0.6 * spread);
        CHECK(std::abs(s / n) < 15);
    }
    // Species: chance is 25 %.
    {
        const auto train = toy::mass_dataset(train_ev), test = toy::mass_dataset(test_ev);
        cc::models::airshower_mass::on<cpu, float> net{1};
        cc::optimizers::adam opt{{.lr = 1e-3}};
        cc::train::fit(net, cc::losses::categorical_crossentropy{}, opt, train, opts);
        const auto r = cc::train::evaluate(net, cc::losses::categorical_crossentropy{}, test);
        CAPTURE(r.at("accuracy"));
        CHECK(r.at("accuracy") > 0.5);
    }
}
