#pragma once
// Folding the time axis into the batch on device tensors (kernels/fold.hpp's contract, used by
// time_distributed): (N, T, rest...) ↔ (N·T, rest...), the same row-major values.
//   fold_steps(x, folded)       folded ← x reshaped: one device-to-device copy (x belongs to the caller)
//   unfold_steps(folded, n, y)  y ← folded reshaped to (n, T, rest...): here also a device-to-device
//                               copy (device_tensor's buffer cannot change rank; the copy runs at memory
//                               bandwidth, small beside the inner layer); folded keeps its values, which
//                               the contract leaves unspecified.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/fold.hpp"

#include <array>

namespace cascade::kernels {

template <class T, std::size_t R>
void fold_steps(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R - 1>& folded) {
    static_assert(R >= 3, "fold_steps: needs (N, T, rest...)");
    std::array<std::size_t, R - 1> s{};
    s[0] = x.shape()[0] * x.shape()[1];
    for (std::size_t i = 2; i < R; ++i) s[i - 1] = x.shape()[i];
    ensure_shape(folded, s);
    gpu::copy_range_on_device(x, 0, folded, 0, x.size());
}

template <class T, std::size_t R>
void unfold_steps(gpu::device_tensor<T, R>& folded, std::size_t n, gpu::device_tensor<T, R + 1>& y) {
    CASCADE_CHECK(n > 0 && folded.shape()[0] % n == 0, "unfold_steps: ", folded.shape()[0],
                  " rows are not a whole number of sequences of a batch of ", n);
    std::array<std::size_t, R + 1> s{};
    s[0] = n;
    s[1] = folded.shape()[0] / n;
    for (std::size_t i = 1; i < R; ++i) s[i + 1] = folded.shape()[i];
    ensure_shape(y, s);
    gpu::copy_range_on_device(folded, 0, y, 0, folded.size());
}

} // namespace cascade::kernels
