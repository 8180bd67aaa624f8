#pragma once
// Ensemble averaging: the mean of the predictions of several trained networks (seed 003, D. Walz, "Deep
// Learning Tutorial", RWTH Aachen 2017, slide "Bias and Variance Dilemma": "train multiple networks and
// combine their predictions ⇒ variance ↓, free boost in test performance"; the tutorial's test-ensemble.py).
//   ŷ(x) = (1/M) Σ_m f_m(x)        (soft voting: for soft-max outputs, the mean class probabilities)
// The networks may differ in architecture, but must agree on the input shape, the output shape and the scalar
// type (checked at compile time). Each network runs train::predict, i.e. in inference mode (dropout off,
// batch norm on its moving statistics).
//
//   auto p = train::ensemble_predict(x, net_a, net_b, net_c);      // any networks, (N, out...)
//   auto q = train::ensemble_predict(x, nets);                      // a range (std::vector, ...) of one type
//   double acc = train::accuracy(p, t);                             // fraction of arg-max matches
#include "cascade/config.hpp"
#include "cascade/train/fit.hpp"
#include "cascade/train/metric.hpp"

#include <cstddef>
#include <iterator>
#include <ranges>
#include <type_traits>

namespace cascade::train {

namespace detail {

// Something that predict() accepts: a network with compile-time input and output shapes.
template <class N>
concept ensemble_member = requires {
    typename N::input_shape;
    typename N::output_shape;
    typename N::input_tensor;
    typename N::output_tensor;
};

template <class Out, class Y>
void accumulate_prediction(Out& sum, const Y& y) {
    auto* s = sum.data();
    const auto* p = y.data();
    for (std::size_t i = 0, n = sum.size(); i < n; ++i) s[i] += p[i];
}

template <class Out>
void divide_by(Out& sum, std::size_t m) {
    using T = std::remove_cvref_t<decltype(*sum.data())>;
    const T inv = T(1) / T(m);
    for (auto& v : sum) v *= inv;
}

} // namespace detail

// Mean of the predictions of the networks first, rest... on x (inference mode, batches of 256).
template <detail::ensemble_member First, detail::ensemble_member... Rest>
typename First::output_tensor ensemble_predict(const typename First::input_tensor& x, First& first, Rest&... rest) {
    static_assert((std::is_same_v<typename First::input_shape, typename Rest::input_shape> && ...),
                  "ensemble_predict: every network must take the same input shape");
    static_assert((std::is_same_v<typename First::output_shape, typename Rest::output_shape> && ...),
                  "ensemble_predict: every network must have the same output shape");
    static_assert((std::is_same_v<typename First::scalar_type, typename Rest::scalar_type> && ...),
                  "ensemble_predict: every network must use the same scalar type (float or double)");
    auto sum = predict(first, x);
    (detail::accumulate_prediction(sum, predict(rest, x)), ...);
    detail::divide_by(sum, 1 + sizeof...(Rest));
    return sum;
}

// Mean of the predictions of every network in a range (e.g. std::vector<Net>) on x. Throws cascade::error
// for an empty range.
template <std::ranges::forward_range Nets>
    requires detail::ensemble_member<std::ranges::range_value_t<Nets>>
typename std::ranges::range_value_t<Nets>::output_tensor
ensemble_predict(const typename std::ranges::range_value_t<Nets>::input_tensor& x, Nets& nets,
                 std::size_t batch_size = 256) {
    CASCADE_CHECK(std::ranges::begin(nets) != std::ranges::end(nets),
                  "ensemble_predict: the ensemble holds no networks");
    auto it = std::ranges::begin(nets);
    auto sum = predict(*it, x, batch_size);
    std::size_t m = 1;
    for (++it; it != std::ranges::end(nets); ++it, ++m) detail::accumulate_prediction(sum, predict(*it, x, batch_size));
    detail::divide_by(sum, m);
    return sum;
}

// Classification accuracy of predictions y against one-hot (or probability) targets t: the fraction of rows
// whose arg-max agree. Throws cascade::error if the shapes differ.
template <class Y>
double accuracy(const Y& y, const Y& t) {
    CASCADE_CHECK(y.shape() == t.shape(), "accuracy: predictions and targets differ in shape");
    return evaluate_metric(metric::accuracy, y, t).mean();
}

} // namespace cascade::train
