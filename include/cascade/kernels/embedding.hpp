#pragma once
// Tensor-level embedding lookup on the CPU backend (layers/embedding.hpp): ids x (N, ...) given as floats,
// table E (V, D), y (N, ..., D).
//   embedding_check_ids   every id is an integer in [0, V); else a cascade::error naming the first bad
//                         id and its position
//   embedding_forward     y[p, c] = E[x[p], c]
//   embedding_backward    dE[r, c] = Σ_{p : x[p] = r} dy[p, c], the positions p ascending (a fixed order:
//                         the same bits whatever the thread count; the GPU sums in the same order)
//   embedding_input_gradient   dx = 0 (the ids get no gradient)
// A GPU backend adds overloads of these names for its tensor type (kernels/gpu/embedding.hpp).
#include "cascade/config.hpp"
#include "cascade/kernels/cpu/parallel.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>

namespace cascade::kernels {

namespace cpu {
// Whether v is an integer id in [0, v_count).
template <class T>
CASCADE_HOST_DEVICE bool embedding_id_ok(T v, std::size_t v_count) {
    return v >= T(0) && v < T(v_count) && T(std::size_t(v)) == v;   // (a NaN fails the first test)
}
} // namespace cpu

namespace detail {
// Throws for the id v at flat position p of the ids (the first bad one).
template <class T>
[[noreturn]] inline void embedding_bad_id(T v, std::size_t p, std::size_t v_count) {
    if (v == v && v == std::floor(v))
        cascade::detail::fail("embedding: id ", v, " at flat position ", p, " of the input is out of range [0, ", v_count, ")");
    cascade::detail::fail("embedding: input value ", v, " at flat position ", p, " is not an integer id (ids must be integers in [0, ",
                          v_count, "))");
}
// y's shape: x's with the embedding width appended.
template <std::size_t R>
std::array<std::size_t, R + 1> embedding_output_shape(const std::array<std::size_t, R>& xs, std::size_t d) {
    std::array<std::size_t, R + 1> s{};
    for (std::size_t i = 0; i < R; ++i) s[i] = xs[i];
    s[R] = d;
    return s;
}
} // namespace detail

template <class T, std::size_t R>
void embedding_check_ids(const host_tensor<T, R>& x, std::size_t v_count) {
    for (std::size_t p = 0; p < x.size(); ++p)
        if (!cpu::embedding_id_ok(x.data()[p], v_count)) detail::embedding_bad_id(x.data()[p], p, v_count);
}

// The ids must have passed embedding_check_ids.
template <class T, std::size_t R>
void embedding_forward(const host_tensor<T, R>& x, const host_tensor<T, 2>& table, host_tensor<T, R + 1>& y) {
    const std::size_t d = table.shape()[1];
    ensure_shape(y, detail::embedding_output_shape<R>(x.shape(), d));
    const T* ids = x.data();
    const T* e = table.data();
    T* out = y.data();
    cpu::parallel_for(x.size(), 8192 / (d ? d : 1) + 1, [&](std::size_t b, std::size_t end) {
        for (std::size_t p = b; p < end; ++p) std::memcpy(out + p * d, e + std::size_t(ids[p]) * d, d * sizeof(T));
    });
}

// Overwrites dtable (V, D).
template <class T, std::size_t R>
void embedding_backward(const host_tensor<T, R>& x, const host_tensor<T, R + 1>& dy, host_tensor<T, 2>& dtable) {
    const std::size_t d = dtable.shape()[1];
    std::fill(dtable.data(), dtable.data() + dtable.size(), T(0));
    for (std::size_t p = 0; p < x.size(); ++p) {
        T* row = dtable.data() + std::size_t(x.data()[p]) * d;
        const T* g = dy.data() + p * d;
        for (std::size_t c = 0; c < d; ++c) row[c] += g[c];
    }
}

// dx = 0 with x's shape: the ids' gradient.
template <class T, std::size_t R>
void embedding_input_gradient(const host_tensor<T, R>& x, host_tensor<T, R>& dx) {
    ensure_shape(dx, x.shape());
    std::fill(dx.data(), dx.data() + dx.size(), T(0));
}

} // namespace cascade::kernels
