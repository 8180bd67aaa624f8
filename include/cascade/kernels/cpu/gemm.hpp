#pragma once
// gemm: cache-blocked, packed matrix multiply C = alpha·op(A)·op(B) + beta·C for float and double,
// row-major, on the CPU: the work-horse of dense layers and of im2col convolutions.
//
// Structure (Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication", ACM TOMS 34(3);
// Van Zee & van de Geijn 2015, "BLIS: a framework for rapidly instantiating BLAS functionality", TOMS 41(3)):
//
//   for jc in n step NC             B panel kc×nc, packed once per (jc, pc)                          (L3)
//     for pc in k step KC
//       pack op(B)[pc.., jc..] into NR-wide micro-panels
//       for ic in m step MC         A block mc×kc, packed once per (jc, pc, ic)                      (L2)
//         pack op(A)[ic.., pc..] into MR-tall micro-panels
//         for jr in nc step NR      the B micro-panel kc×NR is reused across the whole ir loop       (L1)
//           for ir in mc step MR    micro-kernel: an MR×NR tile of C in registers, kc rank-1 FMA updates
//
// Packing makes both operands unit-stride in the order the micro-kernel reads them, so all four storage
// forms (A·B, Aᵀ·B, A·Bᵀ, Aᵀ·Bᵀ) run at the same speed and no transpose is ever materialised.
// Small and layer-shaped problems: an operand whose packed panels would be reused only a few times (C
// spans few micro-panels, e.g. n = 32 conv channels, or m = 25 weight-gradient rows) is read in place
// instead of packed, and a partial last panel read in place is shifted back to end at the matrix edge,
// so a 32×20·20×20 MLP layer packs nothing. Packed edge panels are zero-padded; partial tiles store only
// their valid rows and columns. A narrow C (e.g. 10 classes) whose A is stored transposed (dense dW) is
// computed as Cᵀ = op(B)ᵀ·op(A)ᵀ, which fills MR rows instead of NR columns.
//
// Register blocking, measured (bench/README-gemm.md); one broadcast of A feeds two FMAs:
//   AVX-512 (32 zmm):      MR=14 × NR=2 vectors: 28 accumulators + 2 B vectors + 1 broadcast
//   AVX2, SSE (16 regs):   MR=6  × NR=2 vectors: 12 accumulators + 2 B vectors + 1 broadcast
// Cache blocking: the A micro-panel (MR·KC) and the current rows of the B micro-panel (KC·NR: 24 KiB for
// AVX2 float, 64 KiB for AVX-512, streamed from L2 at two loads per 2·MR FMAs) in L1 (32-48 KiB); the A
// block MC·KC (≈ 150-170 KiB) in L2 (512 KiB-1 MiB); the B panel KC·NC in L3. KC is as large as that
// allows because every KC block is one read-modify-write pass over C, which is what limits N = 2048.
//
// Threads (the shared thread_pool, cascade::num_threads()): each thread takes a contiguous slice of C's
// rows (or of its columns when C is wide and short) in whole micro-panels and runs the loop nest on it
// with its own packing buffers. No barriers: waking a sleeping vCPU costs 25-120 µs on the development
// VM, while packing the shared operand twice costs 1-3 %. Work is never split along k and every element
// of C gets the same arithmetic from the same micro-kernel over the same k blocks, so results are
// bit-identical for any thread count. Products under ~1.25e5·W multiply-adds (about 20 µs) stay on the
// calling thread. Packing buffers are thread_local, 64-byte aligned and only grow: no heap allocation in
// steady state.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>

#include "cascade/config.hpp"
#include "cascade/kernels/cpu/thread_pool.hpp"
#include "cascade/tensor/simd.hpp"

