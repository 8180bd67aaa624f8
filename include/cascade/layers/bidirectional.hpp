#pragma once
// bidirectional<Layer, Options...>: a recurrent layer run forwards and a second copy of it run on the
// time-reversed sequence, the two outputs merged (Keras Bidirectional(layer, merge_mode='concat');
// PyTorch nn.LSTM / nn.GRU / nn.RNN(..., bidirectional=True) for the concat mode).
//   e.g. bidirectional<lstm<32>>, bidirectional<gru<16, return_sequences>, merge::sum>,
//        bidirectional<lstm<8, mask_value<0>>>  (variable-length sequences, padded with zero steps)
//   Schuster & Paliwal, "Bidirectional recurrent neural networks", IEEE Trans. Signal Processing 45(11), 1997.
//   With rev(x)[n, t] = x[n, T−1−t], f = Layer (forward copy), g = Layer (backward copy, its own weights):
//     y_f = f(x)      y_b = g(rev(x)), and with return_sequences y_b ← rev(y_b) (Keras flips it back,
//                     so that y_f[t] and y_b[t] both belong to step t)
//     merge::concat (default)  y = [y_f ‖ y_b]        (last axis: 2·Units)
//     merge::sum               y = y_f + y_b
//     merge::mul               y = y_f ⊙ y_b
//     merge::ave               y = (y_f + y_b) / 2
//   x (N, T, C) → (N, T, Units′) with Layer's return_sequences, else (N, Units′); Units′ = 2·Units for
//   concat, Units otherwise. Without return_sequences y_b is g's last state, i.e. after reading x[T−1]
//   … x[0] (Keras go_backwards=True).
//   Backward: dy is split (concat), copied (sum), halved (ave) or multiplied by the other direction's
//   output (mul); the backward copy's input gradient is reversed in time and added to the forward one's.
// Masking: with mask_value<v> on Layer both copies skip the masked steps (each derives the mask from its
//   own input; reversing x reverses the mask, as Keras reverses it for go_backwards). With
//   return_sequences both directions' outputs at masked steps are zero (Keras Bidirectional sets
//   zero_output_for_mask = return_sequences on both copies), so every merge mode gives 0 there.
// Options: one merge mode (merge::concat, merge::sum, merge::mul, merge::ave); the recurrent options
//   go on Layer. Layer must be lstm<>, gru<> or simple_rnn<>.
// Parameters: the forward copy's (W, U, b), then the backward copy's (Keras' get_weights() order); each
//   copy is initialised on its own (forward first). Count: twice Layer's.
// GPU: the same code on the device kernels (time reversal as T slice copies, copy_columns, add_scaled,
//   multiply; the masked steps' zeroing in kernels/gpu/recurrent.hpp).
// Not supported: merge_mode=None (two outputs), return_state, a different backward_layer.
#include "cascade/kernels/activation.hpp"
#include "cascade/kernels/concat.hpp"
#include "cascade/layers/recurrent.hpp"

#include <array>
#include <tuple>
#include <type_traits>

