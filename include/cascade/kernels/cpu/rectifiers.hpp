#pragma once
// Rectifiers with parameters or options, on raw pointers (layers/prelu.hpp, layers/relu_with.hpp):
//   prelu      y = x if x > 0 else α_a x          dx = dy if x > 0 else α_a dy
//              dα_a = Σ_{n, m} (x ≤ 0 ? x dy : 0) over the batch n and the positions m that share α_a
//   relu_with  y = max_value                    if x ≥ max_value
//                  x                            if threshold < x < max_value
//                  negative_slope (x − threshold)  otherwise
//              dx = 0, dy or negative_slope · dy in the same three cases (Keras ReLU)
// The element functions and prelu's α indexing are shared with the GPU kernels (kernels/gpu/rectifiers.hpp).
#include "cascade/config.hpp"
#include "cascade/kernels/cpu/parallel.hpp"

#include <cstddef>

namespace cascade::kernels::cpu {

inline constexpr std::size_t max_prelu_rank = 8;   // sample axes

// Which α an element of a sample uses: the sample shape dims, with the shared axes (α shared along them)
// marked; α's shape is dims with 1 on the shared axes, row-major.
struct prelu_geometry {
    std::size_t rank = 0, sample = 1, alphas = 1;
    std::size_t dims[max_prelu_rank] = {};
    bool shared[max_prelu_rank] = {};
    // The α of element j of a sample (j < sample).
    CASCADE_HOST_DEVICE std::size_t alpha_index(std::size_t j) const {
        if (alphas == sample) return j;
        std::size_t a = 0, s = 1;
        for (std::size_t k = rank; k-- > 0;) {
            const std::size_t c = j % dims[k];
            j /= dims[k];
            if (!shared[k]) {
                a += c * s;
                s *= dims[k];
            }
        }
        return a;
    }
    // The m-th (m < sample / alphas) element of a sample that uses α a, in increasing order.
    CASCADE_HOST_DEVICE std::size_t element_of(std::size_t a, std::size_t m) const {
        std::size_t j = 0, s = 1;
        for (std::size_t k = rank; k-- > 0;) {
            std::size_t c;
            if (shared[k]) {
                c = m % dims[k];
                m /= dims[k];
            } else {
                c = a % dims[k];
                a /= dims[k];
            }
            j += c * s;
            s *= dims[k];
        }
        return j;
    }
};

// dα_a over a batch of n samples: n ascending, then the sharing elements ascending, in double.
template <class T>
CASCADE_HOST_DEVICE T prelu_alpha_gradient(const prelu_geometry& g, std::size_t a, std::size_t n, const T* x, const T* dy) {
    const std::size_t per = g.sample / g.alphas;
    double s = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t m = 0; m < per; ++m) {
            const std::size_t e = i * g.sample + g.element_of(a, m);
            if (!(x[e] > T(0))) s += double(x[e] * dy[e]);
        }
    return T(s);
}

template <class T>
void prelu_forward(const prelu_geometry& g, std::size_t size, const T* x, const T* alpha, T* y) {
    parallel_for(size, 8192, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) y[i] = x[i] > T(0) ? x[i] : alpha[g.alpha_index(i % g.sample)] * x[i];
    });
}
// Overwrites dalpha and, if dx, *dx.
template <class T>
void prelu_backward(const prelu_geometry& g, std::size_t size, const T* x, const T* alpha, const T* dy, T* dalpha, T* dx) {
    const std::size_t n = g.sample ? size / g.sample : 0;
    parallel_for(g.alphas, 16, [&](std::size_t b, std::size_t e) {
        for (std::size_t a = b; a < e; ++a) dalpha[a] = prelu_alpha_gradient(g, a, n, x, dy);
    });
    if (dx)
        parallel_for(size, 8192, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) dx[i] = x[i] > T(0) ? dy[i] : alpha[g.alpha_index(i % g.sample)] * dy[i];
        });
}

// Keras ReLU's three parameters (max_value = +∞ when there is none).
template <class T>
struct relu_params {
    T max_value, negative_slope, threshold;
    CASCADE_HOST_DEVICE T value(T x) const {
        return x >= max_value ? max_value : (x > threshold ? x : negative_slope * (x - threshold));
    }
    CASCADE_HOST_DEVICE T gradient(T x, T dy) const { return x >= max_value ? T(0) : (x > threshold ? dy : negative_slope * dy); }
};

template <class T>
void relu_with_forward(std::size_t n, const T* x, T* y, relu_params<T> p) {
    parallel_for(n, 8192, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) y[i] = p.value(x[i]);
    });
}
template <class T>
void relu_with_backward(std::size_t n, const T* x, const T* dy, T* dx, relu_params<T> p) {
    parallel_for(n, 8192, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) dx[i] = p.gradient(x[i], dy[i]);
    });
}

} // namespace cascade::kernels::cpu
