#pragma once
// spatial_dropout2d<Rate>: dropout of whole feature maps of images (Keras SpatialDropout2D(rate); PyTorch
// nn.Dropout2d(p) on NCHW).   Tompson et al., "Efficient Object Localization Using Convolutional
// Networks", CVPR 2015.
//   mode::train:  y[n, i, j, c] = x[n, i, j, c] · m[n, c],  m[n, c] = 1/(1 − p) with probability 1 − p,
//                 else 0 — one draw per sample and channel, shared by all H·W positions   dx = dy ⊙ m
//   mode::infer:  y = x                                                                 dx = dy
//   x (N, H, W, C) → y (N, H, W, C); no parameters.
// Rate is a ratio in [0, 1) (spatial_dropout2d<ratio<1, 5>> is SpatialDropout2D(0.2)), checked at compile
// time; run-time hyper-parameter "rate". The implementation, shared with spatial_dropout1d/3d:
// layers/spatial_dropout.hpp.
#include "cascade/layers/spatial_dropout.hpp"

namespace cascade::layers {

template <class Rate_as_ratio_eg_ratio_3_10>
using spatial_dropout2d = spatial_dropout_nd<2, Rate_as_ratio_eg_ratio_3_10>;

} // namespace cascade::layers
