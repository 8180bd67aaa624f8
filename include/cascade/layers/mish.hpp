#pragma once
// mish (Keras keras.activations.mish / Activation('mish'); PyTorch nn.Mish()).   Misra, "Mish: A Self
// Regularized Non-Monotonic Activation Function", BMVC 2020 (arXiv:1908.08681).
//   y = x tanh(softplus(x)), softplus(x) = log(1 + e^x) computed as max(x, 0) + log1p(e^−|x|)
//   dx = dy (t + x σ(x) (1 − t²)),  t = tanh(softplus(x))
//   Any input shape; the output has the input's shape; no parameters. Formula and derivative:
//   kernels/pointwise_terms.hpp (mish_term).
#include "cascade/layers/pointwise_activation.hpp"

namespace cascade::layers {

struct mish : detail::pointwise_activation<mish> {
    static constexpr const char* name = "mish";
    static constexpr kernels::mish_term term{};
};

} // namespace cascade::layers
