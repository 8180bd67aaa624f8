#pragma once
// How a channels-last sample of a 1-, 2- or 3-D layer — (W, C), (H, W, C), (D, H, W, C) — maps onto the
// (depth, height, width) axes of the N-d convolution and pooling kernels: the layer's spatial axes are the
// trailing ones, the missing leading ones have size 1 (a 1-D convolution is a 2-D one with H = 1).
#include "cascade/layers/padding.hpp"
#include "cascade/tensor/shape.hpp"

#include <algorithm>
#include <cstddef>

namespace cascade::layers::detail {

// Does kernel axis a (0 = depth, 1 = height, 2 = width) exist in a Dims-D layer?
constexpr bool has_axis(std::size_t dims, std::size_t a) { return a + dims >= 3; }

// Output size and leading padding of kernel axis a for sample shape In; a missing axis is {1, 0}.
// Stays well-formed (out ≥ 1 where the rank is wrong) so that a rejected In gives one diagnostic.
template <std::size_t Dims, class In>
constexpr padded_axis axis_of(std::size_t a, padding_mode p, std::size_t k, std::size_t s, std::size_t d = 1) {
    if (!has_axis(Dims, a)) return {1, 0};
    return pad_axis(p, In::dim_or(a + Dims - 3, d * (k - 1) + 1), k, s, d);
}
// Input size of kernel axis a (1 for a missing axis).
template <std::size_t Dims, class In>
constexpr std::size_t size_of(std::size_t a) { return has_axis(Dims, a) ? In::dim_or(a + Dims - 3, 1) : 1; }

// shape<[D,] [H,] W, C> of a Dims-D sample from its three kernel axes.
template <std::size_t Dims, std::size_t D, std::size_t H, std::size_t W, std::size_t C>
struct channels_last;
template <std::size_t D, std::size_t H, std::size_t W, std::size_t C>
struct channels_last<1, D, H, W, C> { using type = shape<W, C>; };
template <std::size_t D, std::size_t H, std::size_t W, std::size_t C>
struct channels_last<2, D, H, W, C> { using type = shape<H, W, C>; };
template <std::size_t D, std::size_t H, std::size_t W, std::size_t C>
struct channels_last<3, D, H, W, C> { using type = shape<D, H, W, C>; };
template <std::size_t Dims, std::size_t D, std::size_t H, std::size_t W, std::size_t C>
using channels_last_t = typename channels_last<Dims, std::max<std::size_t>(D, 1), std::max<std::size_t>(H, 1),
                                               std::max<std::size_t>(W, 1), C>::type;

constexpr std::size_t power(std::size_t b, std::size_t e) { return e == 0 ? 1 : b * power(b, e - 1); }

} // namespace cascade::layers::detail
