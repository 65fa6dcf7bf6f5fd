#include "kernels.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "activation.h"
#include "kernels_tile.h"

/* ---- the generic path: plain C, fma() for each step of the chain ---------
 * On x86-64 without the FMA target the compiler calls libm's fma, which C
 * requires to round once, as the instruction does: the same bits, slowly.
 * Elsewhere (aarch64) it is the instruction. */

enum { MR_GEN = 4, NR_GEN = 8 };

#ifdef RNB_DOUBLE
#define FMA_REAL fma
#else
#define FMA_REAL fmaf
#endif

static void tile_generic(int kc, const real *a, ptrdiff_t a_row, ptrdiff_t a_k, int rows,
                         const real *b, ptrdiff_t ldb, real *c, ptrdiff_t ldc, const real *c_in,
                         ptrdiff_t ldc_in)
{
    real acc[MR_GEN][NR_GEN];
    for (int r = 0; r < MR_GEN; r++)
        for (int j = 0; j < NR_GEN; j++)
            acc[r][j] = c_in && r < rows ? c_in[r * ldc_in + j] : 0;
    for (int k = 0; k < kc; k++)
        for (int r = 0; r < MR_GEN; r++) {
            const real x = a[(r < rows ? r : 0) * a_row + k * a_k];
            for (int j = 0; j < NR_GEN; j++)
                acc[r][j] = FMA_REAL(x, b[k * ldb + j], acc[r][j]);
        }
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < NR_GEN; j++)
            c[r * ldc + j] = acc[r][j];
}

static bool always(void) { return true; }

static double burn_generic(long n)
{
    real acc[8] = {0};
    for (long k = 0; k < n; k++)
        for (int i = 0; i < 8; i++)
            acc[i] = FMA_REAL(acc[i], (real)0.999999, (real)1e-7);
    volatile real sink = acc[0] + acc[7];
    (void)sink;
    return 2.0 * 8 * n;
}

static const kernel_path kernels_generic = {"generic", MR_GEN, NR_GEN, tile_generic, NULL, always, burn_generic};

/* ---- the path in use ---------------------------------------------------- */

static const kernel_path *const paths[] = {&kernels_avx512, &kernels_avx2, &kernels_generic};
enum { N_PATHS = sizeof paths / sizeof paths[0] };

/* The one piece of process-wide state of the core: a read-only choice,
 * made when the program loads (the widest path the CPU has) or by
 * kernels_use before any thread computes (design.md). */
static const kernel_path *active = &kernels_generic;

__attribute__((constructor)) static void pick_widest(void)
{
    for (int i = 0; i < N_PATHS; i++)
        if (paths[i]->supported()) {
            active = paths[i];
            return;
        }
}

const char *kernels_path(void) { return active->name; }

double kernels_fma_burn(long n) { return active->burn(n); }

static const kernel_path *find(const char *name)
{
    for (int i = 0; i < N_PATHS; i++)
        if (strcmp(paths[i]->name, name) == 0)
            return paths[i];
    return NULL;
}

bool kernels_supported(const char *name)
{
    const kernel_path *p = find(name);
    return p && p->supported();
}

int kernels_use(const char *name)
{
    if (!kernels_supported(name))
        return -1;
    active = find(name);
    return 0;
}

/* ---- the product --------------------------------------------------------- */

/* k steps a packed panel holds: 32 KiB of op(B), in L1 while the tile rows
 * stream past it. Blocking k keeps each chain in order: a block resumes
 * from what the one before stored. MC rows of op(A) are packed for a k
 * block (128 KiB, in L2), MR rows interleaved, so that a tile's broadcasts
 * read one contiguous stream. Packing moves numbers, never sums them. */
enum { KC = 256, MC = 128 };
/* Packing op(A) pays when each packed tile serves many column panels: at
 * least PACK_A_PANELS of them and PACK_A_MIN elements (measured: packed
 * always, lstm 20x64 lost a third of its speed, its weight gradients
 * having 2 panels; packed past these, 128x512 gains 35%). */
enum { PACK_A_MIN = 1 << 16, PACK_A_PANELS = 8 };
/* A panel of op(B) read in place has its kc rows ldb apart, in few of the
 * L1 cache's sets. Packing it contiguous pays where at least PACK_B_TILES
 * row tiles read it and either its rows are 4 KiB or more apart (one set)
 * or op(A) is A^T read in place (its tile's rows strided too: the weight
 * gradients). Measured on Zen 5, 1 thread, the other core busy, best of
 * 30 (GFLOP/s in place -> packed): 128x2048x512 131 -> 196, 128x1024x256
 * 170 -> 200, 512x128x15360 ta 138 -> 185, 256x64x15360 ta 133 -> 177;
 * but 128x128x512 224 -> 208, 128x512x128 216 -> 209, and 128x256x1024
 * and 1024x256x15360 (op(A) packed) 3-6% slower, left in place; KC = 128
 * instead of 256 gained nothing. */
