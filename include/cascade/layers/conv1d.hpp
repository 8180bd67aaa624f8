#pragma once
// conv1d<Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias>: 1-D convolution over
// channels-last sequences (Keras Conv1D(filters, kernel_size, strides, padding, dilation_rate, use_bias);
// PyTorch nn.Conv1d on (N, C, L) with the kernel permuted OIK → KIO).
//   y[n, o, f] = b[f] + Σ_{k, c} W[k, c, f] · x[n, o·s + k·d − p, c]
//   x (N, L, C) → y (N, OL, Filters); 'valid': OL = (L − d·(K − 1) − 1) / s + 1; 'same': OL = ceil(L / s).
//   Parameters: W (K, C, Filters) — Keras' layout — glorot_uniform with fan_in = K·C, fan_out = K·Filters;
//   b (Filters) zeros unless UseBias = false.
// The same kernels as conv2d with H = 1 (conv_nd.hpp). Keras' 'causal' padding (K − 1 zeros before,
// 'valid') is not provided, nor is a 1-D zero-padding layer yet.
#include "cascade/layers/conv_nd.hpp"

namespace cascade::layers {

template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1, padding Padding = padding::valid,
          std::size_t Dilation = 1, class KernelInit = init::glorot_uniform, bool UseBias = true>
struct conv1d : conv_nd<1, Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias> {
    using base = conv_nd<1, Filters, Kernel, Stride, Padding, Dilation, KernelInit, UseBias>;
    static constexpr const char* name = "conv1d";

    template <class In>
    static constexpr void check() {
        static_assert(base::template has_rank<In>, "conv1d: input must be a sequence (L, C) per sample");
        static_assert(!base::template has_rank<In> || base::template fits<In>,
                      "conv1d: kernel is longer than the input sequence (use padding::same or a smaller kernel)");
    }
};

} // namespace cascade::layers
