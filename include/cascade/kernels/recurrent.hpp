#pragma once
// Tensor-level kernels of the recurrent layers (lstm, gru, simple_rnn) on the CPU backend, with
// backpropagation through time: ONE driver, recurrent_forward<Cell> / recurrent_backward<Cell>, and the
// cell as the difference (a tag from rnn_cell:: and its step functions below; the element-wise formulas
// are in kernels/cpu/recurrent.hpp). Shapes (row-major, batch first):
//   x (N, T, C)   W (C, G·U)   U (U, G·U)   hidden states hs (N, T, U)
//   G = 4 (LSTM), 3 (GRU), 1 (simple RNN); the bias is a raw pointer, null without a bias.
// Forward:  the input projection of all N·T steps is ONE GEMM, (N·T, C)·(C, G·U) + b, written into the
//           gate buffer (N, T, G·U); each step then adds h_{t−1}·U with one (N, U)·(U, ·) GEMM that
//           reads h_{t−1} and writes the step's recurrent pre-activations in place (leading dimensions
//           T·U and T·G·U: no copies) — into the gate buffer itself, or, for the GRU with reset_after,
//           into q = h_{t−1}·U + b_rec (the aux buffer) — and runs the cell's step.
//           The GRU with reset before multiplies only U's z and r columns there; its step adds
//           (r ⊙ h_{t−1})·U_h with a second GEMM between its two halves.
// Backward: steps t = T−1 … 0: ∂f/∂h_t = dy_t (+ the GRU's carry through z ⊙ h_{t−1}) + dz_{t+1}·Uᵀ
//           (one GEMM per step, over the recurrent columns), then the cell's backward step. Afterwards,
//           over all steps at once: dW = xᵀ·dz, db = Σ dz, dx = dz·Wᵀ (one GEMM each);
//           dU = Σ_{t≥1} h_{t−1}ᵀ·dz_t (one GEMM per step, accumulated; for U_h of the GRU with reset
//           before, (r ⊙ h_{t−1})ᵀ·dz_t).
// Zero initial state (h_{−1} = c_{−1} = 0). A GPU backend adds overloads of these names.
// Masking: an optional step mask m (N, T) of 0/1 values (Keras' mask: 1 = the step counts). A masked
// step (m = 0) leaves the state unchanged: h_t = h_{t−1}, c_t = c_{t−1} (zero before the first counted
// step), so hs[t] at a masked step holds the carried state — what Keras' backend rnn outputs there with
// zero_output_for_mask=False (the previous output). The step is computed for every sample and then
// overwritten for the masked ones (no branches in the cells); backward passes ∂f/∂h_t of a masked step
// through to h_{t−1} unchanged (LSTM: ∂f/∂c_t too) and gives the step zero pre-activation gradients, so
// masked steps get no input gradient and add nothing to dW, dU, db. (kernels/gpu/recurrent.hpp: the same
// on the device, with three small kernels per step.)
#include "cascade/kernels/cpu/elementwise.hpp"
#include "cascade/kernels/cpu/gemm.hpp"
#include "cascade/kernels/cpu/recurrent.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>
#include <type_traits>

