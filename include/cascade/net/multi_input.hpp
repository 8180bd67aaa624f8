#pragma once
// multi_input<inputs<Head...>, Trunk...>: a network with several inputs — each input runs through its own
// head (a sequential), the heads' outputs are joined on the last axis, and the trunk layers run on the
// result. Keras' functional API for the common case: a conditional GAN's discriminator (image ⊕ label),
// a cVAE's encoder (x ⊕ condition), or a detector image with per-event scalars.
//
//   using disc = net::multi_input<
//       net::inputs<net::sequential<shape<28, 28, 1>, layers::conv2d<16, layers::kernel<5>>, layers::relu, layers::flatten>,
//                   net::sequential<shape<10>, layers::dense<16>>>,        // the class label, one-hot
//       layers::dense<64>, layers::relu, layers::dense<1>>;             // on (N, 9216 + 16)
//   disc::on<backend::cpu, float> d{seed};
//   const auto& logit = d.forward(std::tie(images, labels), mode::train);
//   train::step(d, losses::binary_crossentropy{.from_logits = true}, opt, std::tie(images, labels), targets);
//
// The network's input_tensor is a tuple of const references (std::tie(x0, x1, ...)); its interface is a
// sequential network's (forward, backward, backward_from<K>, grad_at<K>, visit_params, params, grads,
// buffers, layer<K> of the trunk), so train::step and the fused losses work unchanged. fit/evaluate take
// single-input datasets and reject it at compile time; train a multi-input network with train::step.
// A head with no layers is written net::sequential<S, layers::linear> or uses the identity: see identity_head.
#include "cascade/net/concat.hpp"
#include "cascade/net/regularization.hpp"
#include "cascade/net/sequential.hpp"

#include <tuple>
#include <type_traits>
#include <utility>

namespace cascade::net {

template <class... Heads>
struct inputs {};

namespace detail {
template <class Seq>
using head_output = std::tuple_element_t<Seq::depth, typename Seq::shapes>;
} // namespace detail

template <class B, class T, class Heads, class Trunk>
class multi_input_network;

template <class Inputs, class... Trunk>
struct multi_input;

template <class... Heads, class... Trunk>
struct multi_input<inputs<Heads...>, Trunk...> {
    static_assert(sizeof...(Heads) >= 1, "multi_input: inputs<...> needs at least one head (a net::sequential)");
    static_assert(sizeof...(Trunk) >= 1, "multi_input: needs at least one trunk layer after inputs<...>");
    static constexpr bool heads_valid = (Heads::valid && ...);
    static constexpr bool joinable = [] {
        if constexpr (!heads_valid) return true;   // the failing head has reported itself
        else return detail::joinable_on_last_axis<detail::head_output<Heads>...>();
    }();
    static_assert(joinable, "multi_input: the heads' outputs must have the same rank and agree on every axis but the "
                            "last (the one they are joined on); flatten image heads before joining them with vectors");
    using joined = std::conditional_t<heads_valid && joinable, detail::joined_shape<detail::head_output<Heads>...>,
                                      shape<1>>;
    using trunk = sequential<joined, Trunk...>;
    static constexpr bool valid = heads_valid && joinable && trunk::valid;

    template <class B, class T>
    using on = std::conditional_t<valid, multi_input_network<B, T, std::tuple<Heads...>, trunk>, invalid_network>;
};

template <class B, class T, class... Heads, class Trunk>
class multi_input_network<B, T, std::tuple<Heads...>, Trunk> {
    using trunk_net = typename Trunk::template on<B, T>;
    using head_seq = std::index_sequence_for<Heads...>;

public:
    static constexpr std::size_t depth = trunk_net::depth;   // the trunk's layers (what train::step sees)
    template <std::size_t K> using shape_at = typename trunk_net::template shape_at<K>;
    template <std::size_t K> using layer_type = typename trunk_net::template layer_type<K>;
    template <std::size_t K> using act_tensor = typename trunk_net::template act_tensor<K>;
    using joined_shape = typename trunk_net::input_shape;
    using output_shape = typename trunk_net::output_shape;
    using backend_type = B;
    using scalar_type = T;
    template <std::size_t R> using tensor = typename B::template tensor<T, R>;
    using head_tuple = std::tuple<typename Heads::template on<B, T>...>;
    template <std::size_t I> using head_input = typename std::tuple_element_t<I, head_tuple>::input_tensor;
    using input_tensor = std::tuple<const typename Heads::template on<B, T>::input_tensor&...>;
    using output_tensor = typename trunk_net::output_tensor;

private:
    head_tuple heads_;
    trunk_net trunk_;
    typename trunk_net::input_tensor joined_;    // [head_0(x_0) ‖ head_1(x_1) ‖ ...]
    typename trunk_net::input_tensor djoined_;   // ∂f/∂joined
    std::tuple<typename Heads::template on<B, T>::output_tensor...> dheads_;   // ∂f/∂(head I's output)

