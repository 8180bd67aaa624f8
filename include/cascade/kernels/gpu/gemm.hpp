#pragma once
// GPU GEMM, row-major like kernels/cpu/gemm.hpp:  C = α · op(A) · op(B) + β · C,  op(X) = X or Xᵀ,
// C (M, N), op(A) (M, K), op(B) (K, N); the three forms a layer needs are A·B (forward), Aᵀ·B (weight
// gradient) and A·Bᵀ (input gradient). Then an epilogue per output element (bias, activation), so a
// dense layer's y = relu(x·W + b) is one launch.
//
// Classic shared-memory tiling with register blocking (Volkov & Demmel 2008; the CUTLASS "threadblock
// tile / thread tile" hierarchy): a block computes a BM×BN tile of C in steps of BK along K; each step
// stages op(A)[BM×BK] and op(B)[BK×BN] in shared memory (A transposed, so both are read along the tile's
// contiguous axis), and each of the (BM/TM)·(BN/TN) threads accumulates a TM×TN sub-tile in registers.
// Out-of-range rows/columns load zeros and are not stored, so any M, N, K works.
// Tiles: 128×128×8 with 8×8 per thread for large products, 64×64×8 with 4×4 for small ones (more blocks).
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/gpu/column_sums.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"

namespace cascade::gpu {

namespace epilogue {
struct none {
    template <class T>
    __device__ T operator()(T v, std::size_t, std::size_t) const { return v; }
};
template <class T>
struct bias {   // v + b[col]
    const T* b;
    __device__ T operator()(T v, std::size_t, std::size_t col) const { return v + b[col]; }
};
template <class T>
struct bias_relu {   // max(v + b[col], 0)
    const T* b;
    __device__ T operator()(T v, std::size_t, std::size_t col) const {
        v += b[col];
        return v > T(0) ? v : T(0);
    }
};
} // namespace epilogue

template <class T, int BM, int BN, int BK, int TM, int TN, bool TA, bool TB, class Epilogue>
__global__ void __launch_bounds__((BM / TM) * (BN / TN))
gemm_tiled_kernel(std::size_t M, std::size_t N, std::size_t K, T alpha, const T* __restrict__ A, std::size_t lda,
                  const T* __restrict__ B, std::size_t ldb, T beta, T* __restrict__ C, std::size_t ldc, Epilogue ep) {
    constexpr int threads = (BM / TM) * (BN / TN);
    __shared__ T As[BK][BM];
    __shared__ T Bs[BK][BN];
    const int tid = int(threadIdx.x);
    const int ty = tid / (BN / TN), tx = tid % (BN / TN);
    const std::size_t m0 = std::size_t(blockIdx.y) * BM, n0 = std::size_t(blockIdx.x) * BN;

    T acc[TM][TN];
    for (int i = 0; i < TM; ++i)
        for (int j = 0; j < TN; ++j) acc[i][j] = T(0);

    for (std::size_t k0 = 0; k0 < K; k0 += BK) {
        // Stage op(A)[m0.., k0..] as As[k][m]; consecutive threads read consecutive addresses of A.
        for (int i = tid; i < BM * BK; i += threads) {
            const int m = TA ? i % BM : i / BK, k = TA ? i / BM : i % BK;
            const std::size_t gm = m0 + std::size_t(m), gk = k0 + std::size_t(k);
            As[k][m] = (gm < M && gk < K) ? (TA ? A[gk * lda + gm] : A[gm * lda + gk]) : T(0);
        }
        for (int i = tid; i < BK * BN; i += threads) {
            const int n = TB ? i / BK : i % BN, k = TB ? i % BK : i / BN;
            const std::size_t gn = n0 + std::size_t(n), gk = k0 + std::size_t(k);
            Bs[k][n] = (gn < N && gk < K) ? (TB ? B[gn * ldb + gk] : B[gk * ldb + gn]) : T(0);
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < BK; ++k) {
            T a[TM], b[TN];
#pragma unroll
            for (int i = 0; i < TM; ++i) a[i] = As[k][ty * TM + i];
#pragma unroll
            for (int j = 0; j < TN; ++j) b[j] = Bs[k][tx * TN + j];
#pragma unroll
            for (int i = 0; i < TM; ++i)
#pragma unroll
                for (int j = 0; j < TN; ++j) acc[i][j] += a[i] * b[j];
        }
        __syncthreads();
    }
    for (int i = 0; i < TM; ++i) {
        const std::size_t row = m0 + std::size_t(ty * TM + i);
        if (row >= M) break;
        for (int j = 0; j < TN; ++j) {
            const std::size_t col = n0 + std::size_t(tx * TN + j);
            if (col >= N) break;
            T v = alpha * acc[i][j];
            if (beta != T(0)) v += beta * C[row * ldc + col];
            C[row * ldc + col] = ep(v, row, col);
        }
    }
}

template <class T, int BM, int BN, int BK, int TM, int TN, class Epilogue>
void gemm_launch(bool ta, bool tb, std::size_t M, std::size_t N, std::size_t K, T alpha, const T* A, std::size_t lda,
    const T* B, std::size_t ldb, T beta, T* C, std::size_t ldc, Epilogue ep) {
    const dim3 grid(unsigned((N + BN - 1) / BN), unsigned((M + BM - 1) / BM));
    const dim3 block((BM / TM) * (BN / TN));
    if (!ta && !tb) launch("gemm", gemm_tiled_kernel<T, BM, BN, BK, TM, TN, false, false, Epilogue>, grid, block, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ep);
    else if (ta && !tb) launch("gemm", gemm_tiled_kernel<T, BM, BN, BK, TM, TN, true, false, Epilogue>, grid, block, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ep);
    else if (!ta && tb) launch("gemm", gemm_tiled_kernel<T, BM, BN, BK, TM, TN, false, true, Epilogue>, grid, block, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ep);
    else launch("gemm", gemm_tiled_kernel<T, BM, BN, BK, TM, TN, true, true, Epilogue>, grid, block, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ep);
}

// The raw-pointer entry, same argument order as cpu::gemm.
template <class T, class Epilogue = epilogue::none>
void gemm(bool ta, bool tb, std::size_t M, std::size_t N, std::size_t K, T alpha, const T* A, std::size_t lda, const T* B,
          std::size_t ldb, T beta, T* C, std::size_t ldc, Epilogue ep = {}) {
    if (M == 0 || N == 0) return;
    // Large products: 128×128 tiles; otherwise 64×64 so that small layers still fill the GPU's SMs.
    if (M >= 1024 && N >= 1024)
        gemm_launch<T, 128, 128, 8, 8, 8>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ep);
    else
        gemm_launch<T, 64, 64, 8, 4, 4>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ep);
}

} // namespace cascade::gpu

