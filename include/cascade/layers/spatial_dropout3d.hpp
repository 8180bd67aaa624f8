#pragma once
// spatial_dropout3d<Rate>: dropout of whole feature volumes (Keras SpatialDropout3D(rate); PyTorch
// nn.Dropout3d(p) on NCDHW).   Tompson et al., "Efficient Object Localization Using Convolutional
// Networks", CVPR 2015.
//   mode::train:  y[n, d, i, j, c] = x[n, d, i, j, c] · m[n, c],  m[n, c] = 1/(1 − p) with probability
//                 1 − p, else 0 — one draw per sample and channel, shared by all D·H·W positions   dx = dy ⊙ m
//   mode::infer:  y = x                                                                           dx = dy
//   x (N, D, H, W, C) → y (N, D, H, W, C); no parameters.
// Rate is a ratio in [0, 1), checked at compile time; run-time hyper-parameter "rate". The implementation,
// shared with spatial_dropout1d/2d: layers/spatial_dropout.hpp.
#include "cascade/layers/spatial_dropout.hpp"

namespace cascade::layers {

template <class Rate_as_ratio_eg_ratio_3_10>
using spatial_dropout3d = spatial_dropout_nd<3, Rate_as_ratio_eg_ratio_3_10>;

} // namespace cascade::layers
