#pragma once
// Tensor-level spatial re-layout of 1-, 2- and 3-D channels-last batches on the CPU backend (formulas in
// kernels/cpu/spatial.hpp): zero padding, cropping, nearest and bilinear up-sampling by integer factors.
// x of rank R = 3, 4, 5 — (N, W, C), (N, H, W, C), (N, D, H, W, C) — is viewed as (n, d, h, w, c) with the
// missing leading axes of size 1; margins and factors are given for (depth, height, width), those of a
// missing axis must be 0 and 1. Outputs are resized (a no-op in steady state). A GPU backend adds
// overloads of these names for its tensor type (kernels/gpu/resample.hpp).
#include "cascade/kernels/channels_last.hpp"
#include "cascade/kernels/cpu/spatial.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>

namespace cascade::kernels {

using cpu::spatial_extent;
using cpu::spatial_factors;
using cpu::spatial_margins;

namespace detail {
// The (n, d, h, w, c) view of a channels-last shape of rank 3, 4 or 5.
template <std::size_t R>
constexpr spatial_extent spatial_extent_of(const std::array<std::size_t, R>& s) {
    static_assert(R >= 3 && R <= 5, "1-, 2- or 3-D channels-last tensors: (N, W, C), (N, H, W, C) or (N, D, H, W, C)");
    if constexpr (R == 3) return {s[0], 1, 1, s[1], s[2]};
    else if constexpr (R == 4) return {s[0], 1, s[1], s[2], s[3]};
    else return {s[0], s[1], s[2], s[3], s[4]};
}
template <std::size_t R>
std::array<std::size_t, R> spatial_shape(const spatial_extent& e) {
    return channels_last_shape<R>(e.n, e.d, e.h, e.w, e.c);
}
} // namespace detail

// y: x surrounded by zeros, m.before[a] / m.after[a] slices before / after axis a (depth, height, width)
template <class T, std::size_t R>
void zero_pad(const host_tensor<T, R>& x, const spatial_margins& m, host_tensor<T, R>& y) {
    const spatial_extent e = detail::spatial_extent_of<R>(x.shape());
    ensure_shape(y, detail::spatial_shape<R>(cpu::padded(e, m)));
    cpu::zero_pad(e, m, x.data(), y.data());
}
// y = x without m.before[a] / m.after[a] slices at the start / end of axis a
template <class T, std::size_t R>
void crop(const host_tensor<T, R>& x, const spatial_margins& m, host_tensor<T, R>& y) {
    const spatial_extent e = detail::spatial_extent_of<R>(x.shape());
    ensure_shape(y, detail::spatial_shape<R>(cpu::cropped(e, m)));
    cpu::crop(e, m, x.data(), y.data());
}

// y (N, [D·fd,] [H·fh,] W·fw, C): each element repeated fd × fh × fw times
template <class T, std::size_t R>
void upsample_nearest_forward(const host_tensor<T, R>& x, const spatial_factors& f, host_tensor<T, R>& y) {
    const spatial_extent e = detail::spatial_extent_of<R>(x.shape());
    ensure_shape(y, detail::spatial_shape<R>(cpu::upsampled(e, f)));
    cpu::upsample_nearest_forward(e, f, x.data(), y.data());
}
// dx (N, [OD/fd,] [OH/fh,] OW/fw, C): the sum of dy over each fd × fh × fw block
template <class T, std::size_t R>
void upsample_nearest_backward(const host_tensor<T, R>& dy, const spatial_factors& f, host_tensor<T, R>& dx) {
    const spatial_extent e = cpu::downsampled(detail::spatial_extent_of<R>(dy.shape()), f);
    ensure_shape(dx, detail::spatial_shape<R>(e));
    cpu::upsample_nearest_backward(e, f, dy.data(), dx.data());
}

// y (N, H·fh, W·fw, C): bilinear interpolation with half-pixel centres (images only, as Keras)
template <class T>
void upsample_bilinear_forward(const host_tensor<T, 4>& x, std::size_t fh, std::size_t fw, host_tensor<T, 4>& y) {
    const spatial_extent e = detail::spatial_extent_of<4>(x.shape());
    ensure_shape(y, detail::spatial_shape<4>(cpu::upsampled(e, {1, fh, fw})));
    cpu::upsample_bilinear_forward(e, fh, fw, x.data(), y.data());
}
// dx (N, OH/fh, OW/fw, C): the adjoint of the interpolation applied to dy
template <class T>
void upsample_bilinear_backward(const host_tensor<T, 4>& dy, std::size_t fh, std::size_t fw, host_tensor<T, 4>& dx) {
    const spatial_extent e = cpu::downsampled(detail::spatial_extent_of<4>(dy.shape()), {1, fh, fw});
    ensure_shape(dx, detail::spatial_shape<4>(e));
    cpu::upsample_bilinear_backward(e, fh, fw, dy.data(), dx.data());
}

} // namespace cascade::kernels
