#pragma once
// net::block<Layers...>: a chain of layers used as ONE layer — to wrap a sub-network in a layer that
// takes one (time_distributed<block<...>> applies a whole convolution stack to every view or time step
// with shared weights, as the Galaxy Zoo winner's multi-view network does), or to name a repeated stage.
//   y = f(x), f = sequential<In, Layers...>;  dx = ∂f/∂x(dy)
// Shapes are checked by the inner sequential, which reports its own errors.
#include "cascade/kernels/activation.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/net/regularization.hpp"
#include "cascade/net/sequential.hpp"

#include <tuple>

namespace cascade::net {

template <class... Ls>
struct block {
    static_assert(sizeof...(Ls) > 0, "block: needs at least one layer");
    static constexpr const char* name = "block";
    template <class In>
    using body = sequential<In, Ls...>;

    template <class In>
    static constexpr bool accepts = body<In>::valid;
    template <class In>
    static constexpr void check() {}   // the inner sequential has reported the rejecting layer
    template <class In>
    using output_shape = std::tuple_element_t<sizeof...(Ls), typename body<In>::shapes>;

    template <class In, class B, class T>
    struct impl {
        using Out = output_shape<In>;
        typename body<In>::template on<B, T> f;
        explicit impl(rng& g) : f(rng(g())) {}
        void forward(const typename B::template tensor<T, In::rank + 1>& x, typename B::template tensor<T, Out::rank + 1>& y,
                     mode m) {
            kernels::copy(f.forward(x, m), y);   // (the inner network owns its output buffer)
        }
        void backward(const typename B::template tensor<T, In::rank + 1>&, const typename B::template tensor<T, Out::rank + 1>&,
                      const typename B::template tensor<T, Out::rank + 1>& dy, typename B::template tensor<T, In::rank + 1>* dx) {
            f.backward(dy, dx);
        }
        auto params() { return f.params(); }
        auto grads() { return f.grads(); }
        auto buffers() { return f.buffers(); }
        auto auxiliary_loss() requires(has_auxiliary_losses<decltype(f)>()) { return regularization_loss(f); }
    };
};

} // namespace cascade::net
