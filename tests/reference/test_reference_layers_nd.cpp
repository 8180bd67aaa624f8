// Layers against PyTorch, continued: 1-D / 3-D, dilated and transposed convolutions, 1-D / 3-D pooling,
// maxout, time_distributed, lstm and gru (Keras' gate orders; make_reference.py maps PyTorch's and checks
// the mapping against Keras' equations).
#include "reference.hpp"

// The headers under test (not all of them are in cascade/cascade.hpp yet).
#include <cascade/layers/conv1d.hpp>
#include <cascade/layers/conv3d.hpp>
#include <cascade/layers/conv_transpose.hpp>
#include <cascade/layers/gru.hpp>
#include <cascade/layers/lstm.hpp>
#include <cascade/layers/maxout.hpp>
#include <cascade/layers/pool1d.hpp>
#include <cascade/layers/pool3d.hpp>
#include <cascade/layers/time_distributed.hpp>

namespace ly = cascade::layers;
using cascade::shape;
using cascade::reference::check_layer;
using cascade::reference::tol;
namespace padding = ly::padding;
using glorot = cascade::init::glorot_uniform;

// Absolute floors in float (README.md, "Tolerance policy"); double: rtol 1e-12, atol 1e-13.
constexpr double elementwise = 1e-6, summed = 1e-5;

TEST_CASE_TEMPLATE("reference conv1d and conv3d", T, float, double) {
    check_layer<ly::conv1d<4, ly::kernel<3>, ly::strides<2>, padding::same>, shape<9, 3>, T>("conv1d_same_stride2", tol<T>(summed));
    check_layer<ly::conv1d<3, ly::kernel<3>, ly::dilation<2>>, shape<11, 2>, T>("conv1d_valid_dilation2", tol<T>(summed));
    check_layer<ly::conv1d<3, ly::kernel<3>, padding::same, ly::dilation<2>, ly::kernel_init<glorot>, ly::no_bias>, shape<8, 2>, T>("conv1d_same_dilation2_no_bias",
                                                                                       tol<T>(summed));
    check_layer<ly::conv2d<3, ly::kernel<3>, padding::same, ly::dilation<2>, ly::kernel_init<glorot>>, shape<7, 6, 2>, T>("conv2d_same_dilation2", tol<T>(summed));
    check_layer<ly::conv3d<3, ly::kernel<2>>, shape<4, 5, 3, 2>, T>("conv3d_valid", tol<T>(summed));
    check_layer<ly::conv3d<2, ly::kernel<3>, ly::strides<2>, padding::same>, shape<5, 4, 3, 2>, T>("conv3d_same_stride2", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference transposed convolutions", T, float, double) {
    check_layer<ly::conv2d_transpose<2, ly::kernel<3>, ly::strides<2>>, shape<3, 4, 3>, T>("conv2d_transpose_valid_stride2", tol<T>(summed));
    check_layer<ly::conv2d_transpose<3, ly::kernel<3>, ly::strides<2>, padding::same>, shape<3, 4, 2>, T>("conv2d_transpose_same_stride2", tol<T>(summed));
    check_layer<ly::conv2d_transpose<2, ly::kernel<4>, ly::strides<2>, padding::same, ly::kernel_init<glorot>, ly::no_bias>, shape<3, 3, 2>, T>(
        "conv2d_transpose_same_k4_stride2_no_bias", tol<T>(summed));
    check_layer<ly::conv2d_transpose<2, ly::kernel<3>, padding::same, ly::dilation<2>, ly::kernel_init<glorot>>, shape<4, 3, 2>, T>(
        "conv2d_transpose_same_dilation2", tol<T>(summed));
    check_layer<ly::conv1d_transpose<3, ly::kernel<4>, ly::strides<3>, padding::same>, shape<4, 2>, T>("conv1d_transpose_same_stride3", tol<T>(summed));
    check_layer<ly::conv3d_transpose<2, ly::kernel<3>, ly::strides<2>, padding::same>, shape<2, 3, 2, 2>, T>("conv3d_transpose_same_stride2", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference pool1d and pool3d", T, float, double) {
    check_layer<ly::max_pool1d<3, ly::strides<2>>, shape<9, 3>, T>("max_pool1d_3_stride2", tol<T>(elementwise));
    check_layer<ly::avg_pool1d<2>, shape<7, 3>, T>("avg_pool1d_2", tol<T>(summed));
    check_layer<ly::max_pool3d<2>, shape<5, 4, 3, 3>, T>("max_pool3d_2", tol<T>(elementwise));
    check_layer<ly::avg_pool3d<2, ly::strides<1>>, shape<4, 3, 3, 3>, T>("avg_pool3d_2_stride1", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference maxout and time_distributed", T, float, double) {
    check_layer<ly::maxout<3, 4>, shape<7>, T>("maxout", tol<T>(summed));
    check_layer<ly::time_distributed<ly::dense<4>>, shape<5, 3>, T>("time_distributed_dense", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference lstm and gru", T, float, double) {
    check_layer<ly::lstm<4, ly::return_sequences>, shape<5, 3>, T>("lstm_sequences", tol<T>(summed));
    check_layer<ly::lstm<4>, shape<5, 3>, T>("lstm", tol<T>(summed));
    check_layer<ly::gru<4, ly::return_sequences>, shape<5, 3>, T>("gru_sequences", tol<T>(summed));
    check_layer<ly::gru<4>, shape<5, 3>, T>("gru", tol<T>(summed));
}
