#pragma once
// lstm<Units, ReturnSequences>: long short-term memory layer over a sequence (Keras LSTM(Units,
// return_sequences=...) with its defaults; PyTorch nn.LSTM(C, Units, batch_first=True), one layer).
//   Hochreiter & Schmidhuber, Neural Computation 9(8), 1997; forget gate: Gers, Schmidhuber & Cummins 2000.
//   For each step t = 0 … T−1, with h_{−1} = c_{−1} = 0:
//     z_t = x_t·W + h_{t−1}·U + b = [z_i z_f z_c z_o]        (4·Units; Keras gate order i, f, c, o)
//     i = σ(z_i)   f = σ(z_f)   g = tanh(z_c)   o = σ(z_o)     (σ = sigmoid: Keras 2's recurrent_activation)
//     c_t = f ⊙ c_{t−1} + i ⊙ g          h_t = o ⊙ tanh(c_t)
//   x (N, T, C) → y (N, T, Units) with ReturnSequences, else y (N, Units) = h_{T−1}.
//   Backward: backpropagation through time (kernels/recurrent.hpp).
// Parameters, in this order (= Keras' get_weights() order and layout):
//   W kernel (C, 4·Units)            KernelInit, glorot_uniform (fan_in C, fan_out 4·Units) as Keras
//   U recurrent_kernel (Units, 4·Units)  RecurrentInit, orthogonal as Keras (rows orthonormal)
//   b bias (4·Units)                 zeros, with the forget slice b[Units, 2·Units) = 1 if UnitForgetBias
//                                    (Keras unit_forget_bias=True)
//   Count: 4·(C·Units + Units² + Units), as Keras' summary.
// PyTorch mapping: nn.LSTM has weight_ih_l0 (4U, C), weight_hh_l0 (4U, U), bias_ih_l0 + bias_hh_l0 (4U),
//   gate order i, f, g, o — the same order as Keras (g = Keras' c). So W = weight_ih_l0ᵀ,
//   U = weight_hh_l0ᵀ, b = bias_ih_l0 + bias_hh_l0; no permutation of the gate blocks is needed.
// Not supported: stateful, masking, dropout / recurrent_dropout, go_backwards, other activations.
#include "cascade/init/orthogonal.hpp"
#include "cascade/kernels/recurrent.hpp"
#include "cascade/init/on_host.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

template <std::size_t Units, bool ReturnSequences = false, class KernelInit = init::glorot_uniform,
          class RecurrentInit = init::orthogonal, bool UnitForgetBias = true>
struct lstm {
    static_assert(Units > 0, "lstm<Units>: Units must be positive");
    static constexpr const char* name = "lstm";

    template <class In>
    static constexpr bool accepts = In::rank == 2;
    template <class In>
    static constexpr void check() {
        static_assert(accepts<In>, "lstm: input must be a sequence (T, C) per sample: time steps, then features");
    }
    template <class In>
    using output_shape = std::conditional_t<ReturnSequences, shape<In::dim_or(0, 1), Units>, shape<Units>>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t C = In::dim(1), G = 4 * Units;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        using y_tensor = tensor<ReturnSequences ? 3 : 2>;
        tensor<2> w, dw;   // (C, 4U)
        tensor<2> u, du;   // (U, 4U)
        tensor<1> b, db;   // (4U)
        kernels::recurrent_cache<tensor<3>, tensor<2>> cache;

        explicit impl(rng& g)
            : w(B::template filled<T, 2>({C, G})), dw(w), u(B::template filled<T, 2>({Units, G})), du(u),
              b(B::template filled<T, 1>({G})), db(b) {
            init::fill<KernelInit>(w, C, G, g);
            init::fill<RecurrentInit>(u, Units, G, g);
            init::on_host(b, [&](T* p, std::size_t n) {
                init::zeros::fill(p, n, C, G, g);
                if constexpr (UnitForgetBias) init::ones::fill(p + Units, Units, C, G, g);   // forget gate
            });
        }
        void forward(const tensor<3>& x, y_tensor& y, mode) {
            if constexpr (ReturnSequences) {
                kernels::lstm_forward(x, w, u, b, cache, y);   // y is every h_t
            } else {
                kernels::lstm_forward(x, w, u, b, cache, cache.hs);
                kernels::last_step(cache.hs, y);
            }
        }
        void backward(const tensor<3>& x, const y_tensor& y, const y_tensor& dy, tensor<3>* dx) {
            if constexpr (ReturnSequences) kernels::lstm_backward(x, w, u, y, dy, cache, dw, du, db, dx);
            else kernels::lstm_backward(x, w, u, cache.hs, dy, cache, dw, du, db, dx);
        }
        auto params() { return std::tie(w, u, b); }
        auto grads() { return std::tie(dw, du, db); }
    };
};

} // namespace cascade::layers
