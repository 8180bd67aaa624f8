#pragma once
// dense<Units>: fully connected layer (Keras Dense).
//   y = x · W + b        x (N, I), W (I, Units), b (Units), y (N, Units)
//   Parameters: W (glorot_uniform by default, fan_in = I, fan_out = Units), b (zeros).
//   The input must be flat (rank 1 per sample): put layers::flatten before it.
#include "cascade/kernels/linear.hpp"
#include "cascade/init/on_host.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

template <std::size_t Units, class KernelInit = init::glorot_uniform, bool UseBias = true>
struct dense {
    static_assert(Units > 0, "dense<Units>: Units must be positive");
    static constexpr const char* name = "dense";

    template <class In>
    static constexpr bool accepts = In::rank == 1;
    template <class In>
    static constexpr void check() {
        static_assert(accepts<In>, "dense: input must be flat (one axis per sample); add layers::flatten before dense");
    }
    template <class In>
    using output_shape = shape<Units>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t I = In::size;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        tensor<2> w, dw;   // (I, Units)
        tensor<1> b, db;   // (Units)

        explicit impl(rng& g)
            : w(B::template filled<T, 2>({I, Units})), dw(w), b(B::template filled<T, 1>({UseBias ? Units : 0})), db(b) {
            init::fill<KernelInit>(w, I, Units, g);
            init::fill<init::zeros>(b, I, Units, g);
        }
        void forward(const tensor<2>& x, tensor<2>& y, mode) const {
            kernels::dense_forward(x, w, UseBias ? &b : nullptr, y);
        }
        void backward(const tensor<2>& x, const tensor<2>&, const tensor<2>& dy, tensor<2>* dx) {
            kernels::dense_backward(x, dy, w, dw, UseBias ? &db : nullptr, dx);
        }
        auto params() {
            if constexpr (UseBias) return std::tie(w, b); else return std::tie(w);
        }
        auto grads() {
            if constexpr (UseBias) return std::tie(dw, db); else return std::tie(dw);
        }
    };
};

} // namespace cascade::layers
