// net::repeat (a chain written once, spliced N times), layers::named (user layer names) and run-time
// hyper-parameters (layers/hyperparameters.hpp): each against the equivalent network written out by hand
// or compiled with the other template value — same seed, bit-identical results.
#include <cascade/cascade.hpp>
#include <doctest/doctest.h>

#include <cstdio>
#include <sstream>
#include <string>

namespace cc = cascade;
namespace L = cc::layers;
namespace N = cc::net;
using cc::backend::cpu;
using cc::ratio;
using cc::shape;

namespace {
template <class Net>
cc::host_tensor<double, Net::input_shape::rank + 1> wave_input(std::size_t n) {
    cc::host_tensor<double, Net::input_shape::rank + 1> x(cc::batch_shape<typename Net::input_shape>(n));
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = std::sin(0.37 * double(i) + 0.1);
    return x;
}
template <class A, class B>
void check_same_weights(A& a, B& b) {
    std::vector<std::vector<double>> wa, wb;
    a.visit_params([&](std::size_t, auto& w, auto&) { wa.emplace_back(w.begin(), w.end()); });
    b.visit_params([&](std::size_t, auto& w, auto&) { wb.emplace_back(w.begin(), w.end()); });
    CHECK(wa == wb);
}
} // namespace

// --- repeat ----------------------------------------------------------------------------------------------

using repeated = N::sequential<shape<5>, N::repeat<3, L::dense<4>, L::relu>, L::dense<2>>;
using written_out = N::sequential<shape<5>, L::dense<4>, L::relu, L::dense<4>, L::relu, L::dense<4>, L::relu, L::dense<2>>;
using nested = N::sequential<shape<5>, N::repeat<2, N::repeat<2, L::dense<3>>, L::tanh>>;   // 2 × (2 dense + tanh)

static_assert(repeated::on<cpu, double>::depth == 7);
static_assert(std::is_same_v<repeated::shapes, written_out::shapes>);
static_assert(nested::on<cpu, double>::depth == 6);
static_assert(std::is_same_v<nested::on<cpu, double>::layer_type<5>, L::tanh>);

TEST_CASE("repeat<N, Layers...> is the chain written out N times") {
    repeated::on<cpu, double> a{7};
    written_out::on<cpu, double> b{7};
    check_same_weights(a, b);   // one engine, same draws in the same order
    const auto x = wave_input<decltype(a)>(4);
    CHECK(a.forward(x) == b.forward(x));
    std::ostringstream sa, sb;
    cc::summary(a, sa);
    cc::summary(b, sb);
    CHECK(sa.str() == sb.str());
    CHECK(sa.str().find("dense_4") != std::string::npos);
    CHECK(repeated::on<cpu, double>::layer_name(6) == "dense_6");
}

TEST_CASE("repeat inside a residual block (DnCNN's middle stages)") {
    using stage = N::repeat<4, L::conv2d<3, L::kernel<3>, L::padding::same, L::no_bias>, L::batch_norm<>, L::relu>;
    using a_t = N::sequential<shape<6, 5, 3>, N::residual_subtract<stage>>;
    using b_t = N::sequential<shape<6, 5, 3>, N::residual_subtract<
        L::conv2d<3, L::kernel<3>, L::padding::same, L::no_bias>, L::batch_norm<>, L::relu,
        L::conv2d<3, L::kernel<3>, L::padding::same, L::no_bias>, L::batch_norm<>, L::relu,
        L::conv2d<3, L::kernel<3>, L::padding::same, L::no_bias>, L::batch_norm<>, L::relu,
        L::conv2d<3, L::kernel<3>, L::padding::same, L::no_bias>, L::batch_norm<>, L::relu>>;
    a_t::on<cpu, double> a{3};
    b_t::on<cpu, double> b{3};
    CHECK(cc::count_params(a).trainable == 4 * (81 + 6));
    check_same_weights(a, b);
    const auto x = wave_input<decltype(a)>(2);
    CHECK(a.forward(x, cc::mode::train) == b.forward(x, cc::mode::train));
}

// --- named layers ----------------------------------------------------------------------------------------

using named_mlp = N::sequential<shape<4>, L::named<"hidden", L::dense<6>>, L::relu, L::dropout<ratio<1, 5>>,
                                L::named<"logits", L::dense<3>>, L::softmax>;

TEST_CASE("named layers: summary, lookup, weight files") {
    named_mlp::on<cpu, double> net{1};
    CHECK(net.layer_name(0) == "hidden");
    CHECK(net.layer_name(1) == "relu_1");
    CHECK(net.layer_name(3) == "logits");
    CHECK(net.layer_index("logits") == 3);
    CHECK(net.layer_index("dropout_2") == 2);
    CHECK_THROWS_WITH_AS(net.layer_index("fc9"), doctest::Contains("no layer is called 'fc9'"), cc::error);
    CHECK_THROWS_WITH_AS(net.layer_index("fc9"), doctest::Contains("hidden, relu_1, dropout_2, logits, softmax_4"), cc::error);
    std::ostringstream s;
    cc::summary(net, s);
    CHECK(s.str().find(" hidden ") != std::string::npos);
    CHECK(s.str().find(" logits ") != std::string::npos);
    // The names go into the weights file and are checked on load: an unnamed twin does not load it.
    const std::string path = std::string(CASCADE_TEST_DATA_DIR) + "/named_mlp.cw";
    cc::io::save_weights(net, path);
    named_mlp::on<cpu, double> back{99};
    cc::io::load_weights(back, path);
    check_same_weights(net, back);
    using unnamed = N::sequential<shape<4>, L::dense<6>, L::relu, L::dropout<ratio<1, 5>>, L::dense<3>, L::softmax>;
    unnamed::on<cpu, double> other{1};
    CHECK_THROWS_AS(cc::io::load_weights(other, path), cc::error);
    std::remove(path.c_str());
}

