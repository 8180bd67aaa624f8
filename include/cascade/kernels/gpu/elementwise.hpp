#pragma once
// GPU element-wise kernels (HIP dialect): activations forward/backward, scaled sums, bias broadcast
// — raw-pointer launchers in cascade::gpu, tensor-level overloads in cascade::kernels with
// the CPU overloads' names and semantics (kernels/activation.hpp, kernels/linear.hpp), so a layer's
// `kernels::relu_forward(x, y)` picks the GPU one for device tensors by overload resolution.
//   relu      y = max(x, 0)          dx = dy · [y > 0]
//   sigmoid   y = 1 / (1 + e^−x)     dx = dy · y (1 − y)
//   tanh      y = tanh x             dx = dy · (1 − y²)
//   add_scaled  z = x + s·y
// (Column sums, e.g. bias gradients: column_sums.hpp.)
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"

namespace cascade::gpu {

inline constexpr unsigned elementwise_block = 256;

inline unsigned grid_for(std::size_t n) {
    const std::size_t b = (n + elementwise_block - 1) / elementwise_block;
    return unsigned(b < 65535 ? (b ? b : 1) : 65535);
}

template <class T>
__global__ void fill_kernel(std::size_t n, T v, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = v;
}
template <class T>
__global__ void relu_forward_kernel(std::size_t n, const T* x, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = x[i] > T(0) ? x[i] : (x[i] != x[i] ? x[i] : T(0));   // NaN stays NaN
}
template <class T>
__global__ void relu_backward_kernel(std::size_t n, const T* y, const T* dy, T* dx) {
    CASCADE_GPU_GRID_STRIDE(i, n) dx[i] = y[i] > T(0) ? dy[i] : T(0);
}
template <class T>
__global__ void sigmoid_forward_kernel(std::size_t n, const T* x, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = T(1) / (T(1) + exp(-x[i]));
}
template <class T>
__global__ void sigmoid_backward_kernel(std::size_t n, const T* y, const T* dy, T* dx) {
    CASCADE_GPU_GRID_STRIDE(i, n) dx[i] = dy[i] * y[i] * (T(1) - y[i]);
}
template <class T>
__global__ void tanh_forward_kernel(std::size_t n, const T* x, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, n) y[i] = tanh(x[i]);
}
template <class T>
__global__ void tanh_backward_kernel(std::size_t n, const T* y, const T* dy, T* dx) {
    CASCADE_GPU_GRID_STRIDE(i, n) dx[i] = dy[i] * (T(1) - y[i] * y[i]);
}
template <class T>
__global__ void multiply_kernel(std::size_t n, const T* x, const T* m, T* z) {
    CASCADE_GPU_GRID_STRIDE(i, n) z[i] = x[i] * m[i];
}
template <class T>
__global__ void add_scaled_kernel(std::size_t n, const T* x, const T* y, T s, T* z) {
    CASCADE_GPU_GRID_STRIDE(i, n) z[i] = x[i] + s * y[i];
}
// y[r, c] = b[c] for r < rows.
template <class T>
__global__ void broadcast_rows_kernel(std::size_t rows, std::size_t cols, const T* b, T* y) {
    CASCADE_GPU_GRID_STRIDE(i, rows * cols) y[i] = b[i % cols];
}

} // namespace cascade::gpu

namespace cascade::kernels {

#define CASCADE_GPU_UNARY(name)                                                                                   \
    template <class T, std::size_t R>                                                                             \
    void name##_forward(const gpu::device_tensor<T, R>& x, gpu::device_tensor<T, R>& y) {                         \
        ensure_shape(y, x.shape());                                                                               \
        gpu::launch(#name "_forward", gpu::name##_forward_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block, \
                    x.size(), x.data(), y.data());                                                                \
    }                                                                                                             \
    template <class T, std::size_t R>                                                                             \
    void name##_backward(const gpu::device_tensor<T, R>& y, const gpu::device_tensor<T, R>& dy,                   \
                         gpu::device_tensor<T, R>& dx) {                                                          \
        ensure_shape(dx, dy.shape());                                                                             \
        gpu::launch(#name "_backward", gpu::name##_backward_kernel<T>, gpu::grid_for(dy.size()), gpu::elementwise_block, \
                    dy.size(), y.data(), dy.data(), dx.data());                                                   \
    }
// The three activations that differentiate through their output; the macro removes six repeated signatures.
CASCADE_GPU_UNARY(relu)
CASCADE_GPU_UNARY(sigmoid)
CASCADE_GPU_UNARY(tanh)
#undef CASCADE_GPU_UNARY

template <class T, std::size_t R>
void fill(gpu::device_tensor<T, R>& y, T v) {
    gpu::launch("fill", gpu::fill_kernel<T>, gpu::grid_for(y.size()), gpu::elementwise_block, y.size(), v, y.data());
}

// z = x ⊙ m (dropout masks).
template <class T, std::size_t R>
void multiply(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& m, gpu::device_tensor<T, R>& z) {
    ensure_shape(z, x.shape());
    gpu::launch("multiply", gpu::multiply_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block,
        x.size(), x.data(), m.data(), z.data());
}

template <class T, std::size_t R>
void add_scaled(const gpu::device_tensor<T, R>& x, const gpu::device_tensor<T, R>& y, T s, gpu::device_tensor<T, R>& z) {
    ensure_shape(z, x.shape());
    gpu::launch("add_scaled", gpu::add_scaled_kernel<T>, gpu::grid_for(x.size()), gpu::elementwise_block,
        x.size(), x.data(), y.data(), s, z.data());
}

} // namespace cascade::kernels