namespace cascade::kernels::cpu {

namespace detail {

// Register and cache blocking for element type T on instruction set Arch, and the thresholds of the
// driver. All measured on the development machine (see bench/README-gemm.md).
template <class T, class Arch>
struct gemm_blocking {
    static constexpr std::size_t vec = simd::batch<T, Arch>::size;
    static constexpr bool wide = vec * sizeof(T) >= 64;  // AVX-512: 32 vector registers, else 16
    static constexpr std::size_t mr = wide ? 14 : 6;
    static constexpr std::size_t nv = 2;  // vectors per row of the C tile
    static constexpr std::size_t nr = nv * vec;
    static constexpr std::size_t kc = wide ? 512 : 384;
    static constexpr std::size_t mc = mr * (wide ? 6 : 16);
    static constexpr std::size_t nc = nr * (wide ? 128 : 256);
    // Read A (B) in place when its packed panels would be used by at most this many B (A) micro-panels.
    static constexpr std::size_t direct_a_max_panels = 4;
    static constexpr std::size_t direct_b_max_panels = 8;
    // Solve Cᵀ = op(B)ᵀ·op(A)ᵀ when that uses this many times more of the tile's lanes.
    static constexpr double transpose_gain = 1.3;
    // Split only products that take about 20 µs or more on one thread: a team that is awake wins from
    // ~2.5e5 multiply-adds, but waking a sleeping worker costs 25-120 µs on the development VM.
    static constexpr double parallel_min_fma = 1.25e5 * double(vec);
};

// Grow-only, 64-byte aligned scratch memory.
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
            const std::size_t cap = std::max(count, cap_ + cap_ / 2);
            ptr_ = static_cast<T*>(::operator new(cap * sizeof(T), std::align_val_t{64}));
            cap_ = cap;
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

// This thread's packing workspace (every thread of a team packs its own operands).
template <class T>
inline T* thread_scratch(std::size_t count) {
    thread_local scratch<T> s;
    return s.get(count);
}

constexpr std::size_t round_up(std::size_t x, std::size_t m) { return (x + m - 1) / m * m; }

// dst[j] = src[j] for j < count ≤ N. A fixed-length loop: g++ turns a variable-length copy into
// `rep movs`, which costs ~40 cycles to start and took a quarter of the time of short-k products.
template <std::size_t N, class T>
inline void copy_short(T* dst, const T* src, std::size_t count) {
#pragma GCC unroll 64
    for (std::size_t j = 0; j < N; ++j)
        if (j < count) dst[j] = src[j];
}

// Packs `count` vectors of length kc into R-wide micro-panels: panel q at dst + q·R·kc holds element (x, p)
// at p·R + x; lanes past `count` are zero. Source element (x, p) is src[x·ld + p] (gathered: rows of A, or
// rows of a transposed B) or src[p·ld + x] (copied: rows of B, or rows of a transposed A).
template <class T, std::size_t R>
void pack_panels(bool gathered, const T* src, std::size_t ld, std::size_t count, std::size_t kc, T* dst) {
    for (std::size_t x0 = 0; x0 < count; x0 += R, dst += R * kc) {
        const std::size_t w = std::min(R, count - x0);
        if (gathered) {
            const T* s = src + x0 * ld;
            if (w == R) {
                // p outer, x inner (fully unrolled): about 2x faster than streaming each source row.
                for (std::size_t p = 0; p < kc; ++p)
#pragma GCC unroll 32
                    for (std::size_t x = 0; x < R; ++x) dst[p * R + x] = s[x * ld + p];
            } else {
                for (std::size_t p = 0; p < kc; ++p)
#pragma GCC unroll 32
                    for (std::size_t x = 0; x < R; ++x) dst[p * R + x] = x < w ? s[x * ld + p] : T(0);
            }
        } else {
            const T* s = src + x0;
            for (std::size_t p = 0; p < kc; ++p, s += ld) {
                T* d = dst + p * R;
                if (w == R) {
                    std::memcpy(d, s, R * sizeof(T));
                } else {
                    std::fill(d, d + R, T(0));
                    copy_short<R>(d, s, w);
                }
            }
        }
    }
}

// The MR×(NV·W) tile acc = Σ_p A(r,p)·B(p,j), then c = alpha·acc + beta·c (c is not read when !load_c) on
// rows [r0, r1) of the tile (tile row r at c + (r - r0)·ldc) and its first nc columns.
// A(r,p) is a[p·MR + r] in a packed micro-panel (a_packed), else a[r·a_rs + p·a_cs] in place;
// B(p,j) is b[p·b_rs + j]. The only place products are formed: every element of C gets the same
// arithmetic whichever tile, block, operand form or thread computes it.
template <class T, class Arch, std::size_t MR, std::size_t NV, bool a_packed>
inline void micro_kernel(std::size_t kc, const T* __restrict a, [[maybe_unused]] std::size_t a_rs,
                         [[maybe_unused]] std::size_t a_cs, const T* __restrict b, std::size_t b_rs, T* c,
                         std::size_t ldc, std::size_t r0, std::size_t r1, std::size_t nc, T alpha, T beta,
                         bool load_c) {
    using batch = simd::batch<T, Arch>;
    constexpr std::size_t W = batch::size;
    batch acc[MR][NV];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
#pragma GCC unroll 4
        for (std::size_t v = 0; v < NV; ++v) acc[r][v] = batch(T(0));
        if (r >= r0 && r < r1) {
            // C is needed only after the k loop: start fetching it now (+4 % at N = 2048 with AVX2).
            __builtin_prefetch(c + (r - r0) * ldc, 1);
            __builtin_prefetch(c + (r - r0) * ldc + NV * W - 1, 1);
        }
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
    // Whole vectors go straight to C; the partial last vector (nc % W lanes) of each row goes through an
    // aligned buffer (xsimd 8.1 has no masked loads and stores), filled and emptied for all rows at once.
    const batch va(alpha), vb(beta);
    const std::size_t vp = nc / W, lanes = nc % W;
    alignas(64) T part[MR * W];
    if (lanes && load_c) {
        std::fill(part, part + MR * W, T(0));
        for (std::size_t r = r0; r < r1; ++r) copy_short<W>(part + r * W, c + (r - r0) * ldc + vp * W, lanes);
    }
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
        if (r < r0 || r >= r1) continue;
        T* cr = c + (r - r0) * ldc;
#pragma GCC unroll 4
        for (std::size_t v = 0; v < NV; ++v) {
            T* cp = v < vp ? cr + v * W : part + r * W;
            if (v < vp || (v == vp && lanes)) {
                if (load_c)
                    xsimd::fma(va, acc[r][v], vb * batch::load_unaligned(cp)).store_unaligned(cp);
                else
                    (va * acc[r][v]).store_unaligned(cp);
            }
        }
    }
    if (lanes)
        for (std::size_t r = r0; r < r1; ++r) copy_short<W>(c + (r - r0) * ldc + vp * W, part + r * W, lanes);
}

template <class T, class Arch, std::size_t MR, std::size_t NV>
inline void micro_kernel_on(bool a_direct, std::size_t kc, const T* a, std::size_t a_rs, std::size_t a_cs,
                            const T* b, std::size_t b_rs, T* c, std::size_t ldc, std::size_t r0, std::size_t r1,
                            std::size_t nc, T alpha, T beta, bool load_c) {
    if (a_direct)
        micro_kernel<T, Arch, MR, NV, false>(kc, a, a_rs, a_cs, b, b_rs, c, ldc, r0, r1, nc, alpha, beta, load_c);
    else
        micro_kernel<T, Arch, MR, NV, true>(kc, a, 0, 0, b, b_rs, c, ldc, r0, r1, nc, alpha, beta, load_c);
}

// An operand block as the macro-kernel sees it: packed micro-panels, or (direct) the block in place with
// A(i,p) = src[i·rs + p·cs], B(p,j) = src[p·rs + j]. A direct block narrower than one micro-panel is packed.
template <class T>
struct operand {
    const T* packed;
    const T* src;
    std::size_t rs, cs;
    bool direct;
};

// All tiles of an mc×nc block of C; element (i,j) of the block is c[i·c_rs + j·c_cs].
template <class T, class Arch, class P>
void macro_kernel(std::size_t mc, std::size_t nc, std::size_t kc, const operand<T>& a, const operand<T>& b, T* c,
                  std::size_t c_rs, std::size_t c_cs, T alpha, T beta, bool load_c) {
    constexpr std::size_t MR = P::mr, NR = P::nr, NV = P::nv, W = P::vec;
    const bool a_direct = a.direct && mc >= MR, b_direct = b.direct && nc >= NR;
    for (std::size_t j0 = 0; j0 < nc; j0 += NR) {
        const std::size_t nr = std::min(NR, nc - j0);
        // In place, a partial last panel is shifted back to end at the block edge: its first columns repeat
        // the previous panel's and are computed again but not stored.
        const std::size_t jb = b_direct ? std::min(j0, nc - NR) : j0, jo = j0 - jb;
        const T* bp = b_direct ? b.src + jb : b.packed + j0 * kc;
        const std::size_t b_rs = b_direct ? b.rs : NR;
        for (std::size_t i0 = 0; i0 < mc; i0 += MR) {
            const std::size_t mr = std::min(MR, mc - i0);
            const std::size_t ib = a_direct ? std::min(i0, mc - MR) : i0, io = i0 - ib;
            const T* ap = a_direct ? a.src + ib * a.rs : a.packed + i0 * kc;
            T* ct = c + i0 * c_rs + j0 * c_cs;
            // A packed panel at most one vector wide needs half the FMAs.
            const bool half = !b_direct && nr <= W;
            if (c_cs == 1 && jo == 0) {  // straight into C, rows [io, io + mr) and nr columns of the tile
                if (half)
                    micro_kernel_on<T, Arch, MR, 1>(a_direct, kc, ap, a.rs, a.cs, bp, b_rs, ct, c_rs, io, io + mr,
                                                    nr, alpha, beta, load_c);
                else
                    micro_kernel_on<T, Arch, MR, NV>(a_direct, kc, ap, a.rs, a.cs, bp, b_rs, ct, c_rs, io, io + mr,
                                                     nr, alpha, beta, load_c);
                continue;
            }
            // Transposed C, or a B panel shifted back: the same kernel on an aligned tile, where
            // (io + r, jo + j) is C(i0 + r, j0 + j).
            alignas(64) T tile[MR * NR];
            if (load_c) {
                std::fill(tile, tile + MR * NR, T(0));
                for (std::size_t r = 0; r < mr; ++r)
                    if (c_cs == 1)
                        copy_short<NR>(tile + (io + r) * NR + jo, ct + r * c_rs, nr);
                    else
                        for (std::size_t j = 0; j < nr; ++j) tile[(io + r) * NR + jo + j] = ct[r * c_rs + j * c_cs];
            }
            if (half)
                micro_kernel_on<T, Arch, MR, 1>(a_direct, kc, ap, a.rs, a.cs, bp, b_rs, tile, NR, 0, MR, W, alpha,
                                                beta, load_c);
            else
                micro_kernel_on<T, Arch, MR, NV>(a_direct, kc, ap, a.rs, a.cs, bp, b_rs, tile, NR, 0, MR, NR, alpha,
                                                 beta, load_c);
            if (c_cs == 1)
                for (std::size_t r = 0; r < mr; ++r) copy_short<NR>(ct + r * c_rs, tile + (io + r) * NR + jo, nr);
            else
                for (std::size_t j = 0; j < nr; ++j)
                    for (std::size_t r = 0; r < mr; ++r) ct[r + j * c_cs] = tile[(io + r) * NR + jo + j];
        }
    }
}

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
    std::size_t c_rs, c_cs;   // C(i,j) = c[i·c_rs + j·c_cs]: c_cs = 1, or c_rs = 1 when computing Cᵀ
    bool direct_a, direct_b;  // read operands in place instead of packing them
};