// --- run-time hyper-parameters ---------------------------------------------------------------------------

TEST_CASE("dropout rate set at run time = the rate compiled in") {
    using a_t = N::sequential<shape<40>, L::dense<40>, L::dropout<ratio<3, 10>>, L::dense<2>>;
    using b_t = N::sequential<shape<40>, L::dense<40>, L::dropout<ratio<1, 2>>, L::dense<2>>;
    a_t::on<cpu, double> a{5};
    b_t::on<cpu, double> b{5};
    CHECK(a.hyperparameter(1, "rate") == doctest::Approx(0.3));
    a.set_hyperparameter("dropout_1", "rate", 0.5);
    CHECK(a.hyperparameter("dropout_1", "rate") == 0.5);
    const auto x = wave_input<decltype(a)>(64);
    for (int step = 0; step < 3; ++step) CHECK(a.forward(x, cc::mode::train) == b.forward(x, cc::mode::train));
    // Rate 0: training is the identity (the layer copies).
    a.set_hyperparameter(1, "rate", 0.0);
    a.forward(x, cc::mode::train);
    const auto dense_out = a.output<0>();
    CHECK(a.output<1>() == dense_out);
}

TEST_CASE("batch-norm momentum and epsilon, leaky-relu and elu slopes, noise at run time") {
    using a_t = N::sequential<shape<3, 3, 2>, L::batch_norm<>, L::flatten, L::leaky_relu<>, L::elu<>, L::gaussian_noise<ratio<1, 10>>>;
    using b_t = N::sequential<shape<3, 3, 2>, L::batch_norm<L::momentum<1, 2>, L::epsilon<1, 100>>, L::flatten,
                              L::leaky_relu<ratio<1, 20>>, L::elu<ratio<1, 2>>, L::gaussian_noise<ratio<1, 4>>>;
    a_t::on<cpu, double> a{2};
    b_t::on<cpu, double> b{2};
    a.set_hyperparameter(0, "momentum", 0.5);
    a.set_hyperparameter(0, "epsilon", 0.01);
    a.set_hyperparameter(2, "alpha", 0.05);
    a.set_hyperparameter("elu_3", "alpha", 0.5);
    a.set_hyperparameter(4, "stddev", 0.25);
    const auto x = wave_input<decltype(a)>(5);
    CHECK(a.forward(x, cc::mode::train) == b.forward(x, cc::mode::train));
    CHECK(std::get<0>(a.buffers()) == std::get<0>(b.buffers()));   // moving mean after one momentum-0.5 update
    CHECK(std::get<1>(a.buffers()) == std::get<1>(b.buffers()));
    CHECK(a.forward(x, cc::mode::infer) == b.forward(x, cc::mode::infer));
}

TEST_CASE("bad hyper-parameters are errors that change nothing") {
    using net_t = N::sequential<shape<4>, L::dense<4>, L::dropout<ratio<1, 4>>, L::batch_norm<>>;
    net_t::on<cpu, double> net{1};
    CHECK_THROWS_WITH_AS(net.set_hyperparameter(1, "rate", 1.0), doctest::Contains("dropout_1: hyper-parameter 'rate' must be in [0, 1)"),
                         cc::error);
    CHECK_THROWS_WITH_AS(net.set_hyperparameter(2, "momentum", -0.1), doctest::Contains("must be in [0, 1]"), cc::error);
    CHECK_THROWS_WITH_AS(net.set_hyperparameter(2, "epsilon", 0.0), doctest::Contains("must be positive"), cc::error);
    CHECK(net.hyperparameter(1, "rate") == 0.25);
    CHECK(net.hyperparameter(2, "momentum") == doctest::Approx(0.99));
    CHECK_THROWS_WITH_AS(net.set_hyperparameter(1, "rte", 0.1), doctest::Contains("has no hyper-parameter 'rte' (it has: rate)"),
                         cc::error);
    CHECK_THROWS_WITH_AS(net.set_hyperparameter(0, "rate", 0.1), doctest::Contains("dense_0 has no hyper-parameter 'rate' (it has: none)"),
                         cc::error);
    CHECK_THROWS_WITH_AS(net.set_hyperparameter(7, "rate", 0.1), doctest::Contains("out of range"), cc::error);
    CHECK_THROWS_WITH_AS(net.hyperparameter(2, "gamma"), doctest::Contains("(it has: momentum, epsilon)"), cc::error);
}
