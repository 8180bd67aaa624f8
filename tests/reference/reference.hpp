#pragma once
// Helpers for the PyTorch reference tests: load a fixture case (tests/reference/fixtures/<case>/*.npy,
// written by make_reference.py), run the cascade layer / loss / optimizer on it and compare.
//
// Comparison: every element must satisfy |a − b| ≤ rtol·|b| + atol, b the float64 reference. On failure
// the worst element (the largest |a − b| / (rtol·|b| + atol)) is reported with its index and both values.
// Tolerances (README.md, "Tolerance policy"): float rtol 1e-5, double rtol 1e-12, each with the absolute
// floor given per case (for values that cancel to ≈ 0, where a relative bound means nothing).
#include <cascade/cascade.hpp>
#include <cascade/testing/npy.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace cascade::reference {

using backend::cpu;

struct tolerance {
    double rtol, atol;
};

// rtol 1e-5 in float and 1e-12 in double; the absolute floors are per case (float, double).
template <class T>
tolerance tol(double float_atol = 1e-6, double double_atol = 1e-13) {
    if constexpr (std::is_same_v<T, float>) return {1e-5, float_atol};
    else return {1e-12, double_atol};
}

inline testing::npy_array load(const std::string& case_name, const std::string& array) {
    return testing::read_npy(std::string(CASCADE_REFERENCE_DIR) + "/" + case_name + "/" + array + ".npy");
}

template <class Tensor>
Tensor load_as(const std::string& case_name, const std::string& array) {
    return load(case_name, array).template to<Tensor>();
}

// Compares n values of type T (row-major, of the given shape) with the reference array, element-wise.
// One instantiation per scalar type, the wrappers below only gather the shape: compile time matters
// (CI budget: a test executable compiles in under ~40 s).
template <class T>
void compare_values(const std::string& what, const T* a, const std::vector<std::size_t>& shape,
                    const testing::npy_array& ref, tolerance t) {
    INFO(what);
    REQUIRE_MESSAGE(shape == ref.shape, what << ": shape differs from the reference");
    double worst = 0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        const double b = ref.data[i], d = std::abs(double(a[i]) - b);
        const double ratio = d / (t.rtol * std::abs(b) + t.atol);
        if (!(ratio <= worst)) { worst = ratio; at = i; }   // also catches NaN
    }
    if (std::getenv("CASCADE_REFERENCE_REPORT")) {   // for setting tolerances: the observed errors
        double max_abs = 0, max_rel = 0;
        for (std::size_t i = 0; i < ref.size(); ++i) {
            const double d = std::abs(double(a[i]) - ref.data[i]);
            max_abs = std::max(max_abs, d);
            if (std::abs(ref.data[i]) > 1e-3) max_rel = std::max(max_rel, d / std::abs(ref.data[i]));
        }
        std::printf("%-48s %-6s max |diff| %.2e  max |diff|/|ref| (|ref| > 1e-3) %.2e  worst/allowed %.3f\n", what.c_str(),
                    sizeof(T) == 4 ? "float" : "double", max_abs, max_rel, worst);
    }
    std::ostringstream os;
    os.precision(17);
    os << what << ": worst element " << at << " of " << ref.size() << ": cascade " << double(a[at]) << ", reference "
       << ref.data[at] << ", |diff| " << std::abs(double(a[at]) - ref.data[at]) << " (rtol " << t.rtol << ", atol "
       << t.atol << ": " << worst << " of the allowed)";
    CHECK_MESSAGE(worst <= 1.0, os.str());
}

template <class A>
std::vector<std::size_t> shape_of(const A& a) {
    const auto& s = a.shape();
    return std::vector<std::size_t>(std::begin(s), std::end(s));
}

// Compares a (anything with data() and shape()) with the reference array <case>/<array>.npy.
template <class A>
void compare(const std::string& case_name, const std::string& array, const A& a, tolerance t) {
    compare_values(case_name + "/" + array, a.data(), shape_of(a), load(case_name, array), t);
}

