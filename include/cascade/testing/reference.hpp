#pragma once
// Naive reference implementations (plain loops, double accumulation) that tests compare kernels with.
#include <cstddef>

namespace cascade::testing {

// C = alpha · op(A) · op(B) + beta · C, row-major, same contract as kernels::cpu::gemm.
template <class T>
void reference_gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a,
                    std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            double s = 0;
            for (std::size_t p = 0; p < k; ++p)
                s += double(ta ? a[p * lda + i] : a[i * lda + p]) * double(tb ? b[j * ldb + p] : b[p * ldb + j]);
            c[i * ldc + j] = T(alpha * s + (beta == T(0) ? 0.0 : double(beta) * double(c[i * ldc + j])));
        }
}

} // namespace cascade::testing
