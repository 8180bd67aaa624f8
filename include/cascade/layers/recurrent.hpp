#pragma once
// What lstm, gru and simple_rnn share: their options and the run-time layer over the one recurrent
// driver (kernels/recurrent.hpp), the cell being the difference. Each layer derives from
// recurrent_base<Cell, Units, Spec> and adds its name and checks (whose messages name it).
// Options (any order, Keras' defaults):
//   return_sequences              output every h_t (N, T, Units); default the last one (N, Units)
//   kernel_init<I>                W, glorot_uniform (fan_in C, fan_out G·Units)
//   recurrent_init<I>             U, orthogonal
//   no_bias, bias_init<I>         b, zeros
//   unit_forget_bias<false>       lstm only (default true: the forget block of b starts at 1)
//   reset_after<false>            gru only (default true)
//   mask_value<N, D>              skip the time steps whose C features all equal N/D (Keras Masking(N/D)
//                                 immediately before the layer): the state is carried through a masked
//                                 step unchanged, and with return_sequences a masked step outputs the
//                                 carried state (Keras' backend rnn with zero_output_for_mask=False; the
//                                 bidirectional wrapper zeroes them instead, as Keras' does).
//   zero_output_for_mask          with mask_value<> and return_sequences: output 0 at the masked steps
//                                 (Keras' RNN argument zero_output_for_mask=True); the state is still carried
// How the mask reaches the layer: the layer derives it from its own input (kernels::detail::step_mask),
// so nothing outside the compile-time chain is needed and train::fit's shuffled batches just work.
// The mask is not propagated to a following recurrent layer (Keras propagates it): a recurrent layer
// after a masked one with return_sequences sees the carried states at the masked steps. To stack, give
// the lower layer zero_output_for_mask and the upper one mask_value<0>: the upper layer then skips the
// same steps (exactly Keras' stack, unless a counted step's output is exactly 0 in every unit). masking<v>
// (layers/masking.hpp) is Keras' Masking for the other layers: it zeroes masked steps, so after it a
// recurrent layer takes mask_value<0> (exact for v = 0; for v ≠ 0 a genuine all-zero step would be masked
// too: give mask_value<v> on the recurrent layer and leave masking<v> out).
// Parameters, in this order (= Keras' get_weights()): W kernel (C, G·U), U recurrent_kernel (U, G·U),
// b bias (G·U), or (2, G·U) = [b_in; b_rec] for the GRU with reset_after; no b with no_bias.
// Bidirectional: layers/bidirectional.hpp. Not supported (yet): return_state, stateful, dropout /
// recurrent_dropout, go_backwards, other activations.
#include "cascade/init/on_host.hpp"
#include "cascade/init/orthogonal.hpp"
#include "cascade/kernels/activation.hpp"
#include "cascade/kernels/recurrent.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"

#include <array>
#include <type_traits>

namespace cascade::layers {

namespace detail {

// The option kinds each recurrent layer takes (named types keep diagnostics short).
struct lstm_option_kinds
    : option_kinds_list<option_kinds::return_sequences, option_kinds::kernel_initializer,
                        option_kinds::recurrent_initializer, option_kinds::use_bias, option_kinds::bias_initializer,
                        option_kinds::unit_forget_bias, option_kinds::mask_value, option_kinds::zero_output_for_mask> {};
struct gru_option_kinds
    : option_kinds_list<option_kinds::return_sequences, option_kinds::kernel_initializer,
                        option_kinds::recurrent_initializer, option_kinds::use_bias, option_kinds::bias_initializer,
                        option_kinds::reset_after, option_kinds::mask_value, option_kinds::zero_output_for_mask> {};
struct simple_rnn_option_kinds
    : option_kinds_list<option_kinds::return_sequences, option_kinds::kernel_initializer,
                        option_kinds::recurrent_initializer, option_kinds::use_bias, option_kinds::bias_initializer,
                        option_kinds::mask_value, option_kinds::zero_output_for_mask> {};

// The options of a recurrent layer, resolved (Keras' defaults where left out).
template <class... Opts>
struct recurrent_spec {
    static constexpr bool sequences = option_t<option_kinds::return_sequences, std::false_type, Opts...>::value;
    static constexpr bool use_bias = option_t<option_kinds::use_bias, std::true_type, Opts...>::value;
    static constexpr bool unit_forget_bias = option_t<option_kinds::unit_forget_bias, std::true_type, Opts...>::value;
    static constexpr bool reset_after = option_t<option_kinds::reset_after, std::true_type, Opts...>::value;
    using kernel_init_t = typename option_t<option_kinds::kernel_initializer, kernel_init<init::glorot_uniform>, Opts...>::type;
    using recurrent_init_t =
        typename option_t<option_kinds::recurrent_initializer, recurrent_init<init::orthogonal>, Opts...>::type;
    using bias_init_t = typename option_t<option_kinds::bias_initializer, bias_init<init::zeros>, Opts...>::type;
    static constexpr bool masked = count_kind<option_kinds::mask_value, Opts...> > 0;
    static constexpr bool zero_masked = count_kind<option_kinds::zero_output_for_mask, Opts...> > 0;
    // zero_output_for_mask only means something for a masked layer that returns sequences.
    static constexpr bool consistent = !zero_masked || (masked && sequences);
    using mask_value_t = typename option_t<option_kinds::mask_value, mask_value<0>, Opts...>::type;   // a ratio
};

template <class Cell, std::size_t Units, class Spec>
struct recurrent_base {
    using spec = Spec;
    using cell = Cell;
    template <class In>
    using output_shape = std::conditional_t<Spec::sequences, shape<In::dim_or(0, 1), Units>, shape<Units>>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t C = In::dim(1), G = Cell::gates * Units;
        static constexpr bool Seq = Spec::sequences, UseBias = Spec::use_bias, Masked = Spec::masked;
        static constexpr bool ZeroMasked = Spec::zero_masked && Spec::consistent;
        static constexpr std::size_t BiasRank = Cell::separate_recurrent ? 2 : 1;   // gru reset_after: (2, 3U)
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        using y_tensor = tensor<Seq ? 3 : 2>;
        tensor<2> w, dw;          // (C, G·U)
        tensor<2> u, du;          // (U, G·U)
        tensor<BiasRank> b, db;   // (G·U) or (2, G·U); empty with no_bias
        kernels::recurrent_cache<tensor<3>, tensor<2>> cache;
        y_tensor dyz;             // zero_output_for_mask: dy with the masked steps zeroed

