#pragma once
// Re-layout kernels on raw pointers: an axis permutation (layers::permute) and the repetition of each row
// along a new axis (layers::repeat_vector). Both are gathers; the geometry and the per-element index
// arithmetic are shared with the GPU kernels (kernels/gpu/layout.hpp), so both backends compute the same.
//   permute   y[i] = x[source(i)],  source(i) = Σ_k i_k · src_stride[k]  (i_k: i's coordinates in y)
//             its adjoint is the inverse permutation (layers/permute.hpp)
//   repeat    y[n, r, f] = x[n, f]  (r < reps)          adjoint  dx[n, f] = Σ_r dy[n, r, f], r ascending
#include "cascade/config.hpp"
#include "cascade/kernels/cpu/parallel.hpp"

#include <array>
#include <cstddef>

namespace cascade::kernels::cpu {

inline constexpr std::size_t max_permute_rank = 8;   // batch axis included

// y's shape and, per axis of y, the stride in x of the x axis it is.
struct permute_geometry {
    std::size_t rank = 0;
    std::size_t out[max_permute_rank] = {};
    std::size_t src_stride[max_permute_rank] = {};
    // The offset in x of y's element i (row-major in y).
    CASCADE_HOST_DEVICE std::size_t source(std::size_t i) const {
        std::size_t off = 0;
        for (std::size_t k = rank; k-- > 0;) {
            off += (i % out[k]) * src_stride[k];
            i /= out[k];
        }
        return off;
    }
};

// perm[k]: the axis of x that axis k of y is (a permutation of 0 … R − 1).
template <std::size_t R>
constexpr permute_geometry make_permute_geometry(const std::array<std::size_t, R>& x_shape, const std::array<std::size_t, R>& perm) {
    static_assert(R <= max_permute_rank, "permute: at most 8 axes (batch axis included)");
    permute_geometry g;
    g.rank = R;
    std::array<std::size_t, R> stride{};
    std::size_t s = 1;
    for (std::size_t a = R; a-- > 0;) {
        stride[a] = s;
        s *= x_shape[a];
    }
    for (std::size_t k = 0; k < R; ++k) {
        g.out[k] = x_shape[perm[k]];
        g.src_stride[k] = stride[perm[k]];
    }
    return g;
}

template <class T>
void permute(const permute_geometry& g, std::size_t n, const T* x, T* y) {
    parallel_for(n, 8192, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) y[i] = x[g.source(i)];
    });
}

// x (n, f) → y (n, reps, f).
template <class T>
void repeat_forward(std::size_t n, std::size_t reps, std::size_t f, const T* x, T* y) {
    parallel_for(n * reps * f, 8192, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) y[i] = x[(i / (reps * f)) * f + i % f];
    });
}

// The sum over r of dy (n, reps, f) for output element o = (n, f): the same function on both backends.
template <class T>
CASCADE_HOST_DEVICE T repeat_adjoint_at(std::size_t o, std::size_t reps, std::size_t f, const T* dy) {
    const std::size_t i = o / f, k = o % f;
    T acc = 0;
    for (std::size_t r = 0; r < reps; ++r) acc += dy[(i * reps + r) * f + k];
    return acc;
}

// dy (n, reps, f) → dx (n, f).
template <class T>
void repeat_backward(std::size_t n, std::size_t reps, std::size_t f, const T* dy, T* dx) {
    parallel_for(n * f, 4096, [&](std::size_t b, std::size_t e) {
        for (std::size_t o = b; o < e; ++o) dx[o] = repeat_adjoint_at(o, reps, f, dy);
    });
}

} // namespace cascade::kernels::cpu
