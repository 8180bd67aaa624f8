#pragma once
// LSTM and GRU on device tensors: the CPU path's algorithm (kernels/recurrent.hpp) and cell formulas
// (kernels/cpu/recurrent.hpp), with the same names and arguments, so lstm<> and gru<> (and
// time_distributed, via gpu/fold.hpp) train on backend::gpu. Layouts as on the CPU:
//   x (N, T, C)   W (C, G·U)   U (U, G·U)   hs (N, T, U)   gates (N, T, G·U)   G = 4 (LSTM) or 3 (GRU)
// Forward:  bias broadcast + ONE GEMM for the input projection of all N·T steps (β = 1 onto the bias);
//           per step t ≥ 1 one GEMM h_{t−1}·U (β = 1, in place into step t's slice of the gate buffer,
//           leading dimensions T·U and T·G·U), then ONE fused launch for the step's gate math (one thread
//           per (sample, unit): all G gates of that unit, c_t, tanh(c_t), h_t).
// Backward: per step t = T−1 … 0 one GEMM dz_{t+1}·Uᵀ (β = 0, into dh) and ONE fused launch that adds the
//           output gradient dy_t (and, for the GRU, the carry through z ⊙ h_{t−1}) in the CPU's order and
//           runs the cell's backward; afterwards dW = xᵀ·dz, dx = dz·Wᵀ (one GEMM each), db = column sums of
//           dz (column_sums.hpp), dU = Σ_{t≥1} h_{t−1}ᵀ·dz_t (one GEMM per step, β = 1 after the first).
// The element-wise formulas and their operation order are the CPU's, so float results differ only by
// the GEMMs' summation order, the device libm's exp/tanh (≈ 1 ulp) and FMA contraction.
// recurrent_cache<T3, T2> needs no specialisation: it is a plain aggregate of the backend's tensors.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/launch.hpp"
#include "cascade/kernels/gpu/column_sums.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"
#include "cascade/kernels/gpu/fold.hpp"
#include "cascade/kernels/gpu/gemm.hpp"
#include "cascade/kernels/recurrent.hpp"

#include <array>

namespace cascade::gpu {

namespace rnn {
template <class T>
__device__ inline T sigmoid(T v) {
    return T(1) / (T(1) + exp(-v));   // the CPU's sigmoid_forward formula
}
} // namespace rnn

// One thread per (sample r, unit j) of a step; grid-stride over n·units.
#define CASCADE_GPU_CELLS(k, count) \
    for (std::size_t k = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; k < (count); k += std::size_t(gridDim.x) * blockDim.x)

// z: step t's gates of sample 0 (row stride zs = T·4U), pre-activations in, [i f g o] out. c, tanh_c, h:
// step t of sample 0 (row stride hd = T·U); c_prev: c − U, or null at t = 0.
template <class T>
__global__ void lstm_cell_forward_kernel(std::size_t n, std::size_t units, std::size_t zs, std::size_t hd, T* z,
                                         const T* c_prev, T* c, T* tanh_c, T* h) {
    const std::size_t u = units;
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / u, j = k % u, at = r * hd + j;
        T* zr = z + r * zs;
        const T i = rnn::sigmoid(zr[j]), f = rnn::sigmoid(zr[u + j]), g = tanh(zr[2 * u + j]), o = rnn::sigmoid(zr[3 * u + j]);
        zr[j] = i;
        zr[u + j] = f;
        zr[2 * u + j] = g;
        zr[3 * u + j] = o;
        const T cv = i * g + (c_prev ? f * c_prev[at] : T(0));
        const T tc = tanh(cv);
        c[at] = cv;
        tanh_c[at] = tc;
        h[at] = o * tc;
    }
}

