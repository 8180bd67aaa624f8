#pragma once
// Tensor-level kernels of the recurrent layers (LSTM, GRU) on the CPU backend, with backpropagation
// through time. Cell equations in kernels/cpu/recurrent.hpp. Shapes (row-major, batch first):
//   x (N, T, C)   W (C, G·U)   U (U, G·U)   hidden states hs (N, T, U)   G = 4 (LSTM) or 3 (GRU)
// Forward:  the input projection of all N·T steps is ONE GEMM, (N·T, C)·(C, G·U) + b, written into the
//           gate buffer (N, T, G·U); each step then adds h_{t−1}·U with one (N, U)·(U, G·U) GEMM that
//           reads h_{t−1} and writes the step's gates in place (leading dimensions T·U and T·G·U: no
//           copies), and runs the cell's element-wise part per sample.
// Backward: steps t = T−1 … 0: ∂f/∂h_t = dy_t + (carry through the cell) + dz_{t+1}·Uᵀ (one GEMM per
//           step), then the cell's backward. Afterwards, over all steps at once: dW = xᵀ·dz, db = Σ dz,
//           dx = dz·Wᵀ (one GEMM each); dU = Σ_{t≥1} h_{t−1}ᵀ·dz_t (one GEMM per step, accumulated).
// Zero initial state (h_{−1} = c_{−1} = 0). A GPU backend adds overloads of these names.
#include "cascade/kernels/cpu/elementwise.hpp"
#include "cascade/kernels/cpu/gemm.hpp"
#include "cascade/kernels/cpu/recurrent.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>

namespace cascade::kernels {

// What a recurrent layer keeps from forward to backward, and its backward scratch; every buffer is
// resized only when the batch size changes. T3/T2: the backend's rank-3 and rank-2 tensors.
template <class T3, class T2>
struct recurrent_cache {
    T3 gates;       // (N, T, G·U): the activated gates of every step (LSTM i f g o, GRU z r n)
    T3 aux;         // LSTM: tanh(c_t) (N, T, U);  GRU: q_t = h_{t−1}·U + b_rec (N, T, 3U)
    T3 cells;       // LSTM: c_t (N, T, U);  GRU: unused
    T3 hs;          // (N, T, U) hidden states, when the layer's output is only the last one
    T3 dgates;      // (N, T, G·U): ∂f/∂(input pre-activations)
    T3 daux;        // GRU: ∂f/∂q (N, T, 3U)
    T2 dh, carry;   // (N, U): ∂f/∂h_t; LSTM ∂f/∂c_t, GRU ∂f/∂h_{t−1} through z ⊙ h_{t−1}
};

namespace detail {
// dh = the output gradient at step t: dy (N, T, U) for sequences, dy (N, U) at the last step only.
template <class T, std::size_t R>
void output_gradient_at(const host_tensor<T, R>& dy, std::size_t t, std::size_t steps, std::size_t units, T* dh) {
    const std::size_t n = dy.shape()[0];
    for (std::size_t r = 0; r < n; ++r) {
        T* d = dh + r * units;
        if constexpr (R == 3) std::copy_n(dy.data() + (r * steps + t) * units, units, d);
        else if (t + 1 == steps) std::copy_n(dy.data() + r * units, units, d);
        else std::fill_n(d, units, T(0));
    }
}

// dU (units × G·U) = Σ_{t≥1} h_{t−1}ᵀ · dz_t, per-step GEMMs over the batch.
template <class T>
void recurrent_weight_gradient(const host_tensor<T, 3>& hs, const host_tensor<T, 3>& dz, host_tensor<T, 2>& du) {
    const std::size_t n = hs.shape()[0], steps = hs.shape()[1], units = hs.shape()[2], gu = dz.shape()[2];
    if (steps < 2) std::fill(du.begin(), du.end(), T(0));
    for (std::size_t t = 1; t < steps; ++t)
        cpu::gemm<T>(true, false, units, gu, n, T(1), hs.data() + (t - 1) * units, steps * units,
                     dz.data() + t * gu, steps * gu, t == 1 ? T(0) : T(1), du.data(), gu);
}

// dW = xᵀ·dz and dx = dz·Wᵀ over all N·T steps at once.
template <class T>
void input_projection_backward(const host_tensor<T, 3>& x, const host_tensor<T, 2>& w, const host_tensor<T, 3>& dz,
                               host_tensor<T, 2>& dw, host_tensor<T, 3>* dx) {
    const std::size_t rows = x.shape()[0] * x.shape()[1], in = x.shape()[2], gu = w.shape()[1];
    cpu::gemm<T>(true, false, in, gu, rows, T(1), x.data(), in, dz.data(), gu, T(0), dw.data(), gu);
    if (dx) {
        ensure_shape(*dx, x.shape());
        cpu::gemm<T>(false, true, rows, in, gu, T(1), dz.data(), gu, w.data(), gu, T(0), dx->data(), in);
    }
}
} // namespace detail

template <class T>
using host_recurrent_cache = recurrent_cache<host_tensor<T, 3>, host_tensor<T, 2>>;

// LSTM over the sequence: hs (N, T, U) = every h_t. W (C, 4U), U (U, 4U), b (4U), gate order i f c o.
template <class T>
void lstm_forward(const host_tensor<T, 3>& x, const host_tensor<T, 2>& w, const host_tensor<T, 2>& u,
                  const host_tensor<T, 1>& b, host_recurrent_cache<T>& s, host_tensor<T, 3>& hs) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], in = x.shape()[2], units = u.shape()[0],
                      gu = 4 * units, zs = steps * gu, hd = steps * units;
    ensure_shape(s.gates, std::array{n, steps, gu});
    ensure_shape(s.cells, std::array{n, steps, units});
    ensure_shape(s.aux, std::array{n, steps, units});
    ensure_shape(hs, std::array{n, steps, units});
    T* z = s.gates.data();
    cpu::broadcast_rows(n * steps, gu, b.data(), z);
    cpu::gemm<T>(false, false, n * steps, gu, in, T(1), x.data(), in, w.data(), gu, T(1), z, gu);
    for (std::size_t t = 0; t < steps; ++t) {
        if (t > 0)
            cpu::gemm<T>(false, false, n, gu, units, T(1), hs.data() + (t - 1) * units, hd, u.data(), gu, T(1),
                         z + t * gu, zs);
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t at = r * hd + t * units;
            cpu::lstm_cell_forward(units, z + r * zs + t * gu, t > 0 ? s.cells.data() + at - units : nullptr,
                                   s.cells.data() + at, s.aux.data() + at, hs.data() + at);
        }
    }
}

