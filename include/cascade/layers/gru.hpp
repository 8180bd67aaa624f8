#pragma once
// gru<Units, ReturnSequences>: gated recurrent unit over a sequence, in the reset_after form (Keras GRU(Units,
// return_sequences=...) with its Keras 2 defaults, reset_after=True; PyTorch nn.GRU(C, Units,
// batch_first=True), one layer; the cuDNN form).
//   Cho et al., "Learning phrase representations using RNN encoder-decoder", EMNLP 2014.
//   For each step t = 0 … T−1, with h_{−1} = 0 and [· · ·] the (z, r, h) blocks of 3·Units:
//     a_t = x_t·W + b_in          q_t = h_{t−1}·U + b_rec
//     z = σ(a_z + q_z)   r = σ(a_r + q_r)   n = tanh(a_h + r ⊙ q_h)     (reset applied AFTER U)
//     h_t = z ⊙ h_{t−1} + (1 − z) ⊙ n
//   x (N, T, C) → y (N, T, Units) with ReturnSequences, else y (N, Units) = h_{T−1}.
//   Backward: backpropagation through time (kernels/recurrent.hpp).
// Parameters, in this order (= Keras' get_weights() order and layout):
//   W kernel (C, 3·Units)                KernelInit, glorot_uniform (fan_in C, fan_out 3·Units) as Keras
//   U recurrent_kernel (Units, 3·Units)  RecurrentInit, orthogonal as Keras
//   b bias (2, 3·Units) = [b_in; b_rec]  zeros
//   Count: 3·(C·Units + Units² + 2·Units), as Keras' summary.
// PyTorch mapping: nn.GRU has weight_ih_l0 (3U, C), weight_hh_l0 (3U, U), bias_ih_l0, bias_hh_l0 (3U) in
//   gate order r, z, n; Keras' is z, r, h. With P the block permutation [z r n] ← [r z n] (swap the first
//   two blocks of U rows):  W = (P·weight_ih_l0)ᵀ, U = (P·weight_hh_l0)ᵀ, b[0] = P·bias_ih_l0,
//   b[1] = P·bias_hh_l0. PyTorch's n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) is the formula above.
// Not supported: reset_after=False (Keras 1 / original GRU), stateful, masking, dropouts, go_backwards.
#include "cascade/init/orthogonal.hpp"
#include "cascade/kernels/recurrent.hpp"
#include "cascade/init/on_host.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

template <std::size_t Units, bool ReturnSequences = false, class KernelInit = init::glorot_uniform,
          class RecurrentInit = init::orthogonal>
struct gru {
    static_assert(Units > 0, "gru<Units>: Units must be positive");
    static constexpr const char* name = "gru";

    template <class In>
    static constexpr bool accepts = In::rank == 2;
    template <class In>
    static constexpr void check() {
        static_assert(accepts<In>, "gru: input must be a sequence (T, C) per sample: time steps, then features");
    }
    template <class In>
    using output_shape = std::conditional_t<ReturnSequences, shape<In::dim_or(0, 1), Units>, shape<Units>>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t C = In::dim(1), G = 3 * Units;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        using y_tensor = tensor<ReturnSequences ? 3 : 2>;
        tensor<2> w, dw;   // (C, 3U)
        tensor<2> u, du;   // (U, 3U)
        tensor<2> b, db;   // (2, 3U): input bias, recurrent bias
        kernels::recurrent_cache<tensor<3>, tensor<2>> cache;

        explicit impl(rng& g)
            : w(B::template filled<T, 2>({C, G})), dw(w), u(B::template filled<T, 2>({Units, G})), du(u),
              b(B::template filled<T, 2>({2, G})), db(b) {
            init::fill<KernelInit>(w, C, G, g);
            init::fill<RecurrentInit>(u, Units, G, g);
            init::fill<init::zeros>(b, C, G, g);
        }
        void forward(const tensor<3>& x, y_tensor& y, mode) {
            if constexpr (ReturnSequences) {
                kernels::gru_forward(x, w, u, b, cache, y);   // y is every h_t
            } else {
                kernels::gru_forward(x, w, u, b, cache, cache.hs);
                kernels::last_step(cache.hs, y);
            }
        }
        void backward(const tensor<3>& x, const y_tensor& y, const y_tensor& dy, tensor<3>* dx) {
            if constexpr (ReturnSequences) kernels::gru_backward(x, w, u, y, dy, cache, dw, du, db, dx);
            else kernels::gru_backward(x, w, u, cache.hs, dy, cache, dw, du, db, dx);
        }
        auto params() { return std::tie(w, u, b); }
        auto grads() { return std::tie(dw, du, db); }
    };
};

} // namespace cascade::layers