namespace cascade::kernels {

// The cells. gates: G, the blocks of G·U columns of W and U. recurrent_columns: how many of U's columns
// the step's h_{t−1}·U GEMM covers. separate_recurrent: the recurrent pre-activations have their own
// buffer and bias (GRU reset_after: bias (2, 3U) = [b_in; b_rec]). carries_h: the cell passes part of
// ∂f/∂h_{t−1} outside the GEMM (the GRU's z ⊙ h_{t−1}).
namespace rnn_cell {
struct lstm {
    static constexpr std::size_t gates = 4;
    static constexpr bool separate_recurrent = false, carries_h = false;
    static constexpr std::size_t recurrent_columns(std::size_t units) { return 4 * units; }
};
struct gru {   // reset_after = true (Keras 2's default, cuDNN, PyTorch)
    static constexpr std::size_t gates = 3;
    static constexpr bool separate_recurrent = true, carries_h = true;
    static constexpr std::size_t recurrent_columns(std::size_t units) { return 3 * units; }
};
struct gru_reset_before {   // reset_after = false (Keras 1's default)
    static constexpr std::size_t gates = 3;
    static constexpr bool separate_recurrent = false, carries_h = true;
    static constexpr std::size_t recurrent_columns(std::size_t units) { return 2 * units; }
};
struct simple {
    static constexpr std::size_t gates = 1;
    static constexpr bool separate_recurrent = false, carries_h = false;
    static constexpr std::size_t recurrent_columns(std::size_t units) { return units; }
};
} // namespace rnn_cell

// What a recurrent layer keeps from forward to backward, and its backward scratch; every buffer is
// resized only when the batch size changes. T3/T2: the backend's rank-3 and rank-2 tensors.
template <class T3, class T2>
struct recurrent_cache {
    T3 gates;       // (N, T, G·U): the activated gates of every step (LSTM i f g o, GRU z r n; simple RNN z)
    T3 aux;         // LSTM: tanh(c_t) (N, T, U); GRU: q_t = h_{t−1}·U + b_rec (N, T, 3U); GRU reset
                    // before: r ⊙ h_{t−1} (N, T, U)
    T3 cells;       // LSTM: c_t (N, T, U)
    T3 hs;          // (N, T, U) hidden states, when the layer's output is only the last one
    T3 dgates;      // (N, T, G·U): ∂f/∂(input pre-activations)
    T3 daux;        // GRU: ∂f/∂q (N, T, 3U)
    T2 dh, carry;   // (N, U): ∂f/∂h_t; LSTM ∂f/∂c_t, GRU ∂f/∂h_{t−1} through z ⊙ h_{t−1}
    T2 dmid;        // GRU reset before: ∂f/∂(r ⊙ h_{t−1}) (N, U)
    T2 mask;        // (N, T) step mask, 1 = counted, 0 = masked (set by a masked layer; CPU only)
    T2 pass, saved; // masking, backward: ∂f/∂h_{t−1} passed through masked steps; dh / LSTM dc before a step
};

template <class T>
using host_recurrent_cache = recurrent_cache<host_tensor<T, 3>, host_tensor<T, 2>>;

namespace detail {
// The sizes a step needs: batch n, steps, units, G·U, row strides zs = T·G·U (gates) and hd = T·U (states).
struct rnn_dims {
    std::size_t n, steps, units, gu, zs, hd;
};

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

// dU[:, c0 : c0 + cols] (row stride G·U) = Σ_{t≥1} s_tᵀ · dz_t[:, c0 : c0 + cols], per-step GEMMs over the
// batch; s_t = src + (t − 1)·U with row stride T·U (src = hs: s_t = h_{t−1}).
template <class T>
void recurrent_weight_gradient(const rnn_dims& d, const T* src, const T* dz, std::size_t c0, std::size_t cols, T* du) {
    for (std::size_t t = 1; t < d.steps; ++t)
        cpu::gemm<T>(true, false, d.units, cols, d.n, T(1), src + (t - 1) * d.units, d.hd, dz + t * d.gu + c0, d.zs,
                     t == 1 ? T(0) : T(1), du + c0, d.gu);
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

// ---- the cells' steps: buffers, forward step t (after the driver's h_{t−1}·U GEMM), backward step t
// (dh = ∂f/∂h_t complete) ----------------------------------------------------------------------------

template <class T>
void cell_buffers(rnn_cell::lstm, host_recurrent_cache<T>& s, const rnn_dims& d) {
    ensure_shape(s.cells, std::array{d.n, d.steps, d.units});
    ensure_shape(s.aux, std::array{d.n, d.steps, d.units});
}
template <class T>
void step_forward(rnn_cell::lstm, const rnn_dims& d, std::size_t t, const host_tensor<T, 2>&, host_recurrent_cache<T>& s,
                  host_tensor<T, 3>& hs) {
    for (std::size_t r = 0; r < d.n; ++r) {
        const std::size_t at = r * d.hd + t * d.units;
        cpu::lstm_cell_forward(d.units, s.gates.data() + r * d.zs + t * d.gu, t > 0 ? s.cells.data() + at - d.units : nullptr,
                               s.cells.data() + at, s.aux.data() + at, hs.data() + at);
    }
}
template <class T>
void step_backward(rnn_cell::lstm, const rnn_dims& d, std::size_t t, const host_tensor<T, 2>&, const host_tensor<T, 3>&,
                   host_recurrent_cache<T>& s) {
    for (std::size_t r = 0; r < d.n; ++r) {
        const std::size_t at = r * d.hd + t * d.units;
        cpu::lstm_cell_backward(d.units, s.gates.data() + r * d.zs + t * d.gu,
                                t > 0 ? s.cells.data() + at - d.units : nullptr, s.aux.data() + at,
                                s.dh.data() + r * d.units, s.carry.data() + r * d.units, s.dgates.data() + r * d.zs + t * d.gu);
    }
}

template <class T>
void cell_buffers(rnn_cell::gru, host_recurrent_cache<T>& s, const rnn_dims& d) {
    ensure_shape(s.aux, std::array{d.n, d.steps, d.gu});
}
template <class T>
void step_forward(rnn_cell::gru, const rnn_dims& d, std::size_t t, const host_tensor<T, 2>&, host_recurrent_cache<T>& s,
                  host_tensor<T, 3>& hs) {
    for (std::size_t r = 0; r < d.n; ++r) {
        const std::size_t at = r * d.hd + t * d.units, g = r * d.zs + t * d.gu;
        cpu::gru_cell_forward(d.units, s.gates.data() + g, s.aux.data() + g, t > 0 ? hs.data() + at - d.units : nullptr,
                              hs.data() + at);
    }
}
template <class T>
void step_backward(rnn_cell::gru, const rnn_dims& d, std::size_t t, const host_tensor<T, 2>&, const host_tensor<T, 3>& hs,
                   host_recurrent_cache<T>& s) {
    for (std::size_t r = 0; r < d.n; ++r) {
        const std::size_t at = r * d.hd + t * d.units, g = r * d.zs + t * d.gu;
        cpu::gru_cell_backward(d.units, s.gates.data() + g, s.aux.data() + g, t > 0 ? hs.data() + at - d.units : nullptr,
                               s.dh.data() + r * d.units, s.dgates.data() + g, s.daux.data() + g, s.carry.data() + r * d.units);
    }
}

template <class T>
void cell_buffers(rnn_cell::gru_reset_before, host_recurrent_cache<T>& s, const rnn_dims& d) {
    ensure_shape(s.aux, std::array{d.n, d.steps, d.units});
}
template <class T>
void step_forward(rnn_cell::gru_reset_before, const rnn_dims& d, std::size_t t, const host_tensor<T, 2>& u,
                  host_recurrent_cache<T>& s, host_tensor<T, 3>& hs) {
    const std::size_t U = d.units;
    T *a = s.gates.data() + t * d.gu, *rh = s.aux.data() + t * U;
    for (std::size_t r = 0; r < d.n; ++r)
        cpu::gru_reset_before_gates(U, a + r * d.zs, t > 0 ? hs.data() + r * d.hd + (t - 1) * U : nullptr, rh + r * d.hd);
    if (t > 0)   // a_h += (r ⊙ h_{t−1})·U_h
        cpu::gemm<T>(false, false, d.n, U, U, T(1), rh, d.hd, u.data() + 2 * U, d.gu, T(1), a + 2 * U, d.zs);
    for (std::size_t r = 0; r < d.n; ++r) {
        const std::size_t at = r * d.hd + t * U;
        cpu::gru_reset_before_output(U, a + r * d.zs, t > 0 ? hs.data() + at - U : nullptr, hs.data() + at);
    }
}
template <class T>
void step_backward(rnn_cell::gru_reset_before, const rnn_dims& d, std::size_t t, const host_tensor<T, 2>& u,
                   const host_tensor<T, 3>& hs, host_recurrent_cache<T>& s) {
    const std::size_t U = d.units;
    const T* gates = s.gates.data() + t * d.gu;
    T* da = s.dgates.data() + t * d.gu;
    for (std::size_t r = 0; r < d.n; ++r)
        cpu::gru_reset_before_backward_gates(U, gates + r * d.zs, t > 0 ? hs.data() + r * d.hd + (t - 1) * U : nullptr,
                                             s.dh.data() + r * U, da + r * d.zs, s.carry.data() + r * U);
    if (t > 0)   // ∂f/∂(r ⊙ h_{t−1}) = da_h·U_hᵀ
        cpu::gemm<T>(false, true, d.n, U, U, T(1), da + 2 * U, d.zs, u.data() + 2 * U, d.gu, T(0), s.dmid.data(), U);
    for (std::size_t r = 0; r < d.n; ++r)
        cpu::gru_reset_before_backward_reset(U, gates + r * d.zs, t > 0 ? hs.data() + r * d.hd + (t - 1) * U : nullptr,
                                             s.dmid.data() + r * U, da + r * d.zs, s.carry.data() + r * U);
}

template <class T>
void cell_buffers(rnn_cell::simple, host_recurrent_cache<T>&, const rnn_dims&) {}
template <class T>
void step_forward(rnn_cell::simple, const rnn_dims& d, std::size_t t, const host_tensor<T, 2>&, host_recurrent_cache<T>& s,
                  host_tensor<T, 3>& hs) {
    for (std::size_t r = 0; r < d.n; ++r)
        cpu::simple_rnn_cell_forward(d.units, s.gates.data() + r * d.zs + t * d.gu, hs.data() + r * d.hd + t * d.units);
}
template <class T>
void step_backward(rnn_cell::simple, const rnn_dims& d, std::size_t t, const host_tensor<T, 2>&, const host_tensor<T, 3>& hs,
                   host_recurrent_cache<T>& s) {
    for (std::size_t r = 0; r < d.n; ++r)
        cpu::simple_rnn_cell_backward(d.units, hs.data() + r * d.hd + t * d.units, s.dh.data() + r * d.units,
                                      s.dgates.data() + r * d.zs + t * d.gu);
}

// Masking, forward step t: the masked samples keep their state (h_t = h_{t−1}, LSTM c_t = c_{t−1}; zero
// at t = 0). What the step computed for them stays in the gate buffers, unused: backward zeroes it.
template <class Cell, class T>
void carry_masked_state(Cell, const rnn_dims& d, std::size_t t, const T* mask, host_recurrent_cache<T>& s,
                        host_tensor<T, 3>& hs) {
    for (std::size_t r = 0; r < d.n; ++r) {
        if (mask[r * d.steps + t] != T(0)) continue;
        const std::size_t at = r * d.hd + t * d.units;
        if (t > 0) std::copy_n(hs.data() + at - d.units, d.units, hs.data() + at);
        else std::fill_n(hs.data() + at, d.units, T(0));
        if constexpr (std::is_same_v<Cell, rnn_cell::lstm>) {
            if (t > 0) std::copy_n(s.cells.data() + at - d.units, d.units, s.cells.data() + at);
            else std::fill_n(s.cells.data() + at, d.units, T(0));
        }
    }
}
// Masking, backward step t (after the cell's backward ran for every sample): for a masked sample the
// step is the identity, so ∂f/∂h_t (dh, complete) passes to h_{t−1} (pass), the LSTM's ∂f/∂c_t passes
// on unchanged (saved), the GRU's carry is already in dh (zeroed), and the step's pre-activation
// gradients are zero. For the other samples pass = 0.
template <class Cell, class T>
void pass_masked_gradient(Cell, const rnn_dims& d, std::size_t t, const T* mask, host_recurrent_cache<T>& s, T* drec) {
    for (std::size_t r = 0; r < d.n; ++r) {
        T* pass = s.pass.data() + r * d.units;
        if (mask[r * d.steps + t] != T(0)) {
            std::fill_n(pass, d.units, T(0));
            continue;
        }
        std::copy_n(s.dh.data() + r * d.units, d.units, pass);
        std::fill_n(s.dgates.data() + r * d.zs + t * d.gu, d.gu, T(0));
        if constexpr (Cell::separate_recurrent) std::fill_n(drec + r * d.zs + t * d.gu, d.gu, T(0));
        if constexpr (std::is_same_v<Cell, rnn_cell::lstm>)
            std::copy_n(s.saved.data() + r * d.units, d.units, s.carry.data() + r * d.units);
        if constexpr (Cell::carries_h) std::fill_n(s.carry.data() + r * d.units, d.units, T(0));
    }
}

// a[n, t, :] = 0 where m[n, t] = 0 (Keras' zero_output_for_mask on a sequence output (N, T, F)).
template <class T>
void zero_masked_steps(host_tensor<T, 3>& a, const host_tensor<T, 2>& m) {
    const std::size_t rows = a.shape()[0] * a.shape()[1], f = a.shape()[2];
    for (std::size_t k = 0; k < rows; ++k)
        if (m.data()[k] == T(0)) std::fill_n(a.data() + k * f, f, T(0));
}

// b = m ⊙ a per step: b[n, t, :] = m[n, t]·a[n, t, :] (the masking layer; b may be a).
template <class T>
void apply_step_mask(const host_tensor<T, 3>& a, const host_tensor<T, 2>& m, host_tensor<T, 3>& b) {
    ensure_shape(b, a.shape());
    const std::size_t rows = a.shape()[0] * a.shape()[1], f = a.shape()[2];
    for (std::size_t k = 0; k < rows; ++k)
        for (std::size_t j = 0; j < f; ++j) b.data()[k * f + j] = m.data()[k] * a.data()[k * f + j];
}

// The step mask of Keras' Masking(mask_value = v): m[n, t] = 1 unless every feature of x[n, t] equals v.
template <class T>
void step_mask(const host_tensor<T, 3>& x, T v, host_tensor<T, 2>& m) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], c = x.shape()[2];
    ensure_shape(m, std::array{n, steps});
    for (std::size_t k = 0; k < n * steps; ++k) {
        const T* p = x.data() + k * c;
        m.data()[k] = std::all_of(p, p + c, [&](T e) { return e == v; }) ? T(0) : T(1);
    }
}
} // namespace detail

