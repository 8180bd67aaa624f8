#pragma once
// mnist_cnn: the minimal convolutional network of seed 001 (O. Kalashev, "Machine Learning in
// Astroparticle Physics", lecture 5, Baksan school 2019, slide "Convolutional ANN architecture —
// minimal"): one 5×5 convolution with 32 maps, ReLU, 2×2 max-pooling, a dense soft-max classifier.
// 46,922 parameters (832 conv + 46,090 dense).
#include "cascade/layers/activations.hpp"
#include "cascade/layers/conv2d.hpp"
#include "cascade/layers/dense.hpp"
#include "cascade/layers/pool2d.hpp"
#include "cascade/layers/reshape.hpp"
#include "cascade/net/sequential.hpp"

namespace cascade::models {

using mnist_cnn = net::sequential<shape<28, 28, 1>,  // (N, 28, 28, 1)
    layers::conv2d<32, layers::kernel<5>>,           // (N, 24, 24, 32)
    layers::relu,                                    // (N, 24, 24, 32)
    layers::max_pool2d<2>,                           // (N, 12, 12, 32)
    layers::flatten,                                 // (N, 4608)
    layers::dense<10>,                               // (N, 10)
    layers::softmax>;                                // (N, 10)

} // namespace cascade::models
