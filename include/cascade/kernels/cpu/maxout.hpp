#pragma once
// Max over groups of `pieces` consecutive values (the pooling step of maxout):
//   y[r, u] = max_k z[r, u·pieces + k]          dz[r, u·pieces + k] = dy[r, u] if k is the arg-max, else 0
// The arg-max is the first maximal piece (ties go to the lowest k), recomputed from z in backward.
#include <cstddef>

namespace cascade::kernels::cpu {

template <class T>
void max_pieces_forward(std::size_t rows, std::size_t units, std::size_t pieces, const T* z, T* y) {
    for (std::size_t i = 0; i < rows * units; ++i) {
        const T* g = z + i * pieces;
        T m = g[0];
        for (std::size_t k = 1; k < pieces; ++k) m = g[k] > m ? g[k] : m;
        y[i] = m;
    }
}

template <class T>
void max_pieces_backward(std::size_t rows, std::size_t units, std::size_t pieces, const T* z, const T* dy, T* dz) {
    for (std::size_t i = 0; i < rows * units; ++i) {
        const T* g = z + i * pieces;
        std::size_t best = 0;
        for (std::size_t k = 1; k < pieces; ++k) best = g[k] > g[best] ? k : best;
        for (std::size_t k = 0; k < pieces; ++k) dz[i * pieces + k] = k == best ? dy[i] : T(0);
    }
}

} // namespace cascade::kernels::cpu
