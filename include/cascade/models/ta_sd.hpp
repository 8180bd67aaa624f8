#pragma once
// ta_sd: a surface-detector reconstruction network for Telescope Array events, after seed 001
// (O. Kalashev, "Machine Learning in Astroparticle Physics", lecture 5, Baksan school 2019, slides
// "SD reconstruction NN architecture" and "Training the model"): input (N, N, T, 2) — an N×N detector
// grid centred on the shower core, T time bins of 20 ns, upper and lower scintillator layers; output a
// few event parameters; MSE, Adadelta, L2 + dropout + noise layers; 10^5–10^6 weights.
//
// The slides show the architecture only as pictures; this is our design, in their spirit:
//   1. gaussian_noise(0.05) on the log-scaled traces (data/toy/ta_sd.hpp: x = sign(s) log(1 + |s|)), a
//      "noise layer" regulariser;
//   2. per-detector waveform features: the N·N detectors are folded into a sequence axis and a
//      time_distributed conv1d runs over time with weights shared by all detectors (Keras:
//      TimeDistributed(Conv1D) on (N·N, T, 2); the same as a conv3d with a (1, 1, k) kernel, which
//      cascade's cubic-kernel conv3d does not offer): k = 8 stride 4, then k = 5 stride 2 — strided
//      convolutions keep the arrival-time information that pooling over time would average away;
//   3. the T'·F time features of each detector become its channels (reshape to (N, N, T'·F)) and a
//      1×1 conv2d compresses them per detector (a dense layer shared by the detectors);
//   4. 2-D convolutions over the detector grid: 3×3 'same', then 3×3 'valid';
//   5. dense head: flatten → dropout(0.2) → dense 128 → ReLU → dense K (linear outputs for MSE).
//   L2: kernel_regularizer=l2(1e-4) on the grid convolutions and the dense layers (layers::regularized;
//   the penalty λ Σ w² is added to the MSE, as in Keras).
// Keras equivalent (input (N, N, T, 2)):
//   GaussianNoise(0.05), Reshape((N*N, T, 2)), TimeDistributed(Conv1D(16, 8, strides=4, activation='relu')),
//   TimeDistributed(Conv1D(24, 5, strides=2, activation='relu')), Reshape((N, N, T2*24)),
//   Conv2D(48, 1, activation='relu', kernel_regularizer=l2(1e-4)),
//   Conv2D(64, 3, padding='same', activation='relu', kernel_regularizer=l2(1e-4)),
//   Conv2D(64, 3, activation='relu', kernel_regularizer=l2(1e-4)), Flatten(), Dropout(0.2),
//   Dense(128, activation='relu', kernel_regularizer=l2(1e-4)), Dense(K, kernel_regularizer=l2(1e-4))
// With N = 6, T = 128, K = 3: 214,619 trainable parameters (the slide: 10^5–10^6).
#include "cascade/layers/activations.hpp"
#include "cascade/layers/conv1d.hpp"
#include "cascade/layers/conv2d.hpp"
#include "cascade/layers/dense.hpp"
#include "cascade/layers/dropout.hpp"
#include "cascade/layers/gaussian_noise.hpp"
#include "cascade/layers/regularized.hpp"
#include "cascade/layers/reshape.hpp"
#include "cascade/layers/time_distributed.hpp"
#include "cascade/net/sequential.hpp"
#include "cascade/regularizers/l1_l2.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::models {

namespace ta_sd_detail {
// Output lengths of the two strided 'valid' time convolutions.
constexpr std::size_t t1(std::size_t t) { return (t - 8) / 4 + 1; }
constexpr std::size_t t2(std::size_t t) { return (t1(t) - 5) / 2 + 1; }
// Keras' kernel_regularizer=l2(1e-4).
template <class Layer>
using l2 = layers::regularized<Layer, regularizers::l2<ratio<1, 10000>>>;
} // namespace ta_sd_detail

template <std::size_t N = 6, std::size_t T = 128, std::size_t K = 3>
using ta_sd_net = net::sequential<shape<N, N, T, 2>,                                      // (n, 6, 6, 128, 2)
    layers::gaussian_noise<ratio<1, 20>>,                                                 // (n, 6, 6, 128, 2)
    layers::reshape<N * N, T, 2>,                                                         // (n, 36, 128, 2)
    layers::time_distributed<layers::conv1d<16, layers::kernel<8>, layers::strides<4>>>,  // (n, 36, 31, 16)
    layers::relu,                                                                         // (n, 36, 31, 16)
    layers::time_distributed<layers::conv1d<24, layers::kernel<5>, layers::strides<2>>>,  // (n, 36, 14, 24)
    layers::relu,                                                                         // (n, 36, 14, 24)
    layers::reshape<N, N, ta_sd_detail::t2(T) * 24>,                                      // (n, 6, 6, 336)
    ta_sd_detail::l2<layers::conv2d<48, layers::kernel<1>>>,                              // (n, 6, 6, 48)
    layers::relu,                                                                         // (n, 6, 6, 48)
    ta_sd_detail::l2<layers::conv2d<64, layers::kernel<3>, layers::padding::same>>,       // (n, 6, 6, 64)
    layers::relu,                                                                         // (n, 6, 6, 64)
    ta_sd_detail::l2<layers::conv2d<64, layers::kernel<3>>>,                              // (n, 4, 4, 64)
    layers::relu,                                                                         // (n, 4, 4, 64)
    layers::flatten,                                                                      // (n, 1024)
    layers::dropout<ratio<1, 5>>,                                                         // (n, 1024)
    ta_sd_detail::l2<layers::dense<128>>,                                                 // (n, 128)
    layers::relu,                                                                         // (n, 128)
    ta_sd_detail::l2<layers::dense<K>>>;                                                  // (n, 3)

// The default: the toy data set's 6×6 grid, 128 bins, targets (θ, x_core, y_core).
using ta_sd = ta_sd_net<>;

} // namespace cascade::models
