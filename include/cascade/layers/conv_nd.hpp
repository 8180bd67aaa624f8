#pragma once
// conv_nd<Dims, ...>: what conv1d, conv2d and conv3d share — the shape rule, the geometry and the run-time
// layer. Each of them derives from it and adds its name and its check() (whose messages name it).
//   y[n, o…, f] = b[f] + Σ_{k…, c} W[k…, c, f] · x[n, o·s + k·d − p …, c]      (0 outside the input)
//   'valid': out = (in − d·(K − 1) − 1) / s + 1;  'same': out = ceil(in / s), padding split with the smaller
//   half before (TensorFlow's rule, also for s > 1).
//   W (K…, C, Filters) — Keras' kernel layout — KernelInit with fan_in = K^Dims·C, fan_out = K^Dims·Filters;
//   b (Filters) zeros unless UseBias = false.
// Kernels: im2col + GEMM over the 3-D geometry of kernels/conv.hpp (a missing axis has size 1).
#include "cascade/kernels/conv.hpp"
#include "cascade/init/on_host.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/padding.hpp"
#include "cascade/layers/spatial_axes.hpp"

namespace cascade::layers {

template <std::size_t Dims, std::size_t Filters, std::size_t Kernel, std::size_t Stride, padding Padding,
          std::size_t Dilation, class KernelInit, bool UseBias>
struct conv_nd {
    static_assert(Dims >= 1 && Dims <= 3, "conv_nd: 1, 2 or 3 spatial axes");
    static_assert(Filters > 0 && Kernel > 0 && Stride > 0 && Dilation > 0,
                  "conv<Filters, Kernel, Stride, Dilation>: sizes must be positive");

    // Kernel axis a (0 = depth, 1 = height, 2 = width): output size and leading padding.
    template <class In>
    static constexpr padded_axis axis(std::size_t a) {
        return detail::axis_of<Dims, In>(a, Padding, Kernel, Stride, Dilation);
    }
    template <class In>
    static constexpr bool has_rank = In::rank == Dims + 1;
    template <class In>
    static constexpr bool fits = axis<In>(0).out > 0 && axis<In>(1).out > 0 && axis<In>(2).out > 0;
    template <class In>
    static constexpr bool accepts = has_rank<In> && fits<In>;
    template <class In>
    using output_shape = detail::channels_last_t<Dims, axis<In>(0).out, axis<In>(1).out, axis<In>(2).out, Filters>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t R = Dims + 2, C = In::dim(Dims), Taps = detail::power(Kernel, Dims);
        static constexpr std::size_t k(std::size_t a) { return detail::has_axis(Dims, a) ? Kernel : 1; }
        static constexpr std::size_t s(std::size_t a) { return detail::has_axis(Dims, a) ? Stride : 1; }
        static constexpr std::size_t d(std::size_t a) { return detail::has_axis(Dims, a) ? Dilation : 1; }
        static constexpr std::size_t in(std::size_t a) { return detail::size_of<Dims, In>(a); }
        static constexpr kernels::conv_geometry g{in(0), in(1), in(2), C,
                                                  k(0), k(1), k(2), s(0), s(1), s(2),
                                                  axis<In>(0).before, axis<In>(1).before, axis<In>(2).before,
                                                  d(0), d(1), d(2),
                                                  axis<In>(0).out, axis<In>(1).out, axis<In>(2).out};
        template <std::size_t Rank> using tensor = typename B::template tensor<T, Rank>;
        tensor<R> w, dw;          // (K…, C, Filters)
        tensor<1> b, db;          // (Filters)
        kernels::conv_workspace<T> workspace;   // im2col patches (of the whole batch when training)

        static constexpr std::array<std::size_t, R> kernel_shape() {
            std::array<std::size_t, R> s{};
            for (std::size_t i = 0; i < Dims; ++i) s[i] = Kernel;
            s[Dims] = C;
            s[Dims + 1] = Filters;
            return s;
        }
        explicit impl(rng& gen)
            : w(B::template filled<T, R>(kernel_shape())), dw(w),
              b(B::template filled<T, 1>({UseBias ? Filters : 0})), db(b) {
            init::fill<KernelInit>(w, Taps * C, Taps * Filters, gen);   // on a device: staged through the host
            init::fill<init::zeros>(b, 0, 0, gen);
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