// dy: (N, T, U) when the layer returns sequences, else (N, U) for the last step. hs as from forward.
template <class T, std::size_t R>
void lstm_backward(const host_tensor<T, 3>& x, const host_tensor<T, 2>& w, const host_tensor<T, 2>& u,
                   const host_tensor<T, 3>& hs, const host_tensor<T, R>& dy, host_recurrent_cache<T>& s,
                   host_tensor<T, 2>& dw, host_tensor<T, 2>& du, host_tensor<T, 1>& db, host_tensor<T, 3>* dx) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], units = u.shape()[0], gu = 4 * units,
                      zs = steps * gu, hd = steps * units;
    ensure_shape(s.dgates, std::array{n, steps, gu});
    ensure_shape(s.dh, std::array{n, units});
    ensure_shape(s.carry, std::array{n, units});
    std::fill(s.carry.begin(), s.carry.end(), T(0));
    T* dz = s.dgates.data();
    for (std::size_t t = steps; t-- > 0;) {
        detail::output_gradient_at(dy, t, steps, units, s.dh.data());
        if (t + 1 < steps)
            cpu::gemm<T>(false, true, n, units, gu, T(1), dz + (t + 1) * gu, zs, u.data(), gu, T(1), s.dh.data(),
                         units);
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t at = r * hd + t * units;
            cpu::lstm_cell_backward(units, s.gates.data() + r * zs + t * gu,
                                    t > 0 ? s.cells.data() + at - units : nullptr, s.aux.data() + at,
                                    s.dh.data() + r * units, s.carry.data() + r * units, dz + r * zs + t * gu);
        }
    }
    cpu::sum_rows(n * steps, gu, dz, db.data());
    detail::recurrent_weight_gradient(hs, s.dgates, du);
    detail::input_projection_backward(x, w, s.dgates, dw, dx);
}

