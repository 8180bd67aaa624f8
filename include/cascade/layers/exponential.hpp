#pragma once
// exponential (Keras keras.activations.exponential / Activation('exponential'); PyTorch torch.exp).
//   No paper: the exponential function, used e.g. for positive-valued (rate, scale) outputs.
//   y = e^x          dx = dy · y
//   Any input shape; the output has the input's shape; no parameters. Formula and derivative:
//   kernels/pointwise_terms.hpp (exponential_term).
#include "cascade/layers/pointwise_activation.hpp"

namespace cascade::layers {

struct exponential : detail::pointwise_activation<exponential> {
    static constexpr const char* name = "exponential";
    static constexpr kernels::exponential_term term{};
};

} // namespace cascade::layers
