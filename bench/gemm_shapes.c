/* gemm_shapes.c - the own GEMM on given shapes, one thread: the time of
 * each product and its share of the FMA peak, to find where a training
 * step's products lose it (docs/performance.md). Not a test.
 *
 *   build/gemm_shapes [--path NAME] TA,TB,M,N,K,CALLS,BETA ...
 *
 * TA, TB 0 or 1 (op(A) = A^T, op(B) = B^T), C[M,N] = op(A)[M,K] op(B)[K,N]
 * (+ C with BETA 1), CALLS products in a row (a step's 120 recurrent
 * ones), the best of 30 repetitions; bench/gemm_shapes.sh lists the
 * products of an lstm step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "clock.h"
#include "kernels.h"

typedef struct { int ta, tb, M, N, K, calls, beta; } shape;

static int parse(shape *s, const char *arg)
{
    return sscanf(arg, "%d,%d,%d,%d,%d,%d,%d", &s->ta, &s->tb, &s->M, &s->N, &s->K, &s->calls, &s->beta) == 7 &&
           s->M > 0 && s->N > 0 && s->K > 0 && s->calls > 0 && (s->beta == 0 || s->beta == 1);
}

/* Best seconds of 30 repetitions of the shape's calls. */
static double best_time(const shape *s, const real *A, const real *B, real *C)
{
    const int lda = s->ta ? s->M : s->K, ldb = s->tb ? s->K : s->N;
    double best = 1e30;
    for (int rep = 0; rep < 30; rep++) {
        double t0 = clock_seconds();
        for (int c = 0; c < s->calls; c++)
            gemm(s->ta, s->tb, s->M, s->N, s->K, 1, A, lda, B, ldb, (real)s->beta, C, s->N);
        double t = clock_seconds() - t0;
        best = t < best ? t : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--path") == 0) {
        if (kernels_use(argv[2])) {
            fprintf(stderr, "gemm_shapes: --path %s: not a kernel path this CPU has\n", argv[2]);
            return 2;
        }
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: gemm_shapes [--path NAME] TA,TB,M,N,K,CALLS,BETA ...\n");
        return 2;
    }
    shape *s = malloc((size_t)(argc - first) * sizeof *s);
    size_t most = 0;
    for (int i = first; i < argc; i++) {
        shape *q = s + (i - first);
        if (!parse(q, argv[i])) {
            fprintf(stderr, "gemm_shapes: '%s' is not TA,TB,M,N,K,CALLS,BETA (sizes positive, BETA 0 or 1)\n", argv[i]);
            return 2;
        }
        size_t n = (size_t)q->M * q->K > (size_t)q->K * q->N ? (size_t)q->M * q->K : (size_t)q->K * q->N;
        n = n > (size_t)q->M * q->N ? n : (size_t)q->M * q->N;
        most = n > most ? n : most;
    }
    real *A = malloc(most * sizeof(real)), *B = malloc(most * sizeof(real)), *C = calloc(most, sizeof(real));
    if (!s || !A || !B || !C) {
        fprintf(stderr, "gemm_shapes: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < most; i++)
        A[i] = (real)((i % 7) * 0.1), B[i] = (real)((i % 5) * 0.1);
    const double peak = bench_fma_peak(0.5);
    printf("# gemm_shapes, kernels %s, FMA peak %.1f GFLOP/s (1 core)\n", kernels_path(), peak);
    printf("%-2s %-2s %6s %6s %6s %5s %4s %10s %8s %6s\n", "ta", "tb", "M", "N", "K", "calls", "beta", "us", "GFLOP/s",
           "ofPeak");
    double total_t = 0, total_f = 0;
    for (int i = 0; i < argc - first; i++) {
        const shape *q = s + i;
        const double t = best_time(q, A, B, C), f = 2.0 * q->M * q->N * q->K * q->calls;
        total_t += t, total_f += f;
        printf("%-2d %-2d %6d %6d %6d %5d %4d %10.1f %8.1f %5.0f%%\n", q->ta, q->tb, q->M, q->N, q->K, q->calls,
               q->beta, t * 1e6, f / t * 1e-9, 100 * f / t * 1e-9 / peak);
    }
    printf("# all: %.1f us, %.1f GFLOP/s, %.0f%% of the peak\n", total_t * 1e6, total_f / total_t * 1e-9,
           100 * total_f / total_t * 1e-9 / peak);
    free(s), free(A), free(B), free(C);
    return 0;
}
