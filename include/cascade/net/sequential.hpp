#pragma once
// net::sequential<In, L...>: a chain of layers in data-flow order. The per-sample shape flows through
// the layers at compile time (each layer's check<In>() names the layer and the shape it rejects);
// `::on<Backend, T>` is the trainable object holding the layers' impls and all activations.
//
//   using mlp = net::sequential<shape<2>, layers::dense<16>, layers::relu, layers::dense<1>>;
//   mlp::on<backend::cpu, float> net{/*seed=*/42};
//   const auto& y = net.forward(x, mode::train);   // x (N, 2) → y (N, 1)
//   net.backward(dy);                               // fills every layer's grads()
//   net.visit_params([](std::size_t k, auto& w, auto& dw) { ... });
//
// Activation buffers are resized only when the batch size changes, so a steady-state training step
// allocates nothing.
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/hyperparameters.hpp"
#include "cascade/layers/named.hpp"
#include "cascade/net/repeat.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace cascade::net {

namespace detail {

template <class... S>
struct type_list {};

// The shape chain In, out_1, ..., out_n, computed from each layer's pure `accepts` and `output_shape`;
// after the first layer that rejects its input (or is not a layer), the remaining shapes are
// `rejected`, so later layers are never judged against a bogus shape. The rejecting layer's check()
// is then instantiated once, from `sequential` itself: g++'s diagnostic is a few lines naming that
// layer and its input shape, whatever the layer's depth.
struct rejected {};

// (Only the name is probed: probing accepts<some shape> would instantiate a block layer's inner chain.)
template <class L>
inline constexpr bool is_layer_description = requires { L::name; };

template <class L, class In>
constexpr bool layer_accepts() {
    if constexpr (std::is_same_v<In, rejected> || !is_layer_description<L>) return false;
    else return L::template accepts<In>;
}

template <class L, class In>
struct next_shape {
    using type = rejected;
};
template <class L, class In>
    requires(layer_accepts<L, In>())
struct next_shape<L, In> {
    using type = layers::output_shape_of<L, In>;
};

template <class In, class... Ls>
struct chain {
    using shapes = type_list<In>;
};
template <class S, class List>
struct prepend;
template <class S, class... Ss>
struct prepend<S, type_list<Ss...>> {
    using type = type_list<S, Ss...>;
};
template <class In, class L, class... Rest>
struct chain<In, L, Rest...> {
    using shapes = typename prepend<In, typename chain<typename next_shape<L, In>::type, Rest...>::shapes>::type;
};

// Index of the first layer that rejects its input, or the number of layers.
template <class Shapes, class... Ls>
constexpr std::size_t first_rejected() {
    return []<std::size_t... K>(std::index_sequence<K...>) {
        std::size_t first = sizeof...(Ls);
        const bool ok[] = {layer_accepts<Ls, std::tuple_element_t<K, Shapes>>()...};
        for (std::size_t k = sizeof...(Ls); k-- > 0;)
            if (!ok[k]) first = k;
        return first;
    }(std::index_sequence_for<Ls...>{});
}

// Instantiated for the first rejected layer only: its static_asserts say why (a layer whose `accepts`
// is false must fail a static_assert in check()). Returns true so that no second error follows.
template <class L, class In>
constexpr bool report_rejection() {
    static_assert(is_layer_description<L>, "sequential: this is not a layer: a layer has  static constexpr const char* "
                                           "name  and  template <class In> static constexpr bool accepts (layers/concepts.hpp)");
    if constexpr (is_layer_description<L>) L::template check<In>();
    return true;
}

template <class List>
struct as_tuple;
template <class... S>
struct as_tuple<type_list<S...>> {
    using type = std::tuple<S...>;
};

} // namespace detail

template <class B, class T, class Shapes, class... Ls>
class network;

// What `on<B, T>` is when a layer rejected its input: the static_assert above has already said why;
// this type swallows further uses so that the diagnostic stays one screen.
struct invalid_network {
    template <class... A>
    explicit invalid_network(A&&...) {}
};

template <class In, class... Ls>
struct sequential {
    static_assert(is_shape<In>, "sequential<In, Layers...>: the first argument must be the input shape, e.g. shape<28, 28, 1>");
    static_assert(sizeof...(Ls) > 0, "sequential: needs at least one layer");
    static constexpr std::size_t depth = sizeof...(Ls);
    using shapes = typename detail::as_tuple<typename detail::chain<In, Ls...>::shapes>::type;   // In, then each output
    static constexpr std::size_t first_rejected = detail::first_rejected<shapes, Ls...>();
    static constexpr bool valid = first_rejected == depth;
    static_assert(valid || detail::report_rejection<std::tuple_element_t<first_rejected % depth, std::tuple<Ls...>>,
                                                    std::tuple_element_t<first_rejected % depth, shapes>>(),
                  "sequential: a layer rejected its input shape");

