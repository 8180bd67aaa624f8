#pragma once
// net::repeat<N, Layers...>: the chain Layers... N times over, written once — DnCNN's 15 identical
// [conv, batch norm, relu] stages are  repeat<15, conv, batch_norm<>, relu>. Not a layer of its own:
// sequential (and so every composite built on it: block, residual, concat's branches) splices the copies
// into its chain, so each copy is an ordinary layer with its own weights, its own row in summary()
// ("conv2d_3", "conv2d_6", ...) and its own index for weight files, importers and hyper-parameters.
// Repeats nest (repeat<2, repeat<3, L>> is L six times).
#include <cstddef>

namespace cascade::net {

template <std::size_t N, class... Ls>
struct repeat {
    static_assert(N > 0 && sizeof...(Ls) > 0, "repeat<N, Layers...>: needs N > 0 and at least one layer");
};

namespace detail {

template <class... S>
struct layer_list {};

template <class A, class B>
struct join_lists;
template <class... A, class... B>
struct join_lists<layer_list<A...>, layer_list<B...>> {
    using type = layer_list<A..., B...>;
};

// The layers a chain element stands for: itself, or a repeat's expansion.
template <class L>
struct expand_layer {
    using type = layer_list<L>;
};
template <class... Ls>
struct expand_layers {
    using type = layer_list<>;
};
template <class L, class... Ls>
struct expand_layers<L, Ls...> {
    using type = typename join_lists<typename expand_layer<L>::type, typename expand_layers<Ls...>::type>::type;
};
template <class List, std::size_t N>
struct repeat_list {
    using type = typename join_lists<List, typename repeat_list<List, N - 1>::type>::type;
};
template <class List>
struct repeat_list<List, 0> {
    using type = layer_list<>;
};
template <std::size_t N, class... Ls>
struct expand_layer<repeat<N, Ls...>> {
    static_assert(N > 0 && sizeof...(Ls) > 0, "repeat<N, Layers...>: needs N > 0 and at least one layer");
    using type = typename repeat_list<typename expand_layers<Ls...>::type, N>::type;
};

template <class L>
inline constexpr bool is_repeat = false;
template <std::size_t N, class... Ls>
inline constexpr bool is_repeat<repeat<N, Ls...>> = true;

} // namespace detail
} // namespace cascade::net
