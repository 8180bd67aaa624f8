#pragma once
// cifar10_dcnn: the deep convolutional network of seed 003 (D. Walz, "Deep Learning Tutorial", HAP Workshop
// "Big Data Science in Astroparticle Physics", RWTH Aachen, 20.02.2017; slide "Results: CIFAR-10 with Deep
// Convolutional Network", train-DCNN.py; test accuracy there ~88 %). 2,178,090 trainable parameters.
//
// The slide shows the first block (Conv2D 32 → (32, 32, 32), 896 params; BatchNormalization, 128), then
// "8 more convolution blocks", then Conv2D 256 → (4, 4, 256), 590,080; BatchNormalization, 1,024; Activation;
// MaxPooling2D → (2, 2, 256); Flatten 1,024; Dropout; Dense 256, 262,400; BatchNormalization, 1,024;
// Activation; Dropout; Dense 10, 2,570; Activation (soft-max).
//
// Reconstruction of the 8 hidden blocks (the slide does not list them):
// - block = 3×3 'same' convolution with bias + batch norm + ReLU, the order the slide shows for the last
//   block (896 = 3·3·3·32 + 32 fixes 3×3 kernels with bias; 590,080 = 3·3·256·256 + 256 fixes 256 input
//   channels for the last convolution, so block 8 ends with 256 maps);
// - the count: Keras' per-layer column counts batch norm as 4·C (γ, β and the moving mean and variance:
//   128 for 32 maps), but its "Trainable params" line, the number on the slide, counts only γ and β (2·C),
//   the moving statistics being non-trainable weights. Read as a total including the moving statistics,
//   no sequence of 8 such blocks of widths in {16, 32, 48, 64, 96, 128, 192, 256, 384, 512} matches
//   (exhaustive search); read as trainable parameters, the only non-decreasing power-of-two sequence that
//   matches is 32, 64, 64, 128, 128, 128, 256, 256 (the other non-decreasing one is 32, 64, 64, 64, 192,
//   192, 192, 256). So the network is VGG-like: 2 × 32, 2 × 64, 3 × 128, 3 × 256 maps (the first and last
//   convolutions included), with 2×2 max-pooling after each width group (32 → 16 → 8 → 4: the slide's last
//   convolution is at 4×4). Pool placement does not change the count.
// - arithmetic (trainable; batch norm 2·C trainable + 2·C non-trainable):
//     convolutions  896 + 9,248 + 18,496 + 36,928 + 73,856 + 147,584 + 147,584 + 295,168 + 590,080 + 590,080
//                   = 1,909,920
//     batch norm    2 · (32 + 32 + 64 + 64 + 128 + 128 + 128 + 256 + 256 + 256 + 256) = 3,200
//     dense         262,400 + 2,570 = 264,970
//     trainable     1,909,920 + 3,200 + 264,970 = 2,178,090       (the slide's number)
//     non-trainable 3,200 (moving mean and variance)   total 2,181,290
// - dropout rates (not on the slide): 0.3 for both, the rate of the same tutorial's train-NN.py;
// - batch norm: momentum 0.9 (PyTorch's default, momentum = 0.1 there) rather than Keras' 0.99, ε = 1e-3
//   (Keras). The moving statistics, which inference uses, then settle within ~50 steps instead of ~500. On
//   the toy data with 2,000 images, after 2 epochs (126 steps) the network trained at 46 % accuracy but
//   scored 12 % in inference mode with 0.99 (chance: 10 %), 43 % with 0.9 (73 % after 3 epochs). For long
//   runs the two agree; dcnn_detail::bn = layers::batch_norm<> restores Keras' defaults;
// - optimizer (not on the slide): Adam (lr 1e-3), batch 32, as in the tutorial's train-NN.py.
#include "cascade/layers/activations.hpp"
#include "cascade/layers/batch_norm.hpp"
#include "cascade/layers/conv2d.hpp"
#include "cascade/layers/dense.hpp"
#include "cascade/layers/dropout.hpp"
#include "cascade/layers/pool2d.hpp"
#include "cascade/layers/reshape.hpp"
#include "cascade/net/sequential.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::models {

namespace dcnn_detail {
template <std::size_t Filters>
using conv = layers::conv2d<Filters, layers::kernel<3>, layers::padding::same>;
using bn = layers::batch_norm<layers::momentum<9, 10>>;   // momentum 0.9, ε = 1e-3
} // namespace dcnn_detail

using cifar10_dcnn = net::sequential<shape<32, 32, 3>,                // (N, 32, 32, 3)
    dcnn_detail::conv<32>, dcnn_detail::bn, layers::relu,             // (N, 32, 32, 32)      896 + 128
    dcnn_detail::conv<32>, dcnn_detail::bn, layers::relu,             // (N, 32, 32, 32)    9,248 + 128    block 1
    layers::max_pool2d<2>,                                            // (N, 16, 16, 32)
    dcnn_detail::conv<64>, dcnn_detail::bn, layers::relu,             // (N, 16, 16, 64)   18,496 + 256    block 2
    dcnn_detail::conv<64>, dcnn_detail::bn, layers::relu,             // (N, 16, 16, 64)   36,928 + 256    block 3
    layers::max_pool2d<2>,                                            // (N, 8, 8, 64)
    dcnn_detail::conv<128>, dcnn_detail::bn, layers::relu,            // (N, 8, 8, 128)    73,856 + 512    block 4
    dcnn_detail::conv<128>, dcnn_detail::bn, layers::relu,            // (N, 8, 8, 128)   147,584 + 512    block 5
    dcnn_detail::conv<128>, dcnn_detail::bn, layers::relu,            // (N, 8, 8, 128)   147,584 + 512    block 6
    layers::max_pool2d<2>,                                            // (N, 4, 4, 128)
    dcnn_detail::conv<256>, dcnn_detail::bn, layers::relu,            // (N, 4, 4, 256)   295,168 + 1,024  block 7
    dcnn_detail::conv<256>, dcnn_detail::bn, layers::relu,            // (N, 4, 4, 256)   590,080 + 1,024  block 8
    dcnn_detail::conv<256>, dcnn_detail::bn, layers::relu,            // (N, 4, 4, 256)   590,080 + 1,024
    layers::max_pool2d<2>,                                            // (N, 2, 2, 256)
    layers::flatten,                                                  // (N, 1024)
    layers::dropout<ratio<3, 10>>,                                    // (N, 1024)
    layers::dense<256>,                                               // (N, 256)         262,400
    dcnn_detail::bn,                                                  // (N, 256)           1,024
    layers::relu,                                                     // (N, 256)
    layers::dropout<ratio<3, 10>>,                                    // (N, 256)
    layers::dense<10>,                                                // (N, 10)            2,570
    layers::softmax>;                                                 // (N, 10)

} // namespace cascade::models
