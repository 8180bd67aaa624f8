#pragma once
// What the GPU test files share: whether a GPU (or the CPU emulator) is present, random tensors, and the
// largest difference between two results — on either backend.
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace gpu_test {

namespace cc = cascade;
namespace gpu = cascade::gpu;

// Whether a device is present; names it once in the test log.
inline bool have_gpu() {
    static const bool present = [] {
        const int n = gpu::device_count();
        if (n > 0) MESSAGE("GPU: ", gpu::device_name());
        return n > 0;
    }();
    return present;
}

template <class T, std::size_t R>
cc::host_tensor<T, R> random_tensor(const std::array<std::size_t, R>& shape, cc::rng& g, double lo = -1, double hi = 1) {
    cc::host_tensor<T, R> t(shape);
    for (auto& v : t) v = T(lo + (hi - lo) * cc::detail::uniform01(g));
    return t;
}

// n samples of `features` values in [−1, 1) and one-hot targets over `classes` (drawn in that order).
inline cc::data::dataset<float, 2, 2> random_classification(std::size_t n, std::size_t features, std::size_t classes, cc::rng& r) {
    cc::data::dataset<float, 2, 2> d;
    d.x = random_tensor<float, 2>({n, features}, r);
    d.y = cc::host_tensor<float, 2>(std::array<std::size_t, 2>{n, classes});
    d.y.fill(0);
    for (std::size_t i = 0; i < n; ++i) d.y(i, r() % classes) = 1;
    return d;
}

// A host view of a tensor of either backend.
template <class T, std::size_t R>
const cc::host_tensor<T, R>& host_copy(const cc::host_tensor<T, R>& t) {
    return t;
}
template <class T, std::size_t R>
cc::host_tensor<T, R> host_copy(const gpu::device_tensor<T, R>& t) {
    return gpu::to_host(t);
}

// max |a − b| over all elements (tensors of either backend, or anything with size() and data()).
template <class A, class B>
double max_abs_diff(const A& a, const B& b) {
    REQUIRE(a.size() == b.size());
    double m = 0;
    for (std::size_t i = 0; i < std::size_t(a.size()); ++i) m = std::max(m, std::abs(double(a.data()[i]) - double(b.data()[i])));
    return m;
}

// The largest weight difference between two networks of the same architecture (either backend).
template <class NetA, class NetB>
double max_param_difference(NetA& a, NetB& b) {
    std::vector<std::vector<double>> ha, hb;
    a.visit_params([&](std::size_t, auto& w, auto&) {
        const auto& h = host_copy(w);
        ha.emplace_back(h.begin(), h.end());
    });
    b.visit_params([&](std::size_t, auto& w, auto&) {
        const auto& h = host_copy(w);
        hb.emplace_back(h.begin(), h.end());
    });
    REQUIRE(ha.size() == hb.size());
    double m = 0;
    for (std::size_t k = 0; k < ha.size(); ++k) {
        REQUIRE(ha[k].size() == hb[k].size());
        for (std::size_t i = 0; i < ha[k].size(); ++i) m = std::max(m, std::abs(ha[k][i] - hb[k][i]));
    }
    return m;
}

} // namespace gpu_test

// Returns from the test case, with a message, where no GPU is present (the cuda/hip builds in CI).
#define REQUIRE_GPU_OR_SKIP()                                                 \
    if (!::gpu_test::have_gpu()) {                                            \
        MESSAGE("no GPU present: skipped (runs on the device machine)");     \
        return;                                                               \
    }
