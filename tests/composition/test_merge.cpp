// The merge layers of net/merge.hpp — net::add, subtract, multiply, average, maximum, minimum and
// concatenate<Axis>: output shapes and shape rules at compile time; forward values against the branches
// run on their own and combined by hand; gradients (input and every branch's parameters) against finite
// differences in double; the tie and NaN rule of maximum/minimum; parameter order; penalties forwarded;
// training with train::step.
#include <cascade/cascade.hpp>
#include <cascade/testing/gradient_check.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string_view>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;
namespace N = cc::net;
using cc::backend::cpu;
using cc::shape;
using N::branch;

namespace {

// Three branches on (N, 5) that all give (N, 5): a dense layer, a small chain, the identity.
using b_dense = branch<L::dense<5>>;
using b_chain = branch<L::dense<3>, L::tanh, L::dense<5>>;
using add3 = N::add<b_dense, b_chain, branch<>>;
using sub2 = N::subtract<b_dense, b_chain>;
using mul3 = N::multiply<b_dense, b_chain, branch<>>;
using avg3 = N::average<b_dense, b_chain, branch<>>;
using max3 = N::maximum<b_dense, b_chain, branch<>>;
using min3 = N::minimum<b_dense, b_chain, branch<>>;

// Images (5, 3, 2): element-wise merges of convolutions, and joins on the height and width axes.
using b_conv3 = branch<L::conv2d<2, L::kernel<3>, L::padding::same>, L::tanh>;
using b_conv1 = branch<L::conv2d<2, L::kernel<1>>>;
using add_img = N::add<b_conv3, b_conv1, branch<>>;
using mul_img = N::multiply<b_conv3, b_conv1>;
using max_img = N::maximum<b_conv3, branch<>, b_conv1>;
using cat_h = N::concatenate<1, branch<L::conv2d<2, L::kernel<2, 1>>>, branch<>>;                   // (4|5, 3, 2)
using cat_w = N::concatenate<2, branch<L::conv2d<2, L::kernel<1, 2>>>, branch<>, b_conv3>;          // (5, 2|3|3, 2)
using cat_w_from_end = N::concatenate<-2, branch<L::conv2d<2, L::kernel<1, 2>>>, branch<>, b_conv3>;
using cat_c = N::concatenate<3, b_conv1, branch<>>;

template <class M, class In>
using out = cc::layers::output_shape_of<M, In>;

// --- shapes at compile time
static_assert(std::is_same_v<out<add3, shape<5>>, shape<5>>);
static_assert(std::is_same_v<out<sub2, shape<5>>, shape<5>>);
static_assert(std::is_same_v<out<mul3, shape<5>>, shape<5>>);
static_assert(std::is_same_v<out<avg3, shape<5>>, shape<5>>);
static_assert(std::is_same_v<out<max3, shape<5>>, shape<5>>);
static_assert(std::is_same_v<out<min3, shape<5>>, shape<5>>);
static_assert(std::is_same_v<out<add_img, shape<5, 3, 2>>, shape<5, 3, 2>>);
static_assert(std::is_same_v<out<cat_h, shape<5, 3, 2>>, shape<9, 3, 2>>);
static_assert(std::is_same_v<out<cat_w, shape<5, 3, 2>>, shape<5, 8, 2>>);
static_assert(std::is_same_v<out<cat_w_from_end, shape<5, 3, 2>>, shape<5, 8, 2>>);
static_assert(std::is_same_v<out<cat_c, shape<5, 3, 2>>, shape<5, 3, 4>>);
// A vector branch (N, 3) next to the identity (N, 4): -1 and 1 are the same axis.
static_assert(std::is_same_v<out<N::concatenate<-1, branch<L::dense<3>>, branch<>>, shape<4>>, shape<7>>);
static_assert(std::is_same_v<out<N::concatenate<1, branch<L::dense<3>>, branch<>>, shape<4>>, shape<7>>);
// net::concat is concatenate<-1> under its own name.
static_assert(std::is_same_v<out<N::concat<b_conv1, branch<>>, shape<5, 3, 2>>, out<cat_c, shape<5, 3, 2>>>);
// Element-wise merges need equal shapes: no broadcasting, no different widths, no rank changes.
static_assert(!N::add<branch<L::dense<4>>, branch<>>::accepts<shape<5>>);
static_assert(!N::subtract<branch<L::dense<4>>, branch<>>::accepts<shape<5>>);
static_assert(!N::multiply<branch<>, branch<L::dense<1>>>::accepts<shape<5>>);
static_assert(!N::average<branch<>, branch<>, branch<L::dense<6>>>::accepts<shape<5>>);
static_assert(!N::maximum<branch<L::flatten>, branch<>>::accepts<shape<5, 3, 2>>);
static_assert(!N::minimum<branch<L::conv2d<2, L::kernel<3>>>, b_conv1>::accepts<shape<5, 3, 2>>);   // (3, 1) vs (5, 3)
// concatenate: equal on every axis but Axis, and Axis a sample axis.
static_assert(!N::concatenate<1, branch<L::conv2d<2, L::kernel<1, 2>>>, branch<>>::accepts<shape<5, 3, 2>>);   // W differs
static_assert(!N::concatenate<-1, branch<L::conv2d<2, L::kernel<1, 2>>>, branch<>>::accepts<shape<5, 3, 2>>);
static_assert(!N::concatenate<0, branch<>, branch<>>::accepts<shape<4>>);    // the batch axis
static_assert(!N::concatenate<2, branch<>, branch<>>::accepts<shape<4>>);    // past the last axis
static_assert(!N::concatenate<-2, branch<>, branch<>>::accepts<shape<4>>);
static_assert(!N::concatenate<1, branch<L::flatten>, branch<>>::accepts<shape<5, 3, 2>>);   // ranks differ
// Keras' names (summary rows).
static_assert(std::string_view(add3::name) == "add" && std::string_view(sub2::name) == "subtract" &&
              std::string_view(mul3::name) == "multiply" && std::string_view(avg3::name) == "average" &&
              std::string_view(max3::name) == "maximum" && std::string_view(min3::name) == "minimum" &&
              std::string_view(cat_h::name) == "concatenate" && std::string_view(N::concat<branch<>>::name) == "concat");

// The sample shape each merge under test takes.
template <class M>
struct input_of {
    using type = shape<5>;
};
template <class M>
    requires(std::is_same_v<M, add_img> || std::is_same_v<M, mul_img> || std::is_same_v<M, max_img> || std::is_same_v<M, cat_h> ||
             std::is_same_v<M, cat_w> || std::is_same_v<M, cat_c>)
struct input_of<M> {
    using type = shape<5, 3, 2>;
};

template <class T, std::size_t R>
cc::host_tensor<T, R> filled_sin(const std::array<std::size_t, R>& s, double phase) {
    cc::host_tensor<T, R> x(s);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = T(std::sin(phase + 1.3 * double(i)));
    return x;
}

// Branch i's output on its own: the branch's network run again, or x for branch<>.
template <class Runner, class X>
X run_alone(Runner& b, const X& x) {
    if constexpr (requires { b.f; }) {
        X y = b.f.forward(x);
        return y;
    } else {
        return x;
    }
}
template <class M, class X>
std::vector<X> branch_outputs(M& m, const X& x) {
    std::vector<X> parts;
    std::apply([&](auto&... b) { (parts.push_back(run_alone(b, x)), ...); }, m.branches);
    return parts;
}

// Same shape and the same values (a bool, so that doctest does not print tensors).
template <class A, class B>
bool identical(const A& a, const B& b) {
    return a.shape() == b.shape() && std::equal(a.begin(), a.end(), b.begin());
}

// Small random offsets on every parameter (biases start at zero).
template <class M>
void perturb(M& m, cc::rng& g) {
    std::apply([&](auto&... p) {
        ((std::for_each(p.begin(), p.end(), [&](double& v) { v += 0.1 * (2 * cc::detail::uniform01(g) - 1); })), ...);
    }, m.params());
}

} // namespace

