#pragma once
// conv2d_transpose<Filters, Options...> (and conv1d_transpose, conv3d_transpose with the same options):
// transposed ("fractionally strided") convolution, the adjoint of conv*d (Keras Conv2DTranspose(filters,
// kernel_size, strides, padding, output_padding, dilation_rate, use_bias); PyTorch nn.ConvTranspose2d).
//   y = b + col2im(x · Wᵀ): every input pixel i adds x[n, i, c] · W[k, f, c] to y[n, i·s + k·d − p, f]
//   x (N, [D,] [H,] W, C) → y (N, O…, Filters), per axis (Keras' deconv_output_length, span = d·(K − 1) + 1):
//     without output_padding  'valid': O = in·s + max(span − s, 0);   'same': O = in·s
//     with output_padding<P…>  O = (in − 1)·s + span − 2·⌊span / 2⌋·['same'] + P        (P < s)
//   Trailing rows that no window reaches hold b only. p is the leading padding that 'same'/'valid' gives the
//   forward convolution O → in (TensorFlow's rule); the layer is rejected where that convolution does not
//   map O back to in (TensorFlow rejects those shapes too).
//   Parameters: W (K…, Filters, C) — Keras' transposed layout; PyTorch's weight is (C, Filters, K…) —
//   kernel_init (glorot_uniform) with Keras' fans for that layout, fan_in = ΠK·Filters, fan_out = ΠK·C;
//   b (Filters) bias_init (zeros) unless no_bias.
// Options: kernel<K…> (required), strides<S…>, dilation<D…>, padding::valid | same, output_padding<P…>,
// no_bias, kernel_init<I>, bias_init<I>; one size means every axis.
// Forward is conv's input-gradient path (GEMM + col2im), backward-data is conv's forward (im2col + GEMM).
//   Dumoulin & Visin, "A guide to convolution arithmetic for deep learning", arXiv:1603.07285.
#include "cascade/init/on_host.hpp"
#include "cascade/kernels/conv.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/conv_nd.hpp"
#include "cascade/layers/options.hpp"
#include "cascade/layers/spatial_axes.hpp"

namespace cascade::layers {

namespace detail {
struct conv_transpose_option_kinds
    : option_kinds_list<option_kinds::kernel_size, option_kinds::strides, option_kinds::dilation_rate,
                        option_kinds::padding, option_kinds::output_padding, option_kinds::use_bias,
                        option_kinds::kernel_initializer, option_kinds::bias_initializer> {};
} // namespace detail

template <std::size_t Dims, std::size_t Filters, class... Opts>
struct conv_transpose_nd {
    static_assert(Dims >= 1 && Dims <= 3, "conv_transpose_nd: 1, 2 or 3 spatial axes");
    using spec = detail::conv_spec<Dims, Opts...>;
    using output_padding_opt = detail::option_t<option_kinds::output_padding, void, Opts...>;
    static constexpr bool has_output_padding = !std::is_void_v<output_padding_opt>;
    static constexpr std::size_t extra(std::size_t a) {
        if constexpr (has_output_padding) return detail::has_axis(Dims, a) ? output_padding_opt::of(Dims, spec::layer_axis(a)) : 0;
        else return 0;
    }
    static constexpr bool output_padding_ok() {
        if constexpr (has_output_padding) {
            if (output_padding_opt::count != 1 && output_padding_opt::count != Dims) return false;
            for (std::size_t a = 0; a < 3; ++a)
                if (extra(a) >= spec::stride_at(a) && detail::has_axis(Dims, a)) return false;
        }
        return true;
    }
    static constexpr bool options_valid = detail::options_ok<detail::conv_transpose_option_kinds, Opts...> &&
                                          spec::has_kernel && spec::sizes_ok &&
                                          spec::pad != padding_mode::causal && output_padding_ok();
    static constexpr std::size_t span(std::size_t a) { return spec::dilation_at(a) * (spec::kernel_at(a) - 1) + 1; }

    // Output size of kernel axis a (0 = depth, 1 = height, 2 = width); 1 for a missing axis.
    template <class In>
    static constexpr std::size_t out(std::size_t a) {
        if (!detail::has_axis(Dims, a)) return 1;
        const std::size_t in = In::dim_or(spec::layer_axis(a), 1), s = spec::stride_at(a), sp = span(a);
        if constexpr (has_output_padding) {
            const std::size_t pad = spec::pad == padding_mode::same ? sp / 2 : 0;
            const std::size_t o = (in - 1) * s + sp + extra(a);
            return o > 2 * pad ? o - 2 * pad : 1;
        } else {
            return spec::pad == padding_mode::same ? in * s : in * s + (sp > s ? sp - s : 0);
        }
    }
    // The forward convolution y → x whose adjoint this layer is.
    template <class In>
    static constexpr padded_axis conv(std::size_t a) {
        return detail::has_axis(Dims, a)
                   ? pad_axis(spec::pad, out<In>(a), spec::kernel_at(a), spec::stride_at(a), spec::dilation_at(a))
                   : padded_axis{1, 0};
    }
    template <class In>
    static constexpr bool has_rank = In::rank == Dims + 1;
    // Whether that convolution maps the output back onto the input (always without output_padding).
    template <class In>
    static constexpr bool invertible = conv<In>(0).out == detail::size_of<Dims, In>(0) &&
                                       conv<In>(1).out == detail::size_of<Dims, In>(1) &&
                                       conv<In>(2).out == detail::size_of<Dims, In>(2);
    template <class In>
    static constexpr bool accepts = options_valid && has_rank<In> && invertible<In>;
    template <class In>
    using output_shape = detail::channels_last_t<Dims, out<In>(0), out<In>(1), out<In>(2), Filters>;