    template <class B, class T>
    using on = std::conditional_t<valid, network<B, T, shapes, Ls...>, invalid_network>;
};

namespace detail {
template <class In, class List>
struct sequential_of;
template <class In, class... Ls>
struct sequential_of<In, layer_list<Ls...>> {
    using type = sequential<In, Ls...>;
};
} // namespace detail

// A chain with net::repeat<N, ...> elements is the chain with the copies spliced in (net/repeat.hpp).
template <class In, class... Ls>
    requires(detail::is_repeat<Ls> || ...)
struct sequential<In, Ls...> : detail::sequential_of<In, typename detail::expand_layers<Ls...>::type>::type {};

template <class B, class T, class Shapes, class... Ls>
class network {
public:
    static constexpr std::size_t depth = sizeof...(Ls);
    template <std::size_t K> using shape_at = std::tuple_element_t<K, Shapes>;   // K = 0: input
    using input_shape = shape_at<0>;
    using output_shape = shape_at<depth>;
    using backend_type = B;
    using scalar_type = T;
    template <std::size_t K> using layer_type = std::tuple_element_t<K, std::tuple<Ls...>>;
    template <std::size_t R> using tensor = typename B::template tensor<T, R>;
    template <std::size_t K> using act_tensor = tensor<shape_at<K>::rank + 1>;   // activation K (0: input)
    using input_tensor = act_tensor<0>;
    using output_tensor = act_tensor<depth>;

private:
    template <class Seq>
    struct layer_tuple;
    template <std::size_t... K>
    struct layer_tuple<std::index_sequence<K...>> {
        using impls = std::tuple<layers::layer_impl<layer_type<K>, shape_at<K>, B, T>...>;
        using outputs = std::tuple<act_tensor<K + 1>...>;
    };
    using seq = std::make_index_sequence<depth>;
    using impls_t = typename layer_tuple<seq>::impls;
    using outputs_t = typename layer_tuple<seq>::outputs;

    static_assert([]<std::size_t... K>(std::index_sequence<K...>) {
        return (layers::check_layer<layer_type<K>, shape_at<K>, B, T>() && ...);
    }(seq{}));

    impls_t layers_;
    outputs_t acts_;    // acts_[K]: output of layer K
    outputs_t grads_;   // grads_[K]: ∂f/∂(output of layer K), written by layer K + 1
    const input_tensor* input_ = nullptr;

    template <std::size_t K>
    const act_tensor<K>& input_of() const {
        if constexpr (K == 0) return *input_;
        else return std::get<K - 1>(acts_);
    }
    template <class L>
    static auto buffers_of(L& l) {
        if constexpr (layers::has_buffers<L>) return l.buffers();
        else return std::tuple<>{};
    }
    // (One layer at a time: nvcc's front end rejects the nested pack expansion of a one-liner.)
    template <std::size_t K, class F>
    void visit_layer_params(F& f, std::size_t& k) {
        auto ps = std::get<K>(layers_).params();
        auto gs = std::get<K>(layers_).grads();
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (f(k++, std::get<I>(ps), std::get<I>(gs)), ...);
        }(std::make_index_sequence<std::tuple_size_v<decltype(ps)>>{});
    }
    template <std::size_t... K>
    static impls_t make_layers(rng& g, std::index_sequence<K...>) {
        return impls_t{std::tuple_element_t<K, impls_t>(g)...};   // braced: initialised in order
    }

