#pragma once
// The mask of losses::masked that leaves the padded time steps of variable-length sequences out of the
// loss (Keras computes the loss of a masked model with the mask propagated to the output):
//   sequence_mask(lengths, T, F)   m[n, t, f] = 1 if t < lengths[n], else 0      (padding at the end)
//   step_mask_of(x, v, F)          m[n, t, f] = 0 if every feature of x[n, t] equals v, else 1
//                                  (Keras' Masking(v) rule on the input batch: padding anywhere)
// Both give N·T·F values in the order of a (N, T, F) output (a recurrent layer with return_sequences,
// possibly followed by time_distributed<dense<F>>), for
//   losses::masked<losses::mse> loss;  auto m = losses::sequence_mask(lengths, T, F);  loss.set_mask(m);
// The normaliser of masked<> is then the number of counted steps times F: the mean over the real steps.
// For a model that outputs only the last state ((N, F)) no loss mask is needed: the masked recurrent
// layer's last state already ignores the padding.
#include "cascade/tensor/tensor.hpp"

#include <cstddef>
#include <vector>

namespace cascade::losses {

template <class M = float, class Lengths>
std::vector<M> sequence_mask(const Lengths& lengths, std::size_t steps, std::size_t features) {
    std::vector<M> m;
    m.reserve(lengths.size() * steps * features);
    for (const auto len : lengths)
        for (std::size_t t = 0; t < steps; ++t) m.insert(m.end(), features, std::size_t(len) > t ? M(1) : M(0));
    return m;
}

template <class M = float, class T>
std::vector<M> step_mask_of(const host_tensor<T, 3>& x, T value, std::size_t features) {
    const std::size_t rows = x.shape()[0] * x.shape()[1], c = x.shape()[2];
    std::vector<M> m;
    m.reserve(rows * features);
    for (std::size_t k = 0; k < rows; ++k) {
        bool padded = true;
        for (std::size_t j = 0; j < c; ++j) padded = padded && x.data()[k * c + j] == value;
        m.insert(m.end(), features, padded ? M(0) : M(1));
    }
    return m;
}

} // namespace cascade::losses
