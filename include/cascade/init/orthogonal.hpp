#pragma once
// orthogonal: a random matrix with orthonormal rows or columns (Keras Orthogonal(gain=1), the default
// recurrent_kernel initializer of LSTM and GRU; PyTorch nn.init.orthogonal_).
//   Saxe, McClelland & Ganguli, "Exact solutions to the nonlinear dynamics of learning in deep linear
//   neural networks", ICLR 2014.
// The parameter is read as a rows × cols matrix with rows = fan_in and cols = n / fan_in (dense and
// recurrent kernels (I, O), conv kernels flattened to (kh·kw·C_in, C_out), as Keras does). Like Keras:
// draw A ~ N(0, 1) of shape (max, min) with max = max(rows, cols), min = min(rows, cols); Q of A = QR has
// orthonormal columns; the result is Q, or Qᵀ when rows < cols (then the ROWS are orthonormal, e.g. the
// (U, 4U) recurrent kernel of an LSTM: W·Wᵀ = I). Q comes from modified Gram–Schmidt, applied twice
// ("twice is enough", Giraud et al. 2005) for orthogonality to rounding; Gram–Schmidt gives R a positive
// diagonal, which is exactly Keras' sign correction q ·= sign(diag(r)), so the distribution is Haar.
// The random stream is this library's (detail::standard_normal), not TensorFlow's: same distribution,
// different numbers.
#include "cascade/init/initializers.hpp"

#include <cmath>
#include <cstddef>
#include <vector>

namespace cascade::init {

struct orthogonal {
    static constexpr const char* name = "orthogonal";
    template <class T>
    static void fill(T* p, std::size_t n, std::size_t fan_in, std::size_t, rng& g) {
        if (n == 0) return;
        const std::size_t rows = fan_in == 0 ? 1 : fan_in, cols = n / rows;
        const std::size_t big = rows > cols ? rows : cols, small = rows > cols ? cols : rows;
        // q[k·big + i]: column k of the (big × small) matrix, drawn in row-major order of A like Keras.
        std::vector<double> q(big * small);
        for (std::size_t i = 0; i < big; ++i)
            for (std::size_t k = 0; k < small; ++k) q[k * big + i] = detail::standard_normal(g);
        for (std::size_t k = 0; k < small; ++k) {
            double* v = q.data() + k * big;
            for (int pass = 0; pass < 2; ++pass)
                for (std::size_t j = 0; j < k; ++j) {
                    const double* e = q.data() + j * big;
                    double d = 0;
                    for (std::size_t i = 0; i < big; ++i) d += e[i] * v[i];
                    for (std::size_t i = 0; i < big; ++i) v[i] -= d * e[i];
                }
            double norm = 0;
            for (std::size_t i = 0; i < big; ++i) norm += v[i] * v[i];
            norm = std::sqrt(norm);
            for (std::size_t i = 0; i < big; ++i) v[i] /= norm;
        }
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c)
                p[r * cols + c] = T(rows >= cols ? q[c * big + r] : q[r * big + c]);
    }
};

} // namespace cascade::init