inline bool fixture_exists(const std::string& case_name, const std::string& array) {
    return bool(std::ifstream(std::string(CASCADE_REFERENCE_DIR) + "/" + case_name + "/" + array + ".npy"));
}

// Copies fixture arrays <prefix>0, <prefix>1, ... into the tensors of a std::tie(...) tuple, in order;
// each must have the tensor's shape, and the fixture must hold no more of them (a fixture with a bias for
// a layer without one is a mismatch, not a pass).
template <class Tuple>
void assign_all(const std::string& case_name, const std::string& prefix, Tuple&& tensors) {
    std::size_t k = 0;
    std::apply([&](auto&... p) {
        ([&](auto& tensor) {
            const std::string name = prefix + std::to_string(k++);
            const testing::npy_array a = load(case_name, name);
            REQUIRE_MESSAGE(a.shape == shape_of(tensor), case_name << ": " << name << " has the wrong shape");
            std::copy(a.data.begin(), a.data.end(), tensor.data());
        }(p), ...);
    }, tensors);
    REQUIRE_MESSAGE(!fixture_exists(case_name, prefix + std::to_string(k)),
                    case_name << ": the fixture has more " << prefix << "* arrays than the layer has tensors (" << k << ")");
}

template <class Tuple>
void compare_all(const std::string& case_name, const std::string& prefix, Tuple&& tensors, tolerance t) {
    std::size_t k = 0;
    std::apply([&](auto&... p) { (compare(case_name, prefix + std::to_string(k++), p, t), ...); }, tensors);
}

template <class I>
constexpr bool has_nonempty_buffers() {
    if constexpr (layers::has_buffers<I>) return std::tuple_size_v<decltype(std::declval<I&>().buffers())> > 0;
    else return false;
}

// A layer L on samples of shape In in scalar type T: params from param_<k>, forward (training) → y,
// backward with dy → dx and grad_<k>; for layers with buffers (batch norm), buffers from buffer_in_<k>,
// compared with buffer_out_<k> after the forward, then an inference forward on x_infer → y_infer.
// Layers with an auxiliary loss (a kernel penalty, sampling's KL term) compare auxiliary_loss() after the
// forward with the fixture's auxiliary_loss, and their reference gradients are those of Σ y ⊙ dy +
// auxiliary_loss. `prepare(l)` runs before the forward (sampling: seed the layer's noise engine).
struct no_prepare {
    void operator()(auto&) const {}
};

template <class L, class In, class T, class Prepare = no_prepare>
void check_layer(const std::string& case_name, tolerance t, Prepare prepare = {}) {
    INFO("case " << case_name);
    using Out = layers::output_shape_of<L, In>;
    using X = host_tensor<T, In::rank + 1>;
    using Y = host_tensor<T, Out::rank + 1>;
    rng g(1);
    layers::layer_impl<L, In, cpu, T> l(g);
    prepare(l);
    assign_all(case_name, "param_", l.params());
    constexpr bool buffered = has_nonempty_buffers<decltype(l)>();
    if constexpr (buffered) assign_all(case_name, "buffer_in_", l.buffers());
    else REQUIRE_MESSAGE(!fixture_exists(case_name, "buffer_in_0"), case_name << ": the fixture has buffers, the layer none");

    const X x = load_as<X>(case_name, "x");
    REQUIRE_MESSAGE(x.shape() == batch_shape<In>(x.shape()[0]), case_name << ": x does not have the layer's sample shape");
    Y y;
    l.forward(x, y, mode::train);
    compare(case_name, "y", y, t);
    if constexpr (layers::has_auxiliary_loss<decltype(l)>) {
        const T aux = T(l.auxiliary_loss());
        compare_values(case_name + "/auxiliary_loss", &aux, {}, load(case_name, "auxiliary_loss"), t);
    } else {
        REQUIRE_MESSAGE(!fixture_exists(case_name, "auxiliary_loss"), case_name << ": the fixture has an auxiliary loss, the layer none");
    }
    const Y dy = load_as<Y>(case_name, "dy");
    X dx;
    l.backward(x, y, dy, &dx);
    compare(case_name, "dx", dx, t);
    compare_all(case_name, "grad_", l.grads(), t);

    if constexpr (buffered) {
        compare_all(case_name, "buffer_out_", l.buffers(), t);
        const X xi = load_as<X>(case_name, "x_infer");
        Y yi;
        l.forward(xi, yi, mode::infer);
        compare(case_name, "y_infer", yi, t);
    }
}

