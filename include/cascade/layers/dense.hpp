#pragma once
// dense<Units, Options...>: fully connected layer (Keras Dense(units, use_bias, kernel_initializer,
// bias_initializer); PyTorch nn.Linear with the weight transposed).
//   y = x · W + b        x (N, I), W (I, Units), b (Units), y (N, Units)
//   Options: kernel_init<I> (glorot_uniform, fan_in = I, fan_out = Units), bias_init<I> (zeros), no_bias.
//   The input must be flat (rank 1 per sample): put layers::flatten before it.
#include "cascade/kernels/linear.hpp"
#include "cascade/init/on_host.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"

namespace cascade::layers {

namespace detail {
struct dense_option_kinds
    : option_kinds_list<option_kinds::use_bias, option_kinds::kernel_initializer, option_kinds::bias_initializer> {};
} // namespace detail

template <std::size_t Units, class... Opts>
struct dense {
    static_assert(Units > 0, "dense<Units>: Units must be positive");
    static constexpr const char* name = "dense";
    using KernelInit = typename detail::option_t<option_kinds::kernel_initializer, kernel_init<init::glorot_uniform>, Opts...>::type;
    using BiasInit = typename detail::option_t<option_kinds::bias_initializer, bias_init<init::zeros>, Opts...>::type;
    static constexpr bool UseBias = detail::option_t<option_kinds::use_bias, std::true_type, Opts...>::value;
    static constexpr bool options_valid = detail::options_ok<detail::dense_option_kinds, Opts...>;

    template <class In>
    static constexpr bool accepts = options_valid && In::rank == 1;
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::dense_option_kinds, Opts...>();
        static_assert(!options_valid || In::rank == 1, "dense: input must be flat (one axis per sample); add layers::flatten before dense");
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
            init::fill<BiasInit>(b, I, Units, g);
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
