#pragma once
// concat<branch<...>, branch<...>, ...>: parallel branches on the same input, their outputs joined along
// the last (channel/feature) axis — Keras' Concatenate() after a fork, Inception-style blocks, U-Net skips.
// Usable as one layer in a sequential.
//
//   using block = net::concat<net::branch<layers::conv2d<16, 1, 1, layers::padding::same>>,
//                             net::branch<layers::conv2d<16, 3, 1, layers::padding::same>>,
//                             net::branch<>>;                       // identity: the input itself
//   (N, H, W, C) → (N, H, W, 32 + C)
//
//   forward:   y = [f_1(x) ‖ f_2(x) ‖ ...]          (‖: concatenation on the last axis)
//   backward:  dx = Σ_i ∂f_i/∂x (dy_i),  dy_i = the slice of dy that f_i produced
// Every branch output must have the same rank and agree on all axes but the last (checked at compile
// time, naming the shapes). Each branch is a sequential<In, Layers...> and reports its own errors.
#include "cascade/kernels/activation.hpp"
#include "cascade/kernels/concat.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/net/regularization.hpp"
#include "cascade/net/sequential.hpp"

#include <algorithm>
#include <array>
#include <tuple>
#include <type_traits>
#include <utility>

namespace cascade::net {

// A chain of layers run on the concat's input; branch<> is the identity.
template <class... Ls>
struct branch {};

namespace detail {

template <class Br, class In>
struct branch_traits;
template <class In>
struct branch_traits<branch<>, In> {
    static constexpr bool valid = true;
    using output = In;
};
template <class L0, class... Ls, class In>
struct branch_traits<branch<L0, Ls...>, In> {
    using body = sequential<In, L0, Ls...>;
    static constexpr bool valid = body::valid;
    using output = std::tuple_element_t<sizeof...(Ls) + 1, typename body::shapes>;
};

// Shapes that can be joined on the last axis: same rank, equal on every other axis.
template <class... S>
constexpr bool joinable_on_last_axis() {
    using S0 = std::tuple_element_t<0, std::tuple<S...>>;
    return ((S::rank == S0::rank) && ...) && [] {
        bool ok = true;
        for (std::size_t i = 0; i + 1 < S0::rank; ++i) ((ok = ok && S::dim_or(i, 0) == S0::dims[i]), ...);
        return ok;
    }();
}

template <class Seq, class S0, class... S>
struct joined_shape_impl;
template <std::size_t... I, class S0, class... S>
struct joined_shape_impl<std::index_sequence<I...>, S0, S...> {
    static constexpr std::size_t last = S0::rank - 1;
    static constexpr std::size_t joined_width = (S0::dims[last] + ... + S::dim_or(last, 0));   // apart: nvcc rejects the nested fold
    using type = shape<(I == last ? joined_width : S0::dims[I])...>;
};
// [S0 ‖ S1 ‖ ...] on the last axis (meaningful only if joinable_on_last_axis).
template <class... S>
struct joined_shape_of;
template <class S0, class... S>
struct joined_shape_of<S0, S...> {
    using type = typename joined_shape_impl<std::make_index_sequence<S0::rank>, S0, S...>::type;
};
template <class... S>
using joined_shape = typename joined_shape_of<S...>::type;

// The run-time side of one branch: a network, or nothing for the identity.
template <class Br, class In, class B, class T>
struct branch_runner;
template <class In, class B, class T>
struct branch_runner<branch<>, In, B, T> {
    using x_tensor = typename B::template tensor<T, In::rank + 1>;
    const x_tensor* x = nullptr;
    explicit branch_runner(rng&) {}
    const x_tensor& forward(const x_tensor& in, mode) { return *(x = &in); }
    void backward(const x_tensor& dy, x_tensor* dx) {
        if (dx) kernels::copy(dy, *dx);
    }
    auto params() { return std::tie(); }
    auto grads() { return std::tie(); }
    auto buffers() { return std::tie(); }
};
template <class L0, class... Ls, class In, class B, class T>
struct branch_runner<branch<L0, Ls...>, In, B, T> {
    typename sequential<In, L0, Ls...>::template on<B, T> f;
    explicit branch_runner(rng& g) : f(rng(g())) {}
    const auto& forward(const auto& x, mode m) { return f.forward(x, m); }
    void backward(const auto& dy, auto* dx) { f.backward(dy, dx); }
    auto params() { return f.params(); }
    auto grads() { return f.grads(); }
    auto buffers() { return f.buffers(); }
    auto auxiliary_loss() requires(has_auxiliary_losses<decltype(f)>()) { return regularization_loss(f); }
};

} // namespace detail

template <class... Bs>
struct concat {
    static_assert(sizeof...(Bs) >= 1, "concat: needs at least one branch");
    static constexpr const char* name = "concat";

