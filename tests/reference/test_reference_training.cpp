// Losses and optimizers against PyTorch (fixtures from make_reference.py): loss values, gradients and the
// fused gradients through a final softmax / sigmoid; optimizer weights after each of three steps (Adam in
// Keras' ε placement, computed by the script).
#include "reference.hpp"

// The headers under test (not all of them are in cascade/cascade.hpp yet).
#include <cascade/losses/huber.hpp>
#include <cascade/losses/kl_divergence.hpp>
#include <cascade/losses/mae.hpp>
#include <cascade/losses/masked.hpp>
#include <cascade/optimizers/adadelta.hpp>
#include <cascade/optimizers/adagrad.hpp>
#include <cascade/optimizers/adamax.hpp>
#include <cascade/optimizers/rmsprop.hpp>

namespace cl = cascade::losses;
namespace co = cascade::optimizers;
using cascade::reference::check_loss;
using cascade::reference::check_optimizer;
using cascade::reference::tol;

// Absolute floors in float (README.md, "Tolerance policy"): losses and optimizer steps are a few rounded
// operations per element (the loss values are summed in double by cascade).
constexpr double elementwise = 1e-6;

TEST_CASE_TEMPLATE("reference losses", T, float, double) {
    check_loss<T>("mse", cl::mse{}, tol<T>(elementwise));
    check_loss<T>("categorical_crossentropy", cl::categorical_crossentropy{}, tol<T>(elementwise), true);
    check_loss<T>("categorical_crossentropy_logits", cl::categorical_crossentropy{.from_logits = true}, tol<T>(elementwise));
    check_loss<T>("binary_crossentropy", cl::binary_crossentropy{}, tol<T>(elementwise), true);
    check_loss<T>("binary_crossentropy_logits", cl::binary_crossentropy{.from_logits = true}, tol<T>(elementwise));
}

TEST_CASE_TEMPLATE("reference losses mae, huber, kl_divergence, masked", T, float, double) {
    check_loss<T>("mae", cl::mae{}, tol<T>(elementwise));
    check_loss<T>("huber", cl::huber<>{}, tol<T>(elementwise));
    check_loss<T>("huber_0_5", cl::huber<cascade::ratio<1, 2>>{}, tol<T>(elementwise));
    check_loss<T>("kl_divergence", cl::kl_divergence{}, tol<T>(elementwise));
    // The mask is one sample's (4, 2), broadcast over the batch; the loss holds a view of it.
    const auto mask = cascade::reference::load_as<cascade::host_tensor<float, 2>>("masked_mse", "mask");
    cl::masked<cl::mse> masked;
    masked.set_mask(mask);
    check_loss<T, 3>("masked_mse", masked, tol<T>(elementwise));
}

TEST_CASE_TEMPLATE("reference losses with per-sample weights", T, float, double) {
    check_loss<T>("mse_weighted", cl::mse{}, tol<T>(elementwise), false, true);
    check_loss<T>("categorical_crossentropy_weighted", cl::categorical_crossentropy{}, tol<T>(elementwise), true, true);
    check_loss<T>("binary_crossentropy_weighted", cl::binary_crossentropy{}, tol<T>(elementwise), true, true);
}

TEST_CASE_TEMPLATE("reference optimizers", T, float, double) {
    check_optimizer<T>("sgd", co::sgd{{.lr = 0.1}}, tol<T>(elementwise));
    check_optimizer<T>("sgd_momentum", co::sgd{{.lr = 0.1, .momentum = 0.9}}, tol<T>(elementwise));
    check_optimizer<T>("sgd_nesterov", co::sgd{{.lr = 0.1, .momentum = 0.9, .nesterov = true}}, tol<T>(elementwise));
    check_optimizer<T>("sgd_momentum_weight_decay", co::sgd{{.lr = 0.1, .momentum = 0.8, .weight_decay = 0.01}}, tol<T>(elementwise));
    check_optimizer<T>("adam", co::adam{{.lr = 0.01}}, tol<T>(elementwise));
    check_optimizer<T>("adam_eps_large", co::adam{{.lr = 0.01, .epsilon = 0.1}}, tol<T>(elementwise));
    check_optimizer<T>("adamw", co::adam{{.lr = 0.01, .weight_decay = 0.05}}, tol<T>(elementwise));
}

TEST_CASE_TEMPLATE("reference optimizers adagrad, adadelta, rmsprop, adamax", T, float, double) {
    // torch.optim.Adagrad puts ε outside the root (tf.keras 2's form): epsilon_outside_root.
    check_optimizer<T>("adagrad", co::adagrad{{.lr = 0.1, .initial_accumulator_value = 0.1, .epsilon = 1e-7, .epsilon_outside_root = true}},
                       tol<T>(elementwise));
    check_optimizer<T>("adagrad_torch_defaults",
                       co::adagrad{{.lr = 0.01, .initial_accumulator_value = 0.0, .epsilon = 1e-10, .epsilon_outside_root = true}},
                       tol<T>(elementwise));
    check_optimizer<T>("adadelta_keras", co::adadelta{{.lr = 1.0, .rho = 0.95, .epsilon = 1e-7}}, tol<T>(elementwise));
    check_optimizer<T>("adadelta_torch_defaults", co::adadelta{{.lr = 1.0, .rho = 0.9, .epsilon = 1e-6}}, tol<T>(elementwise));
    check_optimizer<T>("rmsprop", co::rmsprop{{.lr = 0.01}}, tol<T>(elementwise));
    check_optimizer<T>("rmsprop_momentum_centered", co::rmsprop{{.lr = 0.01, .momentum = 0.5, .centered = true}}, tol<T>(elementwise));
    check_optimizer<T>("rmsprop_torch_defaults", co::rmsprop{{.lr = 0.01, .rho = 0.99, .epsilon = 1e-8}}, tol<T>(elementwise));
    check_optimizer<T>("rmsprop_eps_large", co::rmsprop{{.lr = 0.01, .epsilon = 0.1}}, tol<T>(elementwise));
    check_optimizer<T>("adamax", co::adamax{{.lr = 0.01}}, tol<T>(elementwise));
    check_optimizer<T>("adamax_eps_large", co::adamax{{.lr = 0.01, .epsilon = 0.1}}, tol<T>(elementwise));
}

TEST_CASE_TEMPLATE("reference training steps of a small CNN with batch norm and a fused softmax", T, float, double) {
    namespace ly = cascade::layers;
    // PyTorch updates the moving variance with the unbiased batch variance: unbiased_moving_variance.
    using cnn = cascade::net::sequential<cascade::shape<6, 5, 2>, ly::conv2d<3, ly::kernel<3>, ly::padding::same>,
                                         ly::batch_norm<ly::unbiased_moving_variance>,
                                         ly::relu, ly::max_pool2d<2>, ly::flatten, ly::dense<4>, ly::softmax>;
    typename cnn::template on<cascade::backend::cpu, T> net{1};
    cascade::reference::check_training("model_cnn_sgd", net, cl::categorical_crossentropy{}, co::sgd{{.lr = 0.1, .momentum = 0.9}},
                                       tol<T>(1e-5));
}
