#pragma once
// The shape of a batch of 1-, 2- or 3-D channels-last samples from the (depth, height, width) axes of the
// N-d convolution and pooling geometries: rank R = 3, 4, 5 gives (N, W, C), (N, H, W, C), (N, D, H, W, C).
#include <array>
#include <cstddef>

namespace cascade::kernels {

template <std::size_t R>
std::array<std::size_t, R> channels_last_shape(std::size_t n, std::size_t d, std::size_t h, std::size_t w, std::size_t c) {
    static_assert(R >= 3 && R <= 5, "1-, 2- or 3-D channels-last tensors: (N, W, C), (N, H, W, C) or (N, D, H, W, C)");
    if constexpr (R == 3) return {n, w, c};
    else if constexpr (R == 4) return {n, h, w, c};
    else return {n, d, h, w, c};
}

} // namespace cascade::kernels
