#pragma once
// Axis slice copies of the joins (net::concat / net::concatenate<Axis>, net::multi_input) on the CPU
// backend. With a tensor seen as (outer, A, inner), A = its extent on `axis` (batch axis = 0), outer the
// product of the extents before it and inner of those after it:
//   copy_axis_slice:  to[o, to_offset + j, k] = from[o, from_offset + j, k]     for j < width
//   copy_columns:     the last axis (inner = 1): to[r, to_offset + j] = from[r, from_offset + j]
// Joining copies a part (from_offset 0) into its slice of the joined tensor; splitting copies a joined
// tensor's slice into a part (to_offset 0). from and to agree on every axis but `axis`. Either way it is
// `rows` contiguous runs of `width · inner` elements (axis_runs), which a GPU backend copies with one
// kernel (kernels/gpu/concat.hpp, overloads of the same names).
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <cstddef>

namespace cascade::kernels {

// The copy as runs: run r of `width` elements starts at r·from_width + from_offset in from and at
// r·to_width + to_offset in to (all in elements).
struct axis_runs {
    std::size_t rows = 0, width = 0, from_width = 0, from_offset = 0, to_width = 0, to_offset = 0;
};
template <class FromShape, class ToShape>
axis_runs runs_on_axis(const FromShape& from, std::size_t from_offset, const ToShape& to, std::size_t to_offset,
                       std::size_t width, std::size_t axis) {
    std::size_t outer = 1, inner = 1;
    for (std::size_t a = 0; a < axis; ++a) outer *= from[a];
    for (std::size_t a = axis + 1; a < from.size(); ++a) inner *= from[a];
    return {outer, width * inner, from[axis] * inner, from_offset * inner, to[axis] * inner, to_offset * inner};
}

template <class T, std::size_t R>
void copy_axis_slice(const host_tensor<T, R>& from, std::size_t from_offset, host_tensor<T, R>& to, std::size_t to_offset,
                     std::size_t width, std::size_t axis) {
    const axis_runs c = runs_on_axis(from.shape(), from_offset, to.shape(), to_offset, width, axis);
    for (std::size_t r = 0; r < c.rows; ++r)
        std::copy_n(from.data() + r * c.from_width + c.from_offset, c.width, to.data() + r * c.to_width + c.to_offset);
}

template <class T, std::size_t R>
void copy_columns(const host_tensor<T, R>& from, std::size_t from_offset, host_tensor<T, R>& to, std::size_t to_offset,
                  std::size_t width) {
    copy_axis_slice(from, from_offset, to, to_offset, width, R - 1);
}

} // namespace cascade::kernels