TEST_CASE("element-wise merges: forward equals the branches run on their own, combined by hand") {
    const auto x = filled_sin<double, 2>({3, 5}, 0.4);
    cc::rng g(3);
    auto run = [&](auto merge_tag, auto combine) {
        using M = typename decltype(merge_tag)::type;
        cc::layers::layer_impl<M, shape<5>, cpu, double> m(g);
        perturb(m, g);
        cc::host_tensor<double, 2> y;
        m.forward(x, y, cc::mode::infer);
        REQUIRE(y.shape()[0] == 3);
        REQUIRE(y.shape()[1] == 5);
        const auto parts = branch_outputs(m, x);
        for (std::size_t i = 0; i < y.size(); ++i) {
            std::vector<double> v;
            for (const auto& p : parts) v.push_back(p.data()[i]);
            CHECK(y.data()[i] == combine(v));   // the same operations in the same order: exact
        }
        // The first branch by hand: x · W + b.
        auto& d = std::get<0>(m.branches).f.template layer<0>();
        for (std::size_t j = 0; j < 5; ++j) {
            double s = d.b(j);
            for (std::size_t i = 0; i < 5; ++i) s += x(2, i) * d.w(i, j);
            CHECK(parts[0](2, j) == doctest::Approx(s).epsilon(1e-14));
        }
        return m.op;
    };
    struct tag_add { using type = add3; };
    struct tag_sub { using type = sub2; };
    struct tag_mul { using type = mul3; };
    struct tag_avg { using type = avg3; };
    struct tag_max { using type = max3; };
    struct tag_min { using type = min3; };
    run(tag_add{}, [](const std::vector<double>& v) { return v[0] + v[1] + v[2]; });
    run(tag_sub{}, [](const std::vector<double>& v) { return v[0] - v[1]; });
    run(tag_mul{}, [](const std::vector<double>& v) { return v[0] * v[1] * v[2]; });
    run(tag_avg{}, [](const std::vector<double>& v) { return (v[0] + v[1] + v[2]) / 3; });
    const auto mx = run(tag_max{}, [](const std::vector<double>& v) { return std::max({v[0], v[1], v[2]}); });
    const auto mn = run(tag_min{}, [](const std::vector<double>& v) { return std::min({v[0], v[1], v[2]}); });
    // Every branch wins somewhere (the arg record is not trivially 0).
    for (double k : {0.0, 1.0, 2.0}) {
        CHECK(std::count(mx.arg.begin(), mx.arg.end(), k) > 0);
        CHECK(std::count(mn.arg.begin(), mn.arg.end(), k) > 0);
    }
}

