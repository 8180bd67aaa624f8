#pragma once
// airshower_xmax / airshower_mass: the two reconstruction tasks of seed 003's practice session 3 (D. Walz,
// RWTH Aachen, "Deep Learning Tutorial", HAP workshop 2017, slide "Toy Air Shower Reconstruction":
// "Regression Task: train-Xmax.py reconstruct Xmax", "Classification Task: train-A.py separate the four
// different species A = 1, 4, 14, 56") on the toy footprints of cascade/data/toy/airshower.hpp.
// The slides do not show these networks; our choice is a small CNN in the style of the tutorial's
// CIFAR nets ("Convolution Stack", "Striding"), sized for the 9 × 9 station grid:
//   two 3×3 'same' convolutions (16, 32 maps) keep every station, a stride-2 'same' convolution halves
//   the grid (9 → 5: unlike 2×2 pooling, which would drop the ninth row and column), then a dense layer;
//   a linear output for Xmax (mean squared error), soft-max over the four species (cross-entropy).
// Parameters: 304 + 4,640 + 9,248 + 51,264 = 65,456 in the shared part; + 65 (Xmax) or + 260 (mass).
#include "cascade/layers/activations.hpp"
#include "cascade/layers/conv2d.hpp"
#include "cascade/layers/dense.hpp"
#include "cascade/layers/reshape.hpp"
#include "cascade/net/sequential.hpp"

namespace cascade::models {

template <class... Output>
using airshower_cnn = net::sequential<shape<9, 9, 2>,                                                // (N, 9, 9, 2)  log10(1 + muons), time
    layers::conv2d<16, layers::kernel<3>, layers::padding::same>, layers::relu,                      // (N, 9, 9, 16)
    layers::conv2d<32, layers::kernel<3>, layers::padding::same>, layers::relu,                      // (N, 9, 9, 32)
    layers::conv2d<32, layers::kernel<3>, layers::strides<2>, layers::padding::same>, layers::relu,  // (N, 5, 5, 32)
    layers::flatten,                                                                                 // (N, 800)
    layers::dense<64>, layers::relu,                                                                 // (N, 64)
    Output...>;

using airshower_xmax = airshower_cnn<layers::dense<1>>;                    // (N, 1)  (Xmax − 750) / 100 g/cm²
using airshower_mass = airshower_cnn<layers::dense<4>, layers::softmax>;   // (N, 4)  p, He, N, Fe

} // namespace cascade::models
