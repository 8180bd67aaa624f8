#pragma once
// The recurrent driver and cells on device tensors: the CPU path's algorithm (kernels/recurrent.hpp) and
// cell formulas (kernels/cpu/recurrent.hpp), with the same names and arguments, so lstm<>, gru<> (both
// reset_after forms) and simple_rnn<> (and time_distributed, via gpu/fold.hpp) train on backend::gpu.
// Layouts as on the CPU:
//   x (N, T, C)   W (C, G·U)   U (U, G·U)   hs (N, T, U)   gates (N, T, G·U)   G = 4 (LSTM), 3 (GRU), 1
// Forward:  bias broadcast + ONE GEMM for the input projection of all N·T steps (β = 1 onto the bias, 0
//           without one); per step t ≥ 1 one GEMM h_{t−1}·U (β = 1, in place into step t's slice of the
//           recurrent buffer, leading dimensions T·U and T·G·U), then ONE fused launch for the step's
//           element-wise math (one thread per (sample, unit): all G gates of that unit, c_t, h_t). The GRU
//           with reset before runs two launches around its second GEMM (r ⊙ h_{t−1})·U_h.
// Backward: per step t = T−1 … 0 one GEMM dz_{t+1}·Uᵀ (β = 0, into dh) and ONE fused launch that adds the
//           output gradient dy_t (and, for the GRU, the carry through z ⊙ h_{t−1}) in the CPU's order and
//           runs the cell's backward (GRU reset before: two launches around da_h·U_hᵀ); afterwards
//           dW = xᵀ·dz, dx = dz·Wᵀ (one GEMM each), db = column sums of dz (column_sums.hpp),
//           dU = Σ_{t≥1} h_{t−1}ᵀ·dz_t (one GEMM per step, β = 1 after the first).
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
#include <type_traits>

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

// GRU reset before, forward first half: a (step t of sample 0, row stride zs) holds a_z + h_{t−1}·U_z,
// a_r + h_{t−1}·U_r in; z, r out. rh (row stride hd) = r ⊙ h_{t−1}, zeros at t = 0 (h_prev null).
template <class T>
__global__ void gru_reset_before_gates_kernel(std::size_t n, std::size_t units, std::size_t zs, std::size_t hd, T* a,
                                              const T* h_prev, T* rh) {
    const std::size_t u = units;
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / u, j = k % u, at = r * hd + j;
        T* ar = a + r * zs;
        const T z = rnn::sigmoid(ar[j]), rg = rnn::sigmoid(ar[u + j]);
        ar[j] = z;
        ar[u + j] = rg;
        rh[at] = h_prev ? rg * h_prev[at] : T(0);
    }
}
// Second half: a_h + (r ⊙ h_{t−1})·U_h in, n out; writes h.
template <class T>
__global__ void gru_reset_before_output_kernel(std::size_t n, std::size_t units, std::size_t zs, std::size_t hd, T* a,
                                               const T* h_prev, T* h) {
    const std::size_t u = units;
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / u, j = k % u, at = r * hd + j;
        T* ar = a + r * zs;
        const T z = ar[j], nn = tanh(ar[2 * u + j]);
        ar[2 * u + j] = nn;
        h[at] = h_prev ? z * h_prev[at] + (T(1) - z) * nn : (T(1) - z) * nn;
    }
}
// Backward first half: ∂f/∂h_t = (dy_t + carry) + dh_rec (the CPU's order); writes da_z, da_h and
// carry = ∂f/∂h_{t−1} through z ⊙ h_{t−1}.
template <class T>
__global__ void gru_reset_before_backward_gates_kernel(std::size_t n, std::size_t units, std::size_t zs, std::size_t hd,
                                                       const T* gates, const T* h_prev, const T* dy, std::size_t dy_stride,
                                                       const T* dh_rec, T* carry, T* da) {
    const std::size_t u = units;
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / u, j = k % u, at = r * hd + j;
        const T* gr = gates + r * zs;
        T* dar = da + r * zs;
        const T y = dy ? dy[r * dy_stride + j] : T(0);
        const T s = y + carry[k];
        const T d = dh_rec ? dh_rec[k] + s : s;
        const T z = gr[j], nn = gr[2 * u + j], hp = h_prev ? h_prev[at] : T(0);
        dar[j] = d * (hp - nn) * z * (T(1) - z);
        dar[2 * u + j] = d * (T(1) - z) * (T(1) - nn * nn);
        carry[k] = d * z;
    }
}
// Second half, g = da_h·U_hᵀ (N, U) given: da_r = g ⊙ h_{t−1} ⊙ r(1 − r), carry += g ⊙ r; da_r = 0 at t = 0
// (h_prev null; g is then not read).
template <class T>
__global__ void gru_reset_before_backward_reset_kernel(std::size_t n, std::size_t units, std::size_t zs, std::size_t hd,
                                                       const T* gates, const T* h_prev, const T* g, T* carry, T* da) {
    const std::size_t u = units;
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / u, j = k % u, at = r * hd + j;
        T* dar = da + r * zs;
        if (!h_prev) {
            dar[u + j] = T(0);
        } else {
            const T rg = gates[r * zs + u + j];
            dar[u + j] = g[k] * h_prev[at] * rg * (T(1) - rg);
            carry[k] += g[k] * rg;
        }
    }
}

