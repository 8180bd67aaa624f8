#pragma once
// Tensor-level depthwise convolution on the CPU backend, channels-last (x of rank R = 3, 4, 5: (N, W, C),
// (N, H, W, C), (N, D, H, W, C); g is the 3-D geometry of kernels/cpu/conv.hpp with g.c = C, the input's
// channels), with depth multiplier M:
//   forward   y[n, o, c·M + m] = b[c·M + m] + Σ_k W[k, c, m] · x[n, o·s + k·d − p, c]
//   backward  dW[k, c, m] = Σ_{n, o} dy[n, o, c·M + m] · x[n, o·s + k·d − p, c]      db = Σ_{n, o} dy
//             dx[n, i, c] = Σ_m Σ_{(o, k): o·s + k·d − p = i} dy[n, o, c·M + m] · W[k, c, m]
// W (K…, C, M) is Keras' depthwise_kernel layout; y has C·M channels. For M > 1 the input is first
// repeated M times along channels (in the workspace) and the multiplier-1 kernels of
// kernels/cpu/depthwise_conv.hpp run on C·M channels; the workspace is sized once per batch size, so steady
// state allocates nothing.
#include "cascade/kernels/channels_last.hpp"
#include "cascade/kernels/cpu/depthwise_conv.hpp"
#include "cascade/kernels/cpu/elementwise.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>

namespace cascade::kernels {

using cpu::conv_geometry;

// The channel-repeated input and its gradient (used only for M > 1), and the weight gradient's partial sums.
template <class T>
struct depthwise_workspace {
    host_tensor<T, 1> expanded, dexpanded, partials;
};

namespace detail {
// x's channels repeated m times into ws.expanded, or x itself for m = 1.
template <class T>
const T* depthwise_input(const conv_geometry& g, std::size_t m, std::size_t n, const T* x, depthwise_workspace<T>& ws) {
    if (m == 1) return x;
    ensure_shape(ws.expanded, std::array<std::size_t, 1>{n * g.sample() * m});
    cpu::repeat_channels(n * g.d * g.h * g.w, g.c, m, x, ws.expanded.data());
    return ws.expanded.data();
}
inline conv_geometry depthwise_channels(conv_geometry g, std::size_t m) {
    g.c *= m;
    return g;
}
} // namespace detail

template <class T, std::size_t R>
void depthwise_conv_forward(const conv_geometry& g, std::size_t m, const host_tensor<T, R>& x, const host_tensor<T, R>& w,
                            const host_tensor<T, 1>* b, host_tensor<T, R>& y, depthwise_workspace<T>& ws) {
    const std::size_t n = x.shape()[0];
    ensure_shape(y, channels_last_shape<R>(n, g.od, g.oh, g.ow, g.c * m));
    const T* xe = detail::depthwise_input(g, m, n, x.data(), ws);
    cpu::depthwise_forward(detail::depthwise_channels(g, m), n, xe, w.data(), b ? b->data() : nullptr, y.data());
}

// dw and db (unless nullptr) overwritten; dx == nullptr skips the input gradient (first layer).
template <class T, std::size_t R>
void depthwise_conv_backward(const conv_geometry& g, std::size_t m, const host_tensor<T, R>& x, const host_tensor<T, R>& dy,
                             const host_tensor<T, R>& w, host_tensor<T, R>& dw, host_tensor<T, 1>* db,
                             host_tensor<T, R>* dx, depthwise_workspace<T>& ws) {
    const std::size_t n = x.shape()[0], cm = g.c * m;
    const conv_geometry ge = detail::depthwise_channels(g, m);
    if (db) cpu::sum_rows(n * g.rows_per_sample(), cm, dy.data(), db->data());
    const T* xe = detail::depthwise_input(g, m, n, x.data(), ws);
    ensure_shape(ws.partials, std::array<std::size_t, 1>{cpu::depthwise_weight_chunks(n) * dw.size()});
    cpu::depthwise_backward_weights(ge, n, xe, dy.data(), dw.data(), ws.partials.data());
    if (!dx) return;
    ensure_shape(*dx, channels_last_shape<R>(n, g.d, g.h, g.w, g.c));
    if (m == 1) {
        cpu::depthwise_backward_input(ge, n, dy.data(), w.data(), dx->data());
        return;
    }
    ensure_shape(ws.dexpanded, std::array<std::size_t, 1>{n * g.sample() * m});
    cpu::depthwise_backward_input(ge, n, dy.data(), w.data(), ws.dexpanded.data());
    cpu::sum_channel_groups(n * g.d * g.h * g.w, g.c, m, ws.dexpanded.data(), dx->data());
}

} // namespace cascade::kernels
