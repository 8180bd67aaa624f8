#pragma once
// Metrics reported by fit/evaluate, accumulated as sums over samples and divided at the end:
//   accuracy         fraction of rows whose arg-max of y equals the arg-max of t (one-hot targets)
//   binary_accuracy  fraction of elements with (y > 0.5) == (t > 0.5)   (probabilities, like Keras)
//   mse, mae         mean squared / absolute error over all elements
#include <cmath>
#include <cstddef>
#include <string>

namespace cascade {

enum class metric { accuracy, binary_accuracy, mse, mae };

inline const char* metric_name(metric m) {
    switch (m) {
    case metric::accuracy: return "accuracy";
    case metric::binary_accuracy: return "binary_accuracy";
    case metric::mse: return "mse";
    case metric::mae: return "mae";
    }
    return "?";
}

// Sum of the metric over a batch and the count it averages over (rows or elements).
struct metric_sum {
    double sum = 0, count = 0;
    void add(metric_sum o) { sum += o.sum; count += o.count; }
    double mean() const { return count > 0 ? sum / count : 0.0; }
};

template <class Y>
metric_sum evaluate_metric(metric m, const Y& y, const Y& t) {
    const std::size_t n = y.size();
    const auto* a = y.data();
    const auto* b = t.data();
    metric_sum r;
    switch (m) {
    case metric::accuracy: {
        const std::size_t c = y.shape()[y.dimension() - 1], rows = n / c;
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
    case metric::binary_accuracy:
        for (std::size_t i = 0; i < n; ++i) r.sum += (a[i] > 0.5) == (b[i] > 0.5);
        r.count = double(n);
        break;
    case metric::mse:
        for (std::size_t i = 0; i < n; ++i) r.sum += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
        r.count = double(n);
        break;
    case metric::mae:
        for (std::size_t i = 0; i < n; ++i) r.sum += std::abs(double(a[i]) - b[i]);
        r.count = double(n);
        break;
    }
    return r;
}

} // namespace cascade
