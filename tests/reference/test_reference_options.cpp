// Layers against PyTorch, continued: the named layer options (anisotropic kernels, strides and dilations,
// 'same' with odd padding totals, 'causal', output_padding, 'same' and per-axis pooling), 1-D / 3-D margins
// and up-sampling, simple_rnn, layer_normalization, prelu, permute, repeat_vector. PyTorch's padding
// arguments are symmetric: make_reference.py pads and crops explicitly with TensorFlow's split and asserts
// each forward against a naive loop over Keras' formula (fixtures/MANIFEST.md).
#include "reference.hpp"

// The headers under test (not all of them are in cascade/cascade.hpp yet).
#include <cascade/layers/conv1d.hpp>
#include <cascade/layers/conv3d.hpp>
#include <cascade/layers/conv_transpose.hpp>
#include <cascade/layers/cropping1d.hpp>
#include <cascade/layers/cropping3d.hpp>
#include <cascade/layers/layer_normalization.hpp>
#include <cascade/layers/permute.hpp>
#include <cascade/layers/pool1d.hpp>
#include <cascade/layers/pool3d.hpp>
#include <cascade/layers/prelu.hpp>
#include <cascade/layers/repeat_vector.hpp>
#include <cascade/layers/simple_rnn.hpp>
#include <cascade/layers/upsampling1d.hpp>
#include <cascade/layers/upsampling3d.hpp>
#include <cascade/layers/zero_padding1d.hpp>
#include <cascade/layers/zero_padding3d.hpp>

namespace ly = cascade::layers;
using cascade::shape;
using cascade::reference::check_layer;
using cascade::reference::tol;
namespace padding = ly::padding;
using ly::dilation;
using ly::dims;
using ly::kernel;
using ly::output_padding;
using ly::sides;
using ly::strides;

// Absolute floors in float (README.md, "Tolerance policy"); double: rtol 1e-12, atol 1e-13.
constexpr double elementwise = 1e-6, summed = 1e-5;

