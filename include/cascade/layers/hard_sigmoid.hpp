#pragma once
// hard_sigmoid: the piecewise-linear sigmoid, Keras 3's formula (keras.activations.hard_sigmoid /
// Activation('hard_sigmoid'); PyTorch nn.Hardsigmoid()). tf.keras 2 used max(0, min(1, 0.2 x + 0.5))
// instead; Keras 3 and PyTorch agree on this one.   Courbariaux, Bengio & David, "BinaryConnect",
// NeurIPS 2015; Howard et al., "Searching for MobileNetV3", ICCV 2019.
//   y = relu6(x + 3) / 6 = min(max(x + 3, 0), 6) / 6       dx = dy / 6 on −3 < x < 3, else 0
//   Any input shape; the output has the input's shape; no parameters. Formula and derivative:
//   kernels/pointwise_terms.hpp (hard_sigmoid_term).
#include "cascade/layers/pointwise_activation.hpp"

namespace cascade::layers {

struct hard_sigmoid : detail::pointwise_activation<hard_sigmoid> {
    static constexpr const char* name = "hard_sigmoid";
    static constexpr kernels::hard_sigmoid_term term{};
};

} // namespace cascade::layers
