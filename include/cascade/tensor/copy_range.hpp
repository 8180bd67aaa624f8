#pragma once
// copy_range(src, src_offset, dst, dst_offset, n): copies n elements between two tensors of the same
// backend, at flat (row-major) offsets — how predict cuts batches out of a whole data set and writes
// their outputs back. Host tensors copy directly; for device tensors the backend supplies
// `copy_range_on_device` (found by argument-dependent lookup: an asynchronous device-to-device copy).
#include "cascade/config.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <cstddef>

namespace cascade {

template <class Src, class Dst>
void copy_range(const Src& src, std::size_t src_offset, Dst& dst, std::size_t dst_offset, std::size_t n) {
    CASCADE_CHECK(src_offset + n <= std::size_t(src.size()) && dst_offset + n <= std::size_t(dst.size()),
                  "copy_range: elements [", src_offset, ", ", src_offset + n, ") of ", src.size(), " to [", dst_offset, ", ",
                  dst_offset + n, ") of ", dst.size());
    if constexpr (is_host_tensor<Src>) std::copy(src.data() + src_offset, src.data() + src_offset + n, dst.data() + dst_offset);
    else copy_range_on_device(src, src_offset, dst, dst_offset, n);
}

} // namespace cascade