// ∂f/∂h_t = dy_t + dh_rec (= dz_{t+1}·Uᵀ), summed as the CPU does (dy first, the GEMM adds onto it);
// dy: step t of sample 0 with row stride dy_stride, or null where this step has no output gradient;
// dh_rec: (N, U), or null at the last step. dc: ∂f/∂c_t in, ∂f/∂c_{t−1} out (N, U). dz: as z above.
template <class T>
__global__ void lstm_cell_backward_kernel(std::size_t n, std::size_t units, std::size_t zs, std::size_t hd,
                                          const T* gates, const T* c_prev, const T* tanh_c, const T* dy,
                                          std::size_t dy_stride, const T* dh_rec, T* dc, T* dz) {
    const std::size_t u = units;
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / u, j = k % u, at = r * hd + j;
        const T* gr = gates + r * zs;
        T* dzr = dz + r * zs;
        const T y = dy ? dy[r * dy_stride + j] : T(0);
        const T d = dh_rec ? dh_rec[k] + y : y;
        const T i = gr[j], f = gr[u + j], g = gr[2 * u + j], o = gr[3 * u + j], tc = tanh_c[at];
        const T dct = dc[k] + d * o * (T(1) - tc * tc);
        dzr[u + j] = c_prev ? dct * c_prev[at] * f * (T(1) - f) : T(0);
        dzr[j] = dct * g * i * (T(1) - i);
        dzr[2 * u + j] = dct * i * (T(1) - g * g);
        dzr[3 * u + j] = d * tc * o * (T(1) - o);
        dc[k] = dct * f;
    }
}

// a: step t's input pre-activations of sample 0 (row stride zs = T·3U), gates [z r n] out; q: the
// recurrent pre-activations h_{t−1}·U + b_rec (same layout); h: step t of sample 0 (row stride hd);
// h_prev: h − U, or null at t = 0.
template <class T>
__global__ void gru_cell_forward_kernel(std::size_t n, std::size_t units, std::size_t zs, std::size_t hd, T* a,
                                        const T* q, const T* h_prev, T* h) {
    const std::size_t u = units;
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / u, j = k % u, at = r * hd + j;
        T* ar = a + r * zs;
        const T* qr = q + r * zs;
        const T z = rnn::sigmoid(ar[j] + qr[j]), rg = rnn::sigmoid(ar[u + j] + qr[u + j]);
        const T nn = tanh(ar[2 * u + j] + rg * qr[2 * u + j]);
        ar[j] = z;
        ar[u + j] = rg;
        ar[2 * u + j] = nn;
        h[at] = h_prev ? z * h_prev[at] + (T(1) - z) * nn : (T(1) - z) * nn;
    }
}

// ∂f/∂h_t = (dy_t + carry) + dh_rec, the CPU's order. Writes da = ∂f/∂a, dq = ∂f/∂q (step t, row stride
// zs) and carry = ∂f/∂h_{t−1} through z ⊙ h_{t−1} (N, U).
template <class T>
__global__ void gru_cell_backward_kernel(std::size_t n, std::size_t units, std::size_t zs, std::size_t hd,
                                         const T* gates, const T* q, const T* h_prev, const T* dy,
                                         std::size_t dy_stride, const T* dh_rec, T* carry, T* da, T* dq) {
    const std::size_t u = units;
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / u, j = k % u, at = r * hd + j;
        const T* gr = gates + r * zs;
        const T* qr = q + r * zs;
        T *dar = da + r * zs, *dqr = dq + r * zs;
        const T y = dy ? dy[r * dy_stride + j] : T(0);
        const T s = y + carry[k];
        const T d = dh_rec ? dh_rec[k] + s : s;
        const T z = gr[j], rg = gr[u + j], nn = gr[2 * u + j], hp = h_prev ? h_prev[at] : T(0);
        const T dz = d * (hp - nn) * z * (T(1) - z);
        const T dn = d * (T(1) - z) * (T(1) - nn * nn);
        const T dr = dn * qr[2 * u + j] * rg * (T(1) - rg);
        dar[j] = dz;
        dar[u + j] = dr;
        dar[2 * u + j] = dn;
        dqr[j] = dz;
        dqr[u + j] = dr;
        dqr[2 * u + j] = dn * rg;
        carry[k] = d * z;
    }
}