public:
    // seed: initial weights (each layer draws from one engine, in layer order) and dropout masks.
    explicit network(std::uint64_t seed = 0) : network(rng(seed)) {}
    explicit network(rng g) : layers_(make_layers(g, seq{})) {}

    // Runs every layer; returns the output activation (valid until the next forward).
    const output_tensor& forward(const input_tensor& x, mode m = mode::infer) {
        CASCADE_CHECK(x.dimension() == input_shape::rank + 1, "sequential: input has the wrong rank");
        for (std::size_t i = 0; i < input_shape::rank; ++i)
            CASCADE_CHECK(x.shape()[i + 1] == input_shape::dims[i], "sequential: input sample shape mismatch on axis ",
                          i + 1, ": expected ", input_shape::dims[i], ", got ", x.shape()[i + 1]);
        input_ = &x;
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            (std::get<K>(layers_).forward(input_of<K>(), std::get<K>(acts_), m), ...);
        }(seq{});
        return std::get<depth - 1>(acts_);
    }

    // Back-propagates dy = ∂f/∂output through every layer (after forward(x, mode::train)).
    // dx, if given, receives ∂f/∂input (e.g. a GAN's generator needs the discriminator's input gradient).
    void backward(const output_tensor& dy, input_tensor* dx = nullptr) { backward_from<depth - 1>(dy, dx); }

    // Back-propagates starting at layer Last with dy = ∂f/∂(output of Last): a loss fused with the final
    // activation (softmax + cross-entropy) hands its gradient to the layer before that activation.
    template <std::size_t Last>
    void backward_from(const act_tensor<Last + 1>& dy, input_tensor* dx = nullptr) {
        if constexpr (Last == 0) {
            std::get<0>(layers_).backward(input_of<0>(), std::get<0>(acts_), dy, dx);
        } else {
            std::get<Last>(layers_).backward(input_of<Last>(), std::get<Last>(acts_), dy, &std::get<Last - 1>(grads_));
            backward_from<Last - 1>(std::get<Last - 1>(grads_), dx);
        }
    }

    // f(k, param, grad) for every parameter tensor, k = 0, 1, ... in layer order (the optimizer's key).
    template <class F>
    void visit_params(F&& f) {
        std::size_t k = 0;
        [&]<std::size_t... K>(std::index_sequence<K...>) { (visit_layer_params<K>(f, k), ...); }(seq{});
    }
    // Every layer's parameters (and gradients, buffers) as one tuple of references, in visit order: a
    // network used as a block inside a layer (net::residual) exposes them like any layer.
    auto params() {
        return std::apply([](auto&... l) { return std::tuple_cat(l.params()...); }, layers_);
    }
    auto grads() {
        return std::apply([](auto&... l) { return std::tuple_cat(l.grads()...); }, layers_);
    }
    auto buffers() {
        return std::apply([](auto&... l) { return std::tuple_cat(buffers_of(l)...); }, layers_);
    }
    template <std::size_t K> auto& layer() { return std::get<K>(layers_); }

    // Layer k's name: a layers::named<> name, else "<type>_<k>" as in summary() ("dropout_3").
    static std::string layer_name(std::size_t k) {
        CASCADE_CHECK(k < depth, "sequential: layer index ", k, " is out of range (the network has ", depth, " layers)");
        std::string out;
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((K == k ? void(out = layers::is_user_named<layer_type<K>>
                                      ? std::string(layer_type<K>::name)
                                      : std::string(layer_type<K>::name) + "_" + std::to_string(K))
                     : void()),
             ...);
        }(seq{});
        return out;
    }
    // The index of the layer called `name` (see layer_name).
    static std::size_t layer_index(std::string_view name) {
        for (std::size_t k = 0; k < depth; ++k)
            if (layer_name(k) == name) return k;
        CASCADE_CHECK(false, "sequential: no layer is called '", std::string(name), "' (layers are called ", all_layer_names(), ")");
        return depth;
    }

    // Run-time hyper-parameters (layers/hyperparameters.hpp): set or read `key` of layer k.
    void set_hyperparameter(std::size_t k, std::string_view key, double value) {
        CASCADE_CHECK(k < depth, "set_hyperparameter: layer index ", k, " is out of range (the network has ", depth, " layers)");
        bool done = false;
        std::string names;
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((K == k ? void((done = layers::detail::set_hyperparameter(std::get<K>(layers_), key, value, layer_name(K)),
                             names = layers::detail::hyperparameter_names(std::get<K>(layers_))))
                     : void()),
             ...);
        }(seq{});
        CASCADE_CHECK(done, "set_hyperparameter: layer ", layer_name(k), " has no hyper-parameter '", std::string(key),
                      "' (it has: ", names, ")");
    }
    void set_hyperparameter(std::string_view layer, std::string_view key, double value) {
        set_hyperparameter(layer_index(layer), key, value);
    }
    double hyperparameter(std::size_t k, std::string_view key) {
        CASCADE_CHECK(k < depth, "hyperparameter: layer index ", k, " is out of range (the network has ", depth, " layers)");
        double v = 0;
        bool found = false;
        std::string names;
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((K == k ? void((found = layers::detail::get_hyperparameter(std::get<K>(layers_), key, v),
                             names = layers::detail::hyperparameter_names(std::get<K>(layers_))))
                     : void()),
             ...);
        }(seq{});
        CASCADE_CHECK(found, "hyperparameter: layer ", layer_name(k), " has no hyper-parameter '", std::string(key),
                      "' (it has: ", names, ")");
        return v;
    }
    double hyperparameter(std::string_view layer, std::string_view key) { return hyperparameter(layer_index(layer), key); }
    // The gradient buffer of layer K's output: train::step writes the loss gradient into grad_at<depth-1>
    // (or, fused with a final activation, into grad_at<depth-2>) and back-propagates from there.
    template <std::size_t K> act_tensor<K + 1>& grad_at() { return std::get<K>(grads_); }

private:
    static std::string all_layer_names() {
        std::string s;
        for (std::size_t k = 0; k < depth; ++k) s += (k ? ", " : "") + layer_name(k);
        return s;
    }

public:
    template <std::size_t K> const auto& output() const { return std::get<K>(acts_); }
    const output_tensor& output() const { return std::get<depth - 1>(acts_); }
};

} // namespace cascade::net
