#pragma once
// conv_nd<Dims, Filters, Options...>: what conv1d, conv2d and conv3d share — the options, the shape rule,
// the geometry and the run-time layer. Each of them derives from it and adds its name and its checks
// (whose messages name it).
//   y[n, o…, f] = b[f] + Σ_{k…, c} W[k…, c, f] · x[n, o·s + k·d − p …, c]      (0 outside the input)
//   per axis, span = d·(K − 1) + 1:  'valid': out = (in − span) / s + 1;  'same': out = ceil(in / s), the
//   padding split with the smaller half before (TensorFlow's rule, also for s > 1);  'causal' (1-D):
//   span − 1 zeros before, out = ceil(in / s).
//   W (K…, C, Filters) — Keras' kernel layout — kernel_init (glorot_uniform) with fan_in = ΠK·C,
//   fan_out = ΠK·Filters; b (Filters) bias_init (zeros) unless no_bias.
// Options: kernel<K…> (required), strides<S…>, dilation<D…>, padding::valid | same | causal, no_bias,
// kernel_init<I>, bias_init<I>. Unlike TensorFlow, stride > 1 together with dilation > 1 is allowed (as in
// PyTorch). Kernels: im2col + GEMM over the 3-D geometry of kernels/conv.hpp (a missing axis has size 1).
#include "cascade/kernels/conv.hpp"
#include "cascade/init/on_host.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"
#include "cascade/layers/spatial_axes.hpp"

namespace cascade::layers {

namespace detail {

// The option kinds a convolution takes (a named type keeps diagnostics short).
struct conv_option_kinds
    : option_kinds_list<option_kinds::kernel_size, option_kinds::strides, option_kinds::dilation_rate,
                        option_kinds::padding, option_kinds::use_bias, option_kinds::kernel_initializer,
                        option_kinds::bias_initializer> {};

// The options of a Dims-D convolution (or its transpose), resolved to per-kernel-axis values:
// kernel axis a is 0 = depth, 1 = height, 2 = width; a missing axis has kernel, stride, dilation 1.
template <std::size_t Dims, class... Opts>
struct conv_spec {
    using kernel_opt = option_t<option_kinds::kernel_size, void, Opts...>;
    using strides_opt = option_t<option_kinds::strides, strides<1>, Opts...>;
    using dilation_opt = option_t<option_kinds::dilation_rate, dilation<1>, Opts...>;
    using kernel_init_t = typename option_t<option_kinds::kernel_initializer, kernel_init<init::glorot_uniform>, Opts...>::type;
    using bias_init_t = typename option_t<option_kinds::bias_initializer, bias_init<init::zeros>, Opts...>::type;
    static constexpr padding_mode pad = option_t<option_kinds::padding, padding::valid, Opts...>::value;
    static constexpr bool use_bias = option_t<option_kinds::use_bias, std::true_type, Opts...>::value;
    static constexpr bool has_kernel = !std::is_void_v<kernel_opt>;

    // Whether an option's count of values is 1 or Dims.
    template <class O>
    static constexpr bool arity_ok = O::count == 1 || O::count == Dims;
    static constexpr bool kernel_arity_ok() {
        if constexpr (has_kernel) return arity_ok<kernel_opt>;
        else return true;
    }
    static constexpr bool sizes_ok = kernel_arity_ok() && arity_ok<strides_opt> && arity_ok<dilation_opt>;
    static constexpr bool causal_ok = Dims == 1 || pad != padding_mode::causal;
    // Everything the layer's check() asserts about its options.
    static constexpr bool valid = options_ok<conv_option_kinds, Opts...> && has_kernel && sizes_ok && causal_ok;

