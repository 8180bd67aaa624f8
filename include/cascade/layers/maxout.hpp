#pragma once
// maxout<Units, Pieces>: a dense layer to Units·Pieces values, then the maximum over each unit's Pieces
// (Goodfellow, Warde-Farley, Mirza, Courville & Bengio, "Maxout networks", ICML 2013; the dense layers of
// Dieleman's Galaxy Zoo winner, 2014).
//   z = x·W + b                       x (N, C), W (C, Units·Pieces), b (Units·Pieces), z (N, Units·Pieces)
//   y[n, u] = max_k z[n, u·Pieces + k]                                          y (N, Units)
//   Backward: dz = dy at each unit's arg-max piece (the first one on ties), 0 elsewhere; then dense's
//   dW = xᵀ·dz, db = Σ_N dz, dx = dz·Wᵀ.
// Options: kernel_init<I>, bias_init<I>, no_bias (as dense).
// Parameters: W (kernel_init, glorot_uniform by default with fan_in C, fan_out Units·Pieces, as a Keras Dense of
//   Units·Pieces), b (bias_init, zeros; none with no_bias). Count: C·Units·Pieces + Units·Pieces.
// Layout: the pieces of one unit are consecutive columns, as Lasagne's FeaturePoolLayer, TensorFlow
//   Addons' Maxout(num_units) and PyTorch's usual  z.view(N, Units, Pieces).max(-1). Keras 1's MaxoutDense
//   (W (Pieces, C, Units)) is piece-major: our column u·Pieces + k is its W[k, :, u].
// The input must be flat (rank 1 per sample): put layers::flatten before it.
#include "cascade/kernels/linear.hpp"
#include "cascade/kernels/maxout.hpp"
#include "cascade/init/on_host.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/dense.hpp"   // dense_option_kinds
#include "cascade/layers/options.hpp"

namespace cascade::layers {

template <std::size_t Units, std::size_t Pieces, class... Opts>
struct maxout {
    static_assert(Units > 0 && Pieces > 0, "maxout<Units, Pieces>: Units and Pieces must be positive");
    static constexpr const char* name = "maxout";
    using Init = typename detail::option_t<option_kinds::kernel_initializer, kernel_init<init::glorot_uniform>, Opts...>::type;
    using BiasInit = typename detail::option_t<option_kinds::bias_initializer, bias_init<init::zeros>, Opts...>::type;
    static constexpr bool Bias = detail::option_t<option_kinds::use_bias, std::true_type, Opts...>::value;
    static constexpr bool options_valid = detail::options_ok<detail::dense_option_kinds, Opts...>;

    template <class In>
    static constexpr bool accepts = options_valid && In::rank == 1;
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::dense_option_kinds, Opts...>();
        static_assert(!options_valid || In::rank == 1, "maxout: input must be flat (one axis per sample); add layers::flatten before maxout");
    }
    template <class In>
    using output_shape = shape<Units>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t I = In::size, Z = Units * Pieces;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        tensor<2> w, dw;    // (I, Units·Pieces)
        tensor<1> b, db;    // (Units·Pieces)
        tensor<2> z, dz;    // (N, Units·Pieces): pre-activations (kept for the arg-max) and their gradient

        explicit impl(rng& g)
            : w(B::template filled<T, 2>({I, Z})), dw(w), b(B::template filled<T, 1>({Bias ? Z : 0})), db(b) {
            init::fill<Init>(w, I, Z, g);
            init::fill<BiasInit>(b, I, Z, g);
        }
        void forward(const tensor<2>& x, tensor<2>& y, mode) {
            kernels::dense_forward(x, w, Bias ? &b : nullptr, z);
            kernels::max_pieces_forward(z, Pieces, y);
        }
        void backward(const tensor<2>& x, const tensor<2>&, const tensor<2>& dy, tensor<2>* dx) {
            kernels::max_pieces_backward(z, dy, Pieces, dz);
            kernels::dense_backward(x, dz, w, dw, Bias ? &db : nullptr, dx);
        }
        auto params() {
            if constexpr (Bias) return std::tie(w, b); else return std::tie(w);
        }
        auto grads() {
            if constexpr (Bias) return std::tie(dw, db); else return std::tie(dw);
        }
    };
};

} // namespace cascade::layers
