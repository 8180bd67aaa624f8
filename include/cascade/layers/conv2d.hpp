#pragma once
// conv2d<Filters, Kernel, Stride, Padding>: 2-D convolution over channels-last images (Keras Conv2D).
//   y[n, oy, ox, f] = b[f] + Σ_{ky, kx, c} W[ky, kx, c, f] · x[n, oy·s + ky − p, ox·s + kx − p, c]
//   x (N, H, W, C) → y (N, OH, OW, Filters); 'valid': OH = (H − K) / s + 1; 'same': OH = ceil(H / s).
//   Parameters: W (K, K, C, Filters) — Keras' kernel layout — glorot_uniform with fan_in = K·K·C,
//   fan_out = K·K·Filters; b (Filters) zeros unless UseBias = false.   LeCun et al., Proc. IEEE 1998.
#include "cascade/kernels/conv.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/padding.hpp"

namespace cascade::layers {

template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1, padding Padding = padding::valid,
          class KernelInit = init::glorot_uniform, bool UseBias = true>
struct conv2d {
    static_assert(Filters > 0 && Kernel > 0 && Stride > 0, "conv2d<Filters, Kernel, Stride>: sizes must be positive");
    static constexpr const char* name = "conv2d";

    template <class In>
    struct geometry {
        static constexpr padded_axis y = pad_axis(Padding, In::dim_or(0, Kernel), Kernel, Stride);
        static constexpr padded_axis x = pad_axis(Padding, In::dim_or(1, Kernel), Kernel, Stride);
    };

    template <class In>
    static constexpr bool is_image = In::rank == 3;
    template <class In>
    static constexpr bool fits = geometry<In>::y.out > 0 && geometry<In>::x.out > 0;
    template <class In>
    static constexpr bool accepts = is_image<In> && fits<In>;
    template <class In>
    static constexpr void check() {
        static_assert(is_image<In>, "conv2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
        static_assert(!is_image<In> || fits<In>, "conv2d: kernel is larger than the input image (use padding::same or a smaller kernel)");
    }
    template <class In>
    using output_shape = shape<std::max<std::size_t>(geometry<In>::y.out, 1), std::max<std::size_t>(geometry<In>::x.out, 1), Filters>;

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t C = In::dim(2), Patch = Kernel * Kernel * C;
        static constexpr kernels::conv2d_geometry g{In::dim(0), In::dim(1), C, Kernel, Kernel, Stride, Stride,
                                                    geometry<In>::y.before, geometry<In>::x.before, 1, 1,
                                                    geometry<In>::y.out, geometry<In>::x.out};
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        tensor<4> w, dw;          // (K, K, C, Filters)
        tensor<1> b, db;          // (Filters)
        kernels::conv_workspace<T> workspace;   // im2col patches (of the whole batch when training)

        explicit impl(rng& gen)
            : w(B::template filled<T, 4>({Kernel, Kernel, C, Filters})), dw(w),
              b(B::template filled<T, 1>({UseBias ? Filters : 0})), db(b) {
            KernelInit::fill(w.data(), w.size(), Patch, Kernel * Kernel * Filters, gen);
            init::zeros::fill(b.data(), b.size(), 0, 0, gen);
        }
        void forward(const tensor<4>& x, tensor<4>& y, mode m) {
            kernels::conv2d_forward(g, x, w, UseBias ? &b : nullptr, y, workspace, m == mode::train);
        }
        void backward(const tensor<4>& x, const tensor<4>&, const tensor<4>& dy, tensor<4>* dx) {
            kernels::conv2d_backward(g, x, dy, w, dw, UseBias ? &db : nullptr, dx, workspace);
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
