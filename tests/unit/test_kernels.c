/* test_kernels.c - the own kernels: on every path this CPU has, gemm
 * computes exactly its definition (each output one fma chain over k, from
 * C or 0), bit for bit, on every shape class: whole tiles, edge rows and
 * columns, transposed A and B (packed), k past one packed block, K = 0,
 * beta 0 and 1; and gemm_packed, op(B) packed once, likewise. The definition itself is checked against long double sums
 * (the chain's error bound), so that "equal to the definition" means
 * "right". add_colsum, sum_squares and sum_squares_rows likewise; an
 * unknown path is refused. Built twice: float (rnbcore) and double (rnbcore64). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "kernels.h"
#include "rng.h"

static check_tally tally;

#ifdef RNB_DOUBLE
#define FMA_REAL fma
#define EPS 1.1102230246251565e-16
#else
#define FMA_REAL fmaf
#define EPS 5.9604644775390625e-08
#endif

typedef struct { int M, N, K; } shape;

/* op(X)[r][c] of X stored [rows][cols] (or transposed) */
static real at(const real *X, int ld, bool t, int r, int c) { return t ? X[(size_t)c * ld + r] : X[(size_t)r * ld + c]; }

/* The definition: C = C (beta 1) or 0, then acc = fma(a, b, acc) in k order. */
static void gemm_definition(bool ta, bool tb, int M, int N, int K, const real *A, int lda, const real *B,
                            int ldb, real beta, real *C, int ldc)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            real acc = beta != 0 ? C[(size_t)i * ldc + j] : 0;
            for (int k = 0; k < K; k++)
                acc = FMA_REAL(at(A, lda, ta, i, k), at(B, ldb, tb, k, j), acc);
            C[(size_t)i * ldc + j] = acc;
        }
}

static void fill(real *v, size_t n, rng_t *r)
{
    for (size_t k = 0; k < n; k++)
        v[k] = (real)rng_uniform_range(r, -1, 1);
}

/* How many of n elements differ in their bits; *first the first, or -1. */
static long count_differ(const real *got, const real *want, size_t n, long *first)
{
    long differ = 0;
    *first = -1;
    for (size_t q = 0; q < n; q++)
        if (memcmp(&got[q], &want[q], sizeof(real)) != 0 && (differ++, *first < 0))
            *first = (long)q;
    return differ;
}

/* One shape, both layouts and betas, on every path the CPU has. */
static void check_shape(shape s, rng_t *rng)
{
    static const char *const names[] = {"generic", "avx2", "avx512"};
    const int M = s.M, N = s.N, K = s.K;
    for (int variant = 0; variant < 8; variant++) {
        const bool ta = variant & 1, tb = variant & 2;
        const real beta = (variant & 4) ? 1 : 0;
        const int lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 5, ldc = N + 2;   /* padded rows */
        const size_t na = (size_t)(ta ? K : M) * lda + 1, nb = (size_t)(tb ? N : K) * ldb + 1,
                     nc = (size_t)M * ldc + 1;
        real *A = malloc(sizeof(real) * na), *B = malloc(sizeof(real) * nb), *C0 = malloc(sizeof(real) * nc),
             *want = malloc(sizeof(real) * nc), *got = malloc(sizeof(real) * nc);
        fill(A, na, rng), fill(B, nb, rng), fill(C0, nc, rng);
        memcpy(want, C0, sizeof(real) * nc);
        gemm_definition(ta, tb, M, N, K, A, lda, B, ldb, beta, want, ldc);
        /* the definition is right: within the chain's bound of the exact sum */
        double worst = 0;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                long double exact = beta != 0 ? C0[(size_t)i * ldc + j] : 0, mag = fabsl(exact);
                for (int k = 0; k < K; k++) {
                    long double p = (long double)at(A, lda, ta, i, k) * at(B, ldb, tb, k, j);
                    exact += p, mag += fabsl(p);
                }
                double err = (double)(fabsl(want[(size_t)i * ldc + j] - exact) / (mag + 1e-300));
                worst = err > worst ? err : worst;
            }
        CHECK(&tally, worst <= (K + 1) * EPS, "%dx%dx%d ta %d tb %d beta %g: the chain is off the exact sum by "
              "%.3g of sum|ab| (bound %.3g)", M, N, K, ta, tb, (double)beta, worst, (K + 1) * EPS);
        for (int p = 0; p < 3; p++) {
            if (!kernels_supported(names[p]))
                continue;
            kernels_use(names[p]);
            memcpy(got, C0, sizeof(real) * nc);
            gemm(ta, tb, M, N, K, 1, A, lda, B, ldb, beta, got, ldc);
            long first;
            long differ = count_differ(got, want, nc, &first);
            CHECK(&tally, differ == 0, "%s: %dx%dx%d ta %d tb %d beta %g: %ld elements differ from the "
                  "definition (first at %ld: %.9g, want %.9g)", names[p], M, N, K, ta, tb, (double)beta,
                  differ, first, first >= 0 ? (double)got[first] : 0, first >= 0 ? (double)want[first] : 0);
            if (!ta) {  /* op(B) packed once (W_hh for a pass), then the product: the same bits */
                real *packed = malloc(sizeof(real) * (gemm_packed_reals(K, N) + 1));
                gemm_pack(tb, K, N, B, ldb, packed);
                memcpy(got, C0, sizeof(real) * nc);
                gemm_packed(M, N, K, A, lda, packed, beta, got, ldc);
                differ = count_differ(got, want, nc, &first);
                CHECK(&tally, differ == 0, "%s: gemm_packed %dx%dx%d tb %d beta %g: %ld elements differ from "
                      "the definition (first at %ld)", names[p], M, N, K, tb, (double)beta, differ, first);
                free(packed);
            }
            if (beta == 0)
                continue;
            /* gemm_bias: the chains start from a bias row, as beta 1 from
             * C holding that row in every row: the same bits */
            real *rowed = malloc(sizeof(real) * nc);
            memcpy(rowed, C0, sizeof(real) * nc);
            for (int i = 0; i < M; i++)
                memcpy(rowed + (size_t)i * ldc, C0, sizeof(real) * N);
            gemm_definition(ta, tb, M, N, K, A, lda, B, ldb, 1, rowed, ldc);
            memcpy(got, C0, sizeof(real) * nc);
            gemm_bias(ta, tb, M, N, K, A, lda, B, ldb, C0, got, ldc);
            differ = 0;
            for (int i = 0; i < M; i++)
                differ += memcmp(got + (size_t)i * ldc, rowed + (size_t)i * ldc, sizeof(real) * N) != 0;
            CHECK(&tally, differ == 0, "%s: gemm_bias %dx%dx%d ta %d tb %d: %ld rows differ from the definition "
                  "started from the bias row", names[p], M, N, K, ta, tb, differ);
            free(rowed);
        }
        free(A), free(B), free(C0), free(want), free(got);
    }
}

