#pragma once
// conv3d<Filters, Options...>: 3-D convolution over channels-last volumes (Keras Conv3D; PyTorch nn.Conv3d with the kernel permuted OIDHW → DHWIO).
//   x (N, D, H, W, C) → y (N, OD, OH, OW, Filters); e.g. conv3d<8, kernel<3>, padding::same>
//   Options (any order, Keras' defaults): kernel<K…> (required: Keras' kernel_size), strides<S…> (1),
//   dilation<D…> (1), padding::valid | padding::same, no_bias, kernel_init<I> (glorot_uniform),
//   bias_init<I> (zeros). One size means every axis. Formulas and shape rule: conv_nd.hpp.
//   LeCun et al., Proc. IEEE 1998; dilation: Yu & Koltun, ICLR 2016.
#include "cascade/layers/conv_nd.hpp"

namespace cascade::layers {

template <std::size_t Filters, class... Opts>
struct conv3d : conv_nd<3, Filters, Opts...> {
    using base = conv_nd<3, Filters, Opts...>;
    static constexpr const char* name = "conv3d";
    static_assert(Filters > 0, "conv3d<Filters, ...>: Filters must be positive");
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::conv_option_kinds, Opts...>();
        static_assert(base::spec::has_kernel, "conv3d: the kernel size is required, e.g. conv3d<Filters, kernel<3>>");
        static_assert(base::spec::sizes_ok, "conv3d: kernel<>, strides<> and dilation<> take one size or three (depth, height, width)");
        static_assert(base::spec::pad != padding_mode::causal, "conv3d: padding::causal is for conv1d only");
        if constexpr (base::spec::valid) {
            static_assert(base::template has_rank<In>, "conv3d: input must be a volume (D, H, W, C) per sample");
            static_assert(!base::template has_rank<In> || base::template fits<In>,
                          "conv3d: kernel is larger than the input volume (use padding::same or a smaller kernel)");
        }
    }
};

} // namespace cascade::layers
