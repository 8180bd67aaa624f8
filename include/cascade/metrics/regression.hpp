#pragma once
// Regression scores on whole arrays (prediction y, truth t, same shape; a tensor (N, ...) has one output
// per element of a sample, a flat container is N samples of one output):
//   explained_variance(y, t)   sklearn.metrics.explained_variance_score(t, y), uniform average over
//                              outputs: EV_j = 1 − Var(t_j − y_j) / Var(t_j) (1 if both variances are 0,
//                              0 if only Var(t_j) is) — the same numbers as metric::explained_variance
//   mean_squared_error(y, t)   mean (y − t)² over all elements
//   mean_absolute_error(y, t)  mean |y − t| over all elements
// Arguments are (prediction, truth); sklearn's are (y_true, y_pred).
#include "cascade/config.hpp"
#include "cascade/metrics/values.hpp"
#include "cascade/train/metric.hpp"

#include <cmath>

namespace cascade::metrics {

template <class Y, class Tr>
double explained_variance(const Y& y, const Tr& t) {
    CASCADE_CHECK(y.size() == t.size(), "explained_variance: ", y.size(), " predictions but ", t.size(), " true values");
    const std::size_t rows = detail::samples_of(t);
    return cascade::detail::variance_moments(y.data(), t.data(), rows, rows ? t.size() / rows : 0).mean();
}

template <class Y, class Tr>
double mean_squared_error(const Y& y, const Tr& t) {
    CASCADE_CHECK(y.size() == t.size(), "mean_squared_error: ", y.size(), " predictions but ", t.size(), " true values");
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += (detail::at(y, i) - detail::at(t, i)) * (detail::at(y, i) - detail::at(t, i));
    return y.size() ? s / double(y.size()) : 0.0;
}

template <class Y, class Tr>
double mean_absolute_error(const Y& y, const Tr& t) {
    CASCADE_CHECK(y.size() == t.size(), "mean_absolute_error: ", y.size(), " predictions but ", t.size(), " true values");
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += std::abs(detail::at(y, i) - detail::at(t, i));
    return y.size() ? s / double(y.size()) : 0.0;
}

} // namespace cascade::metrics