    static constexpr std::size_t joined_width = joined_shape::dims[joined_shape::rank - 1];
    template <std::size_t I>
    static constexpr std::size_t width = detail::head_output<std::tuple_element_t<I, std::tuple<Heads...>>>::dims[joined_shape::rank - 1];
    template <std::size_t I>
    static constexpr std::size_t offset() {
        if constexpr (I == 0) return 0;
        else return offset<I - 1>() + width<I - 1>;
    }

    template <std::size_t... I>
    static head_tuple make_heads(rng& g, std::index_sequence<I...>) {
        return head_tuple{std::tuple_element_t<I, head_tuple>(rng(g()))...};   // braced: in order
    }

public:
    explicit multi_input_network(std::uint64_t seed = 0) : multi_input_network(rng(seed)) {}
    explicit multi_input_network(rng g) : heads_(make_heads(g, head_seq{})), trunk_(rng(g())) {}

    const output_tensor& forward(const input_tensor& xs, mode m = mode::infer) {
        const std::size_t n = std::get<0>(xs).shape()[0];
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (([&] {
                 CASCADE_CHECK(std::get<I>(xs).shape()[0] == n, "multi_input: input ", I, " has ",
                               std::get<I>(xs).shape()[0], " samples but input 0 has ", n);
             }()),
             ...);
            ensure_shape(joined_, batch_shape<joined_shape>(n));
            ((kernels::copy_columns(std::get<I>(heads_).forward(std::get<I>(xs), m), 0, joined_, offset<I>(), width<I>)), ...);
        }(head_seq{});
        return trunk_.forward(joined_, m);
    }

    // dxs, if given, receives ∂f/∂x_i for the first inputs (a tuple of pointers, e.g.
    // std::tuple{&dimages, &dlabels}; null entries and missing trailing entries are skipped).
    template <class... P>
    void backward(const output_tensor& dy, std::tuple<P*...> dxs = {}) {
        backward_from<depth - 1>(dy, dxs);
    }

    template <std::size_t Last, class... P>
    void backward_from(const act_tensor<Last + 1>& dy, std::tuple<P*...> dxs = {}) {
        trunk_.template backward_from<Last>(dy, &djoined_);
        const std::size_t n = djoined_.shape()[0];
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (([&] {
                 auto& d = std::get<I>(dheads_);
                 ensure_shape(d, batch_shape<detail::head_output<std::tuple_element_t<I, std::tuple<Heads...>>>>(n));
                 kernels::copy_columns(djoined_, offset<I>(), d, 0, width<I>);
                 head_input<I>* dx = nullptr;
                 if constexpr (I < sizeof...(P)) dx = std::get<I>(dxs);
                 std::get<I>(heads_).backward(d, dx);
             }()),
             ...);
        }(head_seq{});
    }

    template <class F>
    void visit_params(F&& f) {
        std::size_t k = 0;
        auto visit = [&](auto& net) {
            net.visit_params([&](std::size_t, auto& w, auto& g) { f(k++, w, g); });
        };
        std::apply([&](auto&... h) { (visit(h), ...); }, heads_);
        visit(trunk_);
    }
    auto params() {
        return std::tuple_cat(std::apply([](auto&... h) { return std::tuple_cat(h.params()...); }, heads_), trunk_.params());
    }
    auto grads() {
        return std::tuple_cat(std::apply([](auto&... h) { return std::tuple_cat(h.grads()...); }, heads_), trunk_.grads());
    }
    auto buffers() {
        return std::tuple_cat(std::apply([](auto&... h) { return std::tuple_cat(h.buffers()...); }, heads_),
                              trunk_.buffers());
    }

    // Penalties / KL terms of the heads' and the trunk's layers (net/regularization.hpp).
    T auxiliary_loss() requires(has_auxiliary_losses<trunk_net>() ||
                                (has_auxiliary_losses<typename Heads::template on<B, T>>() || ...)) {
        T s = regularization_loss(trunk_);
        std::apply([&](auto&... h) { ((s += regularization_loss(h)), ...); }, heads_);
        return s;
    }

    template <std::size_t I> auto& head() { return std::get<I>(heads_); }
    auto& trunk() { return trunk_; }
    template <std::size_t K> auto& layer() { return trunk_.template layer<K>(); }
    template <std::size_t K> act_tensor<K + 1>& grad_at() { return trunk_.template grad_at<K>(); }
    const output_tensor& output() const { return trunk_.output(); }
};

} // namespace cascade::net
