#pragma once
// fit1d: the networks of seed 003's "1D Function Fitting 1/2" slides (D. Walz, RWTH Aachen, "Deep Learning
// Tutorial", HAP workshop 2017): "3 hidden layers of 20 neurons", once with ReLU and once with sigmoid
// activation, fitting a 1-D function (cascade/data/toy/fit1d.hpp). Linear output (the universal
// approximation slide: "a feed-forward network with a linear output"). Keras' default initialisation
// (glorot_uniform, zero biases), which the slides do not specify. 901 parameters:
// 1·20+20 + 20·20+20 + 20·20+20 + 20·1+1 = 40 + 420 + 420 + 21.
#include "cascade/layers/activations.hpp"
#include "cascade/layers/dense.hpp"
#include "cascade/net/sequential.hpp"

namespace cascade::models {

template <class Activation>
using fit1d_mlp = net::sequential<shape<1>,   // (N, 1)
    layers::dense<20>, Activation,            // (N, 20)
    layers::dense<20>, Activation,            // (N, 20)
    layers::dense<20>, Activation,            // (N, 20)
    layers::dense<1>>;                        // (N, 1)

using fit1d_relu = fit1d_mlp<layers::relu>;          // slide "1D Function Fitting 1"
using fit1d_sigmoid = fit1d_mlp<layers::sigmoid>;    // slide "1D Function Fitting 2"

} // namespace cascade::models