// y (N, U) = hs[:, T−1, :].
template <class T>
__global__ void last_step_kernel(std::size_t n, std::size_t steps, std::size_t units, const T* hs, T* y) {
    CASCADE_GPU_CELLS(k, n * units) y[k] = hs[((k / units) * steps + steps - 1) * units + k % units];
}
#undef CASCADE_GPU_CELLS

namespace rnn {
template <class T>
void broadcast(std::size_t rows, std::size_t cols, const T* b, T* y) {
    launch("recurrent_bias", broadcast_rows_kernel<T>, grid_for(rows * cols), elementwise_block, rows, cols, b, y);
}

// Step t's output gradient: dy (N, T, U) for sequences; dy (N, U) at the last step only (else null).
template <class T, std::size_t R>
const T* output_gradient_at(const device_tensor<T, R>& dy, std::size_t t, std::size_t steps, std::size_t units,
                            std::size_t& stride) {
    if constexpr (R == 3) {
        stride = steps * units;
        return dy.data() + t * units;
    } else {
        stride = units;
        return t + 1 == steps ? dy.data() : nullptr;
    }
}

// db (cols) = Σ over the N·T rows of dz (column_sums.hpp: deterministic, coalesced).
template <class T>
void bias_gradient(const char* name, std::size_t rows, std::size_t cols, const T* dz, T* db) {
    column_sums<T>(name, rows, cols, columns::element<T>{dz, cols}, columns::store<T>{db});
}

// dU (units × G·U) = Σ_{t≥1} h_{t−1}ᵀ · dz_t, per-step GEMMs over the batch.
template <class T>
void recurrent_weight_gradient(const device_tensor<T, 3>& hs, const device_tensor<T, 3>& dz, device_tensor<T, 2>& du) {
    const std::size_t n = hs.shape()[0], steps = hs.shape()[1], units = hs.shape()[2], gu = dz.shape()[2];
    if (steps < 2) ::cascade::kernels::fill(du, T(0));
    for (std::size_t t = 1; t < steps; ++t)
        gemm<T>(true, false, units, gu, n, T(1), hs.data() + (t - 1) * units, steps * units, dz.data() + t * gu,
                steps * gu, t == 1 ? T(0) : T(1), du.data(), gu);
}

// dW = xᵀ·dz and dx = dz·Wᵀ over all N·T steps at once.
template <class T>
void input_projection_backward(const device_tensor<T, 3>& x, const device_tensor<T, 2>& w, const device_tensor<T, 3>& dz,
                               device_tensor<T, 2>& dw, device_tensor<T, 3>* dx) {
    const std::size_t rows = x.shape()[0] * x.shape()[1], in = x.shape()[2], gu = w.shape()[1];
    gemm<T>(true, false, in, gu, rows, T(1), x.data(), in, dz.data(), gu, T(0), dw.data(), gu);
    if (dx) {
        ensure_shape(*dx, x.shape());
        gemm<T>(false, true, rows, in, gu, T(1), dz.data(), gu, w.data(), gu, T(0), dx->data(), in);
    }
}
} // namespace rnn

} // namespace cascade::gpu