    static constexpr std::size_t layer_axis(std::size_t a) { return a + Dims - 3; }
    static constexpr std::size_t kernel_at(std::size_t a) {
        if constexpr (has_kernel) return has_axis(Dims, a) ? kernel_opt::of(Dims, layer_axis(a)) : 1;
        else return 1;
    }
    static constexpr std::size_t stride_at(std::size_t a) { return has_axis(Dims, a) ? strides_opt::of(Dims, layer_axis(a)) : 1; }
    static constexpr std::size_t dilation_at(std::size_t a) { return has_axis(Dims, a) ? dilation_opt::of(Dims, layer_axis(a)) : 1; }
    static constexpr std::size_t taps() { return kernel_at(0) * kernel_at(1) * kernel_at(2); }
    // Per-sample shape of the kernel, with the two trailing channel axes given.
    template <std::size_t R>
    static constexpr std::array<std::size_t, R> kernel_shape(std::size_t c0, std::size_t c1) {
        std::array<std::size_t, R> s{};
        for (std::size_t i = 0; i < Dims; ++i) s[i] = kernel_at(i + 3 - Dims);
        s[Dims] = c0;
        s[Dims + 1] = c1;
        return s;
    }
};

} // namespace detail

template <std::size_t Dims, std::size_t Filters, class... Opts>
struct conv_nd {
    static_assert(Dims >= 1 && Dims <= 3, "conv_nd: 1, 2 or 3 spatial axes");
    using spec = detail::conv_spec<Dims, Opts...>;

    // Kernel axis a (0 = depth, 1 = height, 2 = width): output size and leading padding.
    template <class In>
    static constexpr padded_axis axis(std::size_t a) {
        if (!detail::has_axis(Dims, a)) return {1, 0};
        const std::size_t k = spec::kernel_at(a), d = spec::dilation_at(a);
        return pad_axis(spec::pad, In::dim_or(spec::layer_axis(a), d * (k - 1) + 1), k, spec::stride_at(a), d);
    }
    template <class In>
    static constexpr bool has_rank = In::rank == Dims + 1;
    template <class In>
    static constexpr bool fits = axis<In>(0).out > 0 && axis<In>(1).out > 0 && axis<In>(2).out > 0;
    template <class In>
    static constexpr bool accepts = spec::valid && has_rank<In> && fits<In>;
    template <class In>
    using output_shape = detail::channels_last_t<Dims, axis<In>(0).out, axis<In>(1).out, axis<In>(2).out, Filters>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t R = Dims + 2, C = In::dim(Dims), Taps = spec::taps();
        static constexpr bool UseBias = spec::use_bias;
        static constexpr std::size_t in(std::size_t a) { return detail::size_of<Dims, In>(a); }
        static constexpr kernels::conv_geometry g{in(0), in(1), in(2), C,
                                                  spec::kernel_at(0), spec::kernel_at(1), spec::kernel_at(2),
                                                  spec::stride_at(0), spec::stride_at(1), spec::stride_at(2),
                                                  axis<In>(0).before, axis<In>(1).before, axis<In>(2).before,
                                                  spec::dilation_at(0), spec::dilation_at(1), spec::dilation_at(2),
                                                  axis<In>(0).out, axis<In>(1).out, axis<In>(2).out};
        template <std::size_t Rank> using tensor = typename B::template tensor<T, Rank>;
        tensor<R> w, dw;          // (K…, C, Filters)
        tensor<1> b, db;          // (Filters)
        kernels::conv_workspace<T> workspace;   // im2col patches (of the whole batch when training)

        explicit impl(rng& gen)
            : w(B::template filled<T, R>(spec::template kernel_shape<R>(C, Filters))), dw(w),
              b(B::template filled<T, 1>({UseBias ? Filters : 0})), db(b) {
            init::fill<typename spec::kernel_init_t>(w, Taps * C, Taps * Filters, gen);   // on a device: staged through the host
            init::fill<typename spec::bias_init_t>(b, Taps * C, Taps * Filters, gen);
        }
        void forward(const tensor<R>& x, tensor<R>& y, mode m) {
            kernels::conv_forward(g, x, w, UseBias ? &b : nullptr, y, workspace, m == mode::train);
        }
        void backward(const tensor<R>& x, const tensor<R>&, const tensor<R>& dy, tensor<R>* dx) {
            kernels::conv_backward(g, x, dy, w, dw, UseBias ? &db : nullptr, dx, workspace);
        }
        auto params() {
            if constexpr (UseBias) return std::tie(w, b); else return std::tie(w);
        }
        auto grads() {
            if constexpr (UseBias) return std::tie(dw, db); else return std::tie(dw);
        }
    };
};

} // namespace cascade::layers