// Packs rows [0, mc) of the A block at A(ic, pc) into MR-row micro-panels, unless it is read in place.
template <class T, class P>
void pack_a_block(const gemm_args<T>& g, std::size_t ic, std::size_t pc, std::size_t mc, std::size_t kc, T* ap) {
    if (g.direct_a && mc >= P::mr) return;
    const T* src = g.trans_a ? g.a + pc * g.lda + ic : g.a + ic * g.lda + pc;
    pack_panels<T, P::mr>(!g.trans_a, src, g.lda, mc, kc, ap);
}

// Packs columns [0, nc) of the B panel at B(pc, jc) into NR-column micro-panels, unless it is read in place.
template <class T, class P>
void pack_b_panel(const gemm_args<T>& g, std::size_t pc, std::size_t jc, std::size_t nc, std::size_t kc, T* bp) {
    if (g.direct_b && nc >= P::nr) return;
    const T* src = g.trans_b ? g.b + jc * g.ldb + pc : g.b + pc * g.ldb + jc;
    pack_panels<T, P::nr>(g.trans_b, src, g.ldb, nc, kc, bp);
}

template <class T>
operand<T> a_operand(const gemm_args<T>& g, std::size_t ic, std::size_t pc, const T* packed) {
    if (g.trans_a) return {packed, g.a + pc * g.lda + ic, 1, g.lda, g.direct_a};
    return {packed, g.a + ic * g.lda + pc, g.lda, 1, g.direct_a};
}

