#pragma once
// GPU depthwise convolution, channels-last, on the CPU path's 3-D geometry (kernels/cpu/conv.hpp; g.c = C,
// the input's channels) and with its formulas (kernels/depthwise_conv.hpp), depth multiplier m, j = c·m + k:
//   forward   y[n, o, j] = b[j] + Σ_taps W[tap, j] · x[n, o·s + tap·d − p, c]     one thread per output
//             element (j fastest: coalesced reads of W and y), taps in (kz, ky, kx) order as on the CPU
//   dW[tap, j] = Σ_{n, o} dy[n, o, j] · x[n, o·s + tap·d − p, c]     column sums (kernels/gpu/column_sums.hpp)
//             of the (n·od·oh·ow) × (taps·C·m) matrix of products: two passes, no atomics, the same bits on
//             every run
//   db[j]     = Σ_{n, o} dy[n, o, j]                                  column sums of dy
//   dx[n, i, c] = Σ_k Σ_{(o, tap): o·s + tap·d − p = i} dy[n, o, c·m + k] · W[tap, c·m + k]   a gather (no
//             atomics): one thread per input element, the output positions in row-major order and the
//             copies k in order, the CPU's summation order (scatter over o, then the sum over k)
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/channels_last.hpp"
#include "cascade/kernels/depthwise_conv.hpp"   // depthwise_workspace, conv_geometry, the CPU overloads
#include "cascade/kernels/gpu/column_sums.hpp"

namespace cascade::gpu {

using cascade::kernels::cpu::conv_geometry;

template <class T>
__global__ void depthwise_forward_kernel(conv_geometry g, std::size_t m, std::size_t n, const T* __restrict__ x,
                                         const T* __restrict__ w, const T* __restrict__ b, T* __restrict__ y) {
    const std::size_t cm = g.c * m, total = n * g.od * g.oh * g.ow * cm;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t j = i % cm, c = j / m, ox = (i / cm) % g.ow, oy = (i / (cm * g.ow)) % g.oh,
                          oz = (i / (cm * g.ow * g.oh)) % g.od, s = i / (cm * g.ow * g.oh * g.od);
        T acc = b ? b[j] : T(0);
        for (std::size_t kz = 0; kz < g.kd; ++kz) {
            const std::ptrdiff_t iz = std::ptrdiff_t(oz * g.sd + kz * g.dd) - std::ptrdiff_t(g.pd);
            if (iz < 0 || iz >= std::ptrdiff_t(g.d)) continue;
            for (std::size_t ky = 0; ky < g.kh; ++ky) {
                const std::ptrdiff_t iy = std::ptrdiff_t(oy * g.sh + ky * g.dh) - std::ptrdiff_t(g.ph);
                if (iy < 0 || iy >= std::ptrdiff_t(g.h)) continue;
                for (std::size_t kx = 0; kx < g.kw; ++kx) {
                    const std::ptrdiff_t ix = std::ptrdiff_t(ox * g.sw + kx * g.dw) - std::ptrdiff_t(g.pw);
                    if (ix < 0 || ix >= std::ptrdiff_t(g.w)) continue;
                    const std::size_t tap = (kz * g.kh + ky) * g.kw + kx;
                    acc += w[tap * cm + j] *
                           x[(((s * g.d + std::size_t(iz)) * g.h + std::size_t(iy)) * g.w + std::size_t(ix)) * g.c + c];
                }
            }
        }
        y[i] = acc;
    }
}

// f(r, col) of the weight gradient: row r = (n, oz, oy, ox), column col = (tap, j); 0 where the tap falls
// outside the input.
template <class T>
struct depthwise_weight_products {
    conv_geometry g;
    std::size_t m;
    const T* x;
    const T* dy;
    __device__ T operator()(std::size_t r, std::size_t col) const {
        const std::size_t cm = g.c * m, tap = col / cm, j = col % cm;
        const std::size_t kx = tap % g.kw, ky = (tap / g.kw) % g.kh, kz = tap / (g.kw * g.kh);
        const std::size_t ox = r % g.ow, oy = (r / g.ow) % g.oh, oz = (r / (g.ow * g.oh)) % g.od, s = r / (g.ow * g.oh * g.od);
        const std::ptrdiff_t iz = std::ptrdiff_t(oz * g.sd + kz * g.dd) - std::ptrdiff_t(g.pd);
        const std::ptrdiff_t iy = std::ptrdiff_t(oy * g.sh + ky * g.dh) - std::ptrdiff_t(g.ph);
        const std::ptrdiff_t ix = std::ptrdiff_t(ox * g.sw + kx * g.dw) - std::ptrdiff_t(g.pw);
        if (iz < 0 || iy < 0 || ix < 0 || iz >= std::ptrdiff_t(g.d) || iy >= std::ptrdiff_t(g.h) || ix >= std::ptrdiff_t(g.w)) return T(0);
        return dy[r * cm + j] *
               x[(((s * g.d + std::size_t(iz)) * g.h + std::size_t(iy)) * g.w + std::size_t(ix)) * g.c + j / m];
    }
};

