#pragma once
// linear_regression: the model of seed 003 (D. Walz, RWTH Aachen, "Deep Learning Tutorial", HAP workshop
// 2017, slides "Primer: Linear Regression" and "Multidimensional Linear Model"): y_m(x; θ) = W x + b with
// θ = (W, b), trained by gradient descent on the mean squared error J = 1/N Σ (y_m(x_i) − y_i)².
// The slide's example shape x ∈ R³, y ∈ R² is used: 8 parameters (W 3×2 as cascade/Keras store it,
// i.e. the slide's W transposed, and b 2). Data: cascade/data/toy/linear_regression.hpp.
#include "cascade/layers/dense.hpp"
#include "cascade/net/sequential.hpp"

namespace cascade::models {

using linear_regression = net::sequential<shape<3>,   // (N, 3)
    layers::dense<2>>;                                // (N, 2)   y = x·W + b, W (3, 2), b (2)

} // namespace cascade::models
