#pragma once
// The element-wise activations of keras.activations that have no parameter tensor, one functor per
// formula (layers/gelu.hpp, swish.hpp, hard_sigmoid.hpp, hard_swish.hpp, softsign.hpp, exponential.hpp,
// mish.hpp; Keras 3 formulas):
//   gelu_term{false}   y = ½ x (1 + erf(x/√2))                     y' = Φ(x) + x φ(x)
//   gelu_term{true}    y = ½ x (1 + tanh(u)), u = √(2/π)(x + 0.044715 x³)
//                      y' = ½ (1 + t) + ½ x (1 − t²) √(2/π)(1 + 3·0.044715 x²),  t = tanh u
//   swish_term         y = x σ(x)                                  y' = σ(x) (1 + x (1 − σ(x)))
//   hard_sigmoid_term  y = relu6(x + 3) / 6                        y' = 1/6 on (−3, 3), else 0
//   hard_swish_term    y = x relu6(x + 3) / 6                      y' = 0 (x ≤ −3), 1 (x ≥ 3), (2x + 3)/6
//   softsign_term      y = x / (1 + |x|)                           y' = 1 / (1 + |x|)²
//   exponential_term   y = e^x                                     y' = y
//   mish_term          y = x tanh(softplus(x))                     y' = t + x σ(x)(1 − t²),  t = tanh softplus x
// with σ(x) = 1/(1 + e^−x) and softplus(x) = max(x, 0) + log1p(e^−|x|) (no overflow).
// Each functor has value(x) and gradient(x, y, dy) = dy · y'(x) (y = value(x)), templates over the value
// type V: a float or double (CASCADE_HOST_DEVICE: the GPU's grid-stride kernel, kernels/gpu/pointwise.hpp)
// or an xsimd batch (the CPU's vectorised driver, kernels/cpu/pointwise.hpp), so both evaluate the same
// formula. pw_math names the scalar functions (std on the host, the vendor's global overloads under nvcc /
// hipcc) and forwards the batch ones to xsimd; where(c, a, b) is c ? a : b for either.
// The boundaries of the piecewise gradients (x = ±3) get the one-sided value TensorFlow's relu6 gradient
// gives: 0 outside the open interval.
#include "cascade/config.hpp"
#include "cascade/tensor/simd.hpp"

#include <cmath>
#include <type_traits>

// nvcc checks that a __host__ __device__ function calls no host-only one even in instantiations only the
// host uses (the xsimd batches): this disables that check for the functor templates below, which the GPU
// kernels instantiate with float and double only. clang (hipcc) defers the check to device code itself.
// CASCADE_HD_CHECK_OFF goes before the template head.
#if defined(__CUDACC__) && !defined(__clang__)
#define CASCADE_HD_CHECK_OFF _Pragma("nv_exec_check_disable")
#else
#define CASCADE_HD_CHECK_OFF
#endif

