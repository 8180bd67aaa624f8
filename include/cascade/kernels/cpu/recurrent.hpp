#pragma once
// Element-wise parts of one time step of an LSTM, GRU or simple RNN cell for ONE sample (raw arrays of `units`
// values; the matrix products of the step are GEMMs in kernels/recurrent.hpp). The activations reuse the
// vectorised sigmoid/tanh kernels of elementwise.hpp; a null previous state means the zero initial state.
//
// LSTM (Hochreiter & Schmidhuber 1997, with forget gate: Gers et al. 2000; Keras gate order i, f, c, o):
//   z = [z_i z_f z_c z_o] = x·W + h_prev·U + b
//   i = σ(z_i)  f = σ(z_f)  g = tanh(z_c)  o = σ(z_o)        c = f ⊙ c_prev + i ⊙ g        h = o ⊙ tanh(c)
// GRU, reset_after (Cho et al. 2014; the cuDNN / PyTorch form; Keras gate order z, r, h):
//   a = x·W + b_in     q = h_prev·U + b_rec      (both [z r h], 3·units)
//   z = σ(a_z + q_z)   r = σ(a_r + q_r)   n = tanh(a_h + r ⊙ q_h)   h = z ⊙ h_prev + (1 − z) ⊙ n
// GRU, reset before (Keras reset_after=False: the form of Keras 1, and Keras 2's default before TensorFlow
// 2.0; Cho et al. 2014 as first published):
//   a = x·W + b  ([z r h], 3·units)   z = σ(a_z + h_prev·U_z)   r = σ(a_r + h_prev·U_r)
//   n = tanh(a_h + (r ⊙ h_prev)·U_h)   h = z ⊙ h_prev + (1 − z) ⊙ n
//   A step is two halves around the GEMM (r ⊙ h_prev)·U_h (forward) and ∂f/∂a_h·U_hᵀ (backward).
// Simple RNN (Elman 1990; Keras SimpleRNN): z = x·W + h_prev·U + b   h = tanh(z)
#include "cascade/kernels/cpu/elementwise.hpp"

#include <cstddef>

