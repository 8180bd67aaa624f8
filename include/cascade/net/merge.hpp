#pragma once
// Merge layers: parallel branches on the same input, their outputs combined into one — Keras' merging
// layers (keras.layers.Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate) after a fork of
// one tensor. Each is ONE layer of a sequential; a branch is a chain of layers, branch<> the identity.
//
//   net::add<branch<Ls...>...>            y = f_1(x) + f_2(x) + …                    Keras Add()
//   net::subtract<branch<A...>, branch<B...>>   y = f_1(x) − f_2(x) (exactly two)    Keras Subtract()
//   net::multiply<branch<Ls...>...>       y = f_1(x) ⊙ f_2(x) ⊙ …                    Keras Multiply()
//   net::average<branch<Ls...>...>        y = (f_1(x) + … + f_n(x)) / n              Keras Average()
//   net::maximum<branch<Ls...>...>        y = max_i f_i(x), element-wise             Keras Maximum()
//   net::minimum<branch<Ls...>...>        y = min_i f_i(x), element-wise             Keras Minimum()
//   net::concatenate<Axis, branch<Ls...>...>  y = [f_1(x) ‖ f_2(x) ‖ …] on Axis      Keras Concatenate(axis=Axis)
//   net::concat<branch<Ls...>...>         concatenate<-1, ...>, the last axis (net/concat.hpp)
//
//   using projection_shortcut = net::add<net::branch<conv2d<16, kernel<3>, strides<2>, padding::same>, relu,
//                                                    conv2d<16, kernel<3>, padding::same>>,
//                                        net::branch<conv2d<16, kernel<1>, strides<2>>>>;   // ResNet, He et al. 2016
//   using gate = net::multiply<net::branch<dense<8>, sigmoid>, net::branch<dense<8>>>;         // a gated unit
//
// backward, with dy = ∂L/∂y and dy_i the gradient handed to branch i:
//   add: dy_i = dy;  subtract: dy_1 = dy, dy_2 = −dy;  average: dy_i = dy / n;
//   multiply: dy_i = dy ⊙ Π_{j≠i} f_j;   concatenate: dy_i = the slice of dy that f_i produced;
//   maximum/minimum: dy_i = dy where branch i's value was kept, 0 elsewhere. The kept value is the first
//   branch's on ties (TF's gradient of tf.maximum/minimum, applied left to right as Keras does); a NaN
//   propagates (the first NaN is kept and receives the gradient).
//   dx = Σ_i ∂f_i/∂x (dy_i)   (branch<>: ∂f_i/∂x (dy_i) = dy_i).
// Shapes (checked at compile time, naming the merge and the branches' output shapes): the element-wise
// merges need the same output shape from every branch — Keras would also broadcast (e.g. (N, 1, C) with
// (N, H, C)); cascade does not. concatenate needs the same rank, equal extents on every axis but Axis.
// Axis as in Keras, counting the batch axis as 0: 1..rank names a sample axis from the front, −1..−rank
// from the end (−1: channels); 0, the batch axis, is rejected. Each branch is a sequential<In, Ls...>
// and reports its own errors.
// Parameters: those of the branches, in branch order (Keras' order of the merged inputs); weight
// penalties and KL terms of the branches are forwarded (auxiliary_loss).
#include "cascade/kernels/activation.hpp"
#include "cascade/kernels/concat.hpp"
#include "cascade/kernels/merge.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/net/regularization.hpp"
#include "cascade/net/sequential.hpp"

#include <algorithm>
#include <array>
#include <tuple>
#include <type_traits>
#include <utility>

