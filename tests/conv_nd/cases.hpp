#pragma once
// Layer configurations of tests/conv_nd, with the hyper-parameters that the direct-loop references need.
#include "reference.hpp"

#include <cascade/layers/conv1d.hpp>
#include <cascade/layers/conv2d.hpp>
#include <cascade/layers/conv3d.hpp>
#include <cascade/layers/conv_transpose.hpp>
#include <cascade/layers/pool1d.hpp>
#include <cascade/layers/pool2d.hpp>
#include <cascade/layers/pool3d.hpp>

#include <type_traits>

namespace cases {

namespace L = cascade::layers;
using padding = L::padding_mode;

// The (depth, height, width) view of a Dims-D sample shape In (missing leading axes are 1).
template <std::size_t Dims, class In>
ref::axes spatial() {
    ref::axes a;
    if constexpr (Dims == 3) a.d = In::dim(0);
    if constexpr (Dims >= 2) a.h = In::dim(Dims - 2);
    a.w = In::dim(Dims - 1);
    return a;
}
// v on the layer's axes, 1 on the missing ones.
template <std::size_t Dims>
ref::axes uniform(std::size_t v) {
    ref::axes a;
    if constexpr (Dims == 3) a.d = v;
    if constexpr (Dims >= 2) a.h = v;
    a.w = v;
    return a;
}

template <std::size_t Dims, std::size_t F, std::size_t K, std::size_t S, padding P, std::size_t Dil, class Input, bool Bias = true>
struct conv {
    static constexpr std::size_t dims = Dims, filters = F, kernel = K, stride = S, dilation = Dil;
    static constexpr padding pad = P;
    static constexpr bool bias = Bias;
    using in = Input;
    using layer = std::conditional_t<Dims == 1, L::conv1d<F, L::kernel<K>, L::strides<S>, L::padding::of<P>, L::dilation<Dil>, L::use_bias<Bias>>,
                  std::conditional_t<Dims == 2, L::conv2d<F, L::kernel<K>, L::strides<S>, L::padding::of<P>, L::dilation<Dil>, L::use_bias<Bias>>,
                                                L::conv3d<F, L::kernel<K>, L::strides<S>, L::padding::of<P>, L::dilation<Dil>, L::use_bias<Bias>>>>;
};

template <std::size_t Dims, std::size_t F, std::size_t K, std::size_t S, padding P, std::size_t Dil, class Input>
struct conv_transpose {
    static constexpr bool Bias = true;
    static constexpr std::size_t dims = Dims, filters = F, kernel = K, stride = S, dilation = Dil;
    static constexpr padding pad = P;
    using in = Input;
    using layer = std::conditional_t<Dims == 1, L::conv1d_transpose<F, L::kernel<K>, L::strides<S>, L::padding::of<P>, L::dilation<Dil>, L::use_bias<Bias>>,
                  std::conditional_t<Dims == 2, L::conv2d_transpose<F, L::kernel<K>, L::strides<S>, L::padding::of<P>, L::dilation<Dil>, L::use_bias<Bias>>,
                                                L::conv3d_transpose<F, L::kernel<K>, L::strides<S>, L::padding::of<P>, L::dilation<Dil>, L::use_bias<Bias>>>>;
};

template <std::size_t Dims, bool Max, std::size_t P, std::size_t S, class Input>
struct pool {
    static constexpr std::size_t dims = Dims, window = P, stride = S;
    static constexpr bool max = Max;
    using in = Input;
    static constexpr L::pool_kind kind = Max ? L::pool_kind::max : L::pool_kind::average;
    template <cascade::layers::extent E, class... O>
    using pool_layer = std::conditional_t<Dims == 1, std::conditional_t<Max, L::max_pool1d<E, O...>, L::avg_pool1d<E, O...>>,
                       std::conditional_t<Dims == 2, std::conditional_t<Max, L::max_pool2d<E, O...>, L::avg_pool2d<E, O...>>,
                                          std::conditional_t<Max, L::max_pool3d<E, O...>, L::avg_pool3d<E, O...>>>>;
    using layer = pool_layer<P, L::strides<S>>;
};

} // namespace cases
