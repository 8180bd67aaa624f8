#pragma once
// separable_conv1d<Filters, Options...>, separable_conv2d<Filters, Options...>: a depthwise convolution
// (depth_multiplier M, no bias of its own) followed by a pointwise 1×1 convolution to Filters channels
// (Keras SeparableConv1D / SeparableConv2D; PyTorch: nn.Conv2d(C, C·M, K, groups=C, bias=False) then
// nn.Conv2d(C·M, Filters, 1)).
//   z[n, o…, c·M + m] = Σ_k Wd[k…, c, m] · x[n, o·s + k·d − p …, c]           (0 outside the input)
//   y[n, o…, f]       = b[f] + Σ_j Wp[1…, j, f] · z[n, o…, j]                   j = c·M + m
//   x (N, [H,] W, C) → y (N, [OH,] OW, Filters); the spatial rule ('valid', 'same', 'causal' for 1-D) is the
//   depthwise stage's, as in layers/depthwise_conv.hpp.
//   Parameters in Keras' order: depthwise_kernel Wd (K…, C, M), depthwise_init (glorot_uniform, fan_in = ΠK·C,
//   fan_out = ΠK·M); pointwise_kernel Wp (1, 1, C·M, Filters) [(1, C·M, Filters) in 1-D], pointwise_init
//   (glorot_uniform, fan_in = C·M, fan_out = Filters); bias b (Filters), bias_init (zeros), unless no_bias.
//   SeparableConv2D(8, 3) on C = 4 with M = 2: 3·3·4·2 + 1·1·8·8 + 8 = 144 parameters.
// Options (any order, Keras' defaults): kernel<K…> (required), strides<S…> (1), dilation<D…> (1),
// padding::valid | padding::same (| padding::causal for 1-D), depth_multiplier<M> (1), no_bias,
// depthwise_init<I>, pointwise_init<I>, bias_init<I>.
// Kernels: the depthwise stage of kernels/depthwise_conv.hpp, then the pointwise stage as conv_forward /
// conv_backward on a 1×1 geometry, which is one GEMM (kernels/conv.hpp), on either backend.
// Chollet, "Xception: deep learning with depthwise separable convolutions", CVPR 2017.
#include "cascade/kernels/conv.hpp"
#include "cascade/layers/depthwise_conv.hpp"

namespace cascade::layers {

// What separable_conv1d and separable_conv2d share; each adds its name and its checks.
template <std::size_t Dims, std::size_t Filters, class... Opts>
struct separable_conv_nd {
    static_assert(Dims >= 1 && Dims <= 3, "separable_conv_nd: 1, 2 or 3 spatial axes");
    using spec = detail::depthwise_spec<Dims, detail::separable_option_kinds, Opts...>;
    static constexpr std::size_t M = spec::multiplier;

    template <class In>
    static constexpr bool accepts = spec::valid && spec::template has_rank<In> && spec::template fits<In>;
    template <class In>
    using output_shape = typename spec::template output_shape<In, Filters>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t R = Dims + 2, C = In::dim(Dims), CM = C * M, Taps = spec::taps();
        static constexpr bool UseBias = spec::use_bias;
        static constexpr kernels::conv_geometry g = spec::template geometry<In>();
        // The pointwise stage: 1×1, stride 1, no padding on the depthwise output (kernels/conv.hpp's GEMM path).
        static constexpr kernels::conv_geometry gp{g.od, g.oh, g.ow, CM, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, g.od, g.oh, g.ow};
        static_assert(gp.is_pointwise());
        template <std::size_t Rank> using tensor = typename B::template tensor<T, Rank>;
        tensor<R> wd, dwd;   // (K…, C, M): Keras' depthwise_kernel
        tensor<R> wp, dwp;   // (1…, C·M, Filters): Keras' pointwise_kernel
        tensor<1> b, db;     // (Filters)
        tensor<R> z, dz;     // the depthwise output (N, O…, C·M) and its gradient
        kernels::depthwise_workspace<T> depthwise_ws;
        kernels::conv_workspace<T> pointwise_ws;