// The recurrent layer over the sequence: hs (N, T, U) = every h_t. W (C, G·U), U (U, G·U); b: null (no
// bias), G·U values, or for rnn_cell::gru 2·G·U values [b_in; b_rec].
template <class Cell, class T>
void recurrent_forward(const host_tensor<T, 3>& x, const host_tensor<T, 2>& w, const host_tensor<T, 2>& u, const T* b,
                       host_recurrent_cache<T>& s, host_tensor<T, 3>& hs, const T* mask = nullptr) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], in = x.shape()[2], units = u.shape()[0],
                      gu = Cell::gates * units, rc = Cell::recurrent_columns(units);
    const detail::rnn_dims d{n, steps, units, gu, steps * gu, steps * units};
    ensure_shape(s.gates, std::array{n, steps, gu});
    ensure_shape(hs, std::array{n, steps, units});
    detail::cell_buffers(Cell{}, s, d);
    T* a = s.gates.data();
    if (b) cpu::broadcast_rows(n * steps, gu, b, a);
    cpu::gemm<T>(false, false, n * steps, gu, in, T(1), x.data(), in, w.data(), gu, b ? T(1) : T(0), a, gu);
    T* rec = a;   // where h_{t−1}·U goes
    if constexpr (Cell::separate_recurrent) {
        rec = s.aux.data();
        if (b) cpu::broadcast_rows(n * steps, gu, b + gu, rec);
        else std::fill(s.aux.begin(), s.aux.end(), T(0));
    }
    for (std::size_t t = 0; t < steps; ++t) {
        if (t > 0)
            cpu::gemm<T>(false, false, n, rc, units, T(1), hs.data() + (t - 1) * units, d.hd, u.data(), gu, T(1),
                         rec + t * gu, d.zs);
        detail::step_forward(Cell{}, d, t, u, s, hs);
        if (mask) detail::carry_masked_state(Cell{}, d, t, mask, s, hs);
    }
}

