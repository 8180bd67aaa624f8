// Layers against PyTorch (fixtures from make_reference.py; MANIFEST.md in fixtures/ describes each case):
// forward output, input gradient and parameter gradients for a fixed upstream gradient, in float
// (rtol 1e-5) and double (rtol 1e-12).
#include "reference.hpp"

namespace ly = cascade::layers;
using cascade::ratio;
using cascade::shape;
using cascade::reference::check_layer;
using cascade::reference::tol;
namespace padding = ly::padding;

// Absolute floors in float (README.md, "Tolerance policy"): `elementwise` for outputs that are one
// rounded operation of the inputs, `summed` for sums over up to ~100 terms (dense, conv, batch norm,
// average pooling, their gradients), whose rounding error grows with the number of terms and shows as a
// large relative error where the sum cancels to ≈ 0. Double: rtol 1e-12, atol 1e-13 everywhere.
constexpr double elementwise = 1e-6, summed = 1e-5;

TEST_CASE_TEMPLATE("reference dense", T, float, double) {
    check_layer<ly::dense<5>, shape<7>, T>("dense", tol<T>(summed));
    check_layer<ly::dense<4, ly::kernel_init<cascade::init::glorot_uniform>, ly::no_bias>, shape<9>, T>("dense_no_bias", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference conv2d", T, float, double) {
    check_layer<ly::conv2d<4, ly::kernel<3>>, shape<7, 6, 3>, T>("conv2d_valid", tol<T>(summed));
    check_layer<ly::conv2d<5, ly::kernel<3>, padding::same>, shape<7, 6, 3>, T>("conv2d_same", tol<T>(summed));
    check_layer<ly::conv2d<3, ly::kernel<3>, ly::strides<2>, padding::same>, shape<7, 6, 2>, T>("conv2d_same_stride2", tol<T>(summed));
    check_layer<ly::conv2d<2, ly::kernel<4>, ly::strides<3>, padding::same>, shape<7, 6, 2>, T>("conv2d_same_k4_stride3", tol<T>(summed));
    check_layer<ly::conv2d<3, ly::kernel<3>, ly::strides<2>, ly::kernel_init<cascade::init::glorot_uniform>, ly::no_bias>, shape<7, 6, 3>, T>(
        "conv2d_valid_stride2_no_bias", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference pooling", T, float, double) {
    check_layer<ly::max_pool2d<2>, shape<7, 6, 3>, T>("max_pool2d_2", tol<T>(elementwise));
    check_layer<ly::max_pool2d<3, ly::strides<2>>, shape<7, 6, 3>, T>("max_pool2d_3_stride2", tol<T>(elementwise));
    check_layer<ly::avg_pool2d<2>, shape<7, 6, 3>, T>("avg_pool2d_2", tol<T>(summed));
    check_layer<ly::avg_pool2d<3, ly::strides<1>>, shape<7, 6, 3>, T>("avg_pool2d_3_stride1", tol<T>(summed));
    check_layer<ly::global_average_pooling2d<>, shape<4, 5, 3>, T>("global_average_pooling2d", tol<T>(summed));
    check_layer<ly::global_max_pooling2d<>, shape<4, 5, 3>, T>("global_max_pooling2d", tol<T>(elementwise));
    check_layer<ly::global_average_pooling1d<>, shape<7, 3>, T>("global_average_pooling1d", tol<T>(summed));
    check_layer<ly::global_max_pooling1d<>, shape<7, 3>, T>("global_max_pooling1d", tol<T>(elementwise));
}

TEST_CASE_TEMPLATE("reference activations", T, float, double) {
    using In = shape<4, 5>;
    check_layer<ly::relu, In, T>("relu", tol<T>(elementwise));
    check_layer<ly::leaky_relu<>, In, T>("leaky_relu", tol<T>(elementwise));
    check_layer<ly::leaky_relu<ratio<1, 100>>, In, T>("leaky_relu_0_01", tol<T>(elementwise));
    check_layer<ly::sigmoid, In, T>("sigmoid", tol<T>(elementwise));
    check_layer<ly::tanh, In, T>("tanh", tol<T>(elementwise));
    check_layer<ly::softmax, In, T>("softmax", tol<T>(elementwise));
    check_layer<ly::elu<>, In, T>("elu", tol<T>(elementwise));
    check_layer<ly::elu<ratio<1, 2>>, In, T>("elu_0_5", tol<T>(elementwise));
    check_layer<ly::selu, In, T>("selu", tol<T>(elementwise));
    check_layer<ly::softplus, In, T>("softplus", tol<T>(elementwise));
}

TEST_CASE_TEMPLATE("reference batch_norm training, moving statistics and inference", T, float, double) {
    // PyTorch updates the moving variance with the unbiased batch variance: unbiased_moving_variance.
    check_layer<ly::batch_norm<ly::unbiased_moving_variance>, shape<3, 4, 5>, T>("batch_norm_image", tol<T>(summed));
    check_layer<ly::batch_norm<ly::momentum<9, 10>, ly::epsilon<1, 100000>, ly::unbiased_moving_variance>, shape<6>, T>(
        "batch_norm_dense", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference spatial layers", T, float, double) {
    using In = shape<3, 4, 2>;
    check_layer<ly::upsampling2d<2>, In, T>("upsampling2d_nearest_2", tol<T>(elementwise));
    check_layer<ly::upsampling2d<3>, In, T>("upsampling2d_nearest_3", tol<T>(elementwise));
    check_layer<ly::upsampling2d<2, ly::interpolation::bilinear>, In, T>("upsampling2d_bilinear_2", tol<T>(elementwise));
    check_layer<ly::upsampling2d<3, ly::interpolation::bilinear>, In, T>("upsampling2d_bilinear_3", tol<T>(elementwise));
    check_layer<ly::zero_padding2d<1>, In, T>("zero_padding2d_1", tol<T>(elementwise));
    check_layer<ly::zero_padding2d<ly::dims<1, 2>>, In, T>("zero_padding2d_1_2", tol<T>(elementwise));
    check_layer<ly::zero_padding2d<ly::sides<0, 1>, ly::sides<2, 0>>, In, T>("zero_padding2d_0_1_2_0", tol<T>(elementwise));
    check_layer<ly::cropping2d<1>, shape<5, 6, 2>, T>("cropping2d_1", tol<T>(elementwise));
    check_layer<ly::cropping2d<ly::sides<1, 0>, ly::sides<2, 1>>, shape<5, 6, 2>, T>("cropping2d_1_0_2_1", tol<T>(elementwise));
    check_layer<ly::flatten, In, T>("flatten", tol<T>(elementwise));
}

TEST_CASE_TEMPLATE("reference residual blocks", T, float, double) {
    using cascade::net::residual;
    using cascade::net::residual_subtract;
    check_layer<residual<ly::dense<6>, ly::relu, ly::dense<6>>, shape<6>, T>("residual_dense", tol<T>(summed));
    check_layer<residual_subtract<ly::dense<6>, ly::relu, ly::dense<6>>, shape<6>, T>("residual_subtract_dense", tol<T>(summed));
}
