#pragma once
// hard_swish (= hard_silu): x times hard_sigmoid(x) (Keras keras.activations.hard_swish / hard_silu;
// PyTorch nn.Hardswish()).   Howard et al., "Searching for MobileNetV3", ICCV 2019.
//   y = x relu6(x + 3) / 6          dx = 0 (x ≤ −3), dy (x ≥ 3), dy (2x + 3) / 6 in between
//   Any input shape; the output has the input's shape; no parameters. Formula and derivative:
//   kernels/pointwise_terms.hpp (hard_swish_term).
#include "cascade/layers/pointwise_activation.hpp"

namespace cascade::layers {

struct hard_swish : detail::pointwise_activation<hard_swish> {
    static constexpr const char* name = "hard_swish";
    static constexpr kernels::hard_swish_term term{};
};

// Keras' other name for the same function.
using hard_silu = hard_swish;

} // namespace cascade::layers
