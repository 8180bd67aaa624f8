#pragma once
// The CPU driver of the pointwise activation functors (kernels/pointwise_terms.hpp) on raw arrays:
// vectorised with xsimd through detail::simd_map (the functor evaluated on batches; the tail on a
// zero-padded batch, as every element-wise kernel here), split over the thread pool.
#include "cascade/kernels/cpu/elementwise.hpp"
#include "cascade/kernels/pointwise_terms.hpp"

#include <cstddef>

namespace cascade::kernels::cpu {

// The device pass of nvcc / hipcc compiles these host functions too (and discards them): there they
// evaluate the functor on scalars, so that no __host__ __device__ functor is instantiated for an xsimd
// batch in device code (nvcc rejects vector types there). The host pass, which runs, is vectorised.
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
#define CASCADE_POINTWISE_DEVICE_PASS 1
#else
#define CASCADE_POINTWISE_DEVICE_PASS 0
#endif

// y[i] = f.value(x[i])
template <class F, class T>
void pointwise_forward(const F& f, std::size_t n, const T* x, T* y) {
#if CASCADE_POINTWISE_DEVICE_PASS
    for (std::size_t i = 0; i < n; ++i) y[i] = f.template value<T>(x[i]);
#else
    detail::simd_map<T>(n, [f](auto v) { return f.value(v); }, y, x);
#endif
}
// dx[i] = f.gradient(x[i], y[i], dy[i]) = dy[i] · f'(x[i])
template <class F, class T>
void pointwise_backward(const F& f, std::size_t n, const T* x, const T* y, const T* dy, T* dx) {
#if CASCADE_POINTWISE_DEVICE_PASS
    for (std::size_t i = 0; i < n; ++i) dx[i] = f.template gradient<T>(x[i], y[i], dy[i]);
#else
    detail::simd_map<T>(n, [f](auto v, auto yv, auto g) { return f.gradient(v, yv, g); }, dx, x, y, dy);
#endif
}

} // namespace cascade::kernels::cpu