// A loss on (y, t): value and gradient; with `fused`, also the fused gradient through the final layer
// (y holds that layer's output, grad_z is the reference ∂value/∂z). With `weighted`, the per-sample
// weight overloads value(y, t, w), gradient(y, t, w, dy) and fused_gradient(p, t, w, dz), w from w.npy.
template <class T, std::size_t R = 2, class Loss>
void check_loss(const std::string& case_name, const Loss& loss, tolerance t, bool fused = false, bool weighted = false) {
    INFO("case " << case_name);
    using Y = host_tensor<T, R>;
    const Y y = load_as<Y>(case_name, "y"), target = load_as<Y>(case_name, "t");
    const host_tensor<T, 1> w = weighted ? load_as<host_tensor<T, 1>>(case_name, "w") : host_tensor<T, 1>{};
    const T value = T(weighted ? loss.value(y, target, w) : loss.value(y, target));
    compare_values(case_name + "/value", &value, {}, load(case_name, "value"), t);   // a 0-d array
    Y dy;
    if (weighted) loss.gradient(y, target, w, dy);
    else loss.gradient(y, target, dy);
    compare(case_name, "grad", dy, t);
    if constexpr (requires(Y& dz) { loss.fused_gradient(y, target, dz); }) {
        if (fused) {
            REQUIRE(loss.fused());
            Y dz;
            if (weighted) loss.fused_gradient(y, target, w, dz);
            else loss.fused_gradient(y, target, dz);
            compare(case_name, "grad_z", dz, t);
        }
    } else {
        REQUIRE_MESSAGE(!fused, case_name << ": the loss has no fused gradient");
    }
}

// An optimizer: from w_0, steps k = 1..steps with gradient g_k, compared with w_k after each.
template <class T, class Opt>
void check_optimizer(const std::string& case_name, Opt opt, tolerance t, int steps = 3) {
    INFO("case " << case_name);
    using W = host_tensor<T, 2>;
    W w = load_as<W>(case_name, "w_0");
    for (int k = 1; k <= steps; ++k) {
        const W grad = load_as<W>(case_name, "g_" + std::to_string(k));
        opt.begin_step();
        opt.update(0, w, grad);
        compare(case_name, "w_" + std::to_string(k), w, t);
    }
}

// A network trained with train::step: params from param_<k> and buffers from buffer_in_<k> (in the
// network's params() / buffers() order), then `steps` steps on the batch (x, t), comparing the returned
// loss with loss_<s> and the parameters and buffers with step<s>_param_<k> / step<s>_buffer_<k>.
template <class Net, class Loss, class Opt>
void check_training(const std::string& case_name, Net& net, const Loss& loss, Opt opt, tolerance t, int steps = 2) {
    INFO("case " << case_name);
    using T = typename Net::scalar_type;
    assign_all(case_name, "param_", net.params());
    assign_all(case_name, "buffer_in_", net.buffers());
    const auto x = load_as<typename Net::input_tensor>(case_name, "x");
    const auto target = load_as<typename Net::output_tensor>(case_name, "t");
    for (int s = 1; s <= steps; ++s) {
        const T value = train::step(net, loss, opt, x, target);
        const std::string step = "step" + std::to_string(s) + "_";
        compare_values(case_name + "/loss_" + std::to_string(s), &value, {}, load(case_name, "loss_" + std::to_string(s)), t);
        compare_all(case_name, step + "param_", net.params(), t);
        compare_all(case_name, step + "buffer_", net.buffers(), t);
    }
}

} // namespace cascade::reference
