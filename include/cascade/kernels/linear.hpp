#pragma once
// Tensor-level kernels of dense layers on the CPU backend:
//   forward   y = x · W + b                       x (N, I), W (I, O), b (O), y (N, O)
//   backward  dW = xᵀ · dy,  db = Σ_N dy,  dx = dy · Wᵀ
// A GPU backend adds overloads of the same names on its tensor type.
#include "cascade/kernels/cpu/elementwise.hpp"
#include "cascade/kernels/cpu/gemm.hpp"
#include "cascade/tensor/tensor.hpp"

namespace cascade::kernels {

template <class T>
void dense_forward(const host_tensor<T, 2>& x, const host_tensor<T, 2>& w, const host_tensor<T, 1>* b,
                   host_tensor<T, 2>& y) {
    const std::size_t n = x.shape()[0], in = x.shape()[1], out = w.shape()[1];
    ensure_shape(y, std::array{n, out});
    if (b) cpu::broadcast_rows(n, out, b->data(), y.data());
    cpu::gemm<T>(false, false, n, out, in, T(1), x.data(), in, w.data(), out, b ? T(1) : T(0), y.data(), out);
}

template <class T>
void dense_backward(const host_tensor<T, 2>& x, const host_tensor<T, 2>& dy, const host_tensor<T, 2>& w,
                    host_tensor<T, 2>& dw, host_tensor<T, 1>* db, host_tensor<T, 2>* dx) {
    const std::size_t n = x.shape()[0], in = x.shape()[1], out = w.shape()[1];
    cpu::gemm<T>(true, false, in, out, n, T(1), x.data(), in, dy.data(), out, T(0), dw.data(), out);
    if (db) cpu::sum_rows(n, out, dy.data(), db->data());
    if (dx) {
        ensure_shape(*dx, std::array{n, in});
        cpu::gemm<T>(false, true, n, in, out, T(1), dy.data(), out, w.data(), out, T(0), dx->data(), in);
    }
}

} // namespace cascade::kernels