// dy: (N, T, U) when the layer returns sequences, else (N, U) for the last step. hs as from forward.
// db: null without a bias, else as b of recurrent_forward.
template <class Cell, class T, std::size_t R>
void recurrent_backward(const host_tensor<T, 3>& x, const host_tensor<T, 2>& w, const host_tensor<T, 2>& u,
                        const host_tensor<T, 3>& hs, const host_tensor<T, R>& dy, host_recurrent_cache<T>& s,
                        host_tensor<T, 2>& dw, host_tensor<T, 2>& du, T* db, host_tensor<T, 3>* dx,
                        const T* mask = nullptr) {
    const std::size_t n = x.shape()[0], steps = x.shape()[1], units = u.shape()[0], gu = Cell::gates * units,
                      rc = Cell::recurrent_columns(units);
    const detail::rnn_dims d{n, steps, units, gu, steps * gu, steps * units};
    ensure_shape(s.dgates, std::array{n, steps, gu});
    ensure_shape(s.dh, std::array{n, units});
    ensure_shape(s.carry, std::array{n, units});
    if constexpr (std::is_same_v<Cell, rnn_cell::gru_reset_before>) ensure_shape(s.dmid, std::array{n, units});
    std::fill(s.carry.begin(), s.carry.end(), T(0));
    T* drec = s.dgates.data();   // ∂f/∂(h_{t−1}·U)
    if constexpr (Cell::separate_recurrent) {
        ensure_shape(s.daux, std::array{n, steps, gu});
        drec = s.daux.data();
    }
    T* dh = s.dh.data();
    if (mask) {
        ensure_shape(s.pass, std::array{n, units});
        ensure_shape(s.saved, std::array{n, units});
        std::fill(s.pass.begin(), s.pass.end(), T(0));
    }
    for (std::size_t t = steps; t-- > 0;) {
        detail::output_gradient_at(dy, t, steps, units, dh);
        if constexpr (Cell::carries_h)
            for (std::size_t i = 0; i < n * units; ++i) dh[i] += s.carry.data()[i];
        if (mask)
            for (std::size_t i = 0; i < n * units; ++i) dh[i] += s.pass.data()[i];
        if (t + 1 < steps)
            cpu::gemm<T>(false, true, n, units, rc, T(1), drec + (t + 1) * gu, d.zs, u.data(), gu, T(1), dh, units);
        if (mask && std::is_same_v<Cell, rnn_cell::lstm>) std::copy(s.carry.begin(), s.carry.end(), s.saved.begin());
        detail::step_backward(Cell{}, d, t, u, hs, s);
        if (mask) detail::pass_masked_gradient(Cell{}, d, t, mask, s, drec);
    }
    if (db) {
        cpu::sum_rows(n * steps, gu, s.dgates.data(), db);
        if constexpr (Cell::separate_recurrent) cpu::sum_rows(n * steps, gu, drec, db + gu);
    }
    if (steps < 2) std::fill(du.begin(), du.end(), T(0));
    detail::recurrent_weight_gradient(d, hs.data(), drec, 0, rc, du.data());
    if constexpr (std::is_same_v<Cell, rnn_cell::gru_reset_before>)   // dU_h = Σ (r ⊙ h_{t−1})ᵀ·da_h,t
        detail::recurrent_weight_gradient(d, s.aux.data() + units, s.dgates.data(), 2 * units, units, du.data());
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
