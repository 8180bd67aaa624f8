#pragma once
// cifar10_cnn: the simple convolutional network of seed 003 (D. Walz, "Deep Learning Tutorial", HAP Workshop
// "Big Data Science in Astroparticle Physics", RWTH Aachen, 20.02.2017; slide "Results: CIFAR-10 with Simple
// Convolutional Network", train-CNN.py; test accuracy there ~75 %).
// Three 5×5 convolutions, each followed by ReLU and Dropout, then dense 128 + ReLU + Dropout and a 10-way
// soft-max. 276,426 parameters = 2,432 + 51,264 + 204,928 + 16,512 + 1,290, as on the slide.
//
// What the slide leaves open, and what we chose:
// - kernel size and stride: the parameter counts fix 5×5 kernels (5·5·3·32 + 32 = 2,432); the output shapes
//   14×14 → 5×5 → 1×1 with no pooling layer in the table fix stride 2, 'valid', for the first two
//   ((32 − 5)/2 + 1 = 14, (14 − 5)/2 + 1 = 5) and a 'valid' 5×5 for the third (5 − 5 + 1 = 1);
// - dropout rates (not on the slide): 0.25 after each convolution, 0.5 after dense 128, the rates of Keras'
//   own CIFAR-10 example of the time (also the rates of bench/peers' cifar_cnn workload);
// - optimizer: Adam (lr 1e-3), batch 32, as in the tutorial's train-NN.py.
#include "cascade/layers/activations.hpp"
#include "cascade/layers/conv2d.hpp"
#include "cascade/layers/dense.hpp"
#include "cascade/layers/dropout.hpp"
#include "cascade/layers/reshape.hpp"
#include "cascade/net/sequential.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::models {

using cifar10_cnn = net::sequential<shape<32, 32, 3>,           // (N, 32, 32, 3)
    layers::conv2d<32, layers::kernel<5>, layers::strides<2>>,  // (N, 14, 14, 32)     2,432
    layers::relu,                                               // (N, 14, 14, 32)
    layers::dropout<ratio<1, 4>>,                               // (N, 14, 14, 32)
    layers::conv2d<64, layers::kernel<5>, layers::strides<2>>,  // (N, 5, 5, 64)      51,264
    layers::relu,                                               // (N, 5, 5, 64)
    layers::dropout<ratio<1, 4>>,                               // (N, 5, 5, 64)
    layers::conv2d<128, layers::kernel<5>>,                     // (N, 1, 1, 128)    204,928
    layers::relu,                                               // (N, 1, 1, 128)
    layers::dropout<ratio<1, 4>>,                               // (N, 1, 1, 128)
    layers::flatten,                                            // (N, 128)
    layers::dense<128>,                                         // (N, 128)           16,512
    layers::relu,                                               // (N, 128)
    layers::dropout<ratio<1, 2>>,                               // (N, 128)
    layers::dense<10>,                                          // (N, 10)             1,290
    layers::softmax>;                                           // (N, 10)

} // namespace cascade::models