static void check_sums(rng_t *rng)
{
    enum { M = 37, N = 45 };
    real A[M * N], y[N], want[N];
    fill(A, M * N, rng), fill(y, N, rng);
    memcpy(want, y, sizeof y);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            want[j] += A[i * N + j];
    add_colsum(y, A, M, N);
    CHECK(&tally, memcmp(y, want, sizeof y) == 0, "add_colsum: not the row-order sums");
    double lane[8] = {0};
    for (int k = 0; k < M * N; k++)
        lane[k % 8] += (double)A[k] * A[k];
    double s = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    CHECK(&tally, sum_squares(A, M * N) == s, "sum_squares: not the eight-lane order");
    /* each row one chain in k order, the rows' sums added in row order;
     * 1..M rows: a group of 8 whole, in part, and several */
    for (int rows = 1; rows <= M; rows++) {
        double total = 0;
        for (int i = 0; i < rows; i++) {
            double row = 0;
            for (int k = 0; k < N; k++)
                row += (double)A[i * N + k] * A[i * N + k];
            total += row;
        }
        CHECK(&tally, sum_squares_rows(A, rows, N) == total, "sum_squares_rows: %d rows not in their order", rows);
    }
}

int main(void)
{
    rng_t rng;
    rng_seed(&rng, 20261201, 7);
    const char *start = kernels_path();
    printf("kernel paths here:%s%s%s (default %s)\n", kernels_supported("generic") ? " generic" : "",
           kernels_supported("avx2") ? " avx2" : "", kernels_supported("avx512") ? " avx512" : "", start);
    const shape shapes[] = {
        {1, 1, 1},     {5, 7, 3},      {20, 256, 64},  {8, 32, 16},  {6, 16, 5},   {33, 65, 300},
        {17, 3, 513},  {64, 64, 64},   {2, 100, 1},    {9, 33, 0},   {40, 10, 257},
        {150, 300, 600},  /* op(A) packed: past PACK_A_MIN and 8 panels, two row chunks, three k blocks */
        /* row edges of half a tile or less (the half tile: in place at
         * avx512's 4 rows, through the edge buffer below it) */
        {4, 64, 70}, {3, 40, 20}, {12, 96, 33},
        /* run as their transposes (a few columns, many rows): the adding
         * task's dW_ih over three k blocks, copy's (N = 10), a readout of
         * one output, the widest N each path may swap (avx512 16, avx2 8,
         * generic 4), and one too large to hold transposed */
        {384, 2, 600}, {256, 10, 600}, {48, 1, 20}, {1000, 16, 5}, {40, 8, 300}, {64, 4, 9}, {20000, 1, 3},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        check_shape(shapes[i], &rng);
    check_sums(&rng);
    CHECK(&tally, kernels_use("sse9") == -1 && strcmp(kernels_path(), "sse9") != 0, "an unknown path is refused");
    CHECK(&tally, kernels_use(start) == 0 && strcmp(kernels_path(), start) == 0, "the default path is back");
    return check_done(&tally);
}
