#pragma once
// conv2d_transpose<Filters, Kernel, Stride, Padding, KernelInit, UseBias, Dilation> (and conv1d_transpose,
// conv3d_transpose with the same parameters): transposed ("fractionally strided") convolution, the adjoint
// of conv*d (Keras Conv2DTranspose(filters, kernel_size, strides, padding, dilation_rate, use_bias) with
// output_padding=None; PyTorch nn.ConvTranspose2d).
//   y = b + col2im(x · Wᵀ): every input pixel i adds x[n, i, c] · W[k, f, c] to y[n, i·s + k·d − p, f]
//   x (N, [D,] [H,] W, C) → y (N, O…, Filters), per axis (Keras' deconv_output_length, span = d·(K − 1) + 1):
//     'valid': O = in·s + max(span − s, 0)  (= (in − 1)·s + span when span ≥ s; trailing rows that no
//              window reaches hold b only);   'same': O = in·s.
//   p is the leading padding that 'same'/'valid' gives the forward convolution O → in (TensorFlow's rule).
//   Parameters: W (K…, Filters, C) — Keras' transposed layout; PyTorch's weight is (C, Filters, K…) —
//   KernelInit with Keras' fans for that layout, fan_in = K^Dims·Filters, fan_out = K^Dims·C;
//   b (Filters) zeros unless UseBias = false.
// Forward is conv's input-gradient path (GEMM + col2im), backward-data is conv's forward (im2col + GEMM).
//   Dumoulin & Visin, "A guide to convolution arithmetic for deep learning", arXiv:1603.07285.
#include "cascade/init/on_host.hpp"
#include "cascade/kernels/conv.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/padding.hpp"
#include "cascade/layers/spatial_axes.hpp"

namespace cascade::layers {

template <std::size_t Dims, std::size_t Filters, std::size_t Kernel, std::size_t Stride, padding Padding,
          std::size_t Dilation, class KernelInit, bool UseBias>
struct conv_transpose_nd {
    static_assert(Dims >= 1 && Dims <= 3, "conv_transpose_nd: 1, 2 or 3 spatial axes");
    static_assert(Filters > 0 && Kernel > 0 && Stride > 0 && Dilation > 0,
                  "conv_transpose<Filters, Kernel, Stride, Dilation>: sizes must be positive");
    static constexpr std::size_t span = Dilation * (Kernel - 1) + 1;

    // Output size of kernel axis a (0 = depth, 1 = height, 2 = width); 1 for a missing axis.
    template <class In>
    static constexpr std::size_t out(std::size_t a) {
        if (!detail::has_axis(Dims, a)) return 1;
        const std::size_t in = In::dim_or(a + Dims - 3, 1);
        return Padding == padding::same ? in * Stride : in * Stride + (span > Stride ? span - Stride : 0);
    }
    template <class In>
    static constexpr bool has_rank = In::rank == Dims + 1;
    template <class In>
    static constexpr bool accepts = has_rank<In>;
    template <class In>
    using output_shape = detail::channels_last_t<Dims, out<In>(0), out<In>(1), out<In>(2), Filters>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t R = Dims + 2, C = In::dim(Dims), Taps = detail::power(Kernel, Dims);
        static constexpr std::size_t k(std::size_t a) { return detail::has_axis(Dims, a) ? Kernel : 1; }
        static constexpr std::size_t s(std::size_t a) { return detail::has_axis(Dims, a) ? Stride : 1; }
        static constexpr std::size_t d(std::size_t a) { return detail::has_axis(Dims, a) ? Dilation : 1; }
        // The forward convolution y → x whose adjoint this layer is.
        static constexpr padded_axis conv(std::size_t a) {
            return detail::has_axis(Dims, a) ? pad_axis(Padding, out<In>(a), Kernel, Stride, Dilation) : padded_axis{1, 0};
        }
        static_assert(conv(0).out == detail::size_of<Dims, In>(0) && conv(1).out == detail::size_of<Dims, In>(1) &&
                      conv(2).out == detail::size_of<Dims, In>(2), "conv_transpose: output size rule is not conv's inverse");
        static constexpr kernels::conv_geometry g{out<In>(0), out<In>(1), out<In>(2), Filters,
                                                  k(0), k(1), k(2), s(0), s(1), s(2),
                                                  conv(0).before, conv(1).before, conv(2).before,
                                                  d(0), d(1), d(2),
                                                  conv(0).out, conv(1).out, conv(2).out};
        template <std::size_t Rank> using tensor = typename B::template tensor<T, Rank>;
        tensor<R> w, dw;          // (K…, Filters, C)
        tensor<1> b, db;          // (Filters)
        kernels::conv_workspace<T> workspace;   // x · Wᵀ (forward), im2col(dy) (backward), per chunk

        static constexpr std::array<std::size_t, R> kernel_shape() {
            std::array<std::size_t, R> s{};
            for (std::size_t i = 0; i < Dims; ++i) s[i] = Kernel;
            s[Dims] = Filters;
            s[Dims + 1] = C;
            return s;
        }
        explicit impl(rng& gen)
            : w(B::template filled<T, R>(kernel_shape())), dw(w),
              b(B::template filled<T, 1>({UseBias ? Filters : 0})), db(b) {
            init::fill<KernelInit>(w, Taps * Filters, Taps * C, gen);   // staged through the host on a GPU
            init::fill<init::zeros>(b, 0, 0, gen);
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

template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1, padding Padding = padding::valid,
          class KernelInit = init::glorot_uniform, bool UseBias = true, std::size_t Dilation = 1>
struct conv2d_transpose : conv_transpose_nd<2, Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias> {
    static constexpr const char* name = "conv2d_transpose";
    template <class In>
    static constexpr void check() {
        static_assert(In::rank == 3, "conv2d_transpose: input must be an image (H, W, C) per sample");
    }
};

template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1, padding Padding = padding::valid,
          class KernelInit = init::glorot_uniform, bool UseBias = true, std::size_t Dilation = 1>
struct conv1d_transpose : conv_transpose_nd<1, Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias> {
    static constexpr const char* name = "conv1d_transpose";
    template <class In>
    static constexpr void check() {
        static_assert(In::rank == 2, "conv1d_transpose: input must be a sequence (L, C) per sample");
    }
};

template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1, padding Padding = padding::valid,
          class KernelInit = init::glorot_uniform, bool UseBias = true, std::size_t Dilation = 1>
struct conv3d_transpose : conv_transpose_nd<3, Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias> {
    static constexpr const char* name = "conv3d_transpose";
    template <class In>
    static constexpr void check() {
        static_assert(In::rank == 4, "conv3d_transpose: input must be a volume (D, H, W, C) per sample");
    }
};

} // namespace cascade::layers