// GRU (reset_after) over the sequence: hs (N, T, U). W (C, 3U), U (U, 3U), b (2, 3U) = [b_in; b_rec],
// gate order z r h.
template <class T>
void gru_forward(const host_tensor<T, 3>& x, const host_tensor<T, 2>& w, const host_tensor<T, 2>& u,
                 const host_tensor<T, 2>& b, host_recurrent_cache<T>& s, host_tensor<T, 3>& hs) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], in = x.shape()[2], units = u.shape()[0],
                      gu = 3 * units, zs = steps * gu, hd = steps * units;
    ensure_shape(s.gates, std::array{n, steps, gu});
    ensure_shape(s.aux, std::array{n, steps, gu});
    ensure_shape(hs, std::array{n, steps, units});
    T *a = s.gates.data(), *q = s.aux.data();
    cpu::broadcast_rows(n * steps, gu, b.data(), a);
    cpu::gemm<T>(false, false, n * steps, gu, in, T(1), x.data(), in, w.data(), gu, T(1), a, gu);
    cpu::broadcast_rows(n * steps, gu, b.data() + gu, q);
    for (std::size_t t = 0; t < steps; ++t) {
        if (t > 0)
            cpu::gemm<T>(false, false, n, gu, units, T(1), hs.data() + (t - 1) * units, hd, u.data(), gu, T(1),
                         q + t * gu, zs);
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t at = r * hd + t * units;
            cpu::gru_cell_forward(units, a + r * zs + t * gu, q + r * zs + t * gu,
                                  t > 0 ? hs.data() + at - units : nullptr, hs.data() + at);
        }
    }
}

template <class T, std::size_t R>
void gru_backward(const host_tensor<T, 3>& x, const host_tensor<T, 2>& w, const host_tensor<T, 2>& u,
                  const host_tensor<T, 3>& hs, const host_tensor<T, R>& dy, host_recurrent_cache<T>& s,
                  host_tensor<T, 2>& dw, host_tensor<T, 2>& du, host_tensor<T, 2>& db, host_tensor<T, 3>* dx) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], units = u.shape()[0], gu = 3 * units,
                      zs = steps * gu, hd = steps * units;
    ensure_shape(s.dgates, std::array{n, steps, gu});
    ensure_shape(s.daux, std::array{n, steps, gu});
    ensure_shape(s.dh, std::array{n, units});
    ensure_shape(s.carry, std::array{n, units});
    std::fill(s.carry.begin(), s.carry.end(), T(0));
    T *da = s.dgates.data(), *dq = s.daux.data(), *dh = s.dh.data();
    for (std::size_t t = steps; t-- > 0;) {
        detail::output_gradient_at(dy, t, steps, units, dh);
        for (std::size_t i = 0; i < n * units; ++i) dh[i] += s.carry.data()[i];
        if (t + 1 < steps)
            cpu::gemm<T>(false, true, n, units, gu, T(1), dq + (t + 1) * gu, zs, u.data(), gu, T(1), dh, units);
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t at = r * hd + t * units;
            cpu::gru_cell_backward(units, s.gates.data() + r * zs + t * gu, s.aux.data() + r * zs + t * gu,
                                   t > 0 ? hs.data() + at - units : nullptr, dh + r * units, da + r * zs + t * gu,
                                   dq + r * zs + t * gu, s.carry.data() + r * units);
        }
    }
    cpu::sum_rows(n * steps, gu, da, db.data());
    cpu::sum_rows(n * steps, gu, dq, db.data() + gu);
    detail::recurrent_weight_gradient(hs, s.daux, du);
    detail::input_projection_backward(x, w, s.dgates, dw, dx);
}

// y (N, U) = hs[:, T−1, :]: the output of a recurrent layer that returns only its last state.
template <class T>
void last_step(const host_tensor<T, 3>& hs, host_tensor<T, 2>& y) {
    const std::size_t n = hs.shape()[0], steps = hs.shape()[1], units = hs.shape()[2];
    ensure_shape(y, std::array{n, units});
    for (std::size_t r = 0; r < n; ++r)
        std::copy_n(hs.data() + (r * steps + steps - 1) * units, units, y.data() + r * units);
}

} // namespace cascade::kernels
