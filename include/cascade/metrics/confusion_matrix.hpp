#pragma once
// confusion_matrix: counts of (true class, predicted class) pairs, rows = true class, columns = predicted
// (sklearn.metrics.confusion_matrix's layout), with accuracy, per-class precision and recall, and a
// printer (operator<<).
//   confusion_matrix(predicted, truth, classes)   class indices (any integer-valued containers)
//   confusion_matrix::from_outputs(y, t)           network outputs y and targets t of shape (N, ..., C):
//                                                  the arg-max of each row; for C = 1 (a sigmoid output),
//                                                  class = value > threshold (0.5), two classes.
// Arguments are (prediction, truth), like the rest of cascade; sklearn's are (y_true, y_pred).
#include "cascade/config.hpp"
#include "cascade/metrics/values.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

namespace cascade::metrics {

struct confusion_matrix {
    std::size_t classes = 0;
    std::vector<std::size_t> counts;   // counts[truth * classes + predicted]

    confusion_matrix() = default;
    explicit confusion_matrix(std::size_t c) : classes(c), counts(c * c, 0) {}
    template <class P, class Tr>
    confusion_matrix(const P& predicted, const Tr& truth, std::size_t c) : confusion_matrix(c) {
        CASCADE_CHECK(predicted.size() == truth.size(), "confusion_matrix: ", predicted.size(), " predictions but ",
                      truth.size(), " true labels");
        for (std::size_t i = 0; i < predicted.size(); ++i) add(std::size_t(predicted.data()[i]), std::size_t(truth.data()[i]));
    }

    template <class Y>
    static confusion_matrix from_outputs(const Y& y, const Y& t, double threshold = 0.5) {
        CASCADE_CHECK(y.shape() == t.shape(), "confusion_matrix::from_outputs: outputs and targets differ in shape");
        const std::size_t c = y.shape()[y.dimension() - 1], rows = c ? y.size() / c : 0;
        confusion_matrix m(c == 1 ? 2 : c);
        for (std::size_t r = 0; r < rows; ++r) {
            if (c == 1) {
                m.add(double(y.data()[r]) > threshold, double(t.data()[r]) > threshold);
                continue;
            }
            std::size_t ay = 0, at = 0;
            for (std::size_t j = 1; j < c; ++j) {
                if (y.data()[r * c + j] > y.data()[r * c + ay]) ay = j;
                if (t.data()[r * c + j] > t.data()[r * c + at]) at = j;
            }
            m.add(ay, at);
        }
        return m;
    }

    void add(std::size_t predicted, std::size_t truth) {
        CASCADE_CHECK(predicted < classes && truth < classes, "confusion_matrix: class ", predicted < classes ? truth : predicted,
                      " out of range [0, ", classes, ")");
        ++counts[truth * classes + predicted];
    }
    std::size_t operator()(std::size_t truth, std::size_t predicted) const { return counts[truth * classes + predicted]; }
    std::size_t total() const {
        std::size_t s = 0;
        for (auto v : counts) s += v;
        return s;
    }
    double accuracy() const {
        std::size_t d = 0;
        for (std::size_t c = 0; c < classes; ++c) d += (*this)(c, c);
        return total() ? double(d) / double(total()) : 0.0;
    }
    // TP / (TP + FP) and TP / (TP + FN) of class c; 0 when undefined (sklearn's zero_division = 0).
    double precision(std::size_t c) const {
        std::size_t col = 0;
        for (std::size_t r = 0; r < classes; ++r) col += (*this)(r, c);
        return col ? double((*this)(c, c)) / double(col) : 0.0;
    }
    double recall(std::size_t c) const {
        std::size_t row = 0;
        for (std::size_t p = 0; p < classes; ++p) row += (*this)(c, p);
        return row ? double((*this)(c, c)) / double(row) : 0.0;
    }
};

// A table with the true class down and the predicted class across, then the per-class recall.
inline std::ostream& operator<<(std::ostream& os, const confusion_matrix& m) {
    std::size_t width = 5;
    for (auto v : m.counts) width = std::max(width, std::to_string(v).size() + 1);
    char buf[64];
    os << "true \\ pred";
    for (std::size_t p = 0; p < m.classes; ++p) { std::snprintf(buf, sizeof buf, "%*zu", int(width), p); os << buf; }
    os << "   recall\n";
    for (std::size_t t = 0; t < m.classes; ++t) {
        std::snprintf(buf, sizeof buf, "%11zu", t);
        os << buf;
        for (std::size_t p = 0; p < m.classes; ++p) { std::snprintf(buf, sizeof buf, "%*zu", int(width), m(t, p)); os << buf; }
        std::snprintf(buf, sizeof buf, "   %.4f\n", m.recall(t));
        os << buf;
    }
    std::snprintf(buf, sizeof buf, "accuracy %.4f over %zu\n", m.accuracy(), m.total());
    return os << buf;
}

} // namespace cascade::metrics
