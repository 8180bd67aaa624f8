// Metrics: the fit/evaluate metrics (top_k with ties, explained variance accumulated over batches) and
// the analysis functions of metrics/ (ROC / AUC with ties, signal acceptance / background rejection
// versus the cut, confusion matrix, regression scores) against hand-computed and sklearn-documented values.
#include <cascade/cascade.hpp>
#include <cascade/metrics/confusion_matrix.hpp>
#include <cascade/metrics/regression.hpp>
#include <cascade/metrics/roc.hpp>
#include <cascade/metrics/signal_efficiency.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <vector>

namespace cc = cascade;
namespace M = cc::metrics;
using T2 = cc::host_tensor<double, 2>;

TEST_CASE("metric values keep the enum spellings and add top_k") {
    constexpr cc::metric m = cc::metric::accuracy;
    static_assert(m == cc::metric::accuracy && !(m == cc::metric::mae));
    const std::vector ms{cc::metric::accuracy, cc::metric::mse, cc::metric::top_k(3)};
    CHECK(std::strcmp(cc::metric_name(ms[2]), "top_k_categorical_accuracy") == 0);
    CHECK(std::strcmp(cc::metric_name(cc::metric::explained_variance), "explained_variance") == 0);

    // Target classes 2, 0, 1, 3. Row 0: class 2 is the 2nd largest. Row 1: class 0 ties with two others
    // for 2nd place (ties at the boundary count as inside, like tf.math.in_top_k). Row 2: 4th largest.
    T2 y{{0.1, 0.5, 0.3, 0.1}, {0.2, 0.4, 0.2, 0.2}, {0.4, 0.1, 0.2, 0.3}, {0.1, 0.2, 0.3, 0.4}};
    T2 t{{0, 0, 1, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 1}};
    CHECK(cc::evaluate_metric(cc::metric::top_k(1), y, t).mean() == doctest::Approx(0.25));
    CHECK(cc::evaluate_metric(cc::metric::top_k(2), y, t).mean() == doctest::Approx(0.75));
    CHECK(cc::evaluate_metric(cc::metric::top_k(3), y, t).mean() == doctest::Approx(0.75));
    CHECK(cc::evaluate_metric(cc::metric::top_k(4), y, t).mean() == doctest::Approx(1.0));
    CHECK(cc::evaluate_metric(cc::metric::accuracy, y, t).mean() == doctest::Approx(0.25));
}

TEST_CASE("explained variance matches sklearn and is exact when accumulated over batches") {
    // sklearn.metrics.explained_variance_score's documented examples.
    std::vector<double> t1{3, -0.5, 2, 7}, y1{2.5, 0.0, 2, 8};
    CHECK(M::explained_variance(y1, t1) == doctest::Approx(0.9571734475374732).epsilon(1e-12));
    T2 t{{0.5, 1}, {-1, 1}, {7, -6}}, y{{0, 2}, {-1, 2}, {8, -5}};
    CHECK(M::explained_variance(y, t) == doctest::Approx(0.9838709677419355).epsilon(1e-12));
    CHECK(cc::evaluate_metric(cc::metric::explained_variance, y, t).mean() == doctest::Approx(0.9838709677419355).epsilon(1e-12));

    // Batches of 1 and 2 rows merged: the same as the whole array (not the mean of batch scores).
    T2 a{{0.5, 1}}, ya{{0, 2}}, b{{-1, 1}, {7, -6}}, yb{{-1, 2}, {8, -5}};
    cc::metric_sum s;
    s.add(cc::evaluate_metric(cc::metric::explained_variance, ya, a));
    s.add(cc::evaluate_metric(cc::metric::explained_variance, yb, b));
    CHECK(s.mean() == doctest::Approx(0.9838709677419355).epsilon(1e-12));

    // Constant target: 1 if predicted exactly, else 0 (sklearn's force_finite).
    std::vector<double> c{2, 2, 2}, exact{2, 2, 2}, off{1, 2, 3};
    CHECK(M::explained_variance(exact, c) == 1.0);
    CHECK(M::explained_variance(off, c) == 0.0);
    CHECK(M::mean_squared_error(y1, t1) == doctest::Approx(0.375));
    CHECK(M::mean_absolute_error(y1, t1) == doctest::Approx(0.5));
}

