#pragma once
// dataset: N samples and N targets held as two contiguous, row-major tensors (never vectors of vectors).
//
//   x: (N, ...sample shape...)   e.g. (N, 28, 28, 1) images, channels-last
//   y: (N, ...target shape...)   e.g. (N, 10) one-hot labels, or (N, k) regression targets
//
// Sample i is the i-th contiguous "row" of each tensor: x.data() + i * row_size(x). The helpers here
// (split, subset, one_hot) and the batcher (batcher.hpp) only ever copy whole rows.
#include "cascade/config.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

namespace cascade::data {

namespace detail {

// Elements per sample ("row") of a (N, ...) tensor: the product of every dimension but the first.
template <class T, std::size_t R>
std::size_t row_size(const host_tensor<T, R>& t) {
    std::size_t s = 1;
    for (std::size_t i = 1; i < R; ++i) s *= t.shape()[i];
    return s;
}

// The shape of t with its first dimension replaced by n.
template <class T, std::size_t R>
std::array<std::size_t, R> with_rows(const host_tensor<T, R>& t, std::size_t n) {
    std::array<std::size_t, R> s{};
    for (std::size_t i = 0; i < R; ++i) s[i] = t.shape()[i];
    s[0] = n;
    return s;
}

// Copies rows [begin, end) of src into a new tensor of shape (end - begin, ...).
template <class T, std::size_t R>
host_tensor<T, R> copy_rows(const host_tensor<T, R>& src, std::size_t begin, std::size_t end) {
    host_tensor<T, R> out(with_rows(src, end - begin));
    const std::size_t row = row_size(src);
    std::copy(src.data() + begin * row, src.data() + end * row, out.data());
    return out;
}

} // namespace detail

template <class T, std::size_t XR, std::size_t YR = 2>
struct dataset {
    static_assert(XR >= 1 && YR >= 1, "dataset: x and y need a leading sample axis (rank >= 1)");
    using value_type = T;
    static constexpr std::size_t x_rank = XR;
    static constexpr std::size_t y_rank = YR;

    host_tensor<T, XR> x; // (N, ...) samples
    host_tensor<T, YR> y; // (N, ...) targets

    // Throws cascade::error if x and y do not hold the same number of samples.
    void validate() const {
        CASCADE_CHECK(x.shape()[0] == y.shape()[0], "dataset: x holds ", x.shape()[0], " samples but y holds ",
                      y.shape()[0], " targets; both need the same first dimension N");
    }

    // N, the number of samples (validated: throws cascade::error if x and y disagree).
    std::size_t size() const {
        validate();
        return x.shape()[0];
    }
    bool empty() const { return size() == 0; }
};

// Anything shaped like a dataset: contiguous x and y tensors and a size().
template <class D>
concept is_dataset = requires(const D& d) {
    d.x;
    d.y;
    d.x.data();
    d.y.data();
    { d.size() } -> std::convertible_to<std::size_t>;
};

// Samples [begin, end) of d, copied (throws cascade::error if the range is not inside [0, N]).
template <class T, std::size_t XR, std::size_t YR>
dataset<T, XR, YR> subset(const dataset<T, XR, YR>& d, std::size_t begin, std::size_t end) {
    const std::size_t n = d.size();
    CASCADE_CHECK(begin <= end && end <= n, "subset: range [", begin, ", ", end, ") is not inside the ", n,
                  " samples of the dataset");
    return dataset<T, XR, YR>{detail::copy_rows(d.x, begin, end), detail::copy_rows(d.y, begin, end)};
}

// The sample index where split() cuts: floor(N * (1 - fraction_for_second)), exactly as Keras'
// validation_split computes it.
inline std::size_t split_point(std::size_t n, double fraction_for_second) {
    CASCADE_CHECK(fraction_for_second >= 0.0 && fraction_for_second <= 1.0,
                  "split: fraction_for_second must be in [0, 1], got ", fraction_for_second);
    const auto at = static_cast<std::size_t>(std::floor(static_cast<double>(n) * (1.0 - fraction_for_second)));
    return std::min(at, n);
}

// Splits like Keras' validation_split: the LAST fraction_for_second of the samples (no shuffling)
// become the second part, the rest the first. Returns (first, second); either may be empty.
template <class T, std::size_t XR, std::size_t YR>
std::pair<dataset<T, XR, YR>, dataset<T, XR, YR>> split(const dataset<T, XR, YR>& d, double fraction_for_second) {
    const std::size_t n = d.size();
    const std::size_t at = split_point(n, fraction_for_second);
    return {subset(d, 0, at), subset(d, at, n)};
}

// (N, classes) one-hot matrix of integer labels: row i is 1 at column labels[i], 0 elsewhere.
// Throws cascade::error naming the sample for a label < 0 or >= classes.
template <class T, std::integral L>
host_tensor<T, 2> one_hot(const std::vector<L>& labels, std::size_t classes) {
    CASCADE_CHECK(classes > 0, "one_hot: the number of classes must be positive");
    host_tensor<T, 2> out(std::array<std::size_t, 2>{labels.size(), classes});
    std::fill(out.data(), out.data() + out.size(), T(0));
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const L l = labels[i];
        if constexpr (std::is_signed_v<L>) {
            CASCADE_CHECK(l >= 0, "one_hot: label ", +l, " of sample ", i, " is negative; labels must be in [0, ",
                          classes, ")");
        }
        CASCADE_CHECK(static_cast<std::uint64_t>(l) < classes, "one_hot: label ", +l, " of sample ", i,
                      " is out of range: expected a label in [0, ", classes, ")");
        out.data()[i * classes + static_cast<std::size_t>(l)] = T(1);
    }
    return out;
}

} // namespace cascade::data