namespace cascade::kernels {

template <class T>
using device_recurrent_cache = recurrent_cache<gpu::device_tensor<T, 3>, gpu::device_tensor<T, 2>>;

// LSTM over the sequence: hs (N, T, U) = every h_t. W (C, 4U), U (U, 4U), b (4U), gate order i f c o.
template <class T>
void lstm_forward(const gpu::device_tensor<T, 3>& x, const gpu::device_tensor<T, 2>& w, const gpu::device_tensor<T, 2>& u,
                  const gpu::device_tensor<T, 1>& b, device_recurrent_cache<T>& s, gpu::device_tensor<T, 3>& hs) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], in = x.shape()[2], units = u.shape()[0],
                      gu = 4 * units, zs = steps * gu, hd = steps * units;
    ensure_shape(s.gates, std::array{n, steps, gu});
    ensure_shape(s.cells, std::array{n, steps, units});
    ensure_shape(s.aux, std::array{n, steps, units});
    ensure_shape(hs, std::array{n, steps, units});
    T* z = s.gates.data();
    gpu::rnn::broadcast(n * steps, gu, b.data(), z);
    gpu::gemm<T>(false, false, n * steps, gu, in, T(1), x.data(), in, w.data(), gu, T(1), z, gu);
    for (std::size_t t = 0; t < steps; ++t) {
        if (t > 0)
            gpu::gemm<T>(false, false, n, gu, units, T(1), hs.data() + (t - 1) * units, hd, u.data(), gu, T(1),
                         z + t * gu, zs);
        T* c = s.cells.data() + t * units;
        gpu::launch("lstm_cell_forward", gpu::lstm_cell_forward_kernel<T>, gpu::grid_for(n * units), gpu::elementwise_block,
                    n, units, zs, hd, z + t * gu, t > 0 ? c - units : nullptr, c, s.aux.data() + t * units,
                    hs.data() + t * units);
    }
}

// dy: (N, T, U) when the layer returns sequences, else (N, U) for the last step. hs as from forward.
template <class T, std::size_t R>
void lstm_backward(const gpu::device_tensor<T, 3>& x, const gpu::device_tensor<T, 2>& w, const gpu::device_tensor<T, 2>& u,
                   const gpu::device_tensor<T, 3>& hs, const gpu::device_tensor<T, R>& dy, device_recurrent_cache<T>& s,
                   gpu::device_tensor<T, 2>& dw, gpu::device_tensor<T, 2>& du, gpu::device_tensor<T, 1>& db,
                   gpu::device_tensor<T, 3>* dx) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], units = u.shape()[0], gu = 4 * units,
                      zs = steps * gu, hd = steps * units;
    ensure_shape(s.dgates, std::array{n, steps, gu});
    ensure_shape(s.dh, std::array{n, units});
    ensure_shape(s.carry, std::array{n, units});
    fill(s.carry, T(0));
    T* dz = s.dgates.data();
    for (std::size_t t = steps; t-- > 0;) {
        const bool rec = t + 1 < steps;
        if (rec) gpu::gemm<T>(false, true, n, units, gu, T(1), dz + (t + 1) * gu, zs, u.data(), gu, T(0), s.dh.data(), units);
        std::size_t dy_stride = 0;
        const T* dyt = gpu::rnn::output_gradient_at(dy, t, steps, units, dy_stride);
        const T* c = s.cells.data() + t * units;
        gpu::launch("lstm_cell_backward", gpu::lstm_cell_backward_kernel<T>, gpu::grid_for(n * units), gpu::elementwise_block,
                    n, units, zs, hd, s.gates.data() + t * gu, t > 0 ? c - units : nullptr, s.aux.data() + t * units, dyt,
                    dy_stride, rec ? s.dh.data() : nullptr, s.carry.data(), dz + t * gu);
    }
    gpu::rnn::bias_gradient("lstm_bias_gradient", n * steps, gu, dz, db.data());
    gpu::rnn::recurrent_weight_gradient(hs, s.dgates, du);
    gpu::rnn::input_projection_backward(x, w, s.dgates, dw, dx);
}