namespace cascade::kernels {

namespace pw_math {
#if defined(__CUDACC__) || defined(__HIP__)
using ::erf;
using ::exp;
using ::fabs;
using ::log1p;
using ::tanh;
#else
using std::erf;
using std::exp;
using std::fabs;
using std::log1p;
using std::tanh;
#endif
template <class T>
    requires std::is_arithmetic_v<T>
CASCADE_HOST_DEVICE T where(bool c, T a, T b) { return c ? a : b; }
template <class T>
    requires std::is_arithmetic_v<T>
CASCADE_HOST_DEVICE T max(T a, T b) { return a < b ? b : a; }
template <class T>
    requires std::is_arithmetic_v<T>
CASCADE_HOST_DEVICE T min(T a, T b) { return b < a ? b : a; }

template <class T, class A> xsimd::batch<T, A> erf(const xsimd::batch<T, A>& v) { return xsimd::erf(v); }
template <class T, class A> xsimd::batch<T, A> exp(const xsimd::batch<T, A>& v) { return xsimd::exp(v); }
template <class T, class A> xsimd::batch<T, A> fabs(const xsimd::batch<T, A>& v) { return xsimd::abs(v); }
template <class T, class A> xsimd::batch<T, A> log1p(const xsimd::batch<T, A>& v) { return xsimd::log1p(v); }
template <class T, class A> xsimd::batch<T, A> tanh(const xsimd::batch<T, A>& v) { return xsimd::tanh(v); }
template <class T, class A>
xsimd::batch<T, A> where(const xsimd::batch_bool<T, A>& c, const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b) {
    return xsimd::select(c, a, b);
}
template <class T, class A> xsimd::batch<T, A> max(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b) { return xsimd::max(a, b); }
template <class T, class A> xsimd::batch<T, A> min(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b) { return xsimd::min(a, b); }

// The scalar type of V (V itself, or a batch's value_type).
template <class V>
struct scalar_of {
    using type = V;
};
template <class T, class A>
struct scalar_of<xsimd::batch<T, A>> {
    using type = T;
};
// The constant c as a V (rounded to V's scalar type first).
CASCADE_HD_CHECK_OFF
template <class V>
CASCADE_HOST_DEVICE V k(double c) { return V(typename scalar_of<V>::type(c)); }

CASCADE_HD_CHECK_OFF
template <class V>
CASCADE_HOST_DEVICE V sigmoid(V x) { return k<V>(1) / (k<V>(1) + pw_math::exp(-x)); }
CASCADE_HD_CHECK_OFF
template <class V>
CASCADE_HOST_DEVICE V softplus(V x) { return pw_math::max(x, k<V>(0)) + pw_math::log1p(pw_math::exp(-pw_math::fabs(x))); }
} // namespace pw_math
namespace pwm = pw_math;   // qualified calls: no argument-dependent lookup of xsimd's overloads

struct gelu_term {
    bool approximate = false;
    static constexpr double inv_sqrt2 = 0.70710678118654752440084436210485;
    static constexpr double inv_sqrt_2pi = 0.39894228040143267793994605993438;
    static constexpr double sqrt_2_over_pi = 0.79788456080286535587989211986876;
    static constexpr double a = 0.044715;
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V value(V x) const {
        if (approximate) return pwm::k<V>(0.5) * x * (pwm::k<V>(1) + pwm::tanh(pwm::k<V>(sqrt_2_over_pi) * (x + pwm::k<V>(a) * x * x * x)));
        return pwm::k<V>(0.5) * x * (pwm::k<V>(1) + pwm::erf(x * pwm::k<V>(inv_sqrt2)));
    }
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V gradient(V x, V, V dy) const {
        if (approximate) {
            const V t = pwm::tanh(pwm::k<V>(sqrt_2_over_pi) * (x + pwm::k<V>(a) * x * x * x));
            return dy * (pwm::k<V>(0.5) * (pwm::k<V>(1) + t) +
                         pwm::k<V>(0.5) * x * (pwm::k<V>(1) - t * t) * pwm::k<V>(sqrt_2_over_pi) * (pwm::k<V>(1) + pwm::k<V>(3 * a) * x * x));
        }
        return dy * (pwm::k<V>(0.5) * (pwm::k<V>(1) + pwm::erf(x * pwm::k<V>(inv_sqrt2))) + x * pwm::k<V>(inv_sqrt_2pi) * pwm::exp(pwm::k<V>(-0.5) * x * x));
    }
};

struct swish_term {
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V value(V x) const { return x * pwm::sigmoid(x); }
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V gradient(V x, V, V dy) const {
        const V s = pwm::sigmoid(x);
        return dy * s * (pwm::k<V>(1) + x * (pwm::k<V>(1) - s));
    }
};

struct hard_sigmoid_term {
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V value(V x) const {
        return pwm::min(pwm::max(x + pwm::k<V>(3), pwm::k<V>(0)), pwm::k<V>(6)) / pwm::k<V>(6);
    }
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V gradient(V x, V, V dy) const {
        return pwm::where((x > pwm::k<V>(-3)) && (x < pwm::k<V>(3)), dy / pwm::k<V>(6), pwm::k<V>(0));
    }
};

struct hard_swish_term {
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V value(V x) const {
        return x * (pwm::min(pwm::max(x + pwm::k<V>(3), pwm::k<V>(0)), pwm::k<V>(6)) / pwm::k<V>(6));
    }
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V gradient(V x, V, V dy) const {
        const V inner = (pwm::k<V>(2) * x + pwm::k<V>(3)) / pwm::k<V>(6);
        return dy * pwm::where(x >= pwm::k<V>(3), pwm::k<V>(1), pwm::where(x > pwm::k<V>(-3), inner, pwm::k<V>(0)));
    }
};

struct softsign_term {
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V value(V x) const { return x / (pwm::k<V>(1) + pwm::fabs(x)); }
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V gradient(V x, V, V dy) const {
        const V d = pwm::k<V>(1) + pwm::fabs(x);
        return dy / (d * d);
    }
};

struct exponential_term {
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V value(V x) const { return pwm::exp(x); }
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V gradient(V, V y, V dy) const { return dy * y; }
};

struct mish_term {
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V value(V x) const { return x * pwm::tanh(pwm::softplus(x)); }
    CASCADE_HD_CHECK_OFF
    template <class V>
    CASCADE_HOST_DEVICE V gradient(V x, V, V dy) const {
        const V t = pwm::tanh(pwm::softplus(x));
        return dy * (t + x * pwm::sigmoid(x) * (pwm::k<V>(1) - t * t));
    }
};

} // namespace cascade::kernels
