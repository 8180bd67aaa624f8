#pragma once
// The element-wise terms f(y, t) and ∂f/∂y of the element-wise losses (kernels/loss.hpp, losses/*.hpp),
// and loss_factors (per-sample weights, per-element mask). The terms are plain structs whose value /
// derivative are callable from host and device code (CASCADE_HOST_DEVICE), so the CPU loop of
// kernels::elementwise_loss_value and the GPU kernel of kernels/gpu/elementwise_loss.hpp evaluate the
// same formulas. They use no std:: calls device code cannot make: term_math names the std overloads on
// the host (the same functions, bit for bit) and the vendor's global overloads under nvcc / hipcc;
// clamp and max are spelled as std::clamp / std::max define them ((a < b) ? b : a), NaNs included.
#include "cascade/config.hpp"

#include <cmath>
#include <cstddef>

namespace cascade::kernels {

namespace term_math {
#if defined(__CUDACC__) || defined(__HIP__)
using ::exp;
using ::fabs;
using ::log;
using ::log1p;
#else
using std::exp;
using std::fabs;
using std::log;
using std::log1p;
#endif
template <class T>
CASCADE_HOST_DEVICE T clamp(T v, T lo, T hi) { return v < lo ? lo : (hi < v ? hi : v); }
template <class T>
CASCADE_HOST_DEVICE T max(T a, T b) { return a < b ? b : a; }
} // namespace term_math

// Optional factors of an element-wise loss: per-sample weights (N values, Keras sample_weight) and a
// per-element mask (mask_size = numel: one value per element; mask_size = numel / N: one sample's mask,
// broadcast over the batch). On the GPU backend both point to device memory.
template <class T, class M = float>
struct loss_factors {
    const T* sample_weight = nullptr;
    const M* mask = nullptr;
    std::size_t mask_size = 0;
};

struct squared_error {
    CASCADE_HOST_DEVICE double value(double y, double t) const { return (y - t) * (y - t); }
    template <class T> CASCADE_HOST_DEVICE T derivative(T y, T t) const { return T(2) * (y - t); }
};
struct absolute_error {   // ∂|x|/∂x = sign x, 0 at x = 0 (TensorFlow's choice)
    CASCADE_HOST_DEVICE double value(double y, double t) const { return term_math::fabs(y - t); }
    template <class T> CASCADE_HOST_DEVICE T derivative(T y, T t) const { return y > t ? T(1) : (y < t ? T(-1) : T(0)); }
};
struct huber_error {      // ½x² for |x| ≤ δ, else δ|x| − ½δ²  (x = y − t)
    double delta = 1;
    CASCADE_HOST_DEVICE double value(double y, double t) const {
        const double x = term_math::fabs(y - t);
        return x <= delta ? 0.5 * x * x : delta * x - 0.5 * delta * delta;
    }
    template <class T> CASCADE_HOST_DEVICE T derivative(T y, T t) const {
        const T x = y - t, d = T(delta);
        return x > d ? d : (x < -d ? -d : x);
    }
};
struct binary_crossentropy_term {
    bool from_logits = false;
    double eps = 1e-7;   // probabilities are clipped to [ε, 1 − ε] like Keras
    CASCADE_HOST_DEVICE double value(double y, double t) const {
        namespace m = term_math;
        if (from_logits) return m::max(y, 0.0) - y * t + m::log1p(m::exp(-m::fabs(y)));   // stable for any z
        const double q = m::clamp(y, eps, 1 - eps);
        return -(t * m::log(q) + (1 - t) * m::log(1 - q));
    }
    template <class T> CASCADE_HOST_DEVICE T derivative(T y, T t) const {
        if (from_logits) return T(1) / (T(1) + term_math::exp(-y)) - t;
        const T q = term_math::clamp(y, T(eps), T(1) - T(eps));
        return (q - t) / (q * (T(1) - q));
    }
};
// dz_i = c_i (p_i − t_i) / D: a masked / weighted binary cross-entropy fused with its final sigmoid.
struct difference_term {
    template <class T> CASCADE_HOST_DEVICE T derivative(T p, T t) const { return p - t; }
};

} // namespace cascade::kernels
