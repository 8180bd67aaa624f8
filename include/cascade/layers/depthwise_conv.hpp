#pragma once
// depthwise_conv1d<Options...>, depthwise_conv2d<Options...>: a convolution per input channel, with
// depth_multiplier M outputs each (Keras DepthwiseConv1D / DepthwiseConv2D; PyTorch nn.Conv1d/Conv2d with
// groups = C, out_channels = C·M and the kernel permuted (C·M, 1, K…) → (K…, C, M)).
//   y[n, o…, c·M + m] = b[c·M + m] + Σ_k W[k…, c, m] · x[n, o·s + k·d − p …, c]       (0 outside the input)
//   x (N, [H,] W, C) → y (N, [OH,] OW, C·M); e.g. depthwise_conv2d<kernel<3, 5>, strides<2, 1>, padding::same>
//   per axis as conv_nd.hpp: 'valid' out = (in − span) / s + 1, 'same' out = ceil(in / s) (TensorFlow's split,
//   the smaller half before), 'causal' (depthwise_conv1d only, as tf.keras 2's SeparableConv1D) span − 1 zeros
//   before; span = d·(K − 1) + 1.
//   W (K…, C, M) — Keras' depthwise_kernel — depthwise_init (glorot_uniform) with Keras' fans for that shape,
//   fan_in = ΠK·C, fan_out = ΠK·M; b (C·M) bias_init (zeros) unless no_bias.
// Options (any order, Keras' defaults): kernel<K…> (required: Keras' kernel_size), strides<S…> (1),
// dilation<D…> (1), padding::valid | padding::same (| padding::causal for 1-D), depth_multiplier<M> (1),
// no_bias, depthwise_init<I> (Keras' depthwise_initializer; kernel_init<> is refused with a message saying
// so), bias_init<I> (zeros). One size means every axis. Stride > 1 together with dilation > 1 is allowed
// (as in PyTorch; TensorFlow refuses it).
// Kernels: kernels/depthwise_conv.hpp (CPU, vectorised over the contiguous channel axis) and
// kernels/gpu/depthwise_conv.hpp. Chollet, "Xception", CVPR 2017; Howard et al., "MobileNets",
// arXiv:1704.04861.
#include "cascade/kernels/depthwise_conv.hpp"
#include "cascade/init/on_host.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/conv_nd.hpp"   // detail::conv_spec: per-axis kernel, strides, dilation, padding
#include "cascade/layers/options.hpp"
#include "cascade/layers/spatial_axes.hpp"

namespace cascade::layers {

namespace detail {

// The option kinds of a depthwise convolution (a named type keeps diagnostics short).
struct depthwise_option_kinds
    : option_kinds_list<option_kinds::kernel_size, option_kinds::strides, option_kinds::dilation_rate,
                        option_kinds::padding, option_kinds::depth_multiplier, option_kinds::use_bias,
                        option_kinds::depthwise_initializer, option_kinds::bias_initializer> {};
// ... and of a separable one: also the pointwise kernel's initializer.
struct separable_option_kinds
    : option_kinds_list<option_kinds::kernel_size, option_kinds::strides, option_kinds::dilation_rate,
                        option_kinds::padding, option_kinds::depth_multiplier, option_kinds::use_bias,
                        option_kinds::depthwise_initializer, option_kinds::pointwise_initializer,
                        option_kinds::bias_initializer> {};

// The options of a Dims-D depthwise (or separable) convolution: conv_spec's per-axis values, the depth
// multiplier, the initializers, and the layer's shape rule.
template <std::size_t Dims, class Accepted, class... Opts>
struct depthwise_spec : conv_spec<Dims, Opts...> {
    using base = conv_spec<Dims, Opts...>;
    static constexpr std::size_t multiplier = option_t<option_kinds::depth_multiplier, depth_multiplier<1>, Opts...>::value;
    using depthwise_init_t =
        typename option_t<option_kinds::depthwise_initializer, depthwise_init<init::glorot_uniform>, Opts...>::type;
    using pointwise_init_t =
        typename option_t<option_kinds::pointwise_initializer, pointwise_init<init::glorot_uniform>, Opts...>::type;
    // kernel_init<> is conv2d's name; these layers have a depthwise (and a pointwise) kernel instead.
    static constexpr bool gave_kernel_init = count_kind<option_kinds::kernel_initializer, Opts...> > 0;
    static constexpr bool valid = options_ok<Accepted, Opts...> && base::has_kernel && base::sizes_ok && base::causal_ok;

    // Kernel axis a (0 = depth, 1 = height, 2 = width): output size and leading padding.
    template <class In>
    static constexpr padded_axis axis(std::size_t a) {
        return axis_of<Dims, In>(a, base::pad, base::kernel_at(a), base::stride_at(a), base::dilation_at(a));
    }
    template <class In>
    static constexpr bool has_rank = In::rank == Dims + 1;
    template <class In>
    static constexpr bool fits = axis<In>(0).out > 0 && axis<In>(1).out > 0 && axis<In>(2).out > 0;
    // Per-sample output shape with Out channels.
    template <class In, std::size_t Out>
    using output_shape = channels_last_t<Dims, axis<In>(0).out, axis<In>(1).out, axis<In>(2).out, Out>;
    // The depthwise stage's geometry for sample shape In (input channels C).
    template <class In>
    static constexpr kernels::conv_geometry geometry() {
        return {size_of<Dims, In>(0), size_of<Dims, In>(1), size_of<Dims, In>(2), In::dim(Dims),
                base::kernel_at(0), base::kernel_at(1), base::kernel_at(2),
                base::stride_at(0), base::stride_at(1), base::stride_at(2),
                axis<In>(0).before, axis<In>(1).before, axis<In>(2).before,
                base::dilation_at(0), base::dilation_at(1), base::dilation_at(2),
                axis<In>(0).out, axis<In>(1).out, axis<In>(2).out};
    }
};

} // namespace detail

// What depthwise_conv1d and depthwise_conv2d share; each adds its name and its checks.
template <std::size_t Dims, class... Opts>
struct depthwise_conv_nd {
    static_assert(Dims >= 1 && Dims <= 3, "depthwise_conv_nd: 1, 2 or 3 spatial axes");
    using spec = detail::depthwise_spec<Dims, detail::depthwise_option_kinds, Opts...>;
    static constexpr std::size_t M = spec::multiplier;