namespace cascade::kernels::cpu {

// z (4·units): pre-activations in, gates [i f g o] out. Writes c, tanh(c) and h (units each).
template <class T>
void lstm_cell_forward(std::size_t units, T* z, const T* c_prev, T* c, T* tanh_c, T* h) {
    const std::size_t u = units;
    sigmoid_forward(2 * u, z, z);
    tanh_forward(u, z + 2 * u, z + 2 * u);
    sigmoid_forward(u, z + 3 * u, z + 3 * u);
    for (std::size_t j = 0; j < u; ++j) c[j] = z[j] * z[2 * u + j] + (c_prev ? z[u + j] * c_prev[j] : T(0));
    tanh_forward(u, c, tanh_c);
    for (std::size_t j = 0; j < u; ++j) h[j] = z[3 * u + j] * tanh_c[j];
}

// gates [i f g o] and tanh(c) from the forward step; dh = ∂f/∂h (all paths). dc: ∂f/∂c from the next
// step in, ∂f/∂c_prev out. dz (4·units): ∂f/∂z of this step.
template <class T>
void lstm_cell_backward(std::size_t units, const T* __restrict gates, const T* __restrict c_prev,
                        const T* __restrict tanh_c, const T* __restrict dh, T* __restrict dc, T* __restrict dz) {
    const std::size_t u = units;
    // Two loops without branches inside, so that g++ vectorises them (distinct arrays: __restrict).
    if (c_prev)
        for (std::size_t j = 0; j < u; ++j) {
            const T f = gates[u + j];
            dz[u + j] = (dc[j] + dh[j] * gates[3 * u + j] * (T(1) - tanh_c[j] * tanh_c[j])) * c_prev[j] * f * (T(1) - f);
        }
    else
        for (std::size_t j = 0; j < u; ++j) dz[u + j] = T(0);
    for (std::size_t j = 0; j < u; ++j) {
        const T i = gates[j], f = gates[u + j], g = gates[2 * u + j], o = gates[3 * u + j], tc = tanh_c[j];
        const T dct = dc[j] + dh[j] * o * (T(1) - tc * tc);
        dz[j] = dct * g * i * (T(1) - i);
        dz[2 * u + j] = dct * i * (T(1) - g * g);
        dz[3 * u + j] = dh[j] * tc * o * (T(1) - o);
        dc[j] = dct * f;
    }
}

// a (3·units): input pre-activations in, gates [z r n] out; q (3·units): the recurrent pre-activations
// (kept for backward). Writes h.
template <class T>
void gru_cell_forward(std::size_t units, T* a, const T* q, const T* h_prev, T* h) {
    const std::size_t u = units;
    for (std::size_t j = 0; j < 2 * u; ++j) a[j] += q[j];
    sigmoid_forward(2 * u, a, a);
    for (std::size_t j = 0; j < u; ++j) a[2 * u + j] += a[u + j] * q[2 * u + j];
    tanh_forward(u, a + 2 * u, a + 2 * u);
    for (std::size_t j = 0; j < u; ++j) {
        const T z = a[j], n = a[2 * u + j];
        h[j] = h_prev ? z * h_prev[j] + (T(1) - z) * n : (T(1) - z) * n;
    }
}

namespace detail {
template <bool HasPrev, class T>
void gru_cell_backward(std::size_t u, const T* __restrict gates, const T* __restrict q, const T* __restrict h_prev,
                       const T* __restrict dh, T* __restrict da, T* __restrict dq, T* __restrict carry) {
    for (std::size_t j = 0; j < u; ++j) {
        const T z = gates[j], r = gates[u + j], n = gates[2 * u + j], d = dh[j];
        T hp = T(0);
        if constexpr (HasPrev) hp = h_prev[j];
        const T dz = d * (hp - n) * z * (T(1) - z);
        const T dn = d * (T(1) - z) * (T(1) - n * n);
        const T dr = dn * q[2 * u + j] * r * (T(1) - r);
        da[j] = dz;
        da[u + j] = dr;
        da[2 * u + j] = dn;
        dq[j] = dz;
        dq[u + j] = dr;
        dq[2 * u + j] = dn * r;
        carry[j] = d * z;
    }
}
} // namespace detail

// gates [z r n] and q from the forward step; dh = ∂f/∂h (all paths). Writes da = ∂f/∂a, dq = ∂f/∂q
// (3·units each) and carry = ∂f/∂h_prev through the z ⊙ h_prev term (units).
template <class T>
void gru_cell_backward(std::size_t units, const T* gates, const T* q, const T* h_prev, const T* dh, T* da, T* dq,
                       T* carry) {
    // Without a branch in the loop, so that g++ vectorises it (distinct arrays: __restrict).
    if (h_prev) detail::gru_cell_backward<true>(units, gates, q, h_prev, dh, da, dq, carry);
    else detail::gru_cell_backward<false>(units, gates, q, h_prev, dh, da, dq, carry);
}

// GRU reset before, first half of a step. a (3·units): [a_z + h_prev·U_z, a_r + h_prev·U_r, a_h] in;
// [z r a_h] out. rh = r ⊙ h_prev (units; zeros when h_prev is null), the left factor of the step's GEMM.
template <class T>
void gru_reset_before_gates(std::size_t units, T* a, const T* h_prev, T* rh) {
    const std::size_t u = units;
    sigmoid_forward(2 * u, a, a);
    for (std::size_t j = 0; j < u; ++j) rh[j] = h_prev ? a[u + j] * h_prev[j] : T(0);
}
// Second half: a_h + (r ⊙ h_prev)·U_h in a[2u, 3u), n out; writes h.
template <class T>
void gru_reset_before_output(std::size_t units, T* a, const T* h_prev, T* h) {
    const std::size_t u = units;
    tanh_forward(u, a + 2 * u, a + 2 * u);
    for (std::size_t j = 0; j < u; ++j) {
        const T z = a[j], n = a[2 * u + j];
        h[j] = h_prev ? z * h_prev[j] + (T(1) - z) * n : (T(1) - z) * n;
    }
}

namespace detail {
template <bool HasPrev, class T>
void gru_reset_before_backward_gates(std::size_t u, const T* __restrict gates, const T* __restrict h_prev,
                                     const T* __restrict dh, T* __restrict da, T* __restrict carry) {
    for (std::size_t j = 0; j < u; ++j) {
        const T z = gates[j], n = gates[2 * u + j], d = dh[j];
        T hp = T(0);
        if constexpr (HasPrev) hp = h_prev[j];
        da[j] = d * (hp - n) * z * (T(1) - z);
        da[2 * u + j] = d * (T(1) - z) * (T(1) - n * n);
        carry[j] = d * z;
    }
}
} // namespace detail

// GRU reset before, backward, first half: from dh = ∂f/∂h (all paths) and the gates [z r n], writes
// da_z, da_h (∂f/∂ of the pre-activations) and carry = ∂f/∂h_prev through z ⊙ h_prev.
template <class T>
void gru_reset_before_backward_gates(std::size_t units, const T* gates, const T* h_prev, const T* dh, T* da, T* carry) {
    if (h_prev) detail::gru_reset_before_backward_gates<true>(units, gates, h_prev, dh, da, carry);
    else detail::gru_reset_before_backward_gates<false>(units, gates, h_prev, dh, da, carry);
}
// Second half, g = da_h·U_hᵀ = ∂f/∂(r ⊙ h_prev) given: da_r = g ⊙ h_prev ⊙ r(1 − r), carry += g ⊙ r.
// At t = 0 (h_prev null) r has no effect: da_r = 0.
template <class T>
void gru_reset_before_backward_reset(std::size_t units, const T* __restrict gates, const T* __restrict h_prev,
                                     const T* __restrict g, T* __restrict da, T* __restrict carry) {
    const std::size_t u = units;
    if (!h_prev) {
        for (std::size_t j = 0; j < u; ++j) da[u + j] = T(0);
        return;
    }
    for (std::size_t j = 0; j < u; ++j) {
        const T r = gates[u + j];
        da[u + j] = g[j] * h_prev[j] * r * (T(1) - r);
        carry[j] += g[j] * r;
    }
}

// Simple RNN: h = tanh(z) (z: units pre-activations, kept); backward dz = dh ⊙ (1 − h²).
template <class T>
void simple_rnn_cell_forward(std::size_t units, const T* z, T* h) {
    tanh_forward(units, z, h);
}
template <class T>
void simple_rnn_cell_backward(std::size_t units, const T* __restrict h, const T* __restrict dh, T* __restrict dz) {
    for (std::size_t j = 0; j < units; ++j) dz[j] = dh[j] * (T(1) - h[j] * h[j]);
}

} // namespace cascade::kernels::cpu
