#pragma once
// keras_margins<P...>: Keras' three spellings of 2-D padding/cropping sizes, for zero_padding2d and
// cropping2d:
//   <P>                          P rows/columns on every side               Keras padding=P
//   <H, W>                       H rows top and bottom, W columns left/right  Keras padding=(H, W)
//   <Top, Bottom, Left, Right>   each side on its own                       Keras padding=((T, B), (L, R))
#include "cascade/kernels/spatial.hpp"   // kernels::margins2d

#include <cstddef>

namespace cascade::layers::detail {

template <std::size_t... P>
struct keras_margins {   // any other count: the layer's static_assert says so; all zero avoids a second error
    static constexpr bool valid = false;
    static constexpr kernels::margins2d value{0, 0, 0, 0};
};
template <std::size_t P>
struct keras_margins<P> {
    static constexpr bool valid = true;
    static constexpr kernels::margins2d value{P, P, P, P};
};
template <std::size_t H, std::size_t W>
struct keras_margins<H, W> {
    static constexpr bool valid = true;
    static constexpr kernels::margins2d value{H, H, W, W};
};
template <std::size_t Top, std::size_t Bottom, std::size_t Left, std::size_t Right>
struct keras_margins<Top, Bottom, Left, Right> {
    static constexpr bool valid = true;
    static constexpr kernels::margins2d value{Top, Bottom, Left, Right};
};

} // namespace cascade::layers::detail
