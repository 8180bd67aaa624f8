#pragma once
// ROC curve and area under it, for a binary classifier's scores (sklearn.metrics.roc_curve / auc /
// roc_auc_score). Arguments are (scores, labels) — prediction first, like cascade's losses and metrics;
// sklearn's are (y_true, y_score). Labels are 0/1 (label > 0.5 is positive).
//   roc_curve: thresholds are the distinct scores in decreasing order, preceded by +∞; point k has
//     tpr = #{positive : score ≥ threshold_k} / P,   fpr = #{negative : score ≥ threshold_k} / N.
//     Tied scores form one threshold, so the curve goes diagonally through a tie. Every distinct score is
//     kept (sklearn's drop_intermediate = False; its default True drops collinear points only, the area
//     is the same). The first threshold is +∞ as in sklearn ≥ 1.3.
//   auc(x, y): trapezoidal area under a curve with monotonic x (either direction).
//   roc_auc(scores, labels) = auc(fpr, tpr): the probability that a random positive scores above a random
//     negative, ties counting ½ (the Mann–Whitney U statistic / (P·N)).
#include "cascade/config.hpp"
#include "cascade/metrics/values.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace cascade::metrics {

struct roc {
    std::vector<double> fpr, tpr, thresholds;
};

template <class S, class L>
roc roc_curve(const S& scores, const L& labels) {
    const std::size_t n = scores.size();
    CASCADE_CHECK(labels.size() == n, "roc_curve: ", n, " scores but ", labels.size(), " labels");
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return detail::at(scores, a) > detail::at(scores, b); });
    double pos = 0, neg = 0;
    for (std::size_t i = 0; i < n; ++i) (detail::at(labels, i) > 0.5 ? pos : neg) += 1;
    CASCADE_CHECK(pos > 0 && neg > 0, "roc_curve: needs both classes, got ", pos, " positive and ", neg, " negative labels");
    roc r;
    r.fpr.push_back(0);
    r.tpr.push_back(0);
    r.thresholds.push_back(std::numeric_limits<double>::infinity());
    double tp = 0, fp = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = order[k];
        (detail::at(labels, i) > 0.5 ? tp : fp) += 1;
        const bool last_of_tie = k + 1 == n || detail::at(scores, order[k + 1]) != detail::at(scores, i);
        if (last_of_tie) {
            r.fpr.push_back(fp / neg);
            r.tpr.push_back(tp / pos);
            r.thresholds.push_back(detail::at(scores, i));
        }
    }
    return r;
}

// Trapezoidal rule; x must be non-decreasing or non-increasing.
inline double auc(const std::vector<double>& x, const std::vector<double>& y) {
    CASCADE_CHECK(x.size() == y.size() && x.size() >= 2, "auc: needs x and y of equal length >= 2, got ", x.size(), " and ", y.size());
    bool up = true, down = true;
    for (std::size_t i = 1; i < x.size(); ++i) {
        up = up && x[i] >= x[i - 1];
        down = down && x[i] <= x[i - 1];
    }
    CASCADE_CHECK(up || down, "auc: x is neither increasing nor decreasing");
    double a = 0;
    for (std::size_t i = 1; i < x.size(); ++i) a += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
    return up ? a : -a;
}

template <class S, class L>
double roc_auc(const S& scores, const L& labels) {
    const roc r = roc_curve(scores, labels);
    return auc(r.fpr, r.tpr);
}

} // namespace cascade::metrics
