// Composite pieces against PyTorch (fixtures from make_reference.py): layers::regularized (penalty as the
// auxiliary loss, its gradient added to the kernel's), layers::sampling (the VAE reparameterization with
// cascade's own draw, reproduced by the script, and the KL term's gradient), net::concat and
// net::multi_input against torch.cat-based modules.
#include "reference.hpp"

namespace ly = cascade::layers;
namespace rg = cascade::regularizers;
namespace cn = cascade::net;
using cascade::host_tensor;
using cascade::ratio;
using cascade::shape;
using cascade::reference::check_layer;
using cascade::reference::compare;
using cascade::reference::load_as;
using cascade::reference::tol;

// Absolute floors in float (README.md, "Tolerance policy").
constexpr double elementwise = 1e-6, summed = 1e-5;

// The seed of the sampling fixtures' ε (make_reference.py, SAMPLING_SEED).
constexpr std::uint64_t sampling_seed = 20240917;

TEST_CASE_TEMPLATE("reference regularized dense", T, float, double) {
    check_layer<ly::regularized<ly::dense<4>, rg::l2<>>, shape<6>, T>("regularized_dense_l2", tol<T>(summed));
    check_layer<ly::regularized<ly::dense<4>, rg::l1<ratio<1, 20>>>, shape<6>, T>("regularized_dense_l1", tol<T>(summed));
    check_layer<ly::regularized<ly::dense<4>, rg::l1_l2<ratio<1, 50>, ratio<3, 100>>>, shape<6>, T>("regularized_dense_l1_l2",
                                                                                                   tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference sampling with a fixed draw", T, float, double) {
    auto seeded = [](auto& l) { l.engine.seed(sampling_seed); };
    for (const char* c : {"sampling", "sampling_beta_0_25"}) {
        INFO("case " << c);
        // y, auxiliary_loss (β·KL) and dx (reparameterization + β·∂KL) through check_layer, then the draw
        // itself and the inference output (μ).
        auto run = [&]<class S, class In>() {
            check_layer<S, In, T>(c, tol<T>(elementwise), seeded);
            cascade::rng g(1);
            ly::layer_impl<S, In, cascade::backend::cpu, T> l(g);
            seeded(l);
            const auto x = load_as<host_tensor<T, 2>>(c, "x");
            host_tensor<T, 2> y;
            l.forward(x, y, cascade::mode::train);
            compare(c, "eps", l.eps, tol<T>(elementwise));
            l.forward(x, y, cascade::mode::infer);
            compare(c, "y_infer", y, tol<T>(elementwise));
        };
        if (std::string(c) == "sampling") run.template operator()<ly::sampling<>, shape<6>>();
        else run.template operator()<ly::sampling<ratio<1, 4>>, shape<8>>();
    }
}

TEST_CASE_TEMPLATE("reference concat", T, float, double) {
    check_layer<cn::concat<cn::branch<ly::dense<3>, ly::tanh>, cn::branch<ly::dense<2, ly::kernel_init<cascade::init::glorot_uniform>, ly::no_bias>>,
                           cn::branch<>>,
                shape<5>, T>("concat_dense_identity", tol<T>(summed));
    check_layer<cn::concat<cn::branch<ly::conv2d<3, ly::kernel<1>>>, cn::branch<ly::conv2d<2, ly::kernel<3>, ly::padding::same>, ly::relu>, cn::branch<>>,
                shape<5, 4, 2>, T>("concat_conv2d", tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference multi_input", T, float, double) {
    using net_t = cn::multi_input<cn::inputs<cn::sequential<shape<4>, ly::dense<3>, ly::relu>, cn::sequential<shape<2>, ly::dense<2>>>,
                                  ly::dense<2>>;
    const std::string c = "multi_input_dense";
    INFO("case " << c);
    typename net_t::template on<cascade::backend::cpu, T> net{1};
    cascade::reference::assign_all(c, "param_", net.params());
    using X = host_tensor<T, 2>;
    const X x0 = load_as<X>(c, "x0"), x1 = load_as<X>(c, "x1"), dy = load_as<X>(c, "dy");
    compare(c, "y", net.forward(std::tie(x0, x1), cascade::mode::train), tol<T>(summed));
    X dx0, dx1;
    net.backward(dy, std::tuple{&dx0, &dx1});
    compare(c, "dx0", dx0, tol<T>(summed));
    compare(c, "dx1", dx1, tol<T>(summed));
    cascade::reference::compare_all(c, "grad_", net.grads(), tol<T>(summed));
}

TEST_CASE_TEMPLATE("reference training steps with global gradient clipping and with a KL term and a penalty", T, float, double) {
    namespace co = cascade::optimizers;
    namespace cl = cascade::losses;
    using clipped_net = cn::sequential<shape<4>, ly::dense<5>, ly::tanh, ly::dense<3>>;
    typename clipped_net::template on<cascade::backend::cpu, T> a{1};
    cascade::reference::check_training("model_dense_clipped_sgd", a, cl::mse{},
                                       co::clipped<co::sgd>{{.lr = 0.1, .momentum = 0.9}, {.global_clipnorm = 0.3}},
                                       tol<T>(summed));

    // The reported loss is mse + the kernel penalty + the KL term; the sampling layer (layer 1) draws from
    // its engine seeded as in the script, a new ε in each step.
    using vae = cn::sequential<shape<4>, ly::regularized<ly::dense<6>, rg::l2<>>, ly::sampling<>, ly::dense<3>>;
    typename vae::template on<cascade::backend::cpu, T> b{1};
    b.template layer<1>().engine.seed(sampling_seed);
    cascade::reference::check_training("model_vae_sgd", b, cl::mse{}, co::sgd{{.lr = 0.1, .momentum = 0.9}}, tol<T>(summed));
}