// GRU (reset_after) over the sequence: hs (N, T, U). W (C, 3U), U (U, 3U), b (2, 3U) = [b_in; b_rec],
// gate order z r h.
template <class T>
void gru_forward(const gpu::device_tensor<T, 3>& x, const gpu::device_tensor<T, 2>& w, const gpu::device_tensor<T, 2>& u,
                 const gpu::device_tensor<T, 2>& b, device_recurrent_cache<T>& s, gpu::device_tensor<T, 3>& hs) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], in = x.shape()[2], units = u.shape()[0],
                      gu = 3 * units, zs = steps * gu, hd = steps * units;
    ensure_shape(s.gates, std::array{n, steps, gu});
    ensure_shape(s.aux, std::array{n, steps, gu});
    ensure_shape(hs, std::array{n, steps, units});
    T *a = s.gates.data(), *q = s.aux.data();
    gpu::rnn::broadcast(n * steps, gu, b.data(), a);
    gpu::gemm<T>(false, false, n * steps, gu, in, T(1), x.data(), in, w.data(), gu, T(1), a, gu);
    gpu::rnn::broadcast(n * steps, gu, b.data() + gu, q);
    for (std::size_t t = 0; t < steps; ++t) {
        if (t > 0)
            gpu::gemm<T>(false, false, n, gu, units, T(1), hs.data() + (t - 1) * units, hd, u.data(), gu, T(1),
                         q + t * gu, zs);
        T* h = hs.data() + t * units;
        gpu::launch("gru_cell_forward", gpu::gru_cell_forward_kernel<T>, gpu::grid_for(n * units), gpu::elementwise_block,
                    n, units, zs, hd, a + t * gu, q + t * gu, t > 0 ? h - units : nullptr, h);
    }
}

template <class T, std::size_t R>
void gru_backward(const gpu::device_tensor<T, 3>& x, const gpu::device_tensor<T, 2>& w, const gpu::device_tensor<T, 2>& u,
                  const gpu::device_tensor<T, 3>& hs, const gpu::device_tensor<T, R>& dy, device_recurrent_cache<T>& s,
                  gpu::device_tensor<T, 2>& dw, gpu::device_tensor<T, 2>& du, gpu::device_tensor<T, 2>& db,
                  gpu::device_tensor<T, 3>* dx) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], units = u.shape()[0], gu = 3 * units,
                      zs = steps * gu, hd = steps * units;
    ensure_shape(s.dgates, std::array{n, steps, gu});
    ensure_shape(s.daux, std::array{n, steps, gu});
    ensure_shape(s.dh, std::array{n, units});
    ensure_shape(s.carry, std::array{n, units});
    fill(s.carry, T(0));
    T *da = s.dgates.data(), *dq = s.daux.data();
    for (std::size_t t = steps; t-- > 0;) {
        const bool rec = t + 1 < steps;
        if (rec) gpu::gemm<T>(false, true, n, units, gu, T(1), dq + (t + 1) * gu, zs, u.data(), gu, T(0), s.dh.data(), units);
        std::size_t dy_stride = 0;
        const T* dyt = gpu::rnn::output_gradient_at(dy, t, steps, units, dy_stride);
        const T* h = hs.data() + t * units;
        gpu::launch("gru_cell_backward", gpu::gru_cell_backward_kernel<T>, gpu::grid_for(n * units), gpu::elementwise_block,
                    n, units, zs, hd, s.gates.data() + t * gu, s.aux.data() + t * gu, t > 0 ? h - units : nullptr, dyt,
                    dy_stride, rec ? s.dh.data() : nullptr, s.carry.data(), da + t * gu, dq + t * gu);
    }
    gpu::rnn::bias_gradient("gru_bias_gradient", n * steps, gu, da, db.data());
    gpu::rnn::bias_gradient("gru_bias_gradient", n * steps, gu, dq, db.data() + gu);
    gpu::rnn::recurrent_weight_gradient(hs, s.daux, du);
    gpu::rnn::input_projection_backward(x, w, s.dgates, dw, dx);
}

// y (N, U) = hs[:, T−1, :]: the output of a recurrent layer that returns only its last state.
template <class T>
void last_step(const gpu::device_tensor<T, 3>& hs, gpu::device_tensor<T, 2>& y) {
    const std::size_t n = hs.shape()[0], steps = hs.shape()[1], units = hs.shape()[2];
    ensure_shape(y, std::array{n, units});
    if (n * units == 0 || steps == 0) return;
    gpu::launch("last_step", gpu::last_step_kernel<T>, gpu::grid_for(n * units), gpu::elementwise_block, n, steps, units,
                hs.data(), y.data());
}

} // namespace cascade::kernels