    // The checks each transposed layer runs first; Name-specific messages follow in the layer.
    static constexpr void check_common() {
        detail::check_options<detail::conv_transpose_option_kinds, Opts...>();
        static_assert(spec::has_kernel, "conv_transpose: the kernel size is required, e.g. conv2d_transpose<Filters, kernel<3>>");
        static_assert(spec::sizes_ok, "conv_transpose: kernel<>, strides<> and dilation<> take one size or one per axis");
        static_assert(spec::pad != padding_mode::causal, "conv_transpose: padding::causal is for conv1d only");
        static_assert(output_padding_ok(), "conv_transpose: output_padding<> takes one size or one per axis, each smaller than the stride");
    }

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t R = Dims + 2, C = In::dim(Dims), Taps = spec::taps();
        static constexpr bool UseBias = spec::use_bias;
        static constexpr kernels::conv_geometry g{out<In>(0), out<In>(1), out<In>(2), Filters,
                                                  spec::kernel_at(0), spec::kernel_at(1), spec::kernel_at(2),
                                                  spec::stride_at(0), spec::stride_at(1), spec::stride_at(2),
                                                  conv<In>(0).before, conv<In>(1).before, conv<In>(2).before,
                                                  spec::dilation_at(0), spec::dilation_at(1), spec::dilation_at(2),
                                                  conv<In>(0).out, conv<In>(1).out, conv<In>(2).out};
        template <std::size_t Rank> using tensor = typename B::template tensor<T, Rank>;
        tensor<R> w, dw;          // (K…, Filters, C)
        tensor<1> b, db;          // (Filters)
        kernels::conv_workspace<T> workspace;   // x · Wᵀ (forward), im2col(dy) (backward), per chunk

        explicit impl(rng& gen)
            : w(B::template filled<T, R>(spec::template kernel_shape<R>(Filters, C))), dw(w),
              b(B::template filled<T, 1>({UseBias ? Filters : 0})), db(b) {
            init::fill<typename spec::kernel_init_t>(w, Taps * Filters, Taps * C, gen);   // staged through the host on a GPU
            init::fill<typename spec::bias_init_t>(b, Taps * Filters, Taps * C, gen);
        }
        void forward(const tensor<R>& x, tensor<R>& y, mode) {
            kernels::conv_transpose_forward(g, x, w, UseBias ? &b : nullptr, y, workspace);
        }
        void backward(const tensor<R>& x, const tensor<R>&, const tensor<R>& dy, tensor<R>* dx) {
            kernels::conv_transpose_backward(g, x, dy, w, dw, UseBias ? &db : nullptr, dx, workspace);
        }
        auto params() {
            if constexpr (UseBias) return std::tie(w, b); else return std::tie(w);
        }
        auto grads() {
            if constexpr (UseBias) return std::tie(dw, db); else return std::tie(dw);
        }
    };
};

template <std::size_t Filters, class... Opts>
struct conv2d_transpose : conv_transpose_nd<2, Filters, Opts...> {
    using base = conv_transpose_nd<2, Filters, Opts...>;
    static constexpr const char* name = "conv2d_transpose";
    static_assert(Filters > 0, "conv2d_transpose<Filters, ...>: Filters must be positive");
    template <class In>
    static constexpr void check() {
        base::check_common();
        if constexpr (base::options_valid) {
            static_assert(In::rank == 3, "conv2d_transpose: input must be an image (H, W, C) per sample");
            static_assert(In::rank != 3 || base::template invertible<In>,
                          "conv2d_transpose: with this kernel, strides and output_padding no convolution maps the output back "
                          "onto the input (an even kernel with padding::same needs output_padding)");
        }
    }
};

template <std::size_t Filters, class... Opts>
struct conv1d_transpose : conv_transpose_nd<1, Filters, Opts...> {
    using base = conv_transpose_nd<1, Filters, Opts...>;
    static constexpr const char* name = "conv1d_transpose";
    static_assert(Filters > 0, "conv1d_transpose<Filters, ...>: Filters must be positive");
    template <class In>
    static constexpr void check() {
        base::check_common();
        if constexpr (base::options_valid) {
            static_assert(In::rank == 2, "conv1d_transpose: input must be a sequence (L, C) per sample");
            static_assert(In::rank != 2 || base::template invertible<In>,
                          "conv1d_transpose: with this kernel, strides and output_padding no convolution maps the output back "
                          "onto the input (an even kernel with padding::same needs output_padding)");
        }
    }
};

template <std::size_t Filters, class... Opts>
struct conv3d_transpose : conv_transpose_nd<3, Filters, Opts...> {
    using base = conv_transpose_nd<3, Filters, Opts...>;
    static constexpr const char* name = "conv3d_transpose";
    static_assert(Filters > 0, "conv3d_transpose<Filters, ...>: Filters must be positive");
    template <class In>
    static constexpr void check() {
        base::check_common();
        if constexpr (base::options_valid) {
            static_assert(In::rank == 4, "conv3d_transpose: input must be a volume (D, H, W, C) per sample");
            static_assert(In::rank != 4 || base::template invertible<In>,
                          "conv3d_transpose: with this kernel, strides and output_padding no convolution maps the output back "
                          "onto the input (an even kernel with padding::same needs output_padding)");
        }
    }
};

} // namespace cascade::layers