TEST_CASE("concatenate on the height and the width axis of an image: forward by hand") {
    const auto x = filled_sin<double, 4>({2, 5, 3, 2}, 0.1);
    cc::rng g(5);
    {   // Axis 1 (height): (4, 3, 2) ‖ (5, 3, 2) → (9, 3, 2)
        cc::layers::layer_impl<cat_h, shape<5, 3, 2>, cpu, double> m(g);
        perturb(m, g);
        cc::host_tensor<double, 4> y;
        m.forward(x, y, cc::mode::infer);
        const auto p = branch_outputs(m, x);
        REQUIRE(y.shape() == std::array<std::size_t, 4>{2, 9, 3, 2});
        for (std::size_t n = 0; n < 2; ++n)
            for (std::size_t h = 0; h < 9; ++h)
                for (std::size_t w = 0; w < 3; ++w)
                    for (std::size_t c = 0; c < 2; ++c)
                        CHECK(y(n, h, w, c) == (h < 4 ? p[0](n, h, w, c) : x(n, h - 4, w, c)));
    }
    {   // Axis 2 (width), and -2 the same: (5, 2, 2) ‖ (5, 3, 2) ‖ (5, 3, 2) → (5, 8, 2)
        cc::layers::layer_impl<cat_w, shape<5, 3, 2>, cpu, double> m(g);
        perturb(m, g);
        cc::host_tensor<double, 4> y, y2;
        m.forward(x, y, cc::mode::infer);
        const auto p = branch_outputs(m, x);
        REQUIRE(y.shape() == std::array<std::size_t, 4>{2, 5, 8, 2});
        for (std::size_t n = 0; n < 2; ++n)
            for (std::size_t h = 0; h < 5; ++h)
                for (std::size_t w = 0; w < 8; ++w)
                    for (std::size_t c = 0; c < 2; ++c)
                        CHECK(y(n, h, w, c) == (w < 2 ? p[0](n, h, w, c) : w < 5 ? p[1](n, h, w - 2, c) : p[2](n, h, w - 5, c)));
        cc::rng g2(5);
        cc::layers::layer_impl<cat_w_from_end, shape<5, 3, 2>, cpu, double> m2(g2);
        std::apply([&](auto&... d) { std::apply([&](auto&... s) { ((d = s), ...); }, m.params()); }, m2.params());
        m2.forward(x, y2, cc::mode::infer);
        CHECK(identical(y2, y));
    }
}

