#pragma once
// relu_with<Options...>: the rectified linear unit with Keras ReLU's arguments (Keras ReLU(max_value,
// negative_slope, threshold); PyTorch nn.ReLU6 = relu_with<max_value<6>>, nn.Hardtanh(0, m) for
// max_value<m>, nn.LeakyReLU for negative_slope).  Nair & Hinton, ICML 2010.
//   y = max_value                      if x ≥ max_value
//       x                              if threshold < x < max_value
//       negative_slope · (x − threshold)   otherwise
//   dx = 0, dy or negative_slope · dy in the same three cases. Any input shape; no parameters.
// Options (any order, Keras' defaults): max_value<N, D> (none), negative_slope<N, D> (0), threshold<N, D> (0),
// ratios (docs/decisions/0003); each must be ≥ 0, as Keras requires. relu6 = relu_with<max_value<6>>.
// At x = threshold exactly, y = 0: what Keras 3's backend computes (it keeps x where x > threshold; its
// documentation writes threshold ≤ x, which differs there for threshold ≠ 0), and the gradient is
// TensorFlow's where negative_slope = 0. layers::relu (activations.hpp) stays the option-free ReLU;
// relu_with<> gives the same values and gradients.
#include "cascade/kernels/rectifiers.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"

#include <limits>

namespace cascade::layers {

namespace detail {
struct relu_option_kinds : option_kinds_list<option_kinds::max_value, option_kinds::negative_slope, option_kinds::threshold> {};
struct no_max_value {
    using type = void;
};
template <class M>
inline constexpr bool relu_max_ok = M::num >= 0;
template <>
inline constexpr bool relu_max_ok<void> = true;
} // namespace detail

template <class... Opts>
struct relu_with {
    static constexpr const char* name = "relu_with";
    using max_opt = typename detail::option_t<option_kinds::max_value, detail::no_max_value, Opts...>;
    using slope_t = typename detail::option_t<option_kinds::negative_slope, negative_slope<0>, Opts...>::type;
    using threshold_t = typename detail::option_t<option_kinds::threshold, threshold<0>, Opts...>::type;
    static constexpr bool has_max = !std::is_void_v<typename max_opt::type>;
    static constexpr bool max_ok = detail::relu_max_ok<typename max_opt::type>;
    static constexpr bool values_ok = max_ok && slope_t::num >= 0 && threshold_t::num >= 0;
    static constexpr bool valid = detail::options_ok<detail::relu_option_kinds, Opts...> && values_ok;

    template <class In>
    static constexpr bool accepts = valid;
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::relu_option_kinds, Opts...>();
        static_assert(max_ok, "relu_with: max_value must be >= 0 (Keras ReLU)");
        static_assert(slope_t::num >= 0, "relu_with: negative_slope must be >= 0 (Keras ReLU)");
        static_assert(threshold_t::num >= 0, "relu_with: threshold must be >= 0 (Keras ReLU)");
    }
    template <class In>
    using output_shape = In;
    // max_value as a T, +∞ when there is none.
    template <class T>
    static constexpr T max_value_as() {
        if constexpr (has_max) return ratio_value<T, typename max_opt::type>;
        else return std::numeric_limits<T>::infinity();
    }

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, In::rank + 1>;
        static constexpr kernels::cpu::relu_params<T> p{max_value_as<T>(), ratio_value<T, slope_t>, ratio_value<T, threshold_t>};
        void forward(const tensor& x, tensor& y, mode) { kernels::relu_with_forward(x, y, p); }
        void backward(const tensor& x, const tensor&, const tensor& dy, tensor* dx) {
            if (dx) kernels::relu_with_backward(x, dy, *dx, p);
        }
    };
};

// ReLU6 (Keras activations.relu6, PyTorch nn.ReLU6): min(max(x, 0), 6).
using relu6 = relu_with<max_value<6>>;

} // namespace cascade::layers