enum { PACK_B_TILES = 8 };

static bool pack_b_panels(bool packed_a, bool ta, int mc, int mr, int ldb)
{
    return mc >= PACK_B_TILES * mr && ((size_t)ldb * sizeof(real) >= 4096 || (!packed_a && ta));
}

static int min_int(int a, int b) { return a < b ? a : b; }

/* panel[k][j] = op(B)[k0 + k][j0 + j] for j < nc, 0 beyond (up to nr). */
static void pack_b(real *panel, const real *B, int ldb, bool tb, int k0, int kc, int j0, int nc, int nr)
{
    if (!tb) {                  /* a row of op(B) is nc contiguous reals */
        for (int k = 0; k < kc; k++) {
            memcpy(panel + k * nr, B + (size_t)(k0 + k) * ldb + j0, sizeof(real) * nc);
            memset(panel + k * nr + nc, 0, sizeof(real) * (nr - nc));
        }
        return;
    }
    for (int j = 0; j < nc; j++) {      /* op(B)'s column j is B's row: read along it */
        const real *row = B + (size_t)(j0 + j) * ldb + k0;
        for (int k = 0; k < kc; k++)
            panel[k * nr + j] = row[k];
    }
    for (int k = 0; k < kc && nc < nr; k++)
        memset(panel + k * nr + nc, 0, sizeof(real) * (nr - nc));
}

/* block[(i / mr)][k][i % mr] = op(A)[i0 + i][k0 + k] for i < mc, rows past
 * mc as 0: each tile's rows one stream, k-major. */
static void pack_a(real *block, const real *A, ptrdiff_t a_row, ptrdiff_t a_k, int i0, int mc, int k0, int kc,
                   int mr)
{
    for (int p = 0; p < mc; p += mr) {
        real *dst = block + (size_t)p * kc;
        const real *src = A + (i0 + p) * a_row + k0 * a_k;
        const int rows = min_int(mr, mc - p);
        if (a_row == 1)         /* op(A) = A^T: a k step's rows are contiguous */
            for (int k = 0; k < kc; k++) {
                memcpy(dst + k * mr, src + k * a_k, sizeof(real) * rows);
                memset(dst + k * mr + rows, 0, sizeof(real) * (mr - rows));
            }
        else                    /* read along each row */
            for (int r = 0; r < mr; r++)
                for (int k = 0; k < kc; k++)
                    dst[k * mr + r] = r < rows ? src[r * a_row + k * a_k] : 0;
    }
}

/* A tile at the column edge of C (nc < NR): computed in a buffer of the
 * full width, only its valid columns read from and written to C. (A row
 * edge needs none: a tile reads and writes only its rows.) */
static void edge_tile(tile_fn *tile, int nr, int kc, const real *a, ptrdiff_t a_row, ptrdiff_t a_k,
                      int rows, const real *b, ptrdiff_t ldb, real *C, int ldc, int nc, const real *c_in,
                      ptrdiff_t ldc_in)
{
    _Alignas(64) real t[TILE_MR_MAX * TILE_NR_MAX] = {0};   /* lanes past the edge: computed, unused */
    if (c_in)
        for (int r = 0; r < rows; r++)
            memcpy(t + r * nr, c_in + (size_t)r * ldc_in, sizeof(real) * nc);
    tile(kc, a, a_row, a_k, rows, b, ldb, t, nr, c_in ? t : NULL, nr);
    for (int r = 0; r < rows; r++)
        memcpy(C + (size_t)r * ldc, t + r * nr, sizeof(real) * nc);
}

/* C = op(A) op(B), each element's chain started from C (beta 1), from
 * bias[j] (bias not NULL: the row every row of C starts from) or 0.
 * packed not NULL: op(B) as gemm_pack left it (B, ldb and tb unread). */
