#pragma once
// conv3d<Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias>: 3-D convolution over
// channels-last volumes (Keras Conv3D(filters, kernel_size, strides, padding, dilation_rate, use_bias);
// PyTorch nn.Conv3d on (N, C, D, H, W) with the kernel permuted OIDHW → DHWIO).
//   y[n, oz, oy, ox, f] = b[f] + Σ_{kz, ky, kx, c} W[kz, ky, kx, c, f] · x[n, oz·s + kz·d − p, oy·s + ky·d − p, ox·s + kx·d − p, c]
//   x (N, D, H, W, C) → y (N, OD, OH, OW, Filters), each axis as in conv2d ('valid' / 'same').
//   Parameters: W (K, K, K, C, Filters) — Keras' layout — glorot_uniform with fan_in = K³·C,
//   fan_out = K³·Filters; b (Filters) zeros unless UseBias = false.
// E.g. Telescope Array surface-detector waveforms (grid × grid × time × 2). Cubic kernels only; the
// kernels (conv_nd.hpp, kernels/cpu/conv.hpp) take any per-axis sizes.
#include "cascade/layers/conv_nd.hpp"

namespace cascade::layers {

template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1, padding Padding = padding::valid,
          std::size_t Dilation = 1, class KernelInit = init::glorot_uniform, bool UseBias = true>
struct conv3d : conv_nd<3, Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias> {
    using base = conv_nd<3, Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias>;
    static constexpr const char* name = "conv3d";

    template <class In>
    static constexpr void check() {
        static_assert(base::template has_rank<In>, "conv3d: input must be a volume (D, H, W, C) per sample");
        static_assert(!base::template has_rank<In> || base::template fits<In>,
                      "conv3d: kernel is larger than the input volume (use padding::same or a smaller kernel)");
    }
};

} // namespace cascade::layers
