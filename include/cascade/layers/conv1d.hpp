#pragma once
// conv1d<Filters, Options...>: 1-D convolution over channels-last sequences (Keras Conv1D; PyTorch nn.Conv1d on (N, C, L) with the kernel permuted OIK → KIO).
//   x (N, L, C) → y (N, OL, Filters); e.g. conv1d<16, kernel<5>, padding::causal, dilation<2>>
//   Options (any order, Keras' defaults): kernel<K…> (required: Keras' kernel_size), strides<S…> (1),
//   dilation<D…> (1), padding::valid | padding::same | padding::causal, no_bias, kernel_init<I> (glorot_uniform),
//   bias_init<I> (zeros). One size means every axis. Formulas and shape rule: conv_nd.hpp.
//   LeCun et al., Proc. IEEE 1998; dilation: Yu & Koltun, ICLR 2016; causal: van den Oord et al., WaveNet, arXiv:1609.03499.
#include "cascade/layers/conv_nd.hpp"

namespace cascade::layers {

template <std::size_t Filters, class... Opts>
struct conv1d : conv_nd<1, Filters, Opts...> {
    using base = conv_nd<1, Filters, Opts...>;
    static constexpr const char* name = "conv1d";
    static_assert(Filters > 0, "conv1d<Filters, ...>: Filters must be positive");
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::conv_option_kinds, Opts...>();
        static_assert(base::spec::has_kernel, "conv1d: the kernel size is required, e.g. conv1d<Filters, kernel<3>>");
        static_assert(base::spec::sizes_ok, "conv1d: kernel<>, strides<> and dilation<> take one size (length)");
        if constexpr (base::spec::valid) {
            static_assert(base::template has_rank<In>, "conv1d: input must be a sequence (L, C) per sample");
            static_assert(!base::template has_rank<In> || base::template fits<In>,
                          "conv1d: kernel is larger than the input sequence (use padding::same or a smaller kernel)");
        }
    }
};

} // namespace cascade::layers
