#pragma once
// lstm<Units, Options...>: long short-term memory layer over a sequence (Keras LSTM(Units, ...) with its
// defaults; PyTorch nn.LSTM(C, Units, batch_first=True), one layer).
//   e.g. lstm<64>, lstm<64, return_sequences>, lstm<8, unit_forget_bias<false>, no_bias>
//   Hochreiter & Schmidhuber, Neural Computation 9(8), 1997; forget gate: Gers, Schmidhuber & Cummins 2000.
//   For each step t = 0 … T−1, with h_{−1} = c_{−1} = 0:
//     z_t = x_t·W + h_{t−1}·U + b = [z_i z_f z_c z_o]        (4·Units; Keras gate order i, f, c, o)
//     i = σ(z_i)   f = σ(z_f)   g = tanh(z_c)   o = σ(z_o)     (σ = sigmoid: Keras 2's recurrent_activation)
//     c_t = f ⊙ c_{t−1} + i ⊙ g          h_t = o ⊙ tanh(c_t)
//   x (N, T, C) → y (N, T, Units) with return_sequences, else y (N, Units) = h_{T−1}.
//   Backward: backpropagation through time (kernels/recurrent.hpp, rnn_cell::lstm).
// Options (any order): return_sequences, kernel_init<I> (glorot_uniform), recurrent_init<I> (orthogonal),
//   no_bias, bias_init<I> (zeros), unit_forget_bias<false> (default true), mask_value<N, D> (skip padded
//   steps, Keras Masking), zero_output_for_mask — layers/recurrent.hpp. bidirectional<lstm<…>>: layers/bidirectional.hpp.
// Parameters, in this order (= Keras' get_weights() order and layout):
//   W kernel (C, 4·Units)            kernel_init, glorot_uniform (fan_in C, fan_out 4·Units) as Keras
//   U recurrent_kernel (Units, 4·Units)  recurrent_init, orthogonal as Keras (rows orthonormal)
//   b bias (4·Units)                 bias_init (zeros), then the forget slice b[Units, 2·Units) = 1 unless
//                                    unit_forget_bias<false> (Keras unit_forget_bias=True); none with no_bias
//   Count: 4·(C·Units + Units² + Units), as Keras' summary.
// PyTorch mapping: nn.LSTM has weight_ih_l0 (4U, C), weight_hh_l0 (4U, U), bias_ih_l0 + bias_hh_l0 (4U),
//   gate order i, f, g, o — the same order as Keras (g = Keras' c). So W = weight_ih_l0ᵀ,
//   U = weight_hh_l0ᵀ, b = bias_ih_l0 + bias_hh_l0; no permutation of the gate blocks is needed.
// Not supported: return_state, stateful, dropout / recurrent_dropout, go_backwards, other activations.
#include "cascade/layers/recurrent.hpp"

namespace cascade::layers {

template <std::size_t Units, class... Opts>
struct lstm : detail::recurrent_base<kernels::rnn_cell::lstm, Units, detail::recurrent_spec<Opts...>> {
    static_assert(Units > 0, "lstm<Units>: Units must be positive");
    static constexpr const char* name = "lstm";

    template <class In>
    static constexpr bool accepts =
        detail::options_ok<detail::lstm_option_kinds, Opts...> && detail::recurrent_spec<Opts...>::consistent && In::rank == 2;
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::lstm_option_kinds, Opts...>();
        static_assert(detail::recurrent_spec<Opts...>::consistent,
                      "lstm: zero_output_for_mask needs mask_value<> and return_sequences");
        static_assert(In::rank == 2, "lstm: input must be a sequence (T, C) per sample: time steps, then features");
    }
};

} // namespace cascade::layers
