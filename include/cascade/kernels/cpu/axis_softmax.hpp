#pragma once
// Softmax along one axis of a row-major tensor, seen as (outer, len, inner): each of the outer·inner
// "rows" is the len values x[o, 0 … len − 1, i], inner apart. Numerically stable (the row's max subtracted):
//   y_c = e^{x_c − m} / Σ_j e^{x_j − m},  m = max_j x_j           dx_c = y_c (dy_c − Σ_j dy_j y_j)
// The per-row functions are shared with the GPU kernels (kernels/gpu/axis_softmax.hpp): same order, same bits.
#include "cascade/kernels/cpu/host_device_math.hpp"
#include "cascade/kernels/cpu/parallel.hpp"

#include <cstddef>

namespace cascade::kernels::cpu {

struct axis_rows {
    std::size_t outer = 1, len = 1, inner = 1;
    CASCADE_HOST_DEVICE std::size_t count() const { return outer * inner; }
    // The offset of row q's first element.
    CASCADE_HOST_DEVICE std::size_t base(std::size_t q) const { return (q / inner) * len * inner + q % inner; }
};

template <class T>
CASCADE_HOST_DEVICE void axis_softmax_row(const axis_rows& g, std::size_t q, const T* x, T* y) {
    const std::size_t b = g.base(q), s = g.inner;
    T m = x[b];
    for (std::size_t c = 1; c < g.len; ++c) m = x[b + c * s] > m ? x[b + c * s] : m;
    T sum = 0;
    for (std::size_t c = 0; c < g.len; ++c) sum += (y[b + c * s] = T(hd_math::exp(x[b + c * s] - m)));
    const T inv = T(1) / sum;
    for (std::size_t c = 0; c < g.len; ++c) y[b + c * s] *= inv;
}

template <class T>
CASCADE_HOST_DEVICE void axis_softmax_backward_row(const axis_rows& g, std::size_t q, const T* y, const T* dy, T* dx) {
    const std::size_t b = g.base(q), s = g.inner;
    T dot = 0;
    for (std::size_t c = 0; c < g.len; ++c) dot += dy[b + c * s] * y[b + c * s];
    for (std::size_t c = 0; c < g.len; ++c) dx[b + c * s] = y[b + c * s] * (dy[b + c * s] - dot);
}

template <class T>
void axis_softmax_forward(const axis_rows& g, const T* x, T* y) {
    parallel_for(g.count(), 256, [&](std::size_t q0, std::size_t q1) {
        for (std::size_t q = q0; q < q1; ++q) axis_softmax_row(g, q, x, y);
    });
}
template <class T>
void axis_softmax_backward(const axis_rows& g, const T* y, const T* dy, T* dx) {
    parallel_for(g.count(), 256, [&](std::size_t q0, std::size_t q1) {
        for (std::size_t q = q0; q < q1; ++q) axis_softmax_backward_row(g, q, y, dy, dx);
    });
}

} // namespace cascade::kernels::cpu