TEST_CASE_TEMPLATE("merge gradients against finite differences (double)", M, add3, sub2, mul3, avg3, max3, min3, add_img, mul_img,
                   max_img, cat_h, cat_w, cat_c) {
    using In = typename input_of<M>::type;
    using Out = out<M, In>;
    cc::rng g(11);
    cc::layers::layer_impl<M, In, cpu, double> l(g);
    perturb(l, g);
    cc::host_tensor<double, In::rank + 1> x(cc::batch_shape<In>(3));
    for (auto& v : x) v = 2 * cc::detail::uniform01(g) - 1;
    if constexpr (requires { l.op.arg; }) {
        // maximum/minimum: no branch values within 1e-3 of the kept one, so that h = 1e-4 never changes
        // which branch is kept (distinct values; the tie rule is tested below).
        cc::host_tensor<double, Out::rank + 1> y;
        l.forward(x, y, cc::mode::train);
        const auto parts = branch_outputs(l, x);
        double gap = 1e9;
        for (std::size_t i = 0; i < y.size(); ++i)
            for (std::size_t k = 0; k < parts.size(); ++k)
                if (double(k) != l.op.arg.data()[i]) gap = std::min(gap, std::abs(parts[k].data()[i] - y.data()[i]));
        REQUIRE(gap > 1e-3);
    }
    const auto r = cc::testing::check_gradients<cc::host_tensor<double, Out::rank + 1>>(l, x);
    CHECK(r.input < 1e-6);
    CHECK(r.params < 1e-6);
    CHECK(std::tuple_size_v<decltype(l.params())> > 0);
}

TEST_CASE_TEMPLATE("maximum and minimum: ties go to the first branch, a NaN is kept", M, N::maximum<branch<L::dense<3>>, branch<L::dense<3>>>,
                   N::minimum<branch<L::dense<3>>, branch<L::dense<3>>>) {
    cc::rng g(2);
    cc::layers::layer_impl<M, shape<4>, cpu, double> m(g);
    perturb(m, g);
    auto& d0 = std::get<0>(m.branches).f.template layer<0>();
    auto& d1 = std::get<1>(m.branches).f.template layer<0>();
    d1.w = d0.w;   // both branches compute the same values: a tie everywhere
    d1.b = d0.b;
    const auto x = filled_sin<double, 2>({3, 4}, 0.2);
    const auto dy = filled_sin<double, 2>({3, 3}, 1.7);
    cc::host_tensor<double, 2> y, dx;
    m.forward(x, y, cc::mode::train);
    m.backward(x, y, dy, &dx);
    // A lone dense layer with the same weights: its output, dW, db and dx.
    cc::layers::layer_impl<L::dense<3>, shape<4>, cpu, double> lone(g);
    lone.w = d0.w;
    lone.b = d0.b;
    cc::host_tensor<double, 2> y1, dx1;
    lone.forward(x, y1, cc::mode::train);
    lone.backward(x, y1, dy, &dx1);
    CHECK(identical(y, y1));
    CHECK(identical(dx, dx1));
    CHECK(identical(d0.dw, lone.dw));
    CHECK(identical(d0.db, lone.db));
    CHECK(std::all_of(d1.dw.begin(), d1.dw.end(), [](double v) { return v == 0; }));
    CHECK(std::all_of(d1.db.begin(), d1.db.end(), [](double v) { return v == 0; }));

    // The kernels' rule on its own: the first NaN is kept (and gets the gradient); ties keep the first.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    cc::host_tensor<double, 2> f0(std::array<std::size_t, 2>{1, 4}), f1(std::array<std::size_t, 2>{1, 4}), v, arg, route;
    f0(0, 0) = 1, f0(0, 1) = nan, f0(0, 2) = 2, f0(0, 3) = -1;
    f1(0, 0) = nan, f1(0, 1) = 3, f1(0, 2) = 2, f1(0, 3) = 5;
    const bool is_min = std::string_view(M::name) == "minimum";
    cc::kernels::extremum_merge_step(f0, 0, v, arg, is_min);
    cc::kernels::extremum_merge_step(f1, 1, v, arg, is_min);
    CHECK(std::isnan(v(0, 0)));
    CHECK(arg(0, 0) == 1);
    CHECK(std::isnan(v(0, 1)));
    CHECK(arg(0, 1) == 0);
    CHECK(v(0, 2) == 2);
    CHECK(arg(0, 2) == 0);
    CHECK(v(0, 3) == (is_min ? -1 : 5));
    CHECK(arg(0, 3) == (is_min ? 0 : 1));
    cc::host_tensor<double, 2> g4(std::array<std::size_t, 2>{1, 4});
    g4.fill(7);
    cc::kernels::route_by_index(g4, arg, 1, route);
    CHECK(route(0, 0) == 7);
    CHECK(route(0, 1) == 0);
    CHECK(route(0, 2) == 0);
    CHECK(route(0, 3) == (is_min ? 0 : 7));
}