// The loop nest on rows [i_begin, i_end) and columns [j_begin, j_end) of C, on the calling thread with
// its own packing buffers. The k blocking is global, so an element's arithmetic does not depend on the
// sub-range it belongs to.
template <class T, class Arch, class P>
void gemm_blocked(const gemm_args<T>& g, std::size_t i_begin, std::size_t i_end, std::size_t j_begin,
                  std::size_t j_end) {
    const std::size_t kc_max = std::min(P::kc, g.k);
    const std::size_t b_size = round_up(kc_max * std::min(P::nc, round_up(j_end - j_begin, P::nr)), 16);
    T* const bp = thread_scratch<T>(b_size + kc_max * std::min(P::mc, round_up(i_end - i_begin, P::mr)));
    T* const ap = bp + b_size;
    for (std::size_t jc = j_begin; jc < j_end; jc += P::nc) {
        const std::size_t nc = std::min(P::nc, j_end - jc);
        for (std::size_t pc = 0; pc < g.k; pc += P::kc) {
            const std::size_t kc = std::min(P::kc, g.k - pc);
            const bool load_c = pc > 0 || g.beta != T(0);  // later k blocks accumulate into C
            const T beta = pc > 0 ? T(1) : g.beta;
            pack_b_panel<T, P>(g, pc, jc, nc, kc, bp);
            const operand<T> b{bp, g.b + pc * g.ldb + jc, g.ldb, 1, g.direct_b};
            for (std::size_t ic = i_begin; ic < i_end; ic += P::mc) {
                const std::size_t mc = std::min(P::mc, i_end - ic);
                pack_a_block<T, P>(g, ic, pc, mc, kc, ap);
                macro_kernel<T, Arch, P>(mc, nc, kc, a_operand(g, ic, pc, ap), b, g.c + ic * g.c_rs + jc * g.c_cs,
                                         g.c_rs, g.c_cs, g.alpha, beta, load_c);
            }
        }
    }
}

