#pragma once
// Last-axis (channel/feature) slice copies of net::concat and net::multi_input on the CPU backend:
//   to[r, to_offset + j] = from[r, from_offset + j]     for every row r (all other axes, batch included)
//                                                      and j < width
// Joining copies a part (from_offset 0) into its columns of the joined tensor; splitting copies a joined
// tensor's columns into a part (to_offset 0). A GPU backend adds an overload of the same name.
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <cstddef>

namespace cascade::kernels {

template <class T, std::size_t R>
void copy_columns(const host_tensor<T, R>& from, std::size_t from_offset, host_tensor<T, R>& to, std::size_t to_offset,
                  std::size_t width) {
    const std::size_t from_width = from.shape()[R - 1], to_width = to.shape()[R - 1];
    const std::size_t rows = from_width ? from.size() / from_width : 0;
    for (std::size_t r = 0; r < rows; ++r)
        std::copy_n(from.data() + r * from_width + from_offset, width, to.data() + r * to_width + to_offset);
}

} // namespace cascade::kernels