namespace cascade::layers {

namespace detail {
struct bidirectional_option_kinds : option_kinds_list<option_kinds::merge_mode> {};

template <class L>
inline constexpr bool is_recurrent_layer = requires { typename L::cell; typename L::spec; };

template <class S, std::size_t Factor>
struct widen_last;
template <std::size_t... D, std::size_t Factor>
struct widen_last<shape<D...>, Factor> {
    static constexpr std::size_t R = sizeof...(D);
    static constexpr std::array<std::size_t, R> dims{D...};
    template <std::size_t... I>
    static auto make(std::index_sequence<I...>) -> shape<(I + 1 == R ? dims[I] * Factor : dims[I])...>;
    using type = decltype(make(std::make_index_sequence<R>{}));
};

// b[n, t] = a[n, T−1−t] (a and b: (N, T, F)); one slice copy per step (any backend's copy_axis_slice).
template <class Tensor>
void reverse_time(const Tensor& a, Tensor& b) {
    ensure_shape(b, a.shape());
    const std::size_t steps = a.shape()[1];
    for (std::size_t t = 0; t < steps; ++t) kernels::copy_axis_slice(a, t, b, steps - 1 - t, 1, 1);
}
} // namespace detail

template <class Layer, class... Opts>
struct bidirectional {
    static constexpr const char* name = "bidirectional";
    static constexpr merge_kind merge = detail::option_t<option_kinds::merge_mode, merge::concat, Opts...>::value;

    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (detail::options_ok<detail::bidirectional_option_kinds, Opts...> && detail::is_recurrent_layer<Layer>)
            return Layer::template accepts<In>;
        else return false;
    }();
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::bidirectional_option_kinds, Opts...>();
        static_assert(detail::is_recurrent_layer<Layer>,
                      "bidirectional: Layer must be a recurrent layer (lstm<>, gru<>, simple_rnn<>)");
        if constexpr (detail::is_recurrent_layer<Layer>) Layer::template check<In>();
    }
    template <class In>
    using inner_shape = typename Layer::template output_shape<In>;
    template <class In>
    using output_shape = std::conditional_t<merge == merge_kind::concat, typename detail::widen_last<inner_shape<In>, 2>::type,
                                            inner_shape<In>>;

    template <class In, class B, class T>
    struct impl {
        using inner_type = layer_impl<Layer, In, B, T>;
        static constexpr bool Seq = Layer::spec::sequences, Masked = Layer::spec::masked;
        static constexpr std::size_t Units = inner_shape<In>::dims[inner_shape<In>::rank - 1];
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        using x_tensor = tensor<3>;
        static constexpr std::size_t PR = Seq ? 3 : 2;   // the copies' output rank (batch axis included)
        using part_tensor = tensor<PR>;
        using y_tensor = tensor<output_shape<In>::rank + 1>;

        inner_type fwd, bwd;
        x_tensor xr, dxr, dxf;             // rev(x); the backward copy's input gradient, and it reversed
        part_tensor yf, yb, ybt, dyf, dyb, dybt;   // the copies' outputs / gradients; ybt = rev(yb) (sequences)
        part_tensor yfz, ybz;              // masked sequences: the outputs with masked steps zeroed

        explicit impl(rng& g) : fwd(g), bwd(g) {}

        void forward(const x_tensor& x, y_tensor& y, mode m) {
            fwd.forward(x, yf, m);
            detail::reverse_time(x, xr);
            bwd.forward(xr, yb, m);
            const part_tensor *a = &yf, *b = &yb;
            if constexpr (Seq) {
                detail::reverse_time(yb, ybt);
                b = &ybt;
                if constexpr (Masked) {   // Keras' zero_output_for_mask
                    kernels::copy(yf, yfz);
                    kernels::copy(ybt, ybz);
                    kernels::detail::zero_masked_steps(yfz, fwd.step_mask());
                    kernels::detail::zero_masked_steps(ybz, fwd.step_mask());
                    a = &yfz;
                    b = &ybz;
                }
            }
            if constexpr (merge == merge_kind::concat) {
                std::array<std::size_t, PR> s{};
                for (std::size_t i = 0; i < s.size(); ++i) s[i] = a->shape()[i];
                s.back() = 2 * Units;
                ensure_shape(y, s);
                kernels::copy_columns(*a, 0, y, 0, Units);
                kernels::copy_columns(*b, 0, y, Units, Units);
            } else if constexpr (merge == merge_kind::sum) {
                kernels::add_scaled(*a, *b, T(1), y);
            } else if constexpr (merge == merge_kind::mul) {
                kernels::multiply(*a, *b, y);
            } else {   // ave: (a + b) − (a + b)/2, exact (Sterbenz), with the element-wise kernels only
                kernels::add_scaled(*a, *b, T(1), y);
                kernels::add_scaled(y, y, T(-0.5), y);
            }
        }

        void backward(const x_tensor& x, const y_tensor&, const y_tensor& dy, x_tensor* dx) {
            // d_a, d_b: the gradients of the merged operands (part_tensor layout, sequences in step order).
            part_tensor& da = dyf;
            part_tensor& db = Seq ? dybt : dyb;
            if constexpr (merge == merge_kind::concat) {
                std::array<std::size_t, PR> s{};
                for (std::size_t i = 0; i < s.size(); ++i) s[i] = dy.shape()[i];
                s.back() = Units;
                ensure_shape(da, s);
                ensure_shape(db, s);
                kernels::copy_columns(dy, 0, da, 0, Units);
                kernels::copy_columns(dy, Units, db, 0, Units);
            } else if constexpr (merge == merge_kind::sum) {
                kernels::copy(dy, da);
                kernels::copy(dy, db);
            } else if constexpr (merge == merge_kind::mul) {
                const part_tensor *a = &yf, *b = Seq ? &ybt : &yb;
                if constexpr (Seq && Masked) {
                    a = &yfz;
                    b = &ybz;
                }
                kernels::multiply(dy, *b, da);
                kernels::multiply(dy, *a, db);
            } else {
                kernels::add_scaled(dy, dy, T(-0.5), da);
                kernels::copy(da, db);
            }
            if constexpr (Seq && Masked) {
                kernels::detail::zero_masked_steps(da, fwd.step_mask());
                kernels::detail::zero_masked_steps(db, fwd.step_mask());
            }
            if constexpr (Seq) detail::reverse_time(dybt, dyb);
            fwd.backward(x, yf, dyf, dx);
            bwd.backward(xr, yb, dyb, dx ? &dxr : nullptr);
            if (dx) {
                detail::reverse_time(dxr, dxf);
                kernels::add_scaled(*dx, dxf, T(1), *dx);
            }
        }

        auto params() { return std::tuple_cat(fwd.params(), bwd.params()); }
        auto grads() { return std::tuple_cat(fwd.grads(), bwd.grads()); }
    };
};

} // namespace cascade::layers