TEST_CASE("merge parameters come in branch order - penalties inside branches count in the loss") {
    using M = N::add<branch<L::dense<3>>, branch<>, branch<L::dense<4>, L::dense<3>>>;
    cc::rng g(4);
    cc::layers::layer_impl<M, shape<2>, cpu, double> m(g);
    auto p = m.params();
    static_assert(std::tuple_size_v<decltype(p)> == 6);
    auto& a = std::get<0>(m.branches).f.layer<0>();
    auto& b0 = std::get<2>(m.branches).f.layer<0>();
    auto& b1 = std::get<2>(m.branches).f.layer<1>();
    CHECK(&std::get<0>(p) == &a.w);
    CHECK(&std::get<1>(p) == &a.b);
    CHECK(&std::get<2>(p) == &b0.w);
    CHECK(&std::get<4>(p) == &b1.w);
    CHECK(&std::get<5>(m.grads()) == &b1.db);

    using reg_dense = L::regularized<L::dense<3>, cc::regularizers::l2<cc::ratio<1, 10>>>;
    using model = N::sequential<shape<3>, N::multiply<branch<reg_dense>, branch<>>, N::maximum<branch<>, branch<reg_dense>>,
                                N::subtract<branch<>, branch<reg_dense>>, L::dense<1>>;
    model::on<cpu, double> net{2};
    static_assert(N::has_auxiliary_losses<decltype(net)>());
    double expected = 0;
    auto add = [&](const auto& w) {
        for (double v : w) expected += 0.1 * v * v;
    };
    add(std::get<0>(net.layer<0>().branches).f.layer<0>().inner.w);
    add(std::get<1>(net.layer<1>().branches).f.layer<0>().inner.w);
    add(std::get<1>(net.layer<2>().branches).f.layer<0>().inner.w);
    CHECK(N::regularization_loss(net) == doctest::Approx(expected).epsilon(1e-12));
}

TEST_CASE("a network of merges trains with train::step and is summarised") {
    // A projection shortcut (add), a gated unit (multiply), maximum, average with the identity, and a
    // join on the feature axis spelled concatenate<1>.
    using model = N::sequential<shape<4>, N::add<branch<L::dense<8>, L::tanh, L::dense<8>>, branch<L::dense<8>>>, L::relu,
                                N::multiply<branch<L::dense<6>, L::sigmoid>, branch<L::dense<6>>>,
                                N::maximum<branch<L::dense<5>>, branch<L::dense<5>>>,
                                N::average<branch<>, branch<L::dense<5>, L::tanh>>,
                                N::concatenate<1, branch<>, branch<L::dense<2>>>, L::dense<1>>;
    model::on<cpu, float> net{6};
    std::ostringstream os;
    cc::summary(net, os);
    for (const char* row : {"add_0", "multiply_2", "maximum_3", "average_4", "concatenate_5"})
        CHECK(os.str().find(row) != std::string::npos);
    CHECK(cc::count_params(net).trainable ==
          (4 * 8 + 8) + (8 * 8 + 8) + (4 * 8 + 8) + 2 * (8 * 6 + 6) + 2 * (6 * 5 + 5) + (5 * 5 + 5) + (5 * 2 + 2) + (7 + 1));

    const std::size_t n = 64;
    cc::host_tensor<float, 2> x(std::array<std::size_t, 2>{n, 4}), t(std::array<std::size_t, 2>{n, 1});
    cc::rng g(9);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < 4; ++j) x(i, j) = float(2 * cc::detail::uniform01(g) - 1);
        t(i, 0) = x(i, 0) * x(i, 1) + std::sin(2 * x(i, 2)) - 0.5f * x(i, 3);
    }
    cc::optimizers::adam opt{{.lr = 0.01}};
    const cc::losses::mse loss;
    const float first = cc::train::step(net, loss, opt, x, t);
    float last = first;
    for (int s = 0; s < 300; ++s) last = cc::train::step(net, loss, opt, x, t);
    CHECK(last < 0.05f * first);
}
