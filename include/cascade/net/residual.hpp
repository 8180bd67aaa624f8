#pragma once
// residual<Layers...> and residual_subtract<Layers...>: a block of layers f wrapped in a skip connection,
// usable as one layer in a sequential.
//   residual:           y = x + f(x)      ResNet, He et al., CVPR 2016
//   residual_subtract:  y = x − f(x)      DnCNN's residual learning (f predicts the noise), Zhang et al.,
//                                         IEEE TIP 2017
//   backward:           dx = dy ± ∂f/∂x(dy)
// f is sequential<In, Layers...> on the block's input shape, which its output shape must equal.
#include "cascade/kernels/activation.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/net/regularization.hpp"
#include "cascade/net/sequential.hpp"

#include <type_traits>

namespace cascade::net {

template <int Sign, class... Ls>
struct skip_connection {
    static constexpr const char* name = Sign > 0 ? "residual" : "residual_subtract";
    template <class In>
    using body = sequential<In, Ls...>;
    template <class In>
    using body_output = std::tuple_element_t<sizeof...(Ls), typename body<In>::shapes>;

    // An invalid inner layer is reported by the inner sequential, with its own message.
    template <class In>
    static constexpr bool accepts = body<In>::valid && std::is_same_v<body_output<In>, In>;
    template <class In>
    static constexpr void check() {
        static_assert(!body<In>::valid || std::is_same_v<body_output<In>, In>,
                      "residual: the block's output shape must equal its input shape");
    }
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl {
        using tensor = typename B::template tensor<T, In::rank + 1>;
        typename body<In>::template on<B, T> f;
        tensor df_dx;        // ∂(f·dy)/∂x
        tensor signed_dy;    // −dy for residual_subtract

        explicit impl(rng& g) : f(rng(g())) {}

        void forward(const tensor& x, tensor& y, mode m) {
            kernels::add_scaled(x, f.forward(x, m), T(Sign), y);
        }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if constexpr (Sign > 0) {
                f.backward(dy, dx ? &df_dx : nullptr);
                if (dx) kernels::add_scaled(dy, df_dx, T(1), *dx);
            } else {
                kernels::add_scaled(dy, dy, T(-2), signed_dy);   // −dy
                f.backward(signed_dy, dx ? &df_dx : nullptr);
                if (dx) kernels::add_scaled(dy, df_dx, T(1), *dx);
            }
        }
        auto params() { return f.params(); }
        auto grads() { return f.grads(); }
        auto buffers() { return f.buffers(); }
        // Penalties / KL terms of the inner layers (their gradients are already in backward).
        auto auxiliary_loss() requires(has_auxiliary_losses<decltype(f)>()) { return regularization_loss(f); }
    };
};

template <class... Ls>
using residual = skip_connection<+1, Ls...>;
template <class... Ls>
using residual_subtract = skip_connection<-1, Ls...>;

} // namespace cascade::net
