#pragma once
// Folding the time axis into the batch: (N, T, rest...) ↔ (N·T, rest...), the same row-major values seen
// as a batch of N·T samples (time_distributed runs its inner layer on the folded batch).
//   fold_steps(x, folded)       folded ← x reshaped; a copy, because x belongs to the caller
//   unfold_steps(folded, n, y)  y ← folded reshaped to (n, T, rest...) WITHOUT a copy: y is resized (only
//                               when its shape differs) and the two buffers are exchanged; folded keeps
//                               its shape and is left holding y's old buffer (unspecified values)
// A GPU backend adds overloads of the same names on its tensor type.
#include "cascade/config.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>

namespace cascade::kernels {

template <class T, std::size_t R>
void fold_steps(const host_tensor<T, R>& x, host_tensor<T, R - 1>& folded) {
    static_assert(R >= 3, "fold_steps: needs (N, T, rest...)");
    std::array<std::size_t, R - 1> s{};
    s[0] = x.shape()[0] * x.shape()[1];
    for (std::size_t i = 2; i < R; ++i) s[i - 1] = x.shape()[i];
    ensure_shape(folded, s);
    std::copy(x.data(), x.data() + x.size(), folded.data());
}

template <class T, std::size_t R>
void unfold_steps(host_tensor<T, R>& folded, std::size_t n, host_tensor<T, R + 1>& y) {
    CASCADE_CHECK(n > 0 && folded.shape()[0] % n == 0, "unfold_steps: ", folded.shape()[0],
                  " rows are not a whole number of sequences of a batch of ", n);
    std::array<std::size_t, R + 1> s{};
    s[0] = n;
    s[1] = folded.shape()[0] / n;
    for (std::size_t i = 1; i < R; ++i) s[i + 1] = folded.shape()[i];
    ensure_shape(y, s);
    y.storage().swap(folded.storage());   // equal sizes: both tensors stay consistent with their shapes
}

} // namespace cascade::kernels
