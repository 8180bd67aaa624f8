#pragma once
// crayfis_tracks: the D1-vs-D2 classifier f(X) ≈ P(D1 | X) of seed 000 (M. Borisyak, A. Ustyuzhanin et
// al., "Deep Learning for Image Processing in Astrophysical Experiments", slides "CRAYFIS experiment —
// Track detection" and "Labeling problem"), trained with binary cross-entropy on the source label only
// and turned into a track detector g(X) = P(track | X) by data/toy/crayfis_tracks.hpp's
// crayfis_track_probability.
//
// The slides give the idea, not the network ("Convolutional Neural Networks is a generic model for Image
// Processing"); our choice is a small CNN for 40×40 single-channel images: three 3×3 'same' convolutions
// (8, 16, 32 maps) with ReLU, 2×2 max-pooling after the first two, then global max-pooling — a track is a
// local feature anywhere in the image, so the strongest response decides — and a dense head with a
// sigmoid output. 6,977 parameters.
// Keras: Conv2D(8, 3, padding='same', activation='relu'), MaxPool2D(2),
// Conv2D(16, 3, padding='same', activation='relu'), MaxPool2D(2), Conv2D(32, 3, padding='same', activation='relu'),
// GlobalMaxPool2D(), Dense(32, activation='relu'), Dense(1, activation='sigmoid').
#include "cascade/layers/activations.hpp"
#include "cascade/layers/conv2d.hpp"
#include "cascade/layers/dense.hpp"
#include "cascade/layers/global_pooling.hpp"
#include "cascade/layers/pool2d.hpp"
#include "cascade/net/sequential.hpp"

namespace cascade::models {

template <std::size_t Size = 40>
using crayfis_tracks_net = net::sequential<shape<Size, Size, 1>,   // (n, 40, 40, 1)
    layers::conv2d<8, layers::kernel<3>, layers::padding::same>,   // (n, 40, 40, 8)
    layers::relu,                                                  // (n, 40, 40, 8)
    layers::max_pool2d<2>,                                         // (n, 20, 20, 8)
    layers::conv2d<16, layers::kernel<3>, layers::padding::same>,  // (n, 20, 20, 16)
    layers::relu,                                                  // (n, 20, 20, 16)
    layers::max_pool2d<2>,                                         // (n, 10, 10, 16)
    layers::conv2d<32, layers::kernel<3>, layers::padding::same>,  // (n, 10, 10, 32)
    layers::relu,                                                  // (n, 10, 10, 32)
    layers::global_max_pooling2d<>,                                // (n, 32)
    layers::dense<32>,                                             // (n, 32)
    layers::relu,                                                  // (n, 32)
    layers::dense<1>,                                              // (n, 1)
    layers::sigmoid>;                                              // (n, 1)

using crayfis_tracks = crayfis_tracks_net<>;

} // namespace cascade::models
