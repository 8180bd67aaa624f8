#pragma once
// GPU overloads of the weight-penalty kernels of kernels/loss.hpp (regularizers/l1_l2.hpp calls them):
//   abs_sum(w) = Σ|w|,  square_sum(w) = Σ w²        values, summed in double and read back (synchronises)
//   add_sign_scaled(w, a, dw):   dw += a · sign w (0 at w = 0)    gradients: one grid-stride pass, async
//   add_weight_scaled(w, a, dw): dw += a · w
// The sums reuse elementwise_loss.hpp's two-pass reduction (block_sum per block, then the blocks'
// partials in block order), so a value has the same bits on every run. sum_of_terms(name, n, f, D) is
// that reduction for any per-index term f(i) (a functor, device-callable); sampling.hpp's KL uses it too.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/gpu/block_sum.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"
#include "cascade/kernels/gpu/elementwise_loss.hpp"   // loss_partials, loss_grid, elementwise_loss_finish_kernel, read_back
#include "cascade/kernels/loss.hpp"                   // the CPU overloads

#include <array>

namespace cascade::gpu {

// partial[b] = Σ f(i) over block b's grid-stride share (in double), partial[gridDim + b] = 0 (the finish
// kernel's mask sums: unused, the divisor is given).
template <class F>
__global__ void term_sum_partials_kernel(std::size_t n, F f, double* partial) {
    __shared__ double scratch[32];   // block_sum: one value per warp
    double s = 0;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x)
        s += f(i);
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) {
        partial[blockIdx.x] = s;
        partial[gridDim.x + blockIdx.x] = 0;
    }
}

// Σ_{i<n} f(i) / divisor (divisor > 0), in double, read back to the host (synchronises the current stream).
template <class F>
double sum_of_terms(const char* name, std::size_t n, const F& f, double divisor) {
    const unsigned g = loss_grid(n);
    double* partial = loss_partials();
    launch(name, term_sum_partials_kernel<F>, g, elementwise_block, n, f, partial);
    double* out = loss_result<double>();
    launch(name, elementwise_loss_finish_kernel<double>, 1, elementwise_block, g, partial, divisor, out);
    return read_back(out);
}

template <class T>
struct abs_term {
    const T* w;
    CASCADE_HOST_DEVICE double operator()(std::size_t i) const {
        const double v = double(w[i]);
        return v < 0 ? -v : v;
    }
};
template <class T>
struct square_term {
    const T* w;
    CASCADE_HOST_DEVICE double operator()(std::size_t i) const {
        const double v = double(w[i]);
        return v * v;
    }
};

template <class T>
__global__ void add_sign_scaled_kernel(std::size_t n, const T* w, T a, T* dw) {
    CASCADE_GPU_GRID_STRIDE(i, n) dw[i] += w[i] > T(0) ? a : (w[i] < T(0) ? -a : T(0));
}
template <class T>
__global__ void add_weight_scaled_kernel(std::size_t n, const T* w, T a, T* dw) {
    CASCADE_GPU_GRID_STRIDE(i, n) dw[i] += a * w[i];
}

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T, std::size_t R>
double abs_sum(const gpu::device_tensor<T, R>& w) {
    return w.size() ? gpu::sum_of_terms("abs_sum", w.size(), gpu::abs_term<T>{w.data()}, 1.0) : 0.0;
}
template <class T, std::size_t R>
double square_sum(const gpu::device_tensor<T, R>& w) {
    return w.size() ? gpu::sum_of_terms("square_sum", w.size(), gpu::square_term<T>{w.data()}, 1.0) : 0.0;
}
template <class T, std::size_t R>
void add_sign_scaled(const gpu::device_tensor<T, R>& w, T a, gpu::device_tensor<T, R>& dw) {
    if (!w.size()) return;
    gpu::launch("add_sign_scaled", gpu::add_sign_scaled_kernel<T>, gpu::grid_for(w.size()), gpu::elementwise_block,
                w.size(), w.data(), a, dw.data());
}
template <class T, std::size_t R>
void add_weight_scaled(const gpu::device_tensor<T, R>& w, T a, gpu::device_tensor<T, R>& dw) {
    if (!w.size()) return;
    gpu::launch("add_weight_scaled", gpu::add_weight_scaled_kernel<T>, gpu::grid_for(w.size()), gpu::elementwise_block,
                w.size(), w.data(), a, dw.data());
}

} // namespace cascade::kernels
