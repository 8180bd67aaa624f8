#pragma once
// Row-wise softmax and its Jacobian-vector product, numerically stable (max subtracted):
//   y_i = exp(x_i − max x) / Σ_j exp(x_j − max x)          dx_i = y_i (dy_i − Σ_j dy_j y_j)
#include "cascade/kernels/cpu/parallel.hpp"

#include <cmath>
#include <cstddef>

namespace cascade::kernels::cpu {

template <class T>
void softmax_forward(std::size_t rows, std::size_t cols, const T* x, T* y) {
    parallel_for(rows, 512, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const T* xr = x + r * cols;
            T* yr = y + r * cols;
            T m = xr[0];
            for (std::size_t c = 1; c < cols; ++c) m = xr[c] > m ? xr[c] : m;
            T s = 0;
            for (std::size_t c = 0; c < cols; ++c) s += (yr[c] = std::exp(xr[c] - m));
            const T inv = T(1) / s;
            for (std::size_t c = 0; c < cols; ++c) yr[c] *= inv;
        }
    });
}

template <class T>
void softmax_backward(std::size_t rows, std::size_t cols, const T* y, const T* dy, T* dx) {
    parallel_for(rows, 512, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const T* yr = y + r * cols;
            const T* gr = dy + r * cols;
            T* dr = dx + r * cols;
            T dot = 0;
            for (std::size_t c = 0; c < cols; ++c) dot += gr[c] * yr[c];
            for (std::size_t c = 0; c < cols; ++c) dr[c] = yr[c] * (gr[c] - dot);
        }
    });
}

} // namespace cascade::kernels::cpu