    template <class In>
    static constexpr bool accepts = spec::valid && spec::template has_rank<In> && spec::template fits<In>;
    template <class In>
    using output_shape = typename spec::template output_shape<In, In::dim_or(Dims, 1) * M>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t R = Dims + 2, C = In::dim(Dims), Taps = spec::taps();
        static constexpr bool UseBias = spec::use_bias;
        static constexpr kernels::conv_geometry g = spec::template geometry<In>();
        template <std::size_t Rank> using tensor = typename B::template tensor<T, Rank>;
        tensor<R> w, dw;   // (K…, C, M): Keras' depthwise_kernel
        tensor<1> b, db;   // (C·M)
        kernels::depthwise_workspace<T> workspace;   // the channel-repeated input (M > 1, CPU)

        explicit impl(rng& gen)
            : w(B::template filled<T, R>(spec::template kernel_shape<R>(C, M))), dw(w),
              b(B::template filled<T, 1>({UseBias ? C * M : 0})), db(b) {
            init::fill<typename spec::depthwise_init_t>(w, Taps * C, Taps * M, gen);
            init::fill<typename spec::bias_init_t>(b, Taps * C, Taps * M, gen);
        }
        void forward(const tensor<R>& x, tensor<R>& y, mode) {
            kernels::depthwise_conv_forward(g, M, x, w, UseBias ? &b : nullptr, y, workspace);
        }
        void backward(const tensor<R>& x, const tensor<R>&, const tensor<R>& dy, tensor<R>* dx) {
            kernels::depthwise_conv_backward(g, M, x, dy, w, dw, UseBias ? &db : nullptr, dx, workspace);
        }
        auto params() {
            if constexpr (UseBias) return std::tie(w, b); else return std::tie(w);
        }
        auto grads() {
            if constexpr (UseBias) return std::tie(dw, db); else return std::tie(dw);
        }
    };
};

// depthwise_conv2d<Options...>: x (N, H, W, C) → y (N, OH, OW, C·M) (Keras DepthwiseConv2D).
template <class... Opts>
struct depthwise_conv2d : depthwise_conv_nd<2, Opts...> {
    using spec = typename depthwise_conv_nd<2, Opts...>::spec;
    static constexpr const char* name = "depthwise_conv2d";
    template <class In>
    static constexpr void check() {
        static_assert(!spec::gave_kernel_init,
                      "depthwise_conv2d: the kernel's initializer is depthwise_init<I> (Keras' depthwise_initializer), not kernel_init<I>");
        if constexpr (!spec::gave_kernel_init) detail::check_options<detail::depthwise_option_kinds, Opts...>();
        static_assert(spec::has_kernel, "depthwise_conv2d: the kernel size is required, e.g. depthwise_conv2d<kernel<3>>");
        static_assert(spec::sizes_ok, "depthwise_conv2d: kernel<>, strides<> and dilation<> take one size or two (height, width)");
        static_assert(spec::pad != padding_mode::causal, "depthwise_conv2d: padding::causal is for 1-D layers only");
        if constexpr (spec::valid) {
            static_assert(spec::template has_rank<In>, "depthwise_conv2d: input must be an image (H, W, C) per sample");
            static_assert(!spec::template has_rank<In> || spec::template fits<In>,
                          "depthwise_conv2d: kernel is larger than the input image (use padding::same or a smaller kernel)");
        }
    }
};

// depthwise_conv1d<Options...>: x (N, L, C) → y (N, OL, C·M) (Keras 3 DepthwiseConv1D).
template <class... Opts>
struct depthwise_conv1d : depthwise_conv_nd<1, Opts...> {
    using spec = typename depthwise_conv_nd<1, Opts...>::spec;
    static constexpr const char* name = "depthwise_conv1d";
    template <class In>
    static constexpr void check() {
        static_assert(!spec::gave_kernel_init,
                      "depthwise_conv1d: the kernel's initializer is depthwise_init<I> (Keras' depthwise_initializer), not kernel_init<I>");
        if constexpr (!spec::gave_kernel_init) detail::check_options<detail::depthwise_option_kinds, Opts...>();
        static_assert(spec::has_kernel, "depthwise_conv1d: the kernel size is required, e.g. depthwise_conv1d<kernel<3>>");
        static_assert(spec::sizes_ok, "depthwise_conv1d: kernel<>, strides<> and dilation<> take one size (length)");
        if constexpr (spec::valid) {
            static_assert(spec::template has_rank<In>, "depthwise_conv1d: input must be a sequence (L, C) per sample");
            static_assert(!spec::template has_rank<In> || spec::template fits<In>,
                          "depthwise_conv1d: kernel is larger than the input sequence (use padding::same or a smaller kernel)");
        }
    }
};

} // namespace cascade::layers
