#pragma once
// masking<Num, Den = 1>: Keras Masking(mask_value = Num/Den) — marks the time steps of a sequence whose
// features all equal the value as padding, and zeroes them (Keras 3's Masking.call: inputs · mask).
//   e.g. masking<0> (Keras' default mask_value=0.0), masking<-1>, masking<-1, 2> (−0.5)
//   x (N, T, C) → y (N, T, C):  m[n, t] = 0 if x[n, t, c] = v for every c, else 1;   y[n, t, c] = m[n, t]·x[n, t, c]
//   Backward: dx = m ⊙ dy (the mask itself is piecewise constant).
// How masking reaches the recurrent layers (docs/layers.md, "Masking"): a cascade network is a chain of
// tensors, with no side channel for Keras' _keras_mask, so the recurrent layers derive the mask from
// their own input: give them mask_value<v> (lstm<8, mask_value<0>>, bidirectional<gru<8, mask_value<0>>>).
// Keras' Masking(v) immediately before LSTM(u) is lstm<u, mask_value<v>> on its own; masking<0> before
// lstm<u, mask_value<0>> is the same (the zeroed steps are still all 0). masking<v> is the layer to use
// where the padded steps must read 0 for other layers (time_distributed, a flatten); for v ≠ 0 do not
// put it before a masked recurrent layer (that layer would see 0, not v, at the padded steps).
// For the loss: losses::sequence_mask / losses::step_mask_of (losses/sequence_mask.hpp) build the mask
// of losses::masked that leaves the padded steps out.
// No parameters. CPU and GPU (kernels/gpu/recurrent.hpp: step_mask, apply_step_mask).
#include "cascade/kernels/recurrent.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"
#include "cascade/tensor/ratio.hpp"

#include <type_traits>

namespace cascade::layers {

template <auto Num, auto Den = 1>
struct masking {
    static_assert(detail::integer_fraction<Num, Den>,
                  "masking<Num, Den>: write the mask value as a fraction of two integers, e.g. masking<0> or "
                  "masking<-1, 2> (docs/decisions/0003)");
    using value_type = detail::fraction_t<Num, Den>;   // the mask value as a ratio
    static constexpr const char* name = "masking";
    template <class In>
    static constexpr bool accepts = In::rank == 2;
    template <class In>
    static constexpr void check() {
        static_assert(In::rank == 2, "masking: input must be a sequence (T, C) per sample: time steps, then features");
    }
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        tensor<2> mask;   // (N, T), 1 = the step counts
        explicit impl(rng&) {}
        void forward(const tensor<3>& x, tensor<3>& y, mode) {
            kernels::detail::step_mask(x, ratio_value<T, value_type>, mask);
            kernels::detail::apply_step_mask(x, mask, y);
        }
        void backward(const tensor<3>&, const tensor<3>&, const tensor<3>& dy, tensor<3>* dx) {
            if (dx) kernels::detail::apply_step_mask(dy, mask, *dx);
        }
    };
};

} // namespace cascade::layers
