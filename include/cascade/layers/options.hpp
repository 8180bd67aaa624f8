#pragma once
// Named layer options: everything but a layer's required size is an option type, given in any order,
// with Keras' default when left out (docs/decisions/0013-named-layer-options.md):
//
//   conv2d<32, kernel<3, 5>, strides<2, 1>, padding::same, dilation<2>, no_bias, kernel_init<init::he_normal>>
//   max_pool2d<2, strides<1>, padding::same>        max_pool2d<dims<2, 1>>   (a per-axis pool size)
//   dense<10, no_bias>                              batch_norm<momentum<9, 10>, epsilon<1, 100000>>
//
// A single value means every axis (kernel<3> is Keras' kernel_size=3); several values are per axis,
// in the layer's axis order (depth, height, width). Each layer lists the option kinds it takes; an option
// it does not take, a repeated option (two paddings count as repeated) or a type that is no option fails
// to compile with one short message that names the layer and the option.
#include "cascade/layers/padding.hpp"
#include "cascade/tensor/ratio.hpp"

#include <array>
#include <cstddef>
#include <type_traits>

namespace cascade::layers {

// The kinds of option: a layer declares which it takes, and each kind may be given once.
namespace option_kinds {
struct kernel_size {};
struct strides {};
struct dilation_rate {};
struct padding {};
struct output_padding {};
struct use_bias {};
struct kernel_initializer {};
struct bias_initializer {};
struct momentum {};
struct epsilon {};
struct moving_variance {};   // batch_norm: biased (Keras 3) or unbiased (PyTorch) batch variance
// Recurrent layers (lstm, gru, simple_rnn).
struct return_sequences {};
struct recurrent_initializer {};
struct unit_forget_bias {};
struct reset_after {};
struct mask_value {};   // recurrent layers: skip the steps whose features all equal a value (Keras Masking)
struct zero_output_for_mask {};   // masked recurrent layers: output 0 at masked steps
struct merge_mode {};   // bidirectional: how the two directions' outputs are combined
// Resizing layers (upsampling1d/2d/3d).
struct interpolation {};
// layer_normalization (center, scale), prelu (shared_axes), relu_with (max_value, negative_slope, threshold).
struct center {};
struct scale {};
struct shared_axes {};
struct max_value {};
struct negative_slope {};
struct threshold {};
// Depthwise and separable convolutions: depth_multiplier, depthwise_initializer, pointwise_initializer.
struct depth_multiplier {};
struct depthwise_initializer {};
struct pointwise_initializer {};
// gelu (approximate: the tanh form), global pooling (keepdims: size-1 spatial axes kept).
struct approximate {};
struct keepdims {};
struct embeddings_initializer {};   // embedding
} // namespace option_kinds

namespace detail {
// Up to three per-axis sizes; a single value broadcasts to every axis.
template <std::size_t... N>
struct axis_values {
    static_assert(sizeof...(N) >= 1 && sizeof...(N) <= 3, "layer option: give 1, 2 or 3 sizes (one per axis)");
    static_assert(((N > 0) && ...), "layer option: sizes must be positive");
    static constexpr std::size_t count = sizeof...(N);
    static constexpr std::array<std::size_t, sizeof...(N)> values{N...};
    // Value for axis i of a Dims-axis layer (i < Dims, axes in the layer's order).
    static constexpr std::size_t of(std::size_t dims, std::size_t i) {
        return count == 1 ? values[0] : (count == dims ? values[i] : 1);
    }
};
} // namespace detail

// kernel<K> or kernel<KD, KH, KW>: Keras' kernel_size.
template <std::size_t... K>
struct kernel : detail::axis_values<K...> {
    using option_kind = option_kinds::kernel_size;
};
// strides<S…>: Keras' strides (default 1 for convolutions, the pool size for pooling).
template <std::size_t... S>
struct strides : detail::axis_values<S...> {
    using option_kind = option_kinds::strides;
};
// dilation<D…>: Keras' dilation_rate (default 1).
template <std::size_t... D>
struct dilation : detail::axis_values<D...> {
    using option_kind = option_kinds::dilation_rate;
};
// output_padding<P…>: extra rows/columns at the end of a transposed convolution's output (Keras'
// output_padding; each must be smaller than the stride). Zero is allowed here, unlike the other sizes.
template <std::size_t... P>
struct output_padding {
    static_assert(sizeof...(P) >= 1 && sizeof...(P) <= 3, "output_padding: give 1, 2 or 3 sizes (one per axis)");
    using option_kind = option_kinds::output_padding;
    static constexpr std::size_t count = sizeof...(P);
    static constexpr std::array<std::size_t, sizeof...(P)> values{P...};
    static constexpr std::size_t of(std::size_t dims, std::size_t i) {
        return count == 1 ? values[0] : (count == dims ? values[i] : 0);
    }
};

// padding::valid (the default), padding::same, padding::causal (conv1d only).
namespace padding {
struct valid {
    using option_kind = option_kinds::padding;
    static constexpr padding_mode value = padding_mode::valid;
};
struct same {
    using option_kind = option_kinds::padding;
    static constexpr padding_mode value = padding_mode::same;
};
struct causal {
    using option_kind = option_kinds::padding;
    static constexpr padding_mode value = padding_mode::causal;
};
// padding::of<M>: the option for a padding_mode value (for code generic over the mode).
template <padding_mode M>
using of = std::conditional_t<M == padding_mode::valid, valid, std::conditional_t<M == padding_mode::same, same, causal>>;
} // namespace padding

// use_bias<B>: Keras' use_bias (default true); no_bias is use_bias<false>.
template <bool B>
struct use_bias {
    using option_kind = option_kinds::use_bias;
    static constexpr bool value = B;
};
using no_bias = use_bias<false>;
// kernel_init<I>, bias_init<I>: Keras' kernel_initializer / bias_initializer (init/initializers.hpp).
template <class Init>
struct kernel_init {
    using option_kind = option_kinds::kernel_initializer;
    using type = Init;
};
template <class Init>
struct bias_init {
    using option_kind = option_kinds::bias_initializer;
    using type = Init;
};
// momentum<Num, Den>, epsilon<Num, Den>: fractional hyper-parameters as ratios (docs/decisions/0003):
// batch_norm<momentum<9, 10>> is Keras' BatchNormalization(momentum=0.9).
namespace detail {
// A fraction option's two integers (a floating-point literal there gets a static_assert saying how to write it).
template <auto Num, auto Den>
inline constexpr bool integer_fraction = std::is_integral_v<decltype(Num)> && std::is_integral_v<decltype(Den)> && Den != 0;
template <auto Num, auto Den>
using fraction_t = std::conditional_t<integer_fraction<Num, Den>,
                                      ratio<(long long)Num, (long long)Den == 0 ? 1 : (long long)Den>, ratio<0>>;
} // namespace detail

template <auto Num, auto Den = 1>
struct momentum {
    static constexpr bool well_formed = detail::integer_fraction<Num, Den>;   // else check_option says how to write it
    using option_kind = option_kinds::momentum;
    using type = detail::fraction_t<Num, Den>;
};
template <auto Num, auto Den = 1>
struct epsilon {
    static constexpr bool well_formed = detail::integer_fraction<Num, Den>;   // else check_option says how to write it
    using option_kind = option_kinds::epsilon;
    using type = detail::fraction_t<Num, Den>;
};

// Recurrent layers: return_sequences (Keras return_sequences=True: every h_t, not only the last);
// recurrent_init<I> (Keras recurrent_initializer, default orthogonal); unit_forget_bias<false> (lstm;
// Keras' default is true); reset_after<false> (gru: Keras 1's form, reset before the recurrent product;
// Keras 2's default is true).
struct return_sequences {
    using option_kind = option_kinds::return_sequences;
    static constexpr bool value = true;
};
template <class Init>
struct recurrent_init {
    using option_kind = option_kinds::recurrent_initializer;
    using type = Init;
};
template <bool B>
struct unit_forget_bias {
    using option_kind = option_kinds::unit_forget_bias;
    static constexpr bool value = B;
};
template <bool B>
struct reset_after {
    using option_kind = option_kinds::reset_after;
    static constexpr bool value = B;
};
// mask_value<N, D>: the recurrent layers (and bidirectional's) skip the time steps whose features all equal
// N/D, Keras Masking(mask_value=N/D) placed immediately before the recurrent layer (layers/recurrent.hpp).
template <auto Num, auto Den = 1>
struct mask_value {
    static constexpr bool well_formed = detail::integer_fraction<Num, Den>;   // else check_option says how to write it
    using option_kind = option_kinds::mask_value;
    using type = detail::fraction_t<Num, Den>;
};
// zero_output_for_mask: a masked recurrent layer with return_sequences outputs 0 at the masked steps
// instead of the carried state (Keras' RNN argument zero_output_for_mask=True). A recurrent layer stacked
// on it can then take mask_value<0> and skip the same steps, as Keras' propagated mask makes it do.
struct zero_output_for_mask {
    using option_kind = option_kinds::zero_output_for_mask;
    static constexpr bool value = true;
};
// merge::concat (the default), merge::sum, merge::mul, merge::ave: Keras Bidirectional's merge_mode
// (layers/bidirectional.hpp).
enum class merge_kind { concat, sum, mul, ave };
namespace merge {
struct concat {
    using option_kind = option_kinds::merge_mode;
    static constexpr merge_kind value = merge_kind::concat;
};
struct sum {
    using option_kind = option_kinds::merge_mode;
    static constexpr merge_kind value = merge_kind::sum;
};
struct mul {
    using option_kind = option_kinds::merge_mode;
    static constexpr merge_kind value = merge_kind::mul;
};
struct ave {
    using option_kind = option_kinds::merge_mode;
    static constexpr merge_kind value = merge_kind::ave;
};
} // namespace merge
// unbiased_moving_variance: batch_norm updates its moving variance with the unbiased batch variance
// (Bessel's correction n/(n − 1)), as PyTorch's BatchNorm and tf.keras 2's fused kernel do; the default is
// Keras 3's biased batch variance (docs/layers.md, "Keras 3 formulas").
struct unbiased_moving_variance {
    using option_kind = option_kinds::moving_variance;
    static constexpr bool value = true;
};

// interpolation::nearest (the default), interpolation::bilinear: Keras UpSampling2D's interpolation
// (upsampling2d only, as in Keras; layers/upsampling_nd.hpp has the formulas).
enum class interpolation_mode { nearest, bilinear };
namespace interpolation {
struct nearest {
    using option_kind = option_kinds::interpolation;
    static constexpr interpolation_mode value = interpolation_mode::nearest;
};
struct bilinear {
    using option_kind = option_kinds::interpolation;
    static constexpr interpolation_mode value = interpolation_mode::bilinear;
};
} // namespace interpolation

// no_center, no_scale: Keras LayerNormalization's center=False (no β) and scale=False (no γ).
struct no_center {
    using option_kind = option_kinds::center;
    static constexpr bool value = false;
};
struct no_scale {
    using option_kind = option_kinds::scale;
    static constexpr bool value = false;
};
// shared_axes<A…>: Keras PReLU's shared_axes, 1-based sample axes along which α is shared (one α per
// channel of an image: prelu<shared_axes<1, 2>>).
template <std::size_t... A>
struct shared_axes {
    using option_kind = option_kinds::shared_axes;
    static constexpr std::size_t count = sizeof...(A);
    static constexpr std::array<std::size_t, sizeof...(A)> values{A...};
};
// max_value<N, D>, negative_slope<N, D>, threshold<N, D>: Keras ReLU's arguments as ratios
// (relu_with<max_value<6>> is ReLU(max_value=6), ReLU6).
template <auto Num, auto Den = 1>
struct max_value {
    static constexpr bool well_formed = detail::integer_fraction<Num, Den>;   // else check_option says how to write it
    using option_kind = option_kinds::max_value;
    using type = detail::fraction_t<Num, Den>;
};
template <auto Num, auto Den = 1>
struct negative_slope {
    static constexpr bool well_formed = detail::integer_fraction<Num, Den>;   // else check_option says how to write it
    using option_kind = option_kinds::negative_slope;
    using type = detail::fraction_t<Num, Den>;
};
template <auto Num, auto Den = 1>
struct threshold {
    static constexpr bool well_formed = detail::integer_fraction<Num, Den>;   // else check_option says how to write it
    using option_kind = option_kinds::threshold;
    using type = detail::fraction_t<Num, Den>;
};

// depth_multiplier<M>: Keras' depth_multiplier (default 1), output channels per input channel of a
// depthwise or separable convolution; depthwise_init<I>, pointwise_init<I>: Keras' depthwise_initializer
// and pointwise_initializer (default glorot_uniform) of depthwise_conv*/separable_conv*.
template <std::size_t M>
struct depth_multiplier {
    static_assert(M > 0, "depth_multiplier<M>: M must be positive");
    using option_kind = option_kinds::depth_multiplier;
    static constexpr std::size_t value = M;
};
template <class Init>
struct depthwise_init {
    using option_kind = option_kinds::depthwise_initializer;
    using type = Init;
};
template <class Init>
struct pointwise_init {
    using option_kind = option_kinds::pointwise_initializer;
    using type = Init;
};

// approximate: gelu's tanh approximation (Keras gelu(approximate=True)); the default is the exact erf form.
struct approximate {
    using option_kind = option_kinds::approximate;
    static constexpr bool value = true;
};
// keepdims: the global poolings keep the pooled axes with size 1 (Keras keepdims=True): (N, 1, 1, C).
struct keepdims {
    using option_kind = option_kinds::keepdims;
    static constexpr bool value = true;
};

// embeddings_init<I>: Keras Embedding's embeddings_initializer (default init::random_uniform<>, Keras' 'uniform').
template <class Init>
struct embeddings_init {
    using option_kind = option_kinds::embeddings_initializer;
    using type = Init;
};

// dims<A, B…>: a per-axis leading size (pool size, upsampling size) where one number means every axis:
// max_pool2d<2> and max_pool2d<dims<2, 1>>.
struct extent {
    std::size_t a0 = 1, a1 = 1, a2 = 1;   // scalars, not an array: g++ prints extent{2, 2, 2, 1}
    std::size_t n = 1;                    // how many sizes were given
    constexpr extent(std::size_t a) : a0(a), a1(a), a2(a), n(1) {}
    constexpr extent(std::size_t a, std::size_t b) : a0(a), a1(b), a2(1), n(2) {}
    constexpr extent(std::size_t a, std::size_t b, std::size_t c) : a0(a), a1(b), a2(c), n(3) {}
    // nvcc's front end re-emits a class template argument member-wise, as extent{a0, a1, a2, n}.
    constexpr extent(std::size_t a, std::size_t b, std::size_t c, std::size_t count) : a0(a), a1(b), a2(c), n(count) {}
    constexpr std::size_t at(std::size_t i) const { return i == 0 ? a0 : i == 1 ? a1 : a2; }
    constexpr std::size_t of(std::size_t dims, std::size_t i) const { return n == 1 ? a0 : (n == dims ? at(i) : 1); }
    constexpr bool positive() const { return a0 > 0 && a1 > 0 && a2 > 0; }
};
template <std::size_t... N>
inline constexpr extent dims = extent(N...);

namespace detail {

// (A variable, not a concept: a failed concept in a static_assert adds g++'s notes on why it failed.)
template <class O, class = void>
inline constexpr bool is_option = false;
template <class O>
inline constexpr bool is_option<O, std::void_t<typename O::option_kind>> = true;

template <class O>
struct kind_of {
    using type = void;
};
template <class O>
    requires is_option<O>
struct kind_of<O> {
    using type = typename O::option_kind;
};

template <class Kind, class... Opts>
inline constexpr std::size_t count_kind = (std::size_t(0) + ... + std::size_t(std::is_same_v<typename kind_of<Opts>::type, Kind>));

// The option of kind Kind among Opts, or Default.
template <class Kind, class Default, class... Opts>
struct find_option {
    using type = Default;
};
template <class Kind, class Default, class O, class... Opts>
struct find_option<Kind, Default, O, Opts...> {
    using type = std::conditional_t<std::is_same_v<typename kind_of<O>::type, Kind>, O,
                                    typename find_option<Kind, Default, Opts...>::type>;
};
template <class Kind, class Default, class... Opts>
using option_t = typename find_option<Kind, Default, Opts...>::type;

template <class... Kinds>
struct option_kinds_list {
    template <class K>
    static constexpr bool has = (std::is_same_v<K, Kinds> || ...);
};

// Whether every option is one, of a kind in Accepted (an option_kinds_list), and of a kind given once.
// An option whose arguments are wrong (a fraction given as a floating-point literal) says so with well_formed.
template <class O>
constexpr bool option_well_formed() {
    if constexpr (requires { O::well_formed; }) return O::well_formed;
    else return true;
}

template <class Accepted, class... Opts>
inline constexpr bool options_ok =
    ((is_option<Opts> && option_well_formed<Opts>() && Accepted::template has<typename kind_of<Opts>::type> &&
      count_kind<typename kind_of<Opts>::type, Opts...> == 1) && ...);

// The diagnostics of a layer's options, called first by its check(): g++ names the layer in the line
// "In ... check() [with In = ...]" and the option in "[with Opt = ...]" (or, for a repetition, the options in
// the line "check_options<..., Opts...>").
template <class Opt, class Accepted>
constexpr bool check_option() {
    static_assert(is_option<Opt>, "layer option: Opt is not a layer option (kernel<>, strides<>, padding::same, "
                                  "no_bias, kernel_init<>, ...: see docs/layers.md)");
    if constexpr (is_option<Opt>) {
        constexpr bool taken = Accepted::template has<typename Opt::option_kind>;   // (a bool: no note listing Accepted)
        static_assert(taken, "layer option: this layer does not take option Opt");
        constexpr bool integers = option_well_formed<Opt>();
        static_assert(integers, "layer option: Opt takes a fraction of two integers: momentum<9, 10> for 0.9, "
                                "epsilon<1, 1000> for 1e-3 (docs/decisions/0003)");
    }
    return true;
}
template <class Accepted, class... Opts>
constexpr void check_options() {
    constexpr bool known = (check_option<Opts, Accepted>() && ...);
    constexpr bool once = ((!is_option<Opts> || count_kind<typename kind_of<Opts>::type, Opts...> == 1) && ...);
    constexpr bool ok = !known || once;
    static_assert(ok, "layer option: an option is given twice, or with another of its kind (e.g. two paddings)");
}

} // namespace detail
} // namespace cascade::layers