template <class T>
__global__ void depthwise_input_grad_kernel(conv_geometry g, std::size_t m, std::size_t n, const T* __restrict__ dy,
                                            const T* __restrict__ w, T* __restrict__ dx) {
    const std::size_t cm = g.c * m, total = n * g.d * g.h * g.w * g.c;
    for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
        const std::size_t c = i % g.c, ix = (i / g.c) % g.w, iy = (i / (g.c * g.w)) % g.h, iz = (i / (g.c * g.w * g.h)) % g.d,
                          s = i / (g.c * g.w * g.h * g.d);
        T total_k = 0;
        for (std::size_t k = 0; k < m; ++k) {
            const std::size_t j = c * m + k;
            T acc = 0;
            // Taps in decreasing order: their output positions o = (i + p − tap·d) / s come in increasing order.
            for (std::size_t kz = g.kd; kz-- > 0;) {
                const std::ptrdiff_t tz = std::ptrdiff_t(iz + g.pd) - std::ptrdiff_t(kz * g.dd);
                if (tz < 0 || tz % std::ptrdiff_t(g.sd)) continue;
                const std::size_t oz = std::size_t(tz) / g.sd;
                if (oz >= g.od) continue;
                for (std::size_t ky = g.kh; ky-- > 0;) {
                    const std::ptrdiff_t ty = std::ptrdiff_t(iy + g.ph) - std::ptrdiff_t(ky * g.dh);
                    if (ty < 0 || ty % std::ptrdiff_t(g.sh)) continue;
                    const std::size_t oy = std::size_t(ty) / g.sh;
                    if (oy >= g.oh) continue;
                    for (std::size_t kx = g.kw; kx-- > 0;) {
                        const std::ptrdiff_t tx = std::ptrdiff_t(ix + g.pw) - std::ptrdiff_t(kx * g.dw);
                        if (tx < 0 || tx % std::ptrdiff_t(g.sw)) continue;
                        const std::size_t ox = std::size_t(tx) / g.sw;
                        if (ox >= g.ow) continue;
                        acc += dy[(((s * g.od + oz) * g.oh + oy) * g.ow + ox) * cm + j] * w[((kz * g.kh + ky) * g.kw + kx) * cm + j];
                    }
                }
            }
            total_k = k == 0 ? acc : total_k + acc;
        }
        dx[i] = total_k;
    }
}

template <class T>
void depthwise_forward(const conv_geometry& g, std::size_t m, std::size_t n, const T* x, const T* w, const T* b, T* y) {
    launch("depthwise_forward", depthwise_forward_kernel<T>, grid_for(n * g.rows_per_sample() * g.c * m), elementwise_block,
           g, m, n, x, w, b, y);
}
template <class T>
void depthwise_input_grad(const conv_geometry& g, std::size_t m, std::size_t n, const T* dy, const T* w, T* dx) {
    launch("depthwise_input_grad", depthwise_input_grad_kernel<T>, grid_for(n * g.sample()), elementwise_block, g, m, n, dy, w, dx);
}

} // namespace cascade::gpu

namespace cascade::kernels {

// kernels/depthwise_conv.hpp's contract on device tensors (the host workspace is not used).
template <class T, std::size_t R>
void depthwise_conv_forward(const conv_geometry& g, std::size_t m, const gpu::device_tensor<T, R>& x,
                            const gpu::device_tensor<T, R>& w, const gpu::device_tensor<T, 1>* b, gpu::device_tensor<T, R>& y,
                            depthwise_workspace<T>&) {
    const std::size_t n = x.shape()[0];
    ensure_shape(y, channels_last_shape<R>(n, g.od, g.oh, g.ow, g.c * m));
    gpu::depthwise_forward(g, m, n, x.data(), w.data(), b ? b->data() : static_cast<const T*>(nullptr), y.data());
}

template <class T, std::size_t R>
void depthwise_conv_backward(const conv_geometry& g, std::size_t m, const gpu::device_tensor<T, R>& x,
                             const gpu::device_tensor<T, R>& dy, const gpu::device_tensor<T, R>& w, gpu::device_tensor<T, R>& dw,
                             gpu::device_tensor<T, 1>* db, gpu::device_tensor<T, R>* dx, depthwise_workspace<T>&) {
    const std::size_t n = x.shape()[0], cm = g.c * m, rows = n * g.rows_per_sample(), taps = g.kd * g.kh * g.kw;
    if (db) gpu::column_sums<T>("depthwise bias gradient", rows, cm, gpu::columns::element<T>{dy.data(), cm}, gpu::columns::store<T>{db->data()});
    gpu::column_sums<T>("depthwise kernel gradient", rows, taps * cm, gpu::depthwise_weight_products<T>{g, m, x.data(), dy.data()},
                        gpu::columns::store<T>{dw.data()});
    if (!dx) return;
    ensure_shape(*dx, channels_last_shape<R>(n, g.d, g.h, g.w, g.c));
    gpu::depthwise_input_grad(g, m, n, dy.data(), w.data(), dx->data());
}

} // namespace cascade::kernels