        static constexpr std::array<std::size_t, R> pointwise_shape() {
            std::array<std::size_t, R> s{};
            for (std::size_t i = 0; i < Dims; ++i) s[i] = 1;
            s[Dims] = CM;
            s[Dims + 1] = Filters;
            return s;
        }
        explicit impl(rng& gen)
            : wd(B::template filled<T, R>(spec::template kernel_shape<R>(C, M))), dwd(wd),
              wp(B::template filled<T, R>(pointwise_shape())), dwp(wp),
              b(B::template filled<T, 1>({UseBias ? Filters : 0})), db(b) {
            init::fill<typename spec::depthwise_init_t>(wd, Taps * C, Taps * M, gen);   // Keras' build order
            init::fill<typename spec::pointwise_init_t>(wp, CM, Filters, gen);
            init::fill<typename spec::bias_init_t>(b, CM, Filters, gen);
        }
        void forward(const tensor<R>& x, tensor<R>& y, mode m) {
            kernels::depthwise_conv_forward(g, M, x, wd, static_cast<const tensor<1>*>(nullptr), z, depthwise_ws);
            kernels::conv_forward(gp, z, wp, UseBias ? &b : nullptr, y, pointwise_ws, m == mode::train);
        }
        void backward(const tensor<R>& x, const tensor<R>&, const tensor<R>& dy, tensor<R>* dx) {
            kernels::conv_backward(gp, z, dy, wp, dwp, UseBias ? &db : nullptr, &dz, pointwise_ws);
            kernels::depthwise_conv_backward(g, M, x, dz, wd, dwd, static_cast<tensor<1>*>(nullptr), dx, depthwise_ws);
        }
        auto params() {
            if constexpr (UseBias) return std::tie(wd, wp, b); else return std::tie(wd, wp);
        }
        auto grads() {
            if constexpr (UseBias) return std::tie(dwd, dwp, db); else return std::tie(dwd, dwp);
        }
    };
};

// separable_conv2d<Filters, Options...>: x (N, H, W, C) → y (N, OH, OW, Filters) (Keras SeparableConv2D).
template <std::size_t Filters, class... Opts>
struct separable_conv2d : separable_conv_nd<2, Filters, Opts...> {
    using spec = typename separable_conv_nd<2, Filters, Opts...>::spec;
    static constexpr const char* name = "separable_conv2d";
    static_assert(Filters > 0, "separable_conv2d<Filters, ...>: Filters must be positive");
    template <class In>
    static constexpr void check() {
        static_assert(!spec::gave_kernel_init, "separable_conv2d: the initializers are depthwise_init<I> and pointwise_init<I> "
                                               "(Keras' depthwise_initializer, pointwise_initializer), not kernel_init<I>");
        if constexpr (!spec::gave_kernel_init) detail::check_options<detail::separable_option_kinds, Opts...>();
        static_assert(spec::has_kernel, "separable_conv2d: the kernel size is required, e.g. separable_conv2d<Filters, kernel<3>>");
        static_assert(spec::sizes_ok, "separable_conv2d: kernel<>, strides<> and dilation<> take one size or two (height, width)");
        static_assert(spec::pad != padding_mode::causal, "separable_conv2d: padding::causal is for 1-D layers only");
        if constexpr (spec::valid) {
            static_assert(spec::template has_rank<In>, "separable_conv2d: input must be an image (H, W, C) per sample");
            static_assert(!spec::template has_rank<In> || spec::template fits<In>,
                          "separable_conv2d: kernel is larger than the input image (use padding::same or a smaller kernel)");
        }
    }
};

// separable_conv1d<Filters, Options...>: x (N, L, C) → y (N, OL, Filters) (Keras SeparableConv1D).
template <std::size_t Filters, class... Opts>
struct separable_conv1d : separable_conv_nd<1, Filters, Opts...> {
    using spec = typename separable_conv_nd<1, Filters, Opts...>::spec;
    static constexpr const char* name = "separable_conv1d";
    static_assert(Filters > 0, "separable_conv1d<Filters, ...>: Filters must be positive");
    template <class In>
    static constexpr void check() {
        static_assert(!spec::gave_kernel_init, "separable_conv1d: the initializers are depthwise_init<I> and pointwise_init<I> "
                                               "(Keras' depthwise_initializer, pointwise_initializer), not kernel_init<I>");
        if constexpr (!spec::gave_kernel_init) detail::check_options<detail::separable_option_kinds, Opts...>();
        static_assert(spec::has_kernel, "separable_conv1d: the kernel size is required, e.g. separable_conv1d<Filters, kernel<3>>");
        static_assert(spec::sizes_ok, "separable_conv1d: kernel<>, strides<> and dilation<> take one size (length)");
        if constexpr (spec::valid) {
            static_assert(spec::template has_rank<In>, "separable_conv1d: input must be a sequence (L, C) per sample");
            static_assert(!spec::template has_rank<In> || spec::template fits<In>,
                          "separable_conv1d: kernel is larger than the input sequence (use padding::same or a smaller kernel)");
        }
    }
};

} // namespace cascade::layers