static void gemm_tiles(const kernel_path *kp, bool ta, bool tb, int M, int N, int K, const real *A,
                       int lda, const real *B, int ldb, real beta, const real *bias, real *C, int ldc,
                       const real *packed)
{
    const int MR = kp->mr, NR = kp->nr;
    const ptrdiff_t a_row = ta ? 1 : lda, a_k = ta ? lda : 1;
    _Alignas(64) real panel[KC * TILE_NR_MAX];
    _Alignas(64) real block[(MC + TILE_MR_MAX) * KC];
    const bool pack = (size_t)M * K >= PACK_A_MIN && N >= PACK_A_PANELS * NR;
    /* Rows in blocks of MC, but where op(A) is read in place and the
     * panels of op(B) are packed, all of them in one block, so that each
     * panel is packed once for all the rows, not once a block (lstm
     * 20x64's dW_hh packed each of its panels twice) */
    const bool packs_b = packed || tb || pack_b_panels(false, ta, M, MR, ldb);
    const int mc_max = !pack && packs_b ? M : MC;
    for (int k0 = 0; k0 < K; k0 += KC) {
        const int kc = min_int(KC, K - k0);
        const bool from_c = beta != 0 || k0 > 0, from_bias = !from_c && bias;
        for (int ic = 0; ic < M; ic += mc_max) {
            const int mc = min_int(mc_max, M - ic);
            if (pack)
                pack_a(block, A, a_row, a_k, ic, mc, k0, kc, MR);
            /* a tile's rows: in the packed block, k-major, or in place */
            const ptrdiff_t t_row = pack ? 1 : a_row, t_k = pack ? MR : a_k;
            for (int j0 = 0; j0 < N; j0 += NR) {
                const int nc = min_int(NR, N - j0);
                /* op(B)'s rows read in place when they are contiguous and
                 * whole, and few row tiles read them */
                const real *b = packed ? packed + (size_t)j0 * K + (size_t)k0 * NR : B + (size_t)k0 * ldb + j0;
                ptrdiff_t ldb_p = packed ? NR : ldb;
                if (!packed && (tb || nc < NR || pack_b_panels(pack, ta, mc, MR, ldb))) {
                    pack_b(panel, B, ldb, tb, k0, kc, j0, nc, NR);
                    b = panel, ldb_p = NR;
                }
                for (int i0 = 0; i0 < mc; i0 += MR) {
                    const int rows = min_int(MR, mc - i0);
                    const real *a = pack ? block + (size_t)i0 * kc : A + (ic + i0) * a_row + k0 * a_k;
                    real *c = C + (size_t)(ic + i0) * ldc + j0;
                    const real *c_in = from_c ? c : from_bias ? bias + j0 : NULL;
                    const ptrdiff_t ldc_in = from_c ? ldc : 0;
                    const bool half = kp->tile_half && 2 * rows <= MR;
                    tile_fn *tile = half ? kp->tile_half : kp->tile;
                    if (nc == NR)
                        tile(kc, a, t_row, t_k, rows, b, ldb_p, c, ldc, c_in, ldc_in);
                    else
                        edge_tile(tile, NR, kc, a, t_row, t_k, rows, b, ldb_p, c, ldc, nc, c_in, ldc_in);
                }
            }
        }
    }
}

/* A product a few columns wide and many rows long runs as its transpose,
 * C^T = op(B)^T op(A)^T: a tile is NR columns wide and pays for them all
 * (N = 2, the adding task's input, would waste 15 of every 16 lanes of
 * the weight gradient dW_ih; copy's N = 10, 22 of 32), while rows are
 * broadcasts, MR a tile. Each element is the same chain over k, in the
 * same k blocks (fma's two factors commute exactly): the same bits. */
enum { SWAP_MAX = 1 << 14 };    /* C's elements, held transposed on the stack */

/* The share of a tile's lanes that hold C's elements, n of them, w a tile */
static double lanes_used(int n, int w) { return (double)n / ((n + w - 1) / w * w); }

static bool swaps(const kernel_path *kp, int M, int N)
{
    const double as_is = lanes_used(M, kp->mr) * lanes_used(N, kp->nr),
                 swapped = lanes_used(N, kp->mr) * lanes_used(M, kp->nr);
    return 2 * N <= kp->nr && M >= kp->nr && (size_t)M * N <= SWAP_MAX && swapped > 1.5 * as_is;
}

void gemm(bool ta, bool tb, int M, int N, int K, real alpha, const real *A,
          int lda, const real *B, int ldb, real beta, real *C, int ldc)
{
    assert(alpha == 1 && (beta == 0 || beta == 1));
    (void)alpha;
    if (M <= 0 || N <= 0)
        return;
    if (K <= 0) {
        for (int i = 0; i < M && beta == 0; i++)
            memset(C + (size_t)i * ldc, 0, sizeof(real) * N);
        return;
    }
    const kernel_path *kp = active;
    if (!swaps(kp, M, N)) {
        gemm_tiles(kp, ta, tb, M, N, K, A, lda, B, ldb, beta, NULL, C, ldc, NULL);
        return;
    }
    _Alignas(64) real ct[SWAP_MAX];     /* C^T, (N, M) */
    for (int i = 0; i < M && beta != 0; i++)
        for (int j = 0; j < N; j++)
            ct[(size_t)j * M + i] = C[(size_t)i * ldc + j];
    gemm_tiles(kp, !tb, !ta, N, M, K, B, ldb, A, lda, beta, NULL, ct, M, NULL);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            C[(size_t)i * ldc + j] = ct[(size_t)j * M + i];
}