namespace cascade::net {

// A chain of layers run on the merge's input; branch<> is the identity.
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

template <class... S>
using first_of = std::tuple_element_t<0, std::tuple<S...>>;
template <class... S>
inline constexpr bool same_shapes = (std::is_same_v<S, first_of<S...>> && ...);

// Shapes that can be joined on sample axis A (0-based): same rank, equal on every other axis.
template <std::size_t A, class... S>
constexpr bool joinable_on_axis() {
    using S0 = std::tuple_element_t<0, std::tuple<S...>>;
    return A < S0::rank && ((S::rank == S0::rank) && ...) && [] {
        bool ok = true;
        for (std::size_t i = 0; i < S0::rank; ++i)
            if (i != A) ((ok = ok && S::dim_or(i, 0) == S0::dims[i]), ...);
        return ok;
    }();
}
template <class... S>
constexpr bool joinable_on_last_axis() {
    return joinable_on_axis<std::tuple_element_t<0, std::tuple<S...>>::rank - 1, S...>();
}

template <std::size_t A, class Seq, class S0, class... S>
struct joined_shape_impl;
template <std::size_t A, std::size_t... I, class S0, class... S>
struct joined_shape_impl<A, std::index_sequence<I...>, S0, S...> {
    static constexpr std::size_t joined_width = (S0::dims[A] + ... + S::dim_or(A, 0));   // apart: nvcc rejects the nested fold
    using type = shape<(I == A ? joined_width : S0::dims[I])...>;
};
// [S0 ‖ S1 ‖ ...] on sample axis A (meaningful only if joinable_on_axis<A>).
// (Packs only: an alias template cannot take a pack expansion for a non-pack parameter.)
template <std::size_t A, class... S>
using joined_shape_on = typename joined_shape_impl<A, std::make_index_sequence<first_of<S...>::rank>, S...>::type;
template <class... S>
using joined_shape = joined_shape_on<first_of<S...>::rank - 1, S...>;

// Keras' axis (batch axis 0; negative from the end) on samples of rank R: in range, and the 0-based
// sample axis.
template <int Axis, std::size_t R>
inline constexpr bool sample_axis_in_range = Axis > 0 ? std::size_t(Axis) <= R : Axis < 0 && std::size_t(-Axis) <= R;
template <int Axis, std::size_t R>
inline constexpr std::size_t sample_axis = !sample_axis_in_range<Axis, R> ? 0 : Axis > 0 ? std::size_t(Axis) - 1 : R - std::size_t(-Axis);

// The run-time side of one branch: a network, or nothing for the identity.
template <class Br, class In, class B, class T>
struct branch_runner;
template <class In, class B, class T>
struct branch_runner<branch<>, In, B, T> {
    using x_tensor = typename B::template tensor<T, In::rank + 1>;
    explicit branch_runner(rng&) {}
    const x_tensor& forward(const x_tensor& in, mode) { return in; }
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

// How the branch outputs are combined. An Op has a name, a shape rule over the branches' output shapes
// S... (joinable, check() with its static_asserts, output), and a run-time part impl<B, T, S...>:
//   forward(y, f_1, ..., f_n)                       fills y (already shaped (N, Out...))
//   gradient<I>(dy, scratch, f_1, ..., f_n) -> dy_I  a reference to dy itself, to scratch (shaped by it)
//                                                    or to a tensor of the op's own
namespace merge_ops {

// The element-wise merges: every branch gives the same shape, which is the output's.
struct elementwise {
    template <class... S>
    static constexpr bool joinable = detail::same_shapes<S...>;
    template <class... S>
    using output = detail::first_of<S...>;
};

struct add : elementwise {
    static constexpr const char* name = "add";
    template <class S0, class... S>
    static constexpr void check() {
        static_assert((std::is_same_v<S, S0> && ...),
                      "add: every branch must give the same output shape (no broadcasting); S0, S: the branches' output shapes");
    }
    template <class B, class T, class... S>
    struct impl {
        // ((f_1 + f_2) + f_3) + …, as Keras sums.
        template <class Y, class F0, class... F>
        void forward(Y& y, const F0& f0, const F&... f) {
            if constexpr (sizeof...(F) == 0) kernels::copy(f0, y);
            else sum_rest(y, f0, f...);
        }
        template <class Y, class F0, class F1, class... F>
        static void sum_rest(Y& y, const F0& f0, const F1& f1, const F&... f) {
            kernels::add_scaled(f0, f1, T(1), y);
            (kernels::add_scaled(y, f, T(1), y), ...);
        }
        template <std::size_t I, class Y, class D, class... F>
        const Y& gradient(const Y& dy, D&, const F&...) { return dy; }
    };
};

struct subtract : elementwise {
    static constexpr const char* name = "subtract";
    template <class S0, class... S>
    static constexpr void check() {
        static_assert((std::is_same_v<S, S0> && ...),
                      "subtract: both branches must give the same output shape (no broadcasting); S0, S: the branches' output shapes");
    }
    template <class B, class T, class S0, class S1>
    struct impl {
        typename B::template tensor<T, S0::rank + 1> neg_dy;   // −dy for the second branch
        template <class Y, class F0, class F1>
        void forward(Y& y, const F0& f0, const F1& f1) { kernels::add_scaled(f0, f1, T(-1), y); }
        template <std::size_t I, class Y, class D, class... F>
        const Y& gradient(const Y& dy, D&, const F&...) {
            if constexpr (I == 0) return dy;
            else {
                kernels::divide_by(dy, T(-1), neg_dy);
                return neg_dy;
            }
        }
    };
};

struct average : elementwise {
    static constexpr const char* name = "average";
    template <class S0, class... S>
    static constexpr void check() {
        static_assert((std::is_same_v<S, S0> && ...),
                      "average: every branch must give the same output shape (no broadcasting); S0, S: the branches' output shapes");
    }
    template <class B, class T, class S0, class... S>
    struct impl {
        static constexpr T count = T(1 + sizeof...(S));
        typename B::template tensor<T, S0::rank + 1> scaled_dy;   // dy / n, shared by every branch
        template <class Y, class... F>
        void forward(Y& y, const F&... f) {
            add::impl<B, T, S0, S...>{}.forward(y, f...);
            kernels::divide_by(y, count, y);
        }
        template <std::size_t I, class Y, class D, class... F>
        const Y& gradient(const Y& dy, D&, const F&...) {
            if constexpr (I == 0) kernels::divide_by(dy, count, scaled_dy);
            return scaled_dy;
        }
    };
};

struct multiply : elementwise {
    static constexpr const char* name = "multiply";
    template <class S0, class... S>
    static constexpr void check() {
        static_assert((std::is_same_v<S, S0> && ...),
                      "multiply: every branch must give the same output shape (no broadcasting); S0, S: the branches' output shapes");
    }
    template <class B, class T, class... S>
    struct impl {
        // ((f_1 ⊙ f_2) ⊙ f_3) ⊙ …
        template <class Y, class F0, class... F>
        void forward(Y& y, const F0& f0, const F&... f) {
            if constexpr (sizeof...(F) == 0) kernels::copy(f0, y);
            else product_rest(y, f0, f...);
        }
        template <class Y, class F0, class F1, class... F>
        static void product_rest(Y& y, const F0& f0, const F1& f1, const F&... f) {
            kernels::multiply(f0, f1, y);
            (kernels::multiply(y, f, y), ...);
        }
        // dy ⊙ the other branches' outputs, in branch order.
        template <std::size_t I, class Y, class D, class... F>
        const D& gradient(const Y& dy, D& d, const F&... f) {
            kernels::copy(dy, d);
            [&]<std::size_t... J>(std::index_sequence<J...>) {
                ((J != I ? kernels::multiply(d, f, d) : void()), ...);
            }(std::index_sequence_for<F...>{});
            return d;
        }
    };
};

// maximum (Minimum = false) and minimum (true): arg records which branch each kept value came from.
template <bool Minimum>
struct extremum : elementwise {
    static constexpr const char* name = Minimum ? "minimum" : "maximum";
    template <class S0, class... S>
    static constexpr void check() {
        if constexpr (Minimum)
            static_assert((std::is_same_v<S, S0> && ...),
                          "minimum: every branch must give the same output shape (no broadcasting); S0, S: the branches' output shapes");
        else
            static_assert((std::is_same_v<S, S0> && ...),
                          "maximum: every branch must give the same output shape (no broadcasting); S0, S: the branches' output shapes");
    }
    template <class B, class T, class S0, class... S>
    struct impl {
        typename B::template tensor<T, S0::rank + 1> arg;   // the branch index of each kept value
        template <class Y, class... F>
        void forward(Y& y, const F&... f) {
            std::size_t i = 0;
            ((kernels::extremum_merge_step(f, i++, y, arg, Minimum)), ...);
        }
        template <std::size_t I, class Y, class D, class... F>
        const D& gradient(const Y& dy, D& d, const F&...) {
            kernels::route_by_index(dy, arg, I, d);
            return d;
        }
    };
};

template <int Axis>
struct concatenate {
    static constexpr const char* name = "concatenate";
    template <class... S>
    static constexpr bool joinable = detail::sample_axis_in_range<Axis, detail::first_of<S...>::rank> &&
                                     detail::joinable_on_axis<detail::sample_axis<Axis, detail::first_of<S...>::rank>, S...>();
    template <class S0, class... S>
    static constexpr void check() {
        static_assert(detail::sample_axis_in_range<Axis, S0::rank>,
                      "concatenate<Axis>: Axis counts the batch axis as 0, so it must be 1..rank or -rank..-1 (-1: the "
                      "last axis) for the branches' output rank");
        if constexpr (detail::sample_axis_in_range<Axis, S0::rank>)
            static_assert(detail::joinable_on_axis<detail::sample_axis<Axis, S0::rank>, S0, S...>(),
                          "concatenate<Axis>: the branches' outputs must have the same rank and agree on every axis but "
                          "Axis (the one they are joined on); S0, S: the branches' output shapes");
    }
    template <class... S>
    using output = detail::joined_shape_on<detail::sample_axis<Axis, detail::first_of<S...>::rank>, S...>;