TEST_CASE("roc curve and auc with and without ties") {
    // sklearn.metrics.roc_curve's documented example.
    std::vector<double> scores{0.1, 0.4, 0.35, 0.8};
    std::vector<int> labels{0, 0, 1, 1};
    const auto r = M::roc_curve(scores, labels);
    CHECK(r.fpr == std::vector<double>{0, 0, 0.5, 0.5, 1});
    CHECK(r.tpr == std::vector<double>{0, 0.5, 0.5, 1, 1});
    CHECK(std::isinf(r.thresholds[0]));
    CHECK(std::vector<double>(r.thresholds.begin() + 1, r.thresholds.end()) == std::vector<double>{0.8, 0.4, 0.35, 0.1});
    CHECK(M::roc_auc(scores, labels) == doctest::Approx(0.75));

    // Ties: positives {0.5, 0.5}, negatives {0.5, 0.9}: pairs (p, n) won 0, tied 2 (½ each) of 4 → 0.25.
    std::vector<float> tied{0.5f, 0.5f, 0.5f, 0.9f};
    std::vector<float> tl{0, 1, 1, 0};
    const auto rt = M::roc_curve(tied, tl);
    CHECK(rt.fpr == std::vector<double>{0, 0.5, 1});
    CHECK(rt.tpr == std::vector<double>{0, 0, 1});
    CHECK(M::roc_auc(tied, tl) == doctest::Approx(0.25));

    // Larger case against the Mann–Whitney count with ties.
    std::vector<double> s2{0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.3, 0.2, 0.2};
    std::vector<int> l2{1, 1, 0, 1, 0, 1, 0, 0, 1, 0};
    double wins = 0, pairs = 0;
    for (std::size_t i = 0; i < s2.size(); ++i)
        for (std::size_t j = 0; j < s2.size(); ++j)
            if (l2[i] == 1 && l2[j] == 0) { pairs += 1; wins += s2[i] > s2[j] ? 1.0 : (s2[i] == s2[j] ? 0.5 : 0.0); }
    CHECK(wins / pairs == doctest::Approx(0.68));   // 5 + 4.5 + 4 + 3 + 0.5 = 17 of 25 pairs, counted by hand
    CHECK(M::roc_auc(s2, l2) == doctest::Approx(0.68));

    CHECK(M::auc({1, 0.5, 0}, {1, 1, 0}) == doctest::Approx(0.75));   // decreasing x
    CHECK_THROWS_AS(M::auc({0, 1, 0.5}, {0, 1, 1}), cc::error);
    std::vector<int> one_class{1, 1, 1, 1};
    CHECK_THROWS_AS(M::roc_curve(scores, one_class), cc::error);
}