// Simple RNN: h = tanh(z); z: step t of sample 0 (row stride zs = T·U), h likewise (row stride hd = T·U).
template <class T>
__global__ void simple_rnn_cell_forward_kernel(std::size_t n, std::size_t units, std::size_t zs, std::size_t hd,
                                               const T* z, T* h) {
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / units, j = k % units;
        h[r * hd + j] = tanh(z[r * zs + j]);
    }
}
// dz = (dy_t + dh_rec) ⊙ (1 − h²), the CPU's order (dy first, the GEMM adds onto it).
template <class T>
__global__ void simple_rnn_cell_backward_kernel(std::size_t n, std::size_t units, std::size_t zs, std::size_t hd,
                                                const T* h, const T* dy, std::size_t dy_stride, const T* dh_rec, T* dz) {
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / units, j = k % units;
        const T y = dy ? dy[r * dy_stride + j] : T(0);
        const T d = dh_rec ? dh_rec[k] + y : y;
        const T hv = h[r * hd + j];
        dz[r * zs + j] = d * (T(1) - hv * hv);
    }
}

// Masking (the CPU's carry_masked_state / pass_masked_gradient, kernels/recurrent.hpp), mask (N, T):
// forward step t, for the masked samples: h_t = h_{t−1} (0 at t = 0), LSTM c_t = c_{t−1}. h, c: step t of
// sample 0 (row stride hd); c null but for the LSTM.
template <class T>
__global__ void carry_masked_state_kernel(std::size_t n, std::size_t units, std::size_t steps, std::size_t hd, std::size_t t,
                                          const T* mask, T* h, T* c) {
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / units, j = k % units, at = r * hd + j;
        if (mask[r * steps + t] != T(0)) continue;
        h[at] = t > 0 ? h[at - units] : T(0);
        if (c) c[at] = t > 0 ? c[at - units] : T(0);
    }
}
// Backward step t, before the cell's kernel, for the masked samples: saved = ∂f/∂h_t complete, in the
// cells' order (dh_rec + (dy_t + carry)); LSTM (dc non-null): saved_c = ∂f/∂c_t, which passes on unchanged.
template <class T>
__global__ void masked_gradient_save_kernel(std::size_t n, std::size_t units, std::size_t steps, std::size_t t,
                                            const T* mask, const T* dy, std::size_t dy_stride, const T* dh_rec,
                                            const T* carry, const T* dc, T* saved, T* saved_c) {
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / units, j = k % units;
        if (mask[r * steps + t] != T(0)) continue;
        const T y = dy ? dy[r * dy_stride + j] : T(0);
        const T sum = carry ? y + carry[k] : y;
        saved[k] = dh_rec ? dh_rec[k] + sum : sum;
        if (dc) saved_c[k] = dc[k];
    }
}
// After the cell's kernel: a masked sample's step is the identity — zero pre-activation gradients (dz: step
// t of sample 0, row stride zs, G blocks of units; dq likewise or null), carry = saved_c (LSTM's dc) or 0
// (GRU), and the pass-through ∂f/∂h_{t−1} = saved goes to dh (the next step's recurrent GEMM adds onto
// it); dh = 0 for the other samples.
template <class T>
__global__ void masked_gradient_pass_kernel(std::size_t n, std::size_t units, std::size_t steps, std::size_t zs,
                                            std::size_t gates, std::size_t t, const T* mask, const T* saved,
                                            const T* saved_c, T* dz, T* dq, T* carry, T* dh) {
    CASCADE_GPU_CELLS(k, n * units) {
        const std::size_t r = k / units, j = k % units;
        if (mask[r * steps + t] != T(0)) {
            dh[k] = T(0);
            continue;
        }
        dh[k] = saved[k];
        for (std::size_t g = 0; g < gates; ++g) {
            dz[r * zs + g * units + j] = T(0);
            if (dq) dq[r * zs + g * units + j] = T(0);
        }
        if (carry) carry[k] = saved_c ? saved_c[k] : T(0);
    }
}
// m[k] = 0 if every feature of row k of x (rows × c) equals v, else 1 (Keras' Masking rule).
template <class T>
__global__ void step_mask_kernel(std::size_t rows, std::size_t c, const T* x, T v, T* m) {
    CASCADE_GPU_CELLS(k, rows) {
        bool padded = true;
        for (std::size_t i = 0; i < c; ++i) padded = padded && x[k * c + i] == v;
        m[k] = padded ? T(0) : T(1);
    }
}
// b[k, i] = m[k]·a[k, i] over rows × c (b may be a).
template <class T>
__global__ void mask_rows_kernel(std::size_t rows, std::size_t c, const T* m, const T* a, T* b) {
    CASCADE_GPU_CELLS(k, rows * c) b[k] = m[k / c] * a[k];
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

// dU[:, c0 : c0 + cols] (row stride G·U) = Σ_{t≥1} s_tᵀ · dz_t[:, c0 : c0 + cols], per-step GEMMs over the
// batch; s_t = src + (t − 1)·U with row stride T·U (src = hs: s_t = h_{t−1}).
template <class T>
void recurrent_weight_gradient(const ::cascade::kernels::detail::rnn_dims& d, const T* src, const T* dz, std::size_t c0,
                               std::size_t cols, T* du) {
    for (std::size_t t = 1; t < d.steps; ++t)
        gemm<T>(true, false, d.units, cols, d.n, T(1), src + (t - 1) * d.units, d.hd, dz + t * d.gu + c0, d.zs,
                t == 1 ? T(0) : T(1), du + c0, d.gu);
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

namespace detail {
// The cells' device steps (see the CPU's in kernels/recurrent.hpp): pointers to step t of sample 0.
#define CASCADE_GPU_STEP(name, kernel, ...) \
    gpu::launch(name, kernel<T>, gpu::grid_for(d.n * d.units), gpu::elementwise_block, d.n, d.units, d.zs, d.hd, __VA_ARGS__)

template <class T>
void cell_buffers(rnn_cell::lstm, device_recurrent_cache<T>& s, const rnn_dims& d) {
    ensure_shape(s.cells, std::array{d.n, d.steps, d.units});
    ensure_shape(s.aux, std::array{d.n, d.steps, d.units});
}
template <class T>
void step_forward(rnn_cell::lstm, const rnn_dims& d, std::size_t t, const gpu::device_tensor<T, 2>&,
                  device_recurrent_cache<T>& s, gpu::device_tensor<T, 3>& hs) {
    T* c = s.cells.data() + t * d.units;
    CASCADE_GPU_STEP("lstm_cell_forward", gpu::lstm_cell_forward_kernel, s.gates.data() + t * d.gu,
                     t > 0 ? c - d.units : nullptr, c, s.aux.data() + t * d.units, hs.data() + t * d.units);
}
template <class T>
void step_backward(rnn_cell::lstm, const rnn_dims& d, std::size_t t, const gpu::device_tensor<T, 2>&,
                   const gpu::device_tensor<T, 3>&, device_recurrent_cache<T>& s, const T* dyt, std::size_t dy_stride,
                   const T* dh_rec) {
    const T* c = s.cells.data() + t * d.units;
    CASCADE_GPU_STEP("lstm_cell_backward", gpu::lstm_cell_backward_kernel, s.gates.data() + t * d.gu,
                     t > 0 ? c - d.units : nullptr, s.aux.data() + t * d.units, dyt, dy_stride, dh_rec, s.carry.data(),
                     s.dgates.data() + t * d.gu);
}

template <class T>
void cell_buffers(rnn_cell::gru, device_recurrent_cache<T>& s, const rnn_dims& d) {
    ensure_shape(s.aux, std::array{d.n, d.steps, d.gu});
}
template <class T>
void step_forward(rnn_cell::gru, const rnn_dims& d, std::size_t t, const gpu::device_tensor<T, 2>&,
                  device_recurrent_cache<T>& s, gpu::device_tensor<T, 3>& hs) {
    T* h = hs.data() + t * d.units;
    CASCADE_GPU_STEP("gru_cell_forward", gpu::gru_cell_forward_kernel, s.gates.data() + t * d.gu, s.aux.data() + t * d.gu,
                     t > 0 ? h - d.units : nullptr, h);
}
template <class T>
void step_backward(rnn_cell::gru, const rnn_dims& d, std::size_t t, const gpu::device_tensor<T, 2>&,
                   const gpu::device_tensor<T, 3>& hs, device_recurrent_cache<T>& s, const T* dyt, std::size_t dy_stride,
                   const T* dh_rec) {
    const T* h = hs.data() + t * d.units;
    CASCADE_GPU_STEP("gru_cell_backward", gpu::gru_cell_backward_kernel, s.gates.data() + t * d.gu, s.aux.data() + t * d.gu,
                     t > 0 ? h - d.units : nullptr, dyt, dy_stride, dh_rec, s.carry.data(), s.dgates.data() + t * d.gu,
                     s.daux.data() + t * d.gu);
}

template <class T>
void cell_buffers(rnn_cell::gru_reset_before, device_recurrent_cache<T>& s, const rnn_dims& d) {
    ensure_shape(s.aux, std::array{d.n, d.steps, d.units});
}
template <class T>
void step_forward(rnn_cell::gru_reset_before, const rnn_dims& d, std::size_t t, const gpu::device_tensor<T, 2>& u,
                  device_recurrent_cache<T>& s, gpu::device_tensor<T, 3>& hs) {
    const std::size_t U = d.units;
    T *a = s.gates.data() + t * d.gu, *rh = s.aux.data() + t * U, *h = hs.data() + t * U;
    CASCADE_GPU_STEP("gru_reset_before_gates", gpu::gru_reset_before_gates_kernel, a, t > 0 ? h - U : nullptr, rh);
    if (t > 0)   // a_h += (r ⊙ h_{t−1})·U_h
        gpu::gemm<T>(false, false, d.n, U, U, T(1), rh, d.hd, u.data() + 2 * U, d.gu, T(1), a + 2 * U, d.zs);
    CASCADE_GPU_STEP("gru_reset_before_output", gpu::gru_reset_before_output_kernel, a, t > 0 ? h - U : nullptr, h);
}
template <class T>
void step_backward(rnn_cell::gru_reset_before, const rnn_dims& d, std::size_t t, const gpu::device_tensor<T, 2>& u,
                   const gpu::device_tensor<T, 3>& hs, device_recurrent_cache<T>& s, const T* dyt, std::size_t dy_stride,
                   const T* dh_rec) {
    const std::size_t U = d.units;
    const T *gates = s.gates.data() + t * d.gu, *h = hs.data() + t * U;
    T* da = s.dgates.data() + t * d.gu;
    CASCADE_GPU_STEP("gru_reset_before_backward_gates", gpu::gru_reset_before_backward_gates_kernel, gates,
                     t > 0 ? h - U : nullptr, dyt, dy_stride, dh_rec, s.carry.data(), da);
    if (t > 0)   // ∂f/∂(r ⊙ h_{t−1}) = da_h·U_hᵀ
        gpu::gemm<T>(false, true, d.n, U, U, T(1), da + 2 * U, d.zs, u.data() + 2 * U, d.gu, T(0), s.dmid.data(), U);
    CASCADE_GPU_STEP("gru_reset_before_backward_reset", gpu::gru_reset_before_backward_reset_kernel, gates,
                     t > 0 ? h - U : nullptr, s.dmid.data(), s.carry.data(), da);
}

template <class T>
void cell_buffers(rnn_cell::simple, device_recurrent_cache<T>&, const rnn_dims&) {}
template <class T>
void step_forward(rnn_cell::simple, const rnn_dims& d, std::size_t t, const gpu::device_tensor<T, 2>&,
                  device_recurrent_cache<T>& s, gpu::device_tensor<T, 3>& hs) {
    CASCADE_GPU_STEP("simple_rnn_cell_forward", gpu::simple_rnn_cell_forward_kernel, s.gates.data() + t * d.gu,
                     hs.data() + t * d.units);
}
template <class T>
void step_backward(rnn_cell::simple, const rnn_dims& d, std::size_t t, const gpu::device_tensor<T, 2>&,
                   const gpu::device_tensor<T, 3>& hs, device_recurrent_cache<T>& s, const T* dyt, std::size_t dy_stride,
                   const T* dh_rec) {
    CASCADE_GPU_STEP("simple_rnn_cell_backward", gpu::simple_rnn_cell_backward_kernel, hs.data() + t * d.units, dyt,
                     dy_stride, dh_rec, s.dgates.data() + t * d.gu);
}
#undef CASCADE_GPU_STEP
} // namespace detail

// The recurrent layer over the sequence: hs (N, T, U) = every h_t. W (C, G·U), U (U, G·U); b: null (no
// bias), G·U values, or for rnn_cell::gru 2·G·U values [b_in; b_rec].
template <class Cell, class T>
void recurrent_forward(const gpu::device_tensor<T, 3>& x, const gpu::device_tensor<T, 2>& w,
                       const gpu::device_tensor<T, 2>& u, const T* b, device_recurrent_cache<T>& s,
                       gpu::device_tensor<T, 3>& hs, const T* mask = nullptr) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], in = x.shape()[2], units = u.shape()[0],
                      gu = Cell::gates * units, rc = Cell::recurrent_columns(units);
    const detail::rnn_dims d{n, steps, units, gu, steps * gu, steps * units};
    ensure_shape(s.gates, std::array{n, steps, gu});
    ensure_shape(hs, std::array{n, steps, units});
    detail::cell_buffers(Cell{}, s, d);
    T* a = s.gates.data();
    if (b) gpu::rnn::broadcast(n * steps, gu, b, a);
    gpu::gemm<T>(false, false, n * steps, gu, in, T(1), x.data(), in, w.data(), gu, b ? T(1) : T(0), a, gu);
    T* rec = a;   // where h_{t−1}·U goes
    if constexpr (Cell::separate_recurrent) {
        rec = s.aux.data();
        if (b) gpu::rnn::broadcast(n * steps, gu, b + gu, rec);
        else fill(s.aux, T(0));
    }
    for (std::size_t t = 0; t < steps; ++t) {
        if (t > 0)
            gpu::gemm<T>(false, false, n, rc, units, T(1), hs.data() + (t - 1) * units, d.hd, u.data(), gu, T(1),
                         rec + t * gu, d.zs);
        detail::step_forward(Cell{}, d, t, u, s, hs);
        if (mask)
            gpu::launch("carry_masked_state", gpu::carry_masked_state_kernel<T>, gpu::grid_for(n * units),
                        gpu::elementwise_block, n, units, steps, d.hd, t, mask, hs.data() + t * units,
                        std::is_same_v<Cell, rnn_cell::lstm> ? s.cells.data() + t * units : static_cast<T*>(nullptr));
    }
}