namespace cascade::kernels {

// Dense layer on device tensors (kernels/linear.hpp's contract): y = x·W + b; dW = xᵀ·dy, db = Σ_N dy,
// dx = dy·Wᵀ. The bias rides in the GEMM's epilogue.
template <class T>
void dense_forward(const gpu::device_tensor<T, 2>& x, const gpu::device_tensor<T, 2>& w, const gpu::device_tensor<T, 1>* b,
                   gpu::device_tensor<T, 2>& y) {
    const std::size_t n = x.shape()[0], in = x.shape()[1], out = w.shape()[1];
    ensure_shape(y, std::array{n, out});
    if (b) gpu::gemm(false, false, n, out, in, T(1), x.data(), in, w.data(), out, T(0), y.data(), out, gpu::epilogue::bias<T>{b->data()});
    else gpu::gemm(false, false, n, out, in, T(1), x.data(), in, w.data(), out, T(0), y.data(), out);
}

template <class T>
void dense_backward(const gpu::device_tensor<T, 2>& x, const gpu::device_tensor<T, 2>& dy, const gpu::device_tensor<T, 2>& w,
                    gpu::device_tensor<T, 2>& dw, gpu::device_tensor<T, 1>* db, gpu::device_tensor<T, 2>* dx) {
    const std::size_t n = x.shape()[0], in = x.shape()[1], out = w.shape()[1];
    gpu::gemm(true, false, in, out, n, T(1), x.data(), in, dy.data(), out, T(0), dw.data(), out);
    if (db) sum_rows(dy, *db);
    if (dx) {
        ensure_shape(*dx, std::array{n, in});
        gpu::gemm(false, true, n, in, out, T(1), dy.data(), out, w.data(), out, T(0), dx->data(), in);
    }
}

} // namespace cascade::kernels