TEST_CASE("signal acceptance and background rejection versus the cut") {
    // Two events of 5 pixels; label 1 = signal hit.
    std::vector<double> out{0.9, 0.2, 0.6, 0.4, 0.1, /**/ 0.8, 0.7, 0.3, 0.95, 0.5};
    std::vector<double> lab{1, 0, 1, 0, 0, /**/ 1, 0, 0, 1, 1};
    // cut 0.5, signal = score > cut. Event 0: signal 2/2 kept, background 3/3 rejected.
    // Event 1: signal {0.8, 0.95, 0.5} → 2/3 kept; background {0.7, 0.3} → 1/2 rejected.
    const auto per_event = M::efficiency_at_cut(out, lab, 0.5, {.events = 2});
    CHECK(per_event.signal_acceptance == doctest::Approx((1.0 + 2.0 / 3) / 2));
    CHECK(per_event.background_rejection == doctest::Approx((1.0 + 0.5) / 2));
    const auto pooled = M::efficiency_at_cut(out, lab, 0.5);
    CHECK(pooled.signal_acceptance == doctest::Approx(4.0 / 5));
    CHECK(pooled.background_rejection == doctest::Approx(4.0 / 5));

    // The seed's convention: output 0 = signal, signal when output ≤ cut; labels inverted.
    std::vector<double> inv_out, inv_lab;
    for (std::size_t i = 0; i < out.size(); ++i) { inv_out.push_back(1 - out[i]); inv_lab.push_back(1 - lab[i]); }
    const auto seed = M::efficiency_at_cut(inv_out, inv_lab, 0.5, {.signal_above_cut = false, .signal_label = 0, .events = 2});
    CHECK(seed.signal_acceptance == doctest::Approx((1.0 + 1.0) / 2));   // 1 − 0.5 = 0.5 ≤ 0.5 now counts as signal
    CHECK(seed.background_rejection == doctest::Approx((1.0 + 0.5) / 2));

    // A per-event mask (the same for both events) drops pixels 1 and 4 of each: event 1 loses the
    // missed signal hit (0.5) and the accepted background (0.7), so both rates become 1.
    std::vector<float> mask{1, 0, 1, 1, 0};
    const auto masked = M::efficiency_at_cut(out, lab, 0.5, {.events = 2, .mask = mask});
    CHECK(masked.signal_acceptance == doctest::Approx(1.0));
    CHECK(masked.background_rejection == doctest::Approx(1.0));
    std::vector<float> keep_event0{1, 1, 1, 1, 1, 0, 0, 0, 0, 0};   // a full-size mask: event 1 has nothing left
    const auto only0 = M::efficiency_at_cut(out, lab, 0.5, {.events = 2, .mask = keep_event0});
    CHECK(only0.signal_acceptance == 1.0);
    CHECK(only0.background_rejection == 1.0);

    // Scan: acceptance falls and rejection rises with the cut; the 99 %-acceptance working point.
    const auto scan = M::efficiency_scan(out, lab, M::cut_values(0, 1, 11));
    REQUIRE(scan.size() == 11);
    for (std::size_t i = 1; i < scan.size(); ++i) {
        CHECK(scan[i].signal_acceptance <= scan[i - 1].signal_acceptance);
        CHECK(scan[i].background_rejection >= scan[i - 1].background_rejection);
    }
    CHECK(scan[0].signal_acceptance == 1.0);
    CHECK(scan[10].background_rejection == 1.0);
    const auto wp = M::best_rejection_at_acceptance(scan, 0.99);
    CHECK(wp.cut == doctest::Approx(0.4));   // the largest cut keeping all five signal hits (lowest is 0.5)
    CHECK(wp.background_rejection == doctest::Approx(4.0 / 5));   // 0.1, 0.2, 0.3, 0.4 ≤ 0.4; 0.7 passes
    CHECK_THROWS_AS(M::efficiency_at_cut(out, lab, 0.5, {.events = 3}), cc::error);
}

TEST_CASE("confusion matrix from labels and from network outputs with its printer") {
    std::vector<int> pred{0, 2, 1, 1, 0, 2, 2}, truth{0, 1, 1, 2, 0, 2, 2};
    M::confusion_matrix m(pred, truth, 3);
    CHECK(m(0, 0) == 2);
    CHECK(m(1, 1) == 1);
    CHECK(m(1, 2) == 1);
    CHECK(m(2, 1) == 1);
    CHECK(m(2, 2) == 2);
    CHECK(m.total() == 7);
    CHECK(m.accuracy() == doctest::Approx(5.0 / 7));
    CHECK(m.precision(2) == doctest::Approx(2.0 / 3));
    CHECK(m.recall(2) == doctest::Approx(2.0 / 3));
    CHECK(m.recall(1) == doctest::Approx(0.5));
    std::ostringstream os;
    os << m;
    CHECK(os.str().find("true \\ pred") != std::string::npos);
    CHECK(os.str().find("accuracy 0.7143 over 7") != std::string::npos);

    T2 y{{0.1, 0.7, 0.2}, {0.6, 0.3, 0.1}}, t{{0, 1, 0}, {0, 0, 1}};
    const auto from_y = M::confusion_matrix::from_outputs(y, t);
    CHECK(from_y(1, 1) == 1);
    CHECK(from_y(2, 0) == 1);
    T2 p{{0.8}, {0.3}, {0.6}}, b{{1}, {1}, {0}};
    const auto bin = M::confusion_matrix::from_outputs(p, b);
    CHECK(bin.classes == 2);
    CHECK(bin(1, 1) == 1);
    CHECK(bin(1, 0) == 1);
    CHECK(bin(0, 1) == 1);
}
