#pragma once
// conv2d<Filters, Kernel, Stride, Padding, KernelInit, UseBias, Dilation>: 2-D convolution over
// channels-last images (Keras Conv2D(filters, kernel_size, strides, padding, dilation_rate, use_bias);
// PyTorch nn.Conv2d with the kernel permuted OIHW → HWIO).
//   y[n, oy, ox, f] = b[f] + Σ_{ky, kx, c} W[ky, kx, c, f] · x[n, oy·s + ky·d − p, ox·s + kx·d − p, c]
//   x (N, H, W, C) → y (N, OH, OW, Filters); 'valid': OH = (H − d·(K − 1) − 1) / s + 1; 'same': OH = ceil(H / s).
//   Parameters: W (K, K, C, Filters) — Keras' kernel layout — glorot_uniform with fan_in = K·K·C,
//   fan_out = K·K·Filters; b (Filters) zeros unless UseBias = false.   LeCun et al., Proc. IEEE 1998;
//   dilation: Yu & Koltun, "Multi-scale context aggregation by dilated convolutions", ICLR 2016.
// Dilation is the last parameter so that spellings written before it existed keep their meaning; unlike
// TensorFlow, stride > 1 together with dilation > 1 is allowed (as in PyTorch). Shared code: conv_nd.hpp.
#include "cascade/layers/conv_nd.hpp"

namespace cascade::layers {

template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1, padding Padding = padding::valid,
          class KernelInit = init::glorot_uniform, bool UseBias = true, std::size_t Dilation = 1>
struct conv2d : conv_nd<2, Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias> {
    using base = conv_nd<2, Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias>;
    static constexpr const char* name = "conv2d";

    template <class In>
    static constexpr void check() {
        static_assert(base::template has_rank<In>, "conv2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
        static_assert(!base::template has_rank<In> || base::template fits<In>,
                      "conv2d: kernel is larger than the input image (use padding::same or a smaller kernel)");
    }
};

} // namespace cascade::layers