TEST_CASE_TEMPLATE("reference convolution options", T, float, double) {
    // 'same' with odd totals: height (0, 1), width (1, 2).
    check_layer<ly::conv2d<4, kernel<3, 4>, strides<2, 1>, padding::same>, shape<8, 6, 3>, T>("conv2d_k3x4_stride2x1_same", tol<T>(summed));
    check_layer<ly::conv2d<3, kernel<2, 3>, padding::same, dilation<1, 2>>, shape<7, 6, 2>, T>("conv2d_k2x3_same_dilation1x2", tol<T>(summed));
    check_layer<ly::conv2d<2, kernel<3>, strides<2, 1>, dilation<1, 2>, ly::no_bias>, shape<7, 8, 2>, T>(
        "conv2d_k3_stride2x1_dilation1x2_no_bias", tol<T>(summed));
    check_layer<ly::conv1d<3, kernel<3>, padding::causal, dilation<2>>, shape<9, 2>, T>("conv1d_causal_dilation2", tol<T>(summed));
    check_layer<ly::conv1d<4, kernel<2>, strides<2>, padding::causal, ly::no_bias>, shape<9, 3>, T>("conv1d_causal_stride2_no_bias",
                                                                                                   tol<T>(summed));
    check_layer<ly::conv3d<3, kernel<2, 3, 1>, strides<1, 2, 1>, padding::same>, shape<3, 6, 4, 2>, T>("conv3d_k2x3x1_stride1x2x1_same",
                                                                                                       tol<T>(summed));
    check_layer<ly::conv3d<2, kernel<3, 1, 2>, strides<2, 1, 1>, dilation<1, 1, 2>>, shape<5, 3, 5, 2>, T>(
        "conv3d_k3x1x2_stride2x1x1_dilation1x1x2", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference transposed convolution options", T, float, double) {
    // Keras' crop of the full transposed convolution: height (0, 1), width (1, 2) — asymmetric.
    check_layer<ly::conv2d_transpose<2, kernel<3, 4>, strides<3, 2>, padding::same, output_padding<1>>, shape<3, 4, 2>, T>(
        "conv2d_transpose_same_k3x4_stride3x2_output_padding1", tol<T>(summed));
    // Output beyond the full transposed convolution: the trailing rows / columns hold the bias only.
    check_layer<ly::conv2d_transpose<3, kernel<3, 2>, strides<2, 3>, output_padding<1, 2>>, shape<3, 3, 2>, T>(
        "conv2d_transpose_valid_k3x2_stride2x3_output_padding1x2", tol<T>(summed));
    check_layer<ly::conv2d_transpose<3, kernel<2, 3>, strides<1, 2>, padding::same>, shape<4, 3, 2>, T>(
        "conv2d_transpose_same_k2x3_stride1x2", tol<T>(summed));
    check_layer<ly::conv1d_transpose<3, kernel<1>, strides<2>, padding::same, output_padding<1>>, shape<4, 2>, T>(
        "conv1d_transpose_same_k1_stride2_output_padding1", tol<T>(summed));
    check_layer<ly::conv3d_transpose<2, kernel<3, 3, 2>, strides<1, 2, 2>, padding::same, output_padding<0, 1, 1>>, shape<2, 3, 2, 2>, T>(
        "conv3d_transpose_same_k3x3x2_stride1x2x2_output_padding0x1x1", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference pooling options", T, float, double) {
    check_layer<ly::max_pool2d<3, strides<2>, padding::same>, shape<7, 6, 3>, T>("max_pool2d_3_stride2_same", tol<T>(elementwise));
    check_layer<ly::avg_pool2d<3, strides<2>, padding::same>, shape<7, 6, 3>, T>("avg_pool2d_3_stride2_same", tol<T>(summed));
    check_layer<ly::max_pool2d<2, padding::same>, shape<7, 5, 3>, T>("max_pool2d_2_same", tol<T>(elementwise));
    check_layer<ly::avg_pool2d<2, strides<1>, padding::same>, shape<5, 4, 3>, T>("avg_pool2d_2_stride1_same", tol<T>(summed));
    check_layer<ly::avg_pool2d<dims<3, 2>, padding::same>, shape<7, 5, 3>, T>("avg_pool2d_3x2_same", tol<T>(summed));
    check_layer<ly::avg_pool2d<3, strides<1>, padding::same>, shape<5, 4, 3>, T>("avg_pool2d_3_stride1_same", tol<T>(summed));
    check_layer<ly::max_pool2d<dims<2, 1>, strides<1, 2>>, shape<5, 6, 3>, T>("max_pool2d_2x1_stride1x2", tol<T>(elementwise));
    check_layer<ly::avg_pool2d<dims<2, 1>, strides<1, 2>>, shape<5, 6, 3>, T>("avg_pool2d_2x1_stride1x2", tol<T>(summed));
    check_layer<ly::max_pool1d<2, strides<1>, padding::same>, shape<7, 3>, T>("max_pool1d_2_stride1_same", tol<T>(elementwise));
    check_layer<ly::avg_pool1d<3, strides<2>, padding::same>, shape<8, 3>, T>("avg_pool1d_3_stride2_same", tol<T>(summed));
    check_layer<ly::max_pool3d<dims<2, 3, 1>, strides<2, 1, 1>, padding::same>, shape<3, 4, 2, 3>, T>(
        "max_pool3d_2x3x1_stride2x1x1_same", tol<T>(elementwise));
    check_layer<ly::avg_pool3d<2, strides<1, 2, 2>, padding::same>, shape<3, 5, 4, 3>, T>("avg_pool3d_2_stride1x2x2_same", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference 1-D / 3-D margins and up-sampling", T, float, double) {
    check_layer<ly::zero_padding1d<sides<1, 3>>, shape<5, 2>, T>("zero_padding1d_1_3", tol<T>(elementwise));
    check_layer<ly::zero_padding3d<sides<0, 1>, sides<2, 0>, sides<1, 1>>, shape<2, 3, 2, 2>, T>("zero_padding3d_0_1_2_0_1_1",
                                                                                                 tol<T>(elementwise));
    check_layer<ly::zero_padding3d<dims<1, 2, 1>>, shape<2, 2, 3, 1>, T>("zero_padding3d_1_2_1", tol<T>(elementwise));
    check_layer<ly::cropping1d<sides<2, 1>>, shape<7, 3>, T>("cropping1d_2_1", tol<T>(elementwise));
    check_layer<ly::cropping3d<sides<1, 0>, sides<0, 2>, sides<1, 1>>, shape<3, 5, 4, 2>, T>("cropping3d_1_0_0_2_1_1", tol<T>(elementwise));
    check_layer<ly::upsampling1d<3>, shape<4, 2>, T>("upsampling1d_3", tol<T>(elementwise));
    check_layer<ly::upsampling2d<dims<3, 2>>, shape<3, 4, 2>, T>("upsampling2d_nearest_3x2", tol<T>(elementwise));
    check_layer<ly::upsampling2d<dims<1, 3>>, shape<3, 2, 2>, T>("upsampling2d_nearest_1x3", tol<T>(elementwise));
    check_layer<ly::upsampling3d<dims<1, 2, 3>>, shape<2, 3, 2, 2>, T>("upsampling3d_1x2x3", tol<T>(elementwise));
}

TEST_CASE_TEMPLATE("reference simple_rnn", T, float, double) {
    check_layer<ly::simple_rnn<4, ly::return_sequences>, shape<5, 3>, T>("simple_rnn_sequences", tol<T>(summed));
    check_layer<ly::simple_rnn<4>, shape<5, 3>, T>("simple_rnn", tol<T>(summed));
    check_layer<ly::simple_rnn<3, ly::return_sequences, ly::no_bias>, shape<5, 3>, T>("simple_rnn_no_bias", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference layer_normalization, prelu, permute, repeat_vector", T, float, double) {
    check_layer<ly::layer_normalization<>, shape<4, 5>, T>("layer_normalization", tol<T>(summed));
    check_layer<ly::layer_normalization<>, shape<3, 2, 6>, T>("layer_normalization_image", tol<T>(summed));
    check_layer<ly::layer_normalization<ly::no_center, ly::epsilon<1, 100000>>, shape<7>, T>("layer_normalization_no_center_eps1e5",
                                                                                             tol<T>(summed));
    check_layer<ly::prelu<>, shape<4, 5>, T>("prelu", tol<T>(elementwise));
    // α's gradient sums over the batch and 12 positions.
    check_layer<ly::prelu<ly::shared_axes<1, 2>>, shape<3, 4, 2>, T>("prelu_shared_axes_1_2", tol<T>(summed));
    check_layer<ly::permute<2, 1>, shape<4, 5>, T>("permute_2_1", tol<T>(elementwise));
    check_layer<ly::permute<3, 1, 2>, shape<3, 4, 2>, T>("permute_3_1_2", tol<T>(elementwise));
    check_layer<ly::repeat_vector<3>, shape<5>, T>("repeat_vector_3", tol<T>(elementwise));
}
