#pragma once
// gelu<Options...>: the Gaussian error linear unit (Keras keras.activations.gelu / Activation('gelu'),
// approximate=False by default; PyTorch nn.GELU(approximate='none'), gelu<approximate> is
// nn.GELU(approximate='tanh')).   Hendrycks & Gimpel, "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415.
//   exact (default)   y = x Φ(x) = ½ x (1 + erf(x/√2))                dx = dy (Φ(x) + x φ(x))
//   approximate       y = ½ x (1 + tanh(√(2/π)(x + 0.044715 x³)))     dx = dy · d/dx of that
//   Any input shape; the output has the input's shape; no parameters.
// Options: approximate (the tanh form, Keras gelu(approximate=True)).
#include "cascade/layers/options.hpp"
#include "cascade/layers/pointwise_activation.hpp"

namespace cascade::layers {

namespace detail {
struct gelu_option_kinds : option_kinds_list<option_kinds::approximate> {};
struct exact_gelu {
    static constexpr bool value = false;
};
} // namespace detail

template <class... Opts>
struct gelu : detail::pointwise_activation<gelu<Opts...>> {
    static constexpr const char* name = "gelu";
    static constexpr kernels::gelu_term term{detail::option_t<option_kinds::approximate, detail::exact_gelu, Opts...>::value};
    template <class In>
    static constexpr bool accepts = detail::options_ok<detail::gelu_option_kinds, Opts...>;
    template <class In>
    static constexpr void check() { detail::check_options<detail::gelu_option_kinds, Opts...>(); }
};

} // namespace cascade::layers
