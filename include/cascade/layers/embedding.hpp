#pragma once
// embedding<InputDim, OutputDim, Options...>: a trainable lookup table of OutputDim-vectors for the integer
// ids 0 … InputDim − 1 (Keras Embedding(input_dim, output_dim, embeddings_initializer='uniform'); PyTorch
// nn.Embedding(num_embeddings, embedding_dim)).   Bengio et al., "A Neural Probabilistic Language Model",
// JMLR 2003.
//   y[n, ..., c] = E[x[n, ...], c]        dE[r, c] = Σ_{positions p with x[p] = r} dy[p, c]
//   x (N, ...) of integer ids held in the network's float type (Keras casts its input to int; cascade
//   requires exact integers) → y (N, ..., OutputDim). E (InputDim, OutputDim), init::random_uniform<> =
//   U(−0.05, 0.05) as Keras' 'uniform' (PyTorch's default is N(0, 1): embeddings_init<> to match).
//   An id that is not an integer in [0, InputDim) is a cascade::error naming the id and its position (on the
//   GPU too: the check reads one value back per forward, so an embedding network trains eagerly there).
//   The ids get no gradient (∂y/∂x = 0 almost everywhere): dx, when asked for, is zero.
// Options (any order): embeddings_init<I> (Keras embeddings_initializer). Not provided: mask_zero (use
// the recurrent layers' mask_value<> on the embedded sequence), embeddings_regularizer/constraint, sparse.
#include "cascade/init/on_host.hpp"
#include "cascade/kernels/embedding.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"

#include <tuple>

namespace cascade::layers {

namespace detail {
struct embedding_option_kinds : option_kinds_list<option_kinds::embeddings_initializer> {};
template <class In, std::size_t D>
struct append_dim;
template <std::size_t... S, std::size_t D>
struct append_dim<shape<S...>, D> {
    using type = shape<S..., D>;
};
} // namespace detail

template <std::size_t InputDim, std::size_t OutputDim, class... Opts>
struct embedding {
    static_assert(InputDim > 0 && OutputDim > 0, "embedding<InputDim, OutputDim>: both sizes must be positive");
    static constexpr const char* name = "embedding";
    using init_t = typename detail::option_t<option_kinds::embeddings_initializer, embeddings_init<init::random_uniform<>>, Opts...>::type;
    template <class In>
    static constexpr bool accepts = detail::options_ok<detail::embedding_option_kinds, Opts...>;
    template <class In>
    static constexpr void check() { detail::check_options<detail::embedding_option_kinds, Opts...>(); }
    template <class In>
    using output_shape = typename detail::append_dim<In, OutputDim>::type;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t RX = In::rank + 1;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        tensor<2> embeddings, dembeddings;   // (InputDim, OutputDim)

        explicit impl(rng& g) : embeddings(std::array<std::size_t, 2>{InputDim, OutputDim}),
                                dembeddings(std::array<std::size_t, 2>{InputDim, OutputDim}) {
            init::fill<init_t>(embeddings, InputDim, OutputDim, g);
        }
        void forward(const tensor<RX>& x, tensor<RX + 1>& y, mode) {
            kernels::embedding_check_ids(x, InputDim);
            kernels::embedding_forward(x, embeddings, y);
        }
        void backward(const tensor<RX>& x, const tensor<RX + 1>&, const tensor<RX + 1>& dy, tensor<RX>* dx) {
            kernels::embedding_backward(x, dy, dembeddings);
            if (dx) kernels::embedding_input_gradient(x, *dx);
        }
        auto params() { return std::tie(embeddings); }
        auto grads() { return std::tie(dembeddings); }
    };
};

} // namespace cascade::layers