void gemm_bias(bool ta, bool tb, int M, int N, int K, const real *A, int lda, const real *B, int ldb,
               const real *bias, real *C, int ldc)
{
    if (M <= 0 || N <= 0)
        return;
    if (K <= 0 || swaps(active, M, N)) {    /* the rows written, then the product added */
        for (int i = 0; i < M; i++)
            memcpy(C + (size_t)i * ldc, bias, sizeof(real) * N);
        gemm(ta, tb, M, N, K, 1, A, lda, B, ldb, 1, C, ldc);
        return;
    }
    gemm_tiles(active, ta, tb, M, N, K, A, lda, B, ldb, 0, bias, C, ldc, NULL);
}

/* The packed layout: panel p (columns p*nr ..) is K rows of nr reals,
 * k-major, zero past N; panel p starts at p*nr*K. */
size_t gemm_packed_reals(int K, int N)
{
    return (size_t)(N + TILE_NR_MAX - 1) / TILE_NR_MAX * TILE_NR_MAX * (size_t)(K > 0 ? K : 0);
}

void gemm_pack(bool tb, int K, int N, const real *B, int ldb, real *packed)
{
    const int NR = active->nr;
    for (int j0 = 0; j0 < N; j0 += NR)
        pack_b(packed + (size_t)j0 * K, B, ldb, tb, 0, K, j0, min_int(NR, N - j0), NR);
}

void gemm_packed(int M, int N, int K, const real *A, int lda, const real *packed, real beta, real *C,
                 int ldc)
{
    assert(beta == 0 || beta == 1);
    if (M <= 0 || N <= 0 || K <= 0) {
        gemm(false, false, M, N, K, 1, A, lda, NULL, N, beta, C, ldc);   /* B unread */
        return;
    }
    gemm_tiles(active, false, false, M, N, K, A, lda, NULL, 0, beta, NULL, C, ldc, packed);
}

/* ---- sums ------------------------------------------------------------------ */

/* Each y[j] one chain of adds in row order, whatever the width. A block
 * of COLSUM_W columns is summed over all rows in registers: the plain
 * loop over rows then columns loaded and stored y at every row (4.4% of
 * the lstm 20x64 step, perf). */
enum { COLSUM_W = 64 };

GATE_LOOP static void colsum_block(real *restrict y, const real *restrict A, int M, int N)
{
    real acc[COLSUM_W];
    for (int j = 0; j < COLSUM_W; j++)
        acc[j] = y[j];
    for (int i = 0; i < M; i++)
#pragma GCC unroll 64
        for (int j = 0; j < COLSUM_W; j++)
            acc[j] += A[(size_t)i * N + j];
    for (int j = 0; j < COLSUM_W; j++)
        y[j] = acc[j];
}

void add_colsum(real *y, const real *A, int M, int N)
{
    int j0 = 0;
    for (; j0 + COLSUM_W <= N; j0 += COLSUM_W)
        colsum_block(y + j0, A + j0, M, N);
    for (int i = 0; i < M && j0 < N; i++)
        for (int j = j0; j < N; j++)
            y[j] += A[(size_t)i * N + j];
}

double sum_squares(const real *v, size_t n)
{
    double lane[8] = {0};
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (int l = 0; l < 8; l++)
            lane[l] += (double)v[k + l] * v[k + l];
    for (int l = 0; k < n; k++, l++)
        lane[l] += (double)v[k] * v[k];
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

/* Each row's sum one chain in k order, the rows' chains ROWS_AT_ONCE at a
 * time: one chain alone is bound by the latency of its adds (3.4-4.1% of
 * the lstm 20x64 step, perf, twice the backward row's own time). */
enum { ROWS_AT_ONCE = 8 };

double sum_squares_rows(const real *v, int rows, int n)
{
    double total = 0;
    for (int r0 = 0; r0 < rows; r0 += ROWS_AT_ONCE) {
        const int m = rows - r0 < ROWS_AT_ONCE ? rows - r0 : ROWS_AT_ONCE;
        const real *row = v + (size_t)r0 * n;
        double acc[ROWS_AT_ONCE] = {0};
        for (int k = 0; k < n; k++)
            for (int i = 0; i < m; i++)
                acc[i] += (double)row[(size_t)i * n + k] * row[(size_t)i * n + k];
        for (int i = 0; i < m; i++)
            total += acc[i];
    }
    return total;
}