    template <class B, class T, class... S>
    struct impl {
        static constexpr std::size_t axis = detail::sample_axis<Axis, std::tuple_element_t<0, std::tuple<S...>>::rank>;
        static constexpr std::array<std::size_t, sizeof...(S)> widths{S::dims[axis]...};
        static constexpr std::array<std::size_t, sizeof...(S)> offsets = [] {
            std::array<std::size_t, sizeof...(S)> o{};
            for (std::size_t i = 1; i < sizeof...(S); ++i) o[i] = o[i - 1] + widths[i - 1];
            return o;
        }();
        template <class Y, class... F>
        void forward(Y& y, const F&... f) {
            std::size_t i = 0;
            ((kernels::copy_axis_slice(f, 0, y, offsets[i], widths[i], axis + 1), ++i), ...);
        }
        template <std::size_t I, class Y, class D, class... F>
        const D& gradient(const Y& dy, D& d, const F&...) {
            ensure_shape(d, batch_shape<std::tuple_element_t<I, std::tuple<S...>>>(dy.shape()[0]));
            kernels::copy_axis_slice(dy, offsets[I], d, 0, widths[I], axis + 1);
            return d;
        }
    };
};

} // namespace merge_ops

// merge<Op, branch...>: the shared layer behind every merge: runs the branches, lets Op combine their
// outputs and split the gradient, and sums the branches' input gradients.
template <class Op, class... Bs>
struct merge {
    static_assert(sizeof...(Bs) >= 1, "merge: needs at least one branch");
    static constexpr const char* name = Op::name;

