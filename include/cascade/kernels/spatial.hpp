#pragma once
// Tensor-level spatial re-layout of (N, H, W, C) images on the CPU backend (formulas in
// kernels/cpu/spatial.hpp): zero padding, cropping, nearest and bilinear up-sampling by integer factors.
// Outputs are resized (a no-op in steady state). A GPU backend adds overloads of these names for its
// tensor type.
#include "cascade/kernels/cpu/spatial.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>

namespace cascade::kernels {

using cpu::margins2d;

// y (N, H + top + bottom, W + left + right, C): x surrounded by zeros
template <class T>
void zero_pad2d(const host_tensor<T, 4>& x, const margins2d& m, host_tensor<T, 4>& y) {
    const auto& s = x.shape();
    ensure_shape(y, std::array{s[0], s[1] + m.top + m.bottom, s[2] + m.left + m.right, s[3]});
    cpu::zero_pad2d(s[0], s[1], s[2], s[3], m, x.data(), y.data());
}
// y (N, H − top − bottom, W − left − right, C) = x[:, top : H − bottom, left : W − right, :]
template <class T>
void crop2d(const host_tensor<T, 4>& x, const margins2d& m, host_tensor<T, 4>& y) {
    const auto& s = x.shape();
    ensure_shape(y, std::array{s[0], s[1] - m.top - m.bottom, s[2] - m.left - m.right, s[3]});
    cpu::crop2d(s[0], s[1], s[2], s[3], m, x.data(), y.data());
}

// y (N, H·fh, W·fw, C): each pixel repeated fh × fw times
template <class T>
void upsample2d_nearest_forward(const host_tensor<T, 4>& x, std::size_t fh, std::size_t fw, host_tensor<T, 4>& y) {
    const auto& s = x.shape();
    ensure_shape(y, std::array{s[0], s[1] * fh, s[2] * fw, s[3]});
    cpu::upsample2d_nearest_forward(s[0], s[1], s[2], s[3], fh, fw, x.data(), y.data());
}
// dx (N, OH/fh, OW/fw, C): the sum of dy over each fh × fw block
template <class T>
void upsample2d_nearest_backward(const host_tensor<T, 4>& dy, std::size_t fh, std::size_t fw, host_tensor<T, 4>& dx) {
    const auto& s = dy.shape();
    ensure_shape(dx, std::array{s[0], s[1] / fh, s[2] / fw, s[3]});
    cpu::upsample2d_nearest_backward(s[0], s[1] / fh, s[2] / fw, s[3], fh, fw, dy.data(), dx.data());
}

// y (N, H·fh, W·fw, C): bilinear interpolation with half-pixel centres
template <class T>
void upsample2d_bilinear_forward(const host_tensor<T, 4>& x, std::size_t fh, std::size_t fw, host_tensor<T, 4>& y) {
    const auto& s = x.shape();
    ensure_shape(y, std::array{s[0], s[1] * fh, s[2] * fw, s[3]});
    cpu::upsample2d_bilinear_forward(s[0], s[1], s[2], s[3], fh, fw, x.data(), y.data());
}
// dx (N, OH/fh, OW/fw, C): the adjoint of the interpolation applied to dy
template <class T>
void upsample2d_bilinear_backward(const host_tensor<T, 4>& dy, std::size_t fh, std::size_t fw, host_tensor<T, 4>& dx) {
    const auto& s = dy.shape();
    ensure_shape(dx, std::array{s[0], s[1] / fh, s[2] / fw, s[3]});
    cpu::upsample2d_bilinear_backward(s[0], s[1] / fh, s[2] / fw, s[3], fh, fw, dy.data(), dx.data());
}

} // namespace cascade::kernels
