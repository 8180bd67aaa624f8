#pragma once
// spatial_dropout1d<Rate>: dropout of whole channels of sequences (Keras SpatialDropout1D(rate); PyTorch
// nn.Dropout1d(p) on (N, C, T)).   Tompson et al., "Efficient Object Localization Using Convolutional
// Networks", CVPR 2015.
//   mode::train:  y[n, t, c] = x[n, t, c] · m[n, c],  m[n, c] = 1/(1 − p) with probability 1 − p, else 0
//                 — one draw per sample and channel, shared by all T steps             dx = dy ⊙ m
//   mode::infer:  y = x                                                               dx = dy
//   x (N, T, C) → y (N, T, C); no parameters.
// Rate is a ratio in [0, 1), checked at compile time; run-time hyper-parameter "rate". The implementation,
// shared with spatial_dropout2d/3d: layers/spatial_dropout.hpp.
#include "cascade/layers/spatial_dropout.hpp"

namespace cascade::layers {

template <class Rate_as_ratio_eg_ratio_3_10>
using spatial_dropout1d = spatial_dropout_nd<1, Rate_as_ratio_eg_ratio_3_10>;

} // namespace cascade::layers
