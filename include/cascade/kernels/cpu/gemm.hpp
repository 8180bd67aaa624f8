#pragma once
// gemm: cache-blocked, packed matrix multiply C = alpha·op(A)·op(B) + beta·C for float and double,
// row-major, on the CPU. It is the work-horse of dense layers and of im2col convolutions.
//
// Structure (Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication";
// Van Zee & van de Geijn 2015, "BLIS: a framework for rapidly instantiating BLAS functionality"):
//
//   for jc in n step NC              B panel  kc×nc  packed once, shared by all threads   (L3)
//     for pc in k step KC
//       pack op(B)[pc, jc] into NR-wide micro-panels
//       for ic in m step MC          A block  mc×kc  packed per thread                    (L2)
//         pack op(A)[ic, pc] into MR-tall micro-panels
//         for jr in nc step NR       B micro-panel kc×NR stays in L1 across the ir loop
//           for ir in mc step MR     micro-kernel: MR×NR block of C in registers, kc rank-1 FMA updates
//
// Packing makes both operands unit-stride in the order the micro-kernel reads them, so the three
// storage forms (A·B, Aᵀ·B, A·Bᵀ, Aᵀ·Bᵀ) cost the same and transposes are never materialised.
// Edge micro-panels are zero-padded; an edge tile of C goes through a small aligned tile on the stack.
//
// Micro-kernel (register blocking, chosen by measurement, see bench/README-gemm.md):
//   AVX-512 (32 zmm): MR=14 × NR=2 vectors (28 accumulators + 2 B vectors + 1 broadcast)
//   AVX2 / SSE (16 registers): MR=6 × NR=2 vectors (12 accumulators + 2 B vectors + 1 broadcast)
// Blocking: KC·NR·sizeof(T) (B micro-panel) plus MR·KC·sizeof(T) (A micro-panel) fit in L1 (32-48 KiB),
// MC·KC·sizeof(T) (A block) in about half of L2 (512 KiB-1 MiB), KC·NC·sizeof(T) (B panel) in L3.
//
// Threads (the shared thread_pool, cascade::num_threads()): a barrier-synchronised team packs each B panel
// cooperatively;
// then either the m range (many rows: each thread packs its own A blocks) or the jr loop (few rows: the A
// block is packed cooperatively too) is split. The split never touches k, and every C element is
// computed by the same micro-kernel with the same k order, so results are bit-identical for any thread
// count. Small problems stay on the calling thread.
// Packing buffers are thread_local, 64-byte aligned and only grow: no heap allocation in steady state.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>

#include "cascade/config.hpp"
#include "cascade/kernels/cpu/thread_pool.hpp"
#include "cascade/tensor/simd.hpp"