// dy: (N, T, U) when the layer returns sequences, else (N, U) for the last step. hs as from forward.
// db: null without a bias.
template <class Cell, class T, std::size_t R>
void recurrent_backward(const gpu::device_tensor<T, 3>& x, const gpu::device_tensor<T, 2>& w,
                        const gpu::device_tensor<T, 2>& u, const gpu::device_tensor<T, 3>& hs,
                        const gpu::device_tensor<T, R>& dy, device_recurrent_cache<T>& s, gpu::device_tensor<T, 2>& dw,
                        gpu::device_tensor<T, 2>& du, T* db, gpu::device_tensor<T, 3>* dx, const T* mask = nullptr) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], units = u.shape()[0], gu = Cell::gates * units,
                      rc = Cell::recurrent_columns(units);
    const detail::rnn_dims d{n, steps, units, gu, steps * gu, steps * units};
    ensure_shape(s.dgates, std::array{n, steps, gu});
    ensure_shape(s.dh, std::array{n, units});
    ensure_shape(s.carry, std::array{n, units});
    if constexpr (std::is_same_v<Cell, rnn_cell::gru_reset_before>) ensure_shape(s.dmid, std::array{n, units});
    fill(s.carry, T(0));
    T* drec = s.dgates.data();   // ∂f/∂(h_{t−1}·U)
    if constexpr (Cell::separate_recurrent) {
        ensure_shape(s.daux, std::array{n, steps, gu});
        drec = s.daux.data();
    }
    constexpr bool is_lstm = std::is_same_v<Cell, rnn_cell::lstm>;
    if (mask) {   // masking: dh carries the pass-through gradient of a masked step to the step before
        ensure_shape(s.pass, std::array{n, units});
        ensure_shape(s.saved, std::array{n, units});
    }
    for (std::size_t t = steps; t-- > 0;) {
        const bool rec = t + 1 < steps;
        // Masked: β = 1 onto the pass-through gradient that the last step left in dh.
        if (rec)
            gpu::gemm<T>(false, true, n, units, rc, T(1), drec + (t + 1) * gu, d.zs, u.data(), gu, mask ? T(1) : T(0),
                         s.dh.data(), units);
        std::size_t dy_stride = 0;
        const T* dyt = gpu::rnn::output_gradient_at(dy, t, steps, units, dy_stride);
        if (mask)
            gpu::launch("masked_gradient_save", gpu::masked_gradient_save_kernel<T>, gpu::grid_for(n * units),
                        gpu::elementwise_block, n, units, steps, t, mask, dyt, dy_stride, rec ? s.dh.data() : nullptr,
                        Cell::carries_h ? s.carry.data() : nullptr, is_lstm ? s.carry.data() : nullptr, s.saved.data(),
                        s.pass.data());
        detail::step_backward(Cell{}, d, t, u, hs, s, dyt, dy_stride, rec ? s.dh.data() : nullptr);
        if (mask)
            gpu::launch("masked_gradient_pass", gpu::masked_gradient_pass_kernel<T>, gpu::grid_for(n * units),
                        gpu::elementwise_block, n, units, steps, d.zs, Cell::gates, t, mask, s.saved.data(),
                        is_lstm ? s.pass.data() : nullptr, s.dgates.data() + t * gu,
                        Cell::separate_recurrent ? drec + t * gu : static_cast<T*>(nullptr),
                        (is_lstm || Cell::carries_h) ? s.carry.data() : static_cast<T*>(nullptr), s.dh.data());
    }
    if (db) {
        gpu::rnn::bias_gradient("recurrent_bias_gradient", n * steps, gu, s.dgates.data(), db);
        if constexpr (Cell::separate_recurrent) gpu::rnn::bias_gradient("recurrent_bias_gradient", n * steps, gu, drec, db + gu);
    }
    if (steps < 2) fill(du, T(0));
    gpu::rnn::recurrent_weight_gradient(d, hs.data(), drec, 0, rc, du.data());
    if constexpr (std::is_same_v<Cell, rnn_cell::gru_reset_before>)   // dU_h = Σ (r ⊙ h_{t−1})ᵀ·da_h,t
        gpu::rnn::recurrent_weight_gradient(d, s.aux.data() + units, s.dgates.data(), 2 * units, units, du.data());
    gpu::rnn::input_projection_backward(x, w, s.dgates, dw, dx);
}

