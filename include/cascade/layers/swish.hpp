#pragma once
// swish (= silu): the sigmoid-weighted linear unit (Keras keras.activations.swish / silu, Activation('swish');
// PyTorch nn.SiLU()).   Ramachandran, Zoph & Le, "Searching for Activation Functions", arXiv:1710.05941;
// Elfwing, Uchibe & Doya, "Sigmoid-Weighted Linear Units", Neural Networks 2018.
//   y = x σ(x) = x / (1 + e^−x)          dx = dy σ(x) (1 + x (1 − σ(x)))
//   Any input shape; the output has the input's shape; no parameters. Formula and derivative:
//   kernels/pointwise_terms.hpp (swish_term).
#include "cascade/layers/pointwise_activation.hpp"

namespace cascade::layers {

struct swish : detail::pointwise_activation<swish> {
    static constexpr const char* name = "swish";
    static constexpr kernels::swish_term term{};
};

// Keras' other name for the same function.
using silu = swish;

} // namespace cascade::layers