namespace cascade::kernels::cpu {

namespace detail {

// Register and cache blocking for element type T on instruction set Arch.
template <class T, class Arch>
struct gemm_blocking {
    static constexpr std::size_t vec = simd::batch<T, Arch>::size;
    static constexpr bool wide = vec * sizeof(T) >= 64;  // AVX-512: 32 vector registers, else 16
    static constexpr std::size_t mr = wide ? 14 : 6;
    static constexpr std::size_t nv = 2;                 // vectors per row of the C tile
    static constexpr std::size_t nr = nv * vec;
    static constexpr std::size_t kc = wide ? 512 : 384;
    static constexpr std::size_t mc = mr * (wide ? 6 : 16);
    static constexpr std::size_t nc = nr * (wide ? 128 : 256);
    // Read A (B) in place when its packed panels would be used by at most this many B (A) micro-panels.
    static constexpr std::size_t direct_a_max_panels = 4;
    static constexpr std::size_t direct_b_max_panels = 8;
    // Solve Cᵀ = op(B)ᵀ·op(A)ᵀ when that uses this many times more of the tile's lanes.
    static constexpr double transpose_gain = 1.3;
    // Below this many multiply-adds a parallel region costs more than it saves.
    static constexpr double parallel_min_fma = 2.0e5;
};

// Grow-only, 64-byte aligned scratch memory; one per thread and element type.
template <class T>
class scratch {
public:
    scratch() = default;
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;
    ~scratch() { release(); }
    T* get(std::size_t count) {
        if (count > cap_) {
            release();
            cap_ = std::max(count, cap_ + cap_ / 2);
            ptr_ = static_cast<T*>(::operator new(cap_ * sizeof(T), std::align_val_t{64}));
        }
        return ptr_;
    }

private:
    void release() {
        if (ptr_) ::operator delete(ptr_, std::align_val_t{64});
        ptr_ = nullptr;
        cap_ = 0;
    }
    T* ptr_ = nullptr;
    std::size_t cap_ = 0;
};

template <class T>
inline T* thread_scratch(std::size_t count) {
    thread_local scratch<T> s;
    return s.get(count);
}

constexpr std::size_t round_up(std::size_t x, std::size_t m) { return (x + m - 1) / m * m; }

// Packs `count` (≤ R·panels) vectors of length kc into R-wide micro-panels, panel q at dst + q·R·kc holding
// element (x, p) at p·R + x; x past `count` is zero (edge panels). Element (x, p) of the source is
// src[x·ld + p] (gathered: rows of A, or rows of a transposed B) or src[p·ld + x] (copied: columns of a
// transposed A, or rows of B). Packing A uses R = MR, packing B R = NR.
template <class T, std::size_t R>
void pack_panels(bool gathered, const T* src, std::size_t ld, std::size_t count, std::size_t kc, T* dst) {
    for (std::size_t x0 = 0; x0 < count; x0 += R, dst += R * kc) {
        const std::size_t w = std::min(R, count - x0);
        if (gathered) {
            const T* s = src + x0 * ld;
            if (w == R) {
                // p outer, x inner: the compiler turns the R strided loads into a few vector stores.
                for (std::size_t p = 0; p < kc; ++p)
#pragma GCC unroll 32
                    for (std::size_t x = 0; x < R; ++x) dst[p * R + x] = s[x * ld + p];
            } else {
                for (std::size_t p = 0; p < kc; ++p) {
                    for (std::size_t x = 0; x < w; ++x) dst[p * R + x] = s[x * ld + p];
                    for (std::size_t x = w; x < R; ++x) dst[p * R + x] = T(0);
                }
            }
        } else {
            const T* s = src + x0;
            for (std::size_t p = 0; p < kc; ++p, s += ld) {
                T* d = dst + p * R;
                if (w == R) {
                    std::memcpy(d, s, R * sizeof(T));
                } else {
                    for (std::size_t x = 0; x < w; ++x) d[x] = s[x];
                    for (std::size_t x = w; x < R; ++x) d[x] = T(0);
                }
            }
        }
    }
}

// MR×(NV·W) tile: acc = Σ_p A(r,p) · B(p,j), then c = alpha·acc + beta·c (c not read when !load_c).
// A(r,p) is a[p·MR + r] for a packed micro-panel (a_packed) or a[r·a_rs + p·a_cs] read in place;
// B(p,j) is b[p·b_rs + j] (packed: b_rs = NR). This is the only place products are formed, so every element
// of C sees the same arithmetic whichever tile, block, operand form or thread computes it.
template <class T, class Arch, std::size_t MR, std::size_t NV, bool a_packed>
inline void micro_kernel(std::size_t kc, const T* __restrict a, [[maybe_unused]] std::size_t a_rs,
                         [[maybe_unused]] std::size_t a_cs, const T* __restrict b, std::size_t b_rs, T* c,
                         std::size_t ldc, T alpha, T beta, bool load_c) {
    using batch = simd::batch<T, Arch>;
    constexpr std::size_t W = batch::size;
    batch acc[MR][NV];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
        // The C tile is needed only after the k loop: start fetching it now.
        __builtin_prefetch(c + r * ldc, 1);
        __builtin_prefetch(c + r * ldc + NV * W - 1, 1);
#pragma GCC unroll 4
        for (std::size_t v = 0; v < NV; ++v) acc[r][v] = batch(T(0));
    }
    if constexpr (a_packed) {
        for (std::size_t p = 0; p < kc; ++p, a += MR, b += b_rs) {
            batch bv[NV];
#pragma GCC unroll 4
            for (std::size_t v = 0; v < NV; ++v) bv[v] = batch::load_unaligned(b + v * W);
#pragma GCC unroll 16
            for (std::size_t r = 0; r < MR; ++r) {
                const batch ar(a[r]);
#pragma GCC unroll 4
                for (std::size_t v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(ar, bv[v], acc[r][v]);
            }
        }
    } else {
        for (std::size_t p = 0; p < kc; ++p, a += a_cs, b += b_rs) {
            batch bv[NV];
#pragma GCC unroll 4
            for (std::size_t v = 0; v < NV; ++v) bv[v] = batch::load_unaligned(b + v * W);
#pragma GCC unroll 16
            for (std::size_t r = 0; r < MR; ++r) {
                const batch ar(a[r * a_rs]);
#pragma GCC unroll 4
                for (std::size_t v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(ar, bv[v], acc[r][v]);
            }
        }
    }
    const batch va(alpha);
    if (load_c) {
        const batch vb(beta);
#pragma GCC unroll 16
        for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 4
            for (std::size_t v = 0; v < NV; ++v) {
                T* cp = c + r * ldc + v * W;
                xsimd::fma(va, acc[r][v], vb * batch::load_unaligned(cp)).store_unaligned(cp);
            }
    } else {
#pragma GCC unroll 16
        for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 4
            for (std::size_t v = 0; v < NV; ++v) (va * acc[r][v]).store_unaligned(c + r * ldc + v * W);
    }
}

// An operand block as the macro-kernel sees it: packed micro-panels, except that full panels are read
// in place when `direct` (A(i,p) = src[i·rs + p·cs]; B(p,j) = src[p·rs + j]). Reading in place saves the
// packing pass when a panel is used only once or twice (narrow or short problems).
template <class T>
struct operand {
    const T* packed;
    const T* src;
    std::size_t rs, cs;
    bool direct;
};

// All MR×NR tiles of an mc×nc block of C; element (i,j) of the block is c[i·c_rs + j·c_cs].
template <class T, class Arch, class P>
void macro_kernel(std::size_t mc, std::size_t nc, std::size_t kc, const operand<T>& a, const operand<T>& b, T* c,
                  std::size_t c_rs, std::size_t c_cs, T alpha, T beta, bool load_c) {
    constexpr std::size_t MR = P::mr, NR = P::nr, NV = P::nv, W = P::vec;
    for (std::size_t j0 = 0; j0 < nc; j0 += NR) {
        const std::size_t nr = std::min(NR, nc - j0);
        const bool b_direct = b.direct && nr == NR;
        const T* bp = b_direct ? b.src + j0 : b.packed + j0 * kc;
        const std::size_t b_rs = b_direct ? b.rs : NR;
        for (std::size_t i0 = 0; i0 < mc; i0 += MR) {
            const std::size_t mr = std::min(MR, mc - i0);
            T* ct = c + i0 * c_rs + j0 * c_cs;
            if (mr == MR && nr == NR && c_cs == 1) {
                if (a.direct)
                    micro_kernel<T, Arch, MR, NV, false>(kc, a.src + i0 * a.rs, a.rs, a.cs, bp, b_rs, ct, c_rs, alpha,
                                                         beta, load_c);
                else
                    micro_kernel<T, Arch, MR, NV, true>(kc, a.packed + i0 * kc, 0, 0, bp, b_rs, ct, c_rs, alpha, beta,
                                                        load_c);
            } else {
                // Edge or transposed tile: the same kernel on an aligned copy, so every element of C gets
                // identical arithmetic. (Edge panels of A and B are always packed, zero-padded.) A tile at
                // most one vector wide needs only half the FMAs.
                alignas(64) T tile[MR * NR];
                if (load_c) {
                    std::fill(tile, tile + MR * NR, T(0));
                    for (std::size_t r = 0; r < mr; ++r)
                        for (std::size_t j = 0; j < nr; ++j) tile[r * NR + j] = ct[r * c_rs + j * c_cs];
                }
                const bool a_dir = a.direct && mr == MR;
                const T* ap = a_dir ? a.src + i0 * a.rs : a.packed + i0 * kc;
                if (nr <= W) {
                    if (a_dir)
                        micro_kernel<T, Arch, MR, 1, false>(kc, ap, a.rs, a.cs, bp, b_rs, tile, NR, alpha, beta, load_c);
                    else
                        micro_kernel<T, Arch, MR, 1, true>(kc, ap, 0, 0, bp, b_rs, tile, NR, alpha, beta, load_c);
                } else {
                    if (a_dir)
                        micro_kernel<T, Arch, MR, NV, false>(kc, ap, a.rs, a.cs, bp, b_rs, tile, NR, alpha, beta,
                                                             load_c);
                    else
                        micro_kernel<T, Arch, MR, NV, true>(kc, ap, 0, 0, bp, b_rs, tile, NR, alpha, beta, load_c);
                }
                if (c_cs == 1)
                    for (std::size_t r = 0; r < mr; ++r)
                        for (std::size_t j = 0; j < nr; ++j) ct[r * c_rs + j] = tile[r * NR + j];
                else
                    for (std::size_t j = 0; j < nr; ++j)
                        for (std::size_t r = 0; r < mr; ++r) ct[r + j * c_cs] = tile[r * NR + j];
            }
        }
    }
}

// How a team of threads shares the work (never along k).
enum class split { rows, cols };

template <class T>
struct gemm_args {
    bool trans_a, trans_b;
    std::size_t m, n, k;
    T alpha;
    const T* a;
    std::size_t lda;
    const T* b;
    std::size_t ldb;
    T beta;
    T* c;
    std::size_t c_rs, c_cs;   // C(i,j) = c[i·c_rs + j·c_cs]: c_cs = 1, or c_rs = 1 when solving Cᵀ = op(B)ᵀ·op(A)ᵀ
    bool direct_a, direct_b;  // read full panels in place instead of packing them
};

// [begin, end) of part `t` of `count` items split into `parts` nearly equal contiguous parts.
inline void part_range(std::size_t count, int t, int parts, std::size_t& begin, std::size_t& end) {
    begin = count * std::size_t(t) / std::size_t(parts);
    end = count * std::size_t(t + 1) / std::size_t(parts);
}

inline void team_barrier(int nt) {
    if (nt > 1) thread_pool::instance().barrier();
}

// Workspace (elements) of one B panel and of one A block.
template <class T, class P>
inline std::size_t b_panel_size(std::size_t n, std::size_t k) {
    return round_up(std::min(P::kc, k) * std::min(P::nc, round_up(n, P::nr)), 16);
}
template <class T, class P>
inline std::size_t a_block_size(std::size_t m, std::size_t k) {
    return round_up(std::min(P::kc, k) * std::min(P::mc, round_up(m, P::mr)), 16);
}

// Pack rows [i0, i1) (i0 a multiple of MR) of the mc×kc A block at A(ic, pc); in direct mode only the
// partial last panel is packed.
template <class T, class P>
void pack_a_rows(const gemm_args<T>& g, std::size_t ic, std::size_t pc, std::size_t i0, std::size_t i1,
                 std::size_t kc, T* ap) {
    if (g.direct_a) i0 = std::max(i0, (i1 - i0) % P::mr ? i1 / P::mr * P::mr : i1);
    if (i1 <= i0) return;
    const T* src = g.trans_a ? g.a + pc * g.lda + ic + i0 : g.a + (ic + i0) * g.lda + pc;
    pack_panels<T, P::mr>(!g.trans_a, src, g.lda, i1 - i0, kc, ap + i0 * kc);
}

// Pack columns [j0, j1) (j0 a multiple of NR) of the kc×nc B panel at B(pc, jc); in direct mode only the
// partial last panel is packed.
template <class T, class P>
void pack_b_cols(const gemm_args<T>& g, std::size_t pc, std::size_t jc, std::size_t j0, std::size_t j1,
                 std::size_t kc, T* bp) {
    if (g.direct_b) j0 = std::max(j0, (j1 - j0) % P::nr ? j1 / P::nr * P::nr : j1);
    if (j1 <= j0) return;
    const T* src = g.trans_b ? g.b + (jc + j0) * g.ldb + pc : g.b + pc * g.ldb + jc + j0;
    pack_panels<T, P::nr>(g.trans_b, src, g.ldb, j1 - j0, kc, bp + j0 * kc);
}

template <class T>
inline operand<T> a_operand(const gemm_args<T>& g, std::size_t ic, std::size_t pc, const T* packed) {
    if (g.trans_a) return {packed, g.a + pc * g.lda + ic, 1, g.lda, g.direct_a};
    return {packed, g.a + ic * g.lda + pc, g.lda, 1, g.direct_a};
}

// The blocked loop nest run by thread `tid` of a team of `nt`. Workspace layout (shared, 64-byte aligned):
// two B panels (double-buffered, so one barrier per panel suffices: a buffer is refilled only after the
// barrier that follows everyone's use of it), then one A block per thread (split::rows) or two shared
// A blocks (split::cols, double-buffered likewise).
template <class T, class Arch, class P>
void gemm_team(const gemm_args<T>& g, split how, int tid, int nt, T* ws) {
    constexpr std::size_t MR = P::mr, NR = P::nr;
    const std::size_t b_size = b_panel_size<T, P>(g.n, g.k), a_size = a_block_size<T, P>(g.m, g.k);
    T* const b_buf[2] = {ws, ws + b_size};
    T* const a_buf[2] = {ws + 2 * b_size, ws + 2 * b_size + a_size};
    T* const a_own = ws + 2 * b_size + std::size_t(tid) * a_size;
    int b_turn = 0, a_turn = 0;

    // Rows of this thread (split::rows), in whole micro-panels.
    std::size_t row_begin = 0, row_end = g.m;
    if (how == split::rows) {
        part_range((g.m + MR - 1) / MR, tid, nt, row_begin, row_end);
        row_begin *= MR;
        row_end = std::min(row_end * MR, g.m);
    }

    for (std::size_t jc = 0; jc < g.n; jc += P::nc) {
        const std::size_t nc = std::min(P::nc, g.n - jc);
        const std::size_t n_panels = (nc + NR - 1) / NR;
        std::size_t q0, q1;  // this thread's B micro-panels (packing; and computing for split::cols)
        part_range(n_panels, tid, nt, q0, q1);
        const std::size_t j0 = q0 * NR, j1 = std::min(q1 * NR, nc);
        for (std::size_t pc = 0; pc < g.k; pc += P::kc) {
            const std::size_t kc = std::min(P::kc, g.k - pc);
            const bool load_c = pc > 0 || g.beta != T(0);
            const T beta = pc > 0 ? T(1) : g.beta;

            T* bp = b_buf[b_turn];
            b_turn ^= 1;
            pack_b_cols<T, P>(g, pc, jc, j0, j1, kc, bp);
            team_barrier(nt);
            const T* b_src = g.b + pc * g.ldb + jc;

            if (how == split::rows) {
                const operand<T> b{bp, b_src, g.ldb, 1, g.direct_b};
                for (std::size_t ic = row_begin; ic < row_end; ic += P::mc) {
                    const std::size_t mc = std::min(P::mc, row_end - ic);
                    pack_a_rows<T, P>(g, ic, pc, 0, mc, kc, a_own);
                    macro_kernel<T, Arch, P>(mc, nc, kc, a_operand(g, ic, pc, a_own), b,
                                             g.c + ic * g.c_rs + jc * g.c_cs, g.c_rs, g.c_cs, g.alpha, beta, load_c);
                }
            } else {
                const operand<T> b{bp + j0 * kc, b_src + j0, g.ldb, 1, g.direct_b};
                for (std::size_t ic = 0; ic < g.m; ic += P::mc) {
                    const std::size_t mc = std::min(P::mc, g.m - ic);
                    T* ap = a_buf[a_turn];
                    a_turn ^= 1;
                    std::size_t r0, r1;
                    part_range((mc + MR - 1) / MR, tid, nt, r0, r1);
                    pack_a_rows<T, P>(g, ic, pc, r0 * MR, std::min(r1 * MR, mc), kc, ap);
                    team_barrier(nt);
                    if (j1 > j0)
                        macro_kernel<T, Arch, P>(mc, j1 - j0, kc, a_operand(g, ic, pc, ap), b,
                                                 g.c + ic * g.c_rs + (jc + j0) * g.c_cs, g.c_rs, g.c_cs, g.alpha,
                                                 beta, load_c);
                }
            }
        }
    }
}

// C = beta·C (k == 0 or alpha == 0); beta == 0 writes zeros without reading C.
template <class T>
void scale_c(std::size_t m, std::size_t n, T beta, T* c, std::size_t ldc) {
    for (std::size_t i = 0; i < m; ++i) {
        T* row = c + i * ldc;
        if (beta == T(0))
            std::fill(row, row + n, T(0));
        else if (beta != T(1))
            for (std::size_t j = 0; j < n; ++j) row[j] *= beta;
    }
}



// Fraction of the FMA lanes of the MR×NR tiles that do useful work on an m×n product.
template <class P>
inline double tile_use(std::size_t m, std::size_t n) {
    return double(m) / double(round_up(m, P::mr)) * double(n) / double(round_up(n, P::nr));
}

template <class T, class Arch = simd::default_arch, class P = gemm_blocking<T, Arch>>
void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a,
          std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    if (m == 0 || n == 0) return;
    if (k == 0 || alpha == T(0)) {
        scale_c(m, n, beta, c, ldc);
        return;
    }
    gemm_args<T> g{trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, 1, false, false};
    // A narrow C (n well below NR, e.g. 10 classes) wastes most lanes of the tile: solve Cᵀ = op(B)ᵀ·op(A)ᵀ
    // instead, whose rows are the short side (MR is the finer granularity). Only when A is stored
    // transposed: otherwise op(A)ᵀ would become a B operand packed by slow strided gathers.
    if (trans_a && tile_use<P>(n, m) > P::transpose_gain * tile_use<P>(m, n))
        g = {!trans_b, !trans_a, n, m, k, alpha, b, ldb, a, lda, beta, c, 1, ldc, false, false};

    const std::size_t m_panels = (g.m + P::mr - 1) / P::mr;
    const std::size_t n_panels = (std::min(g.n, P::nc) + P::nr - 1) / P::nr;
    g.direct_a = n_panels <= P::direct_a_max_panels;
    g.direct_b = !g.trans_b && m_panels <= P::direct_b_max_panels;

    // One team at a time: inside another kernel's team (nested call) stay on this thread.
    int nt = 1;
    if (double(m) * double(n) * double(k) >= P::parallel_min_fma && !thread_pool::inside_team())
        nt = int(std::min<std::size_t>(std::size_t(std::max(1, num_threads())), std::max(m_panels, n_panels)));
    const split how = m_panels >= n_panels || m_panels >= std::size_t(4 * nt) ? split::rows : split::cols;
    const std::size_t b_size = b_panel_size<T, P>(g.n, k), a_size = a_block_size<T, P>(g.m, k);
    T* ws = thread_scratch<T>(2 * b_size + std::size_t(std::max(nt, 2)) * a_size);

    if (nt == 1)
        gemm_team<T, Arch, P>(g, how, 0, 1, ws);
    else
        thread_pool::instance().run(nt, [&](int tid, int team) { gemm_team<T, Arch, P>(g, how, tid, team, ws); });
}

} // namespace detail

// C (m×n) = alpha · op(A) · op(B) + beta · C, row-major, leading dimensions in elements.
// op(A) is m×k: A stored m×k (row stride lda) if !trans_a, or stored k×m and transposed if trans_a;
// op(B) is k×n: B stored k×n (ldb) if !trans_b, or stored n×k and transposed if trans_b.
// beta == 0 never reads C (it may hold NaN); k == 0 gives C = beta·C.
template <class T>
void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a,
          std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    detail::gemm<T>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

} // namespace cascade::kernels::cpu
