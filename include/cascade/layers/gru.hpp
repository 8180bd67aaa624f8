#pragma once
// gru<Units, Options...>: gated recurrent unit over a sequence (Keras GRU(Units, ...) with its Keras 2
// defaults; PyTorch nn.GRU(C, Units, batch_first=True), one layer, for the reset_after form).
//   e.g. gru<32>, gru<32, return_sequences>, gru<16, reset_after<false>> (Keras 1's form, old .h5 files)
//   Cho et al., "Learning phrase representations using RNN encoder-decoder", EMNLP 2014.
//   For each step t = 0 … T−1, with h_{−1} = 0 and [· · ·] the (z, r, h) blocks of 3·Units (Keras' order):
//   reset_after (default; cuDNN / PyTorch):
//     a_t = x_t·W + b_in          q_t = h_{t−1}·U + b_rec
//     z = σ(a_z + q_z)   r = σ(a_r + q_r)   h̃ = tanh(a_h + r ⊙ q_h)     (reset applied AFTER U)
//   reset_after<false> (Keras GRUCell with reset_after=False; Cho et al.'s first version):
//     a_t = x_t·W + b
//     z = σ(a_z + h_{t−1}·U_z)   r = σ(a_r + h_{t−1}·U_r)   h̃ = tanh(a_h + (r ⊙ h_{t−1})·U_h)   (BEFORE U)
//   both: h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃
//   x (N, T, C) → y (N, T, Units) with return_sequences, else y (N, Units) = h_{T−1}.
//   Backward: backpropagation through time (kernels/recurrent.hpp, rnn_cell::gru / gru_reset_before).
// Options (any order): return_sequences, reset_after<false>, kernel_init<I> (glorot_uniform),
//   recurrent_init<I> (orthogonal), no_bias, bias_init<I> (zeros), mask_value<N, D> (skip padded steps, Keras
//   Masking), zero_output_for_mask — layers/recurrent.hpp. bidirectional<gru<…>>: layers/bidirectional.hpp.
// Parameters, in this order (= Keras' get_weights() order and layout):
//   W kernel (C, 3·Units)                kernel_init, glorot_uniform (fan_in C, fan_out 3·Units) as Keras
//   U recurrent_kernel (Units, 3·Units)  recurrent_init, orthogonal as Keras; U_z, U_r, U_h its column blocks
//   b bias: reset_after (2, 3·Units) = [b_in; b_rec]; reset_after<false> (3·Units); bias_init (zeros)
//   Count: 3·(C·Units + Units² + 2·Units), or 3·(C·Units + Units² + Units) with reset_after<false>.
// PyTorch mapping (reset_after only): nn.GRU has weight_ih_l0 (3U, C), weight_hh_l0 (3U, U), bias_ih_l0,
//   bias_hh_l0 (3U) in gate order r, z, n; Keras' is z, r, h. With P the block permutation [z r n] ← [r z n]
//   (swap the first two blocks of U rows):  W = (P·weight_ih_l0)ᵀ, U = (P·weight_hh_l0)ᵀ,
//   b[0] = P·bias_ih_l0, b[1] = P·bias_hh_l0. PyTorch's n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) is the
//   formula above. PyTorch has no reset-before GRU.
// Not supported: return_state, stateful, dropouts, go_backwards, other activations.
#include "cascade/layers/recurrent.hpp"

namespace cascade::layers {

namespace detail {
template <class... Opts>
using gru_cell_t = std::conditional_t<recurrent_spec<Opts...>::reset_after, kernels::rnn_cell::gru,
                                      kernels::rnn_cell::gru_reset_before>;
} // namespace detail

template <std::size_t Units, class... Opts>
struct gru : detail::recurrent_base<detail::gru_cell_t<Opts...>, Units, detail::recurrent_spec<Opts...>> {
    static_assert(Units > 0, "gru<Units>: Units must be positive");
    static constexpr const char* name = "gru";

    template <class In>
    static constexpr bool accepts =
        detail::options_ok<detail::gru_option_kinds, Opts...> && detail::recurrent_spec<Opts...>::consistent && In::rank == 2;
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::gru_option_kinds, Opts...>();
        static_assert(detail::recurrent_spec<Opts...>::consistent,
                      "gru: zero_output_for_mask needs mask_value<> and return_sequences");
        static_assert(In::rank == 2, "gru: input must be a sequence (T, C) per sample: time steps, then features");
    }
};

} // namespace cascade::layers