namespace detail {
// The step mask of Keras' Masking(v) (N, T) and the masked-step zeroing, on the device (see the CPU's).
template <class T>
void step_mask(const gpu::device_tensor<T, 3>& x, T v, gpu::device_tensor<T, 2>& m) {
    const std::size_t rows = x.shape()[0] * x.shape()[1];
    ensure_shape(m, std::array{x.shape()[0], x.shape()[1]});
    if (rows == 0) return;
    gpu::launch("step_mask", gpu::step_mask_kernel<T>, gpu::grid_for(rows), gpu::elementwise_block, rows, x.shape()[2],
                x.data(), v, m.data());
}
// b = m ⊙ a per step (a, b (N, T, F); b may be a).
template <class T>
void apply_step_mask(const gpu::device_tensor<T, 3>& a, const gpu::device_tensor<T, 2>& m, gpu::device_tensor<T, 3>& b) {
    ensure_shape(b, a.shape());
    const std::size_t rows = a.shape()[0] * a.shape()[1], f = a.shape()[2];
    if (rows * f == 0) return;
    gpu::launch("mask_rows", gpu::mask_rows_kernel<T>, gpu::grid_for(rows * f), gpu::elementwise_block, rows, f, m.data(),
                a.data(), b.data());
}
template <class T>
void zero_masked_steps(gpu::device_tensor<T, 3>& a, const gpu::device_tensor<T, 2>& m) {
    apply_step_mask(a, m, a);
}
} // namespace detail

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
