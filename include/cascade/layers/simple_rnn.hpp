#pragma once
// simple_rnn<Units, Options...>: the fully connected recurrent layer (Keras SimpleRNN(Units, ...) with its
// defaults, activation tanh; PyTorch nn.RNN(C, Units, nonlinearity='tanh', batch_first=True), one layer).
//   e.g. simple_rnn<16>, simple_rnn<16, return_sequences, no_bias>
//   Elman, "Finding structure in time", Cognitive Science 14(2), 1990.
//   For each step t = 0 … T−1, with h_{−1} = 0:   h_t = tanh(x_t·W + h_{t−1}·U + b)
//   x (N, T, C) → y (N, T, Units) with return_sequences, else y (N, Units) = h_{T−1}.
//   Backward: backpropagation through time (kernels/recurrent.hpp, rnn_cell::simple).
// Options (any order): return_sequences, kernel_init<I> (glorot_uniform), recurrent_init<I> (orthogonal),
//   no_bias, bias_init<I> (zeros), mask_value<N, D> (skip padded steps, Keras Masking), zero_output_for_mask
//   — layers/recurrent.hpp. bidirectional<simple_rnn<…>>: layers/bidirectional.hpp.
// Parameters, in this order (= Keras' get_weights() order and layout):
//   W kernel (C, Units) glorot_uniform   U recurrent_kernel (Units, Units) orthogonal   b bias (Units) zeros
//   Count: C·Units + Units² + Units, as Keras' summary.
// PyTorch mapping: W = weight_ih_l0ᵀ, U = weight_hh_l0ᵀ, b = bias_ih_l0 + bias_hh_l0.
// Not supported: return_state, stateful, dropouts, go_backwards, other activations.
#include "cascade/layers/recurrent.hpp"

namespace cascade::layers {

template <std::size_t Units, class... Opts>
struct simple_rnn : detail::recurrent_base<kernels::rnn_cell::simple, Units, detail::recurrent_spec<Opts...>> {
    static_assert(Units > 0, "simple_rnn<Units>: Units must be positive");
    static constexpr const char* name = "simple_rnn";

    template <class In>
    static constexpr bool accepts =
        detail::options_ok<detail::simple_rnn_option_kinds, Opts...> && detail::recurrent_spec<Opts...>::consistent && In::rank == 2;
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::simple_rnn_option_kinds, Opts...>();
        static_assert(detail::recurrent_spec<Opts...>::consistent,
                      "simple_rnn: zero_output_for_mask needs mask_value<> and return_sequences");
        static_assert(In::rank == 2, "simple_rnn: input must be a sequence (T, C) per sample: time steps, then features");
    }
};

} // namespace cascade::layers
