#pragma once
// Signal acceptance and background rejection versus the cut value on a per-element (e.g. per-pixel or
// per-hit) classifier output — the figures of merit of hit classification in HEP (seed 002: COMET CDC
// track finding with an extended DnCNN; a ROC in the (acceptance, rejection) plane):
//   classified as signal:   score > cut               (signal_above_cut = true, the default)
//                           score ≤ cut               (signal_above_cut = false: a network whose output 0
//                                                      means signal, as in the seed: "output ≤ cut → 0")
//   signal acceptance     = (signal elements classified signal) / (signal elements)       = 1 − FN / S
//   background rejection  = (background elements classified background) / (background)   = 1 − FP / B
// An element is signal when |label − signal_label| < ½ (labels 0/1; signal_label 1 by default, 0 in the
// seed's convention). With events > 1 the arrays hold that many equal-size events (e.g. (N, H, W, 1)
// images, events = N) and each rate is computed per event, then averaged over the events that have at
// least one element of that class ("calculation is made for each event, then take an average"); with
// events = 1 the elements are pooled. An optional mask (one value per element, or per event-size
// element broadcast over the events, like losses::masked) excludes elements with mask 0 — e.g. the
// pixels outside the sense-wire area. A rate with no element to average is NaN.
#include "cascade/config.hpp"
#include "cascade/metrics/values.hpp"

#include <cmath>
#include <limits>
#include <span>
#include <vector>

namespace cascade::metrics {

struct efficiency_options {
    bool signal_above_cut = true;
    double signal_label = 1;
    std::size_t events = 1;
    std::span<const float> mask{};
};

struct cut_efficiency {
    double cut = 0;
    double signal_acceptance = 0;
    double background_rejection = 0;
};

template <class S, class L>
cut_efficiency efficiency_at_cut(const S& scores, const L& labels, double cut, const efficiency_options& o = {}) {
    const std::size_t n = scores.size();
    CASCADE_CHECK(labels.size() == n, "efficiency_at_cut: ", n, " scores but ", labels.size(), " labels");
    CASCADE_CHECK(o.events > 0 && n % o.events == 0, "efficiency_at_cut: ", n, " elements do not split into ", o.events, " events");
    const std::size_t per = n / o.events;
    CASCADE_CHECK(o.mask.empty() || o.mask.size() == n || o.mask.size() == per, "efficiency_at_cut: the mask has ",
                  o.mask.size(), " values; give one per element (", n, ") or per element of an event (", per, ")");
    double acc_sum = 0, rej_sum = 0, acc_events = 0, rej_events = 0;
    for (std::size_t e = 0; e < o.events; ++e) {
        double sig = 0, sig_kept = 0, bkg = 0, bkg_rejected = 0;
        for (std::size_t i = e * per; i < (e + 1) * per; ++i) {
            if (!o.mask.empty() && o.mask[i % o.mask.size()] == 0) continue;
            const double s = detail::at(scores, i);
            const bool as_signal = o.signal_above_cut ? s > cut : s <= cut;
            if (std::abs(detail::at(labels, i) - o.signal_label) < 0.5) { sig += 1; sig_kept += as_signal; }
            else { bkg += 1; bkg_rejected += !as_signal; }
        }
        if (sig > 0) { acc_sum += sig_kept / sig; acc_events += 1; }
        if (bkg > 0) { rej_sum += bkg_rejected / bkg; rej_events += 1; }
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {cut, acc_events > 0 ? acc_sum / acc_events : nan, rej_events > 0 ? rej_sum / rej_events : nan};
}

// The rates at each of the given cut values.
template <class S, class L>
std::vector<cut_efficiency> efficiency_scan(const S& scores, const L& labels, const std::vector<double>& cuts,
                                            const efficiency_options& o = {}) {
    std::vector<cut_efficiency> out;
    out.reserve(cuts.size());
    for (double c : cuts) out.push_back(efficiency_at_cut(scores, labels, c, o));
    return out;
}

// n equally spaced cut values from lo to hi inclusive (n ≥ 2), e.g. cut_values(0, 1, 101).
inline std::vector<double> cut_values(double lo, double hi, std::size_t n) {
    CASCADE_CHECK(n >= 2, "cut_values: needs n >= 2");
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = lo + (hi - lo) * double(i) / double(n - 1);
    return v;
}

// The working point with the highest background rejection among those with signal acceptance ≥
// min_acceptance (the seed quotes rejection at 99 % acceptance); throws if none qualifies.
inline cut_efficiency best_rejection_at_acceptance(const std::vector<cut_efficiency>& scan, double min_acceptance) {
    const cut_efficiency* best = nullptr;
    for (const auto& p : scan)
        if (p.signal_acceptance >= min_acceptance && (!best || p.background_rejection > best->background_rejection)) best = &p;
    CASCADE_CHECK(best != nullptr, "best_rejection_at_acceptance: no cut reaches a signal acceptance of ", min_acceptance);
    return *best;
}

} // namespace cascade::metrics
