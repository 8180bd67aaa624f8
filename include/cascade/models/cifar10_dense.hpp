#pragma once
// cifar10_dense: the fully connected network of seed 003 (D. Walz, "Deep Learning Tutorial", HAP Workshop
// "Big Data Science in Astroparticle Physics", RWTH Aachen, 20.02.2017; slides "Code Example: train-NN.py"
// and "Results: CIFAR-10 with Dense Neural Network"): flatten the 32×32×3 image, two hidden layers of 256
// ReLU units each followed by Dropout(0.3), a 10-way soft-max. Trained there with Adam (lr 1e-3),
// categorical cross-entropy, batch 32, 25 epochs.
// 855,050 parameters = 786,688 (3072·256 + 256) + 65,792 (256·256 + 256) + 2,570 (256·10 + 10), as on the slide.
// Nothing is left open by the slide; initialisers are Keras' defaults (glorot_uniform, zero biases).
#include "cascade/layers/activations.hpp"
#include "cascade/layers/dense.hpp"
#include "cascade/layers/dropout.hpp"
#include "cascade/layers/reshape.hpp"
#include "cascade/net/sequential.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::models {

using cifar10_dense = net::sequential<shape<32, 32, 3>,   // (N, 32, 32, 3)
    layers::flatten,                                      // (N, 3072)
    layers::dense<256>,                                   // (N, 256)       786,688
    layers::relu,                                         // (N, 256)
    layers::dropout<ratio<3, 10>>,                        // (N, 256)
    layers::dense<256>,                                   // (N, 256)        65,792
    layers::relu,                                         // (N, 256)
    layers::dropout<ratio<3, 10>>,                        // (N, 256)
    layers::dense<10>,                                    // (N, 10)          2,570
    layers::softmax>;                                     // (N, 10)

} // namespace cascade::models