    template <class In>
    static constexpr bool branches_valid = (detail::branch_traits<Bs, In>::valid && ...);
    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (!branches_valid<In>) return false;
        else return Op::template joinable<typename detail::branch_traits<Bs, In>::output...>;
    }();
    // A branch that rejects its input has already been reported by its own sequential.
    template <class In>
    static constexpr void check() {
        if constexpr (branches_valid<In>) Op::template check<typename detail::branch_traits<Bs, In>::output...>();
    }
    template <class In>
    using output_shape = typename std::conditional_t<accepts<In>, Op, merge_ops::elementwise>::template output<
        std::conditional_t<accepts<In>, typename detail::branch_traits<Bs, In>::output, In>...>;

    template <class In, class B, class T>
    struct impl {
        using Out = output_shape<In>;
        using x_tensor = typename B::template tensor<T, In::rank + 1>;
        using y_tensor = typename B::template tensor<T, Out::rank + 1>;
        template <class Br>
        using part_tensor = typename B::template tensor<T, detail::branch_traits<Br, In>::output::rank + 1>;

        std::tuple<detail::branch_runner<Bs, In, B, T>...> branches;
        typename Op::template impl<B, T, typename detail::branch_traits<Bs, In>::output...> op;
        std::tuple<const part_tensor<Bs>*...> outs{};   // f_i(x) of the last forward (owned by the branches)
        std::tuple<part_tensor<Bs>...> part_dy;         // dy_i where the op computes it
        x_tensor dx_part;                               // one branch's input gradient, before it is summed into dx

        explicit impl(rng& g) : branches{detail::branch_runner<Bs, In, B, T>(g)...} {}

        void forward(const x_tensor& x, y_tensor& y, mode m) {
            ensure_shape(y, batch_shape<Out>(x.shape()[0]));
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                ((std::get<I>(outs) = &std::get<I>(branches).forward(x, m)), ...);
                op.forward(y, *std::get<I>(outs)...);
            }(std::index_sequence_for<Bs...>{});
        }

        void backward(const x_tensor&, const y_tensor&, const y_tensor& dy, x_tensor* dx) {
            bool first = true;
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                (([&] {
                     const auto& d = op.template gradient<I>(dy, std::get<I>(part_dy), *std::get<I>(outs)...);
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

template <class... Bs>
using add = merge<merge_ops::add, Bs...>;
template <class B1, class B2>
using subtract = merge<merge_ops::subtract, B1, B2>;
template <class... Bs>
using multiply = merge<merge_ops::multiply, Bs...>;
template <class... Bs>
using average = merge<merge_ops::average, Bs...>;
template <class... Bs>
using maximum = merge<merge_ops::extremum<false>, Bs...>;
template <class... Bs>
using minimum = merge<merge_ops::extremum<true>, Bs...>;
template <int Axis, class... Bs>
using concatenate = merge<merge_ops::concatenate<Axis>, Bs...>;

} // namespace cascade::net