    template <class In>
    static constexpr bool branches_valid = (detail::branch_traits<Bs, In>::valid && ...);
    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (!branches_valid<In>) return false;
        else return detail::joinable_on_last_axis<typename detail::branch_traits<Bs, In>::output...>();
    }();
    // A branch that rejects its input has already been reported by its own sequential.
    template <class In>
    static constexpr void check() {
        if constexpr (branches_valid<In>)
            static_assert(detail::joinable_on_last_axis<typename detail::branch_traits<Bs, In>::output...>(),
                          "concat: the branches' outputs must have the same rank and agree on every axis but the "
                          "last (the one they are joined on)");
    }
    template <class In>
    using output_shape = std::conditional_t<accepts<In>, detail::joined_shape<typename detail::branch_traits<Bs, In>::output...>, In>;

    template <class In, class B, class T>
    struct impl {
        using Out = output_shape<In>;
        using x_tensor = typename B::template tensor<T, In::rank + 1>;
        using y_tensor = typename B::template tensor<T, Out::rank + 1>;
        template <class Br>
        using part_tensor = typename B::template tensor<T, detail::branch_traits<Br, In>::output::rank + 1>;
        static constexpr std::array<std::size_t, sizeof...(Bs)> widths{
            detail::branch_traits<Bs, In>::output::dims[Out::rank - 1]...};
        static constexpr std::array<std::size_t, sizeof...(Bs)> offsets = [] {
            std::array<std::size_t, sizeof...(Bs)> o{};
            for (std::size_t i = 1; i < sizeof...(Bs); ++i) o[i] = o[i - 1] + widths[i - 1];
            return o;
        }();

        std::tuple<detail::branch_runner<Bs, In, B, T>...> branches;
        std::tuple<part_tensor<Bs>...> part_dy;   // dy_i: the slice of dy for branch i
        x_tensor dx_part;                         // one branch's input gradient, before it is summed into dx

        explicit impl(rng& g) : branches{detail::branch_runner<Bs, In, B, T>(g)...} {}

        void forward(const x_tensor& x, y_tensor& y, mode m) {
            const std::size_t n = x.shape()[0];
            ensure_shape(y, batch_shape<Out>(n));
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                ((kernels::copy_columns(std::get<I>(branches).forward(x, m), 0, y, offsets[I], widths[I])), ...);
            }(std::index_sequence_for<Bs...>{});
        }

        void backward(const x_tensor&, const y_tensor&, const y_tensor& dy, x_tensor* dx) {
            const std::size_t n = dy.shape()[0];
            bool first = true;
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                (([&] {
                     auto& d = std::get<I>(part_dy);
                     ensure_shape(d, batch_shape<typename detail::branch_traits<Bs, In>::output>(n));
                     kernels::copy_columns(dy, offsets[I], d, 0, widths[I]);
                     if (!dx) {
                         std::get<I>(branches).backward(d, static_cast<x_tensor*>(nullptr));
                     } else if (first) {
                         std::get<I>(branches).backward(d, dx);
                         first = false;
                     } else {
                         std::get<I>(branches).backward(d, &dx_part);
                         kernels::add_scaled(*dx, dx_part, T(1), *dx);
                     }
                 }()),
                 ...);
            }(std::index_sequence_for<Bs...>{});
        }

        auto params() { return std::apply([](auto&... b) { return std::tuple_cat(b.params()...); }, branches); }
        auto grads() { return std::apply([](auto&... b) { return std::tuple_cat(b.grads()...); }, branches); }
        auto buffers() { return std::apply([](auto&... b) { return std::tuple_cat(b.buffers()...); }, branches); }
        T auxiliary_loss() requires((layers::has_auxiliary_loss<detail::branch_runner<Bs, In, B, T>> || ...)) {
            T s = 0;
            std::apply([&](auto&... b) {
                ([&] {
                     if constexpr (layers::has_auxiliary_loss<std::remove_cvref_t<decltype(b)>>) s += b.auxiliary_loss();
                 }(), ...);
            }, branches);
            return s;
        }
    };
};

} // namespace cascade::net
