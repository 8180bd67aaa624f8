#pragma once
// conv2d<Filters, Options...>: 2-D convolution over channels-last images (Keras Conv2D; PyTorch nn.Conv2d with the kernel permuted OIHW → HWIO).
//   x (N, H, W, C) → y (N, OH, OW, Filters); e.g. conv2d<32, kernel<3, 5>, strides<2, 1>, padding::same>
//   Options (any order, Keras' defaults): kernel<K…> (required: Keras' kernel_size), strides<S…> (1),
//   dilation<D…> (1), padding::valid | padding::same, no_bias, kernel_init<I> (glorot_uniform),
//   bias_init<I> (zeros). One size means every axis. Formulas and shape rule: conv_nd.hpp.
//   LeCun et al., Proc. IEEE 1998; dilation: Yu & Koltun, ICLR 2016.
#include "cascade/layers/conv_nd.hpp"

namespace cascade::layers {

template <std::size_t Filters, class... Opts>
struct conv2d : conv_nd<2, Filters, Opts...> {
    using base = conv_nd<2, Filters, Opts...>;
    static constexpr const char* name = "conv2d";
    static_assert(Filters > 0, "conv2d<Filters, ...>: Filters must be positive");
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::conv_option_kinds, Opts...>();
        static_assert(base::spec::has_kernel, "conv2d: the kernel size is required, e.g. conv2d<Filters, kernel<3>>");
        static_assert(base::spec::sizes_ok, "conv2d: kernel<>, strides<> and dilation<> take one size or two (height, width)");
        static_assert(base::spec::pad != padding_mode::causal, "conv2d: padding::causal is for conv1d only");
        if constexpr (base::spec::valid) {
            static_assert(base::template has_rank<In>, "conv2d: input must be an image (H, W, C) per sample; it cannot follow flatten/dense");
            static_assert(!base::template has_rank<In> || base::template fits<In>,
                          "conv2d: kernel is larger than the input image (use padding::same or a smaller kernel)");
        }
    }
};

} // namespace cascade::layers
