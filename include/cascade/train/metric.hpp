#pragma once
// Metrics reported by fit/evaluate, accumulated batch by batch in a metric_sum and read at the end:
//   accuracy            fraction of rows whose arg-max of y equals the arg-max of t (one-hot targets)
//   binary_accuracy     fraction of elements with (y > 0.5) == (t > 0.5)   (probabilities, like Keras)
//   mse, mae            mean squared / absolute error over all elements
//   top_k(k)            fraction of rows whose target class (arg-max of t) is among the k largest y;
//                       ties at the boundary count as inside, like tf.math.in_top_k (Keras
//                       TopKCategoricalAccuracy, reported as "top_k_categorical_accuracy")
//   explained_variance  sklearn.metrics.explained_variance_score: per output j (every element of a
//                       sample's shape), EV_j = 1 − Var(t_j − y_j) / Var(t_j), then the uniform average over
//                       outputs; Var(t_j) = 0 gives 1 if the residual variance is also 0, else 0 (sklearn's
//                       force_finite). Accumulated as per-output means and M2 (merged with Chan et al.'s
//                       pairwise formula), so a sum over batches is exact, not an average of batch scores.
// `metric` is a value: the named constants metric::accuracy, ... and metric::top_k(k).
#include "cascade/config.hpp"

#include <cmath>
#include <cstddef>
#include <vector>

namespace cascade {

struct metric {
    enum class kind { accuracy, binary_accuracy, mse, mae, top_k, explained_variance };
    kind what = kind::accuracy;
    std::size_t k = 0;   // top_k only

    static const metric accuracy, binary_accuracy, mse, mae, explained_variance;
    static constexpr metric top_k(std::size_t k) { return {kind::top_k, k}; }
    friend constexpr bool operator==(const metric&, const metric&) = default;
};
inline constexpr metric metric::accuracy{metric::kind::accuracy};
inline constexpr metric metric::binary_accuracy{metric::kind::binary_accuracy};
inline constexpr metric metric::mse{metric::kind::mse};
inline constexpr metric metric::mae{metric::kind::mae};
inline constexpr metric metric::explained_variance{metric::kind::explained_variance};

inline const char* metric_name(metric m) {
    switch (m.what) {
    case metric::kind::accuracy: return "accuracy";
    case metric::kind::binary_accuracy: return "binary_accuracy";
    case metric::kind::mse: return "mse";
    case metric::kind::mae: return "mae";
    case metric::kind::top_k: return "top_k_categorical_accuracy";
    case metric::kind::explained_variance: return "explained_variance";
    }
    return "?";
}

// The metric of one or more batches. Most metrics are a sum over rows or elements and its count;
// explained_variance keeps, per output j, the mean and M2 = Σ (v − mean)² of t_j and of d_j = t_j − y_j
// (moments[4j .. 4j + 3]), over `count` samples.
struct metric_sum {
    double sum = 0, count = 0;
    std::vector<double> moments{};

    void add(const metric_sum& o) {
        if (o.moments.empty() || o.count == 0) { sum += o.sum; count += o.count; return; }
        if (count == 0) { sum += o.sum; count = o.count; moments = o.moments; return; }
        CASCADE_CHECK(moments.size() == o.moments.size(), "metric_sum: explained_variance batches have different outputs");
        const double n = count + o.count;
        for (std::size_t i = 0; i < moments.size(); i += 2) {   // (mean, M2) pairs
            const double delta = o.moments[i] - moments[i];
            moments[i + 1] += o.moments[i + 1] + delta * delta * count * o.count / n;
            moments[i] += delta * o.count / n;
        }
        count = n;
    }
    double mean() const {
        if (moments.empty()) return count > 0 ? sum / count : 0.0;
        const std::size_t outputs = moments.size() / 4;
        double ev = 0;
        for (std::size_t j = 0; j < outputs; ++j) {
            const double var_t = moments[4 * j + 1], var_d = moments[4 * j + 3];   // both × count
            ev += var_t > 0 ? 1 - var_d / var_t : (var_d > 0 ? 0.0 : 1.0);
        }
        return outputs ? ev / double(outputs) : 0.0;
    }
};

namespace detail {
// Per-output mean and M2 of t and of t − y over the rows of a batch (two passes: exact, stable).
template <class V, class U>
metric_sum variance_moments(const V* y, const U* t, std::size_t rows, std::size_t outputs) {
    metric_sum r;
    r.count = double(rows);
    r.moments.assign(4 * outputs, 0.0);
    if (rows == 0) return r;
    for (std::size_t j = 0; j < outputs; ++j) {
        double mt = 0, md = 0;
        for (std::size_t i = 0; i < rows; ++i) {
            mt += double(t[i * outputs + j]);
            md += double(t[i * outputs + j]) - double(y[i * outputs + j]);
        }
        mt /= double(rows);
        md /= double(rows);
        double st = 0, sd = 0;
        for (std::size_t i = 0; i < rows; ++i) {
            const double a = double(t[i * outputs + j]) - mt, b = double(t[i * outputs + j]) - double(y[i * outputs + j]) - md;
            st += a * a;
            sd += b * b;
        }
        r.moments[4 * j] = mt;
        r.moments[4 * j + 1] = st;
        r.moments[4 * j + 2] = md;
        r.moments[4 * j + 3] = sd;
    }
    return r;
}
} // namespace detail

template <class Y>
metric_sum evaluate_metric(metric m, const Y& y, const Y& t) {
    const std::size_t n = y.size();
    const auto* a = y.data();
    const auto* b = t.data();
    metric_sum r;
    switch (m.what) {
    case metric::kind::accuracy: {
        const std::size_t c = y.shape()[y.dimension() - 1], rows = c ? n / c : 0;
        for (std::size_t i = 0; i < rows; ++i) {
            std::size_t ay = 0, at = 0;
            for (std::size_t j = 1; j < c; ++j) {
                if (a[i * c + j] > a[i * c + ay]) ay = j;
                if (b[i * c + j] > b[i * c + at]) at = j;
            }
            r.sum += ay == at;
        }
        r.count = double(rows);
        break;
    }
    case metric::kind::top_k: {
        CASCADE_CHECK(m.k > 0, "metric::top_k: k must be at least 1");
        const std::size_t c = y.shape()[y.dimension() - 1], rows = c ? n / c : 0;
        for (std::size_t i = 0; i < rows; ++i) {
            std::size_t at = 0, above = 0;
            for (std::size_t j = 1; j < c; ++j)
                if (b[i * c + j] > b[i * c + at]) at = j;
            for (std::size_t j = 0; j < c; ++j) above += a[i * c + j] > a[i * c + at];
            r.sum += above < m.k;
        }
        r.count = double(rows);
        break;
    }
    case metric::kind::binary_accuracy:
        for (std::size_t i = 0; i < n; ++i) r.sum += (a[i] > 0.5) == (b[i] > 0.5);
        r.count = double(n);
        break;
    case metric::kind::mse:
        for (std::size_t i = 0; i < n; ++i) r.sum += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
        r.count = double(n);
        break;
    case metric::kind::mae:
        for (std::size_t i = 0; i < n; ++i) r.sum += std::abs(double(a[i]) - b[i]);
        r.count = double(n);
        break;
    case metric::kind::explained_variance: {
        const std::size_t rows = y.shape()[0];
        r = detail::variance_moments(a, b, rows, rows ? n / rows : 0);
        break;
    }
    }
    return r;
}

} // namespace cascade
