#pragma once
// time_distributed<Layer>: applies Layer to every time step of a sequence, with the same parameters at
// every step (Keras TimeDistributed(Layer); in PyTorch, Layer on x.reshape(N·T, ...) reshaped back).
//   y[n, t] = Layer(x[n, t])          x (N, T, rest...) → y (N, T, Layer's output shape on (rest...))
//   Backward: the inner layer's backward on the folded batch; its parameter gradients are summed over
//   the N·T samples by the inner layer itself.
// Implemented by folding time into the batch: the inner impl sees a batch of N·T samples of shape
// (rest...) (kernels/fold.hpp). x and dy are copied into the folded batch (they belong to the caller);
// the outputs y and dx are moved out without a copy; y is copied back in for the inner backward (which
// may differentiate through its output: sigmoid, softmax, ...). Parameters, their order, initialisation
// and count are exactly the inner layer's (summary: as Keras, TimeDistributed(Dense(k)) on C features
// has C·k + k). Shape rule: the input has a time axis (rank ≥ 2 per sample) and Layer accepts the
// per-step shape; otherwise check() fails with time_distributed's message, or with Layer's own message
// for the per-step shape (the diagnostic shows it required from time_distributed<Layer>::check).
// Caveat: a layer whose behaviour couples the samples of a batch (batch_norm's statistics) sees N·T
// samples, as in Keras.
#include "cascade/kernels/fold.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

namespace detail {
// (T, rest...) → rest...; a rank-1 (rejected) input gives shape<1> so that names stay well-formed.
template <class S>
struct step_of {
    using type = shape<1>;
};
template <std::size_t D0, std::size_t D1, std::size_t... D>
struct step_of<shape<D0, D1, D...>> {
    using type = shape<D1, D...>;
};
template <std::size_t D0, class S>
struct prepend_dim;
template <std::size_t D0, std::size_t... D>
struct prepend_dim<D0, shape<D...>> {
    using type = shape<D0, D...>;
};
} // namespace detail

template <class Layer>
struct time_distributed {
    static constexpr const char* name = "time_distributed";
    template <class In>
    using step_shape = typename detail::step_of<In>::type;

    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (In::rank >= 2) return Layer::template accepts<step_shape<In>>;
        else return false;
    }();
    template <class In>
    static constexpr void check() {
        static_assert(In::rank >= 2, "time_distributed: input must be a sequence (T, ...) per sample: the first axis is time");
        // The wrapped layer's own check fails (the layer contract) with its message and advice; the
        // diagnostic names time_distributed<Layer>::check<In> as where it was required from. (A second
        // static_assert here would double the diagnostic past the 2 KB that compile_fail cases allow.)
        if constexpr (In::rank >= 2) Layer::template check<step_shape<In>>();
    }
    template <class In>
    using output_shape =
        typename detail::prepend_dim<In::dim(0), typename Layer::template output_shape<step_shape<In>>>::type;

    template <class In, class B, class T>
    struct impl {
        using step = step_shape<In>;
        using step_out = output_shape_of<Layer, step>;
        using inner_type = layer_impl<Layer, step, B, T>;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        using x_tensor = tensor<In::rank + 1>;
        using y_tensor = tensor<step_out::rank + 2>;

        inner_type inner;
        tensor<step::rank + 1> xf, dxf;        // (N·T, step...)
        tensor<step_out::rank + 1> yf, dyf;    // (N·T, step_out...)

        explicit impl(rng& g) : inner(g) {}

        void forward(const x_tensor& x, y_tensor& y, mode m) {
            kernels::fold_steps(x, xf);
            inner.forward(xf, yf, m);
            kernels::unfold_steps(yf, x.shape()[0], y);
        }
        void backward(const x_tensor& x, const y_tensor& y, const y_tensor& dy, x_tensor* dx) {
            kernels::fold_steps(y, yf);
            kernels::fold_steps(dy, dyf);
            inner.backward(xf, yf, dyf, dx ? &dxf : nullptr);
            if (dx) kernels::unfold_steps(dxf, x.shape()[0], *dx);
        }
        auto params() { return inner.params(); }
        auto grads() { return inner.grads(); }
        auto buffers()
            requires has_buffers<inner_type>
        {
            return inner.buffers();
        }
        // The inner layer's penalty / KL term (net/regularization.hpp), counted once: the weights are shared.
        auto auxiliary_loss()
            requires requires(inner_type& i) { i.auxiliary_loss(); }
        {
            return inner.auxiliary_loss();
        }
    };
};

} // namespace cascade::layers
