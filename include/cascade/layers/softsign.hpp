#pragma once
// softsign (Keras keras.activations.softsign / Activation('softsign'); PyTorch nn.Softsign()).
//   Bergstra et al., "Quadratic Polynomials Learn Better Image Features", Université de Montréal TR 1337,
//   2009; Glorot & Bengio, AISTATS 2010.
//   y = x / (1 + |x|)          dx = dy / (1 + |x|)²
//   Any input shape; the output has the input's shape; no parameters. Formula and derivative:
//   kernels/pointwise_terms.hpp (softsign_term).
#include "cascade/layers/pointwise_activation.hpp"

namespace cascade::layers {

struct softsign : detail::pointwise_activation<softsign> {
    static constexpr const char* name = "softsign";
    static constexpr kernels::softsign_term term{};
};

} // namespace cascade::layers