        static constexpr std::array<std::size_t, BiasRank> bias_shape() {
            if constexpr (BiasRank == 2) return {UseBias ? std::size_t(2) : std::size_t(0), G};
            else return {UseBias ? G : std::size_t(0)};
        }
        explicit impl(rng& g)
            : w(B::template filled<T, 2>({C, G})), dw(w), u(B::template filled<T, 2>({Units, G})), du(u),
              b(B::template filled<T, BiasRank>(bias_shape())), db(b) {
            init::fill<typename Spec::kernel_init_t>(w, C, G, g);
            init::fill<typename Spec::recurrent_init_t>(u, Units, G, g);
            if constexpr (UseBias)
                init::on_host(b, [&](T* p, std::size_t n) {
                    Spec::bias_init_t::fill(p, n, C, G, g);
                    // Keras unit_forget_bias: the forget block [U, 2U) starts at 1.
                    if constexpr (std::is_same_v<Cell, kernels::rnn_cell::lstm> && Spec::unit_forget_bias)
                        init::ones::fill(p + Units, Units, C, G, g);
                });
        }
        const T* bias() const {
            if constexpr (UseBias) return b.data();
            else return nullptr;
        }
        T* bias_gradient() {
            if constexpr (UseBias) return db.data();
            else return nullptr;
        }
        void forward(const tensor<3>& x, y_tensor& y, mode) {
            if constexpr (Masked) {
                kernels::detail::step_mask(x, ratio_value<T, typename Spec::mask_value_t>, cache.mask);
                if constexpr (ZeroMasked) {   // the states stay in cache.hs; y = them with the masked steps 0
                    kernels::recurrent_forward<Cell>(x, w, u, bias(), cache, cache.hs, cache.mask.data());
                    kernels::copy(cache.hs, y);
                    kernels::detail::zero_masked_steps(y, cache.mask);
                } else if constexpr (Seq) {
                    kernels::recurrent_forward<Cell>(x, w, u, bias(), cache, y, cache.mask.data());
                } else {
                    kernels::recurrent_forward<Cell>(x, w, u, bias(), cache, cache.hs, cache.mask.data());
                    kernels::last_step(cache.hs, y);
                }
            } else if constexpr (Seq) {
                kernels::recurrent_forward<Cell>(x, w, u, bias(), cache, y);   // y is every h_t
            } else {
                kernels::recurrent_forward<Cell>(x, w, u, bias(), cache, cache.hs);
                kernels::last_step(cache.hs, y);
            }
        }
        void backward(const tensor<3>& x, const y_tensor& y, const y_tensor& dy, tensor<3>* dx) {
            if constexpr (Masked) {
                if constexpr (ZeroMasked) {
                    kernels::copy(dy, dyz);
                    kernels::detail::zero_masked_steps(dyz, cache.mask);
                    kernels::recurrent_backward<Cell>(x, w, u, cache.hs, dyz, cache, dw, du, bias_gradient(), dx,
                                                      cache.mask.data());
                } else if constexpr (Seq)
                    kernels::recurrent_backward<Cell>(x, w, u, y, dy, cache, dw, du, bias_gradient(), dx, cache.mask.data());
                else
                    kernels::recurrent_backward<Cell>(x, w, u, cache.hs, dy, cache, dw, du, bias_gradient(), dx,
                                                      cache.mask.data());
            } else if constexpr (Seq) {
                kernels::recurrent_backward<Cell>(x, w, u, y, dy, cache, dw, du, bias_gradient(), dx);
            } else {
                kernels::recurrent_backward<Cell>(x, w, u, cache.hs, dy, cache, dw, du, bias_gradient(), dx);
            }
        }
        // Masking: the step mask of the last forward (N, T), 1 = counted; bidirectional reads it.
        const tensor<2>& step_mask() const { return cache.mask; }
        auto params() {
            if constexpr (UseBias) return std::tie(w, u, b);
            else return std::tie(w, u);
        }
        auto grads() {
            if constexpr (UseBias) return std::tie(dw, du, db);
            else return std::tie(dw, du);
        }
    };
};

} // namespace detail
} // namespace cascade::layers