// [begin, end) of part t of `count` items split into `parts` contiguous parts of nearly equal size.
inline void part_range(std::size_t count, int t, int parts, std::size_t& begin, std::size_t& end) {
    begin = count * std::size_t(t) / std::size_t(parts);
    end = count * std::size_t(t + 1) / std::size_t(parts);
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

// Fraction of the tile's FMA lanes doing useful work on an m×n C.
template <class P>
double tile_use(std::size_t m, std::size_t n) {
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
    // A narrow C (n well below NR) wastes most lanes of the tile: compute Cᵀ = op(B)ᵀ·op(A)ᵀ, whose rows
    // are the short side (MR is the finer granularity). Only when A is stored transposed, which makes op(A)ᵀ
    // a B operand read in place; otherwise packing it would take strided gathers that cost more.
    if (trans_a && tile_use<P>(n, m) > P::transpose_gain * tile_use<P>(m, n))
        g = {!trans_b, !trans_a, n, m, k, alpha, b, ldb, a, lda, beta, c, 1, ldc, false, false};

    const std::size_t m_panels = (g.m + P::mr - 1) / P::mr;
    const std::size_t n_panels = (g.n + P::nr - 1) / P::nr;
    g.direct_a = std::min(g.n, P::nc) <= P::direct_a_max_panels * P::nr;
    g.direct_b = !g.trans_b && m_panels <= P::direct_b_max_panels;

    // Threads take contiguous slices of C's rows (or, when C has few rows, of its columns) in whole
    // micro-panels; each runs the whole loop nest on its slice with its own packing buffers. No barriers:
    // waking a sleeping vCPU costs 25-120 µs on the development VM, duplicated packing of the shared operand
    // costs 1-3 %. A call from inside another kernel's team stays on its thread.
    int nt = 1;
    if (double(m) * double(n) * double(k) >= P::parallel_min_fma && !thread_pool::inside_team())
        nt = int(std::min<std::size_t>(std::size_t(std::max(1, num_threads())), std::max(m_panels, n_panels)));
    if (nt == 1) {
        gemm_blocked<T, Arch, P>(g, 0, g.m, 0, g.n);
        return;
    }
    // Splitting rows makes every thread pack all of op(B) (k·n), splitting columns all of op(A) (m·k).
    const bool by_rows = m_panels >= std::size_t(nt) && (g.m >= g.n || n_panels < std::size_t(nt));
    thread_pool::instance().run(nt, [&](int tid, int team) {
        std::size_t q0, q1;
        part_range(by_rows ? m_panels : n_panels, tid, team, q0, q1);
        if (by_rows)
            gemm_blocked<T, Arch, P>(g, q0 * P::mr, std::min(q1 * P::mr, g.m), 0, g.n);
        else
            gemm_blocked<T, Arch, P>(g, 0, g.m, q0 * P::nr, std::min(q1 * P::nr, g.n));
    });
}

} // namespace detail

// C (m×n) = alpha · op(A) · op(B) + beta · C, row-major, leading dimensions in elements.
// op(A) is m×k: A stored m×k (row stride lda) if !trans_a, or stored k×m and transposed if trans_a;
// op(B) is k×n: B stored k×n (row stride ldb) if !trans_b, or stored n×k and transposed if trans_b.
// beta == 0 never reads C (it may hold NaN); k == 0 gives C = beta·C. Uses cascade::num_threads() threads
// for large products; results do not depend on the thread count.
template <class T>
void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a,
          std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    detail::gemm<T>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

} // namespace cascade::kernels::cpu
