#pragma once
// Per-channel standardisation of channels-last data: x ← (x − μ_c) / σ_c, with μ_c and σ_c the mean and
// standard deviation of channel c (the last axis) over every sample and position of a reference set —
// the training set, so that test data is transformed with the training statistics. "Standard normalize:
// mean(x_i) = 0, std(x_i) = 1" (seed 003, D. Walz, RWTH deep-learning tutorial 2017, slide "Data
// Preprocessing"); sklearn's StandardScaler fitted on the channel axis.
//
//   auto s = data::channel_statistics(train.x);     // μ, σ per channel (sums in double)
//   data::standardize_channels(train.x, s);          // in place
//   data::standardize_channels(test.x, s);
// A channel with σ = 0 is only centred (divided by 1).
#include "cascade/config.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace cascade::data {

struct channel_stats {
    std::vector<double> mean, stddev;   // one per channel
};

// Mean and (population) standard deviation of each channel (last axis) of x, over all other axes.
template <class T, std::size_t R>
channel_stats channel_statistics(const host_tensor<T, R>& x) {
    const std::size_t c = x.shape()[R - 1];
    CASCADE_CHECK(c > 0 && x.size() > 0, "channel_statistics: empty tensor");
    const std::size_t rows = x.size() / c;
    std::vector<double> sum(c, 0.0), sq(c, 0.0);
    const T* p = x.data();
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t k = 0; k < c; ++k) {
            const double v = double(p[i * c + k]);
            sum[k] += v;
            sq[k] += v * v;
        }
    channel_stats s{std::vector<double>(c), std::vector<double>(c)};
    for (std::size_t k = 0; k < c; ++k) {
        s.mean[k] = sum[k] / double(rows);
        s.stddev[k] = std::sqrt(std::max(0.0, sq[k] / double(rows) - s.mean[k] * s.mean[k]));
    }
    return s;
}

// x ← (x − mean) / stddev per channel, in place. Throws cascade::error if the channel counts differ.
template <class T, std::size_t R>
void standardize_channels(host_tensor<T, R>& x, const channel_stats& s) {
    const std::size_t c = x.shape()[R - 1];
    CASCADE_CHECK(s.mean.size() == c && s.stddev.size() == c, "standardize_channels: statistics for ", s.mean.size(),
                  " channels, tensor has ", c);
    std::vector<T> shift(c), scale(c);
    for (std::size_t k = 0; k < c; ++k) {
        shift[k] = T(s.mean[k]);
        scale[k] = T(s.stddev[k] > 0 ? 1.0 / s.stddev[k] : 1.0);
    }
    T* p = x.data();
    const std::size_t rows = c ? x.size() / c : 0;
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t k = 0; k < c; ++k) p[i * c + k] = (p[i * c + k] - shift[k]) * scale[k];
}

} // namespace cascade::data
