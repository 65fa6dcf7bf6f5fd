/* kernels.h - the training path's products and sums, the project's own,
 * with a fixed order of operations: the same bits on every CPU.
 *
 * gemm: every output element is one sequential chain of fused
 * multiply-adds over k, started from C (beta 1) or from 0 (beta 0):
 *     acc = C[i][j] or 0;  for k = 0 .. K-1:  acc = fma(A[i][k], B[k][j], acc)
 * A path (generic C, AVX2+FMA, AVX-512F) vectorises across j and blocks
 * the tile however suits its registers, never across k, so every path
 * computes the same bits. OpenBLAS (and BLIS, libxsmm) pick kernels per
 * CPU model and sum in their own orders; no Debian library promises this.
 *
 * The path is chosen once, when the program loads, by CPU feature flags
 * (never by model): the widest the CPU has. kernels_use() forces one, for
 * tests and benchmarks (RNNBENCH_KERNELS in the cli); it must be called
 * before any thread computes. */
#ifndef RNB_KERNELS_H
#define RNB_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

#include "real.h"

/* C[M,N] = op(A) op(B) + beta C, op(A) [M,K], op(B) [K,N], row-major;
 * ta/tb: A/B stored transposed. alpha must be 1 and beta 0 or 1 (all the
 * training path needs: the chain's start is then exact). */
void gemm(bool ta, bool tb, int M, int N, int K, real alpha, const real *A,
          int lda, const real *B, int ldb, real beta, real *C, int ldc);

/* C[M,N] = bias + op(A) op(B), bias [N] the start of every row's chains:
 * the bits of writing bias into each row and gemm with beta 1, without
 * that pass over C (the input projection's). */
void gemm_bias(bool ta, bool tb, int M, int N, int K, const real *A, int lda, const real *B, int ldb,
               const real *bias, real *C, int ldc);

/* op(B) [K,N] packed once for many products that read it (W_hh, the same
 * for all T steps of a pass), in the layout the active path's tile reads:
 * gemm_packed(..., packed, ...) then computes gemm(false, tb, ...)'s bits
 * without packing or striding over B at every call. packed holds
 * gemm_packed_reals(K, N) reals (enough for every path); it is read by the
 * path that packed it (kernels_use is never called between the two). */
size_t gemm_packed_reals(int K, int N);
void gemm_pack(bool tb, int K, int N, const real *B, int ldb, real *packed);
void gemm_packed(int M, int N, int K, const real *A, int lda, const real *packed, real beta, real *C,
                 int ldc);

/* y[N] += sum over the M rows of A[M,N] in row order (bias gradients). */
void add_colsum(real *y, const real *A, int M, int N);

/* sum of v[k]^2 in double, in a fixed order (8 interleaved partial sums,
 * then added in order): vectorisable without -ffast-math, and the same
 * result on every run and path. */
double sum_squares(const real *v, size_t n);
/* The sum over rows r, in order, of each row's sum of v[r*n + k]^2 in
 * double, k in order, one chain a row: the order in which the cells'
 * backward steps have summed dL/dc_t^2 since 0.1.0 (so dc_norm keeps its
 * bits), kept out of their loops so that those vectorise. */
double sum_squares_rows(const real *v, int rows, int n);

/* The kernel paths: "generic", "avx2", "avx512". */
const char *kernels_path(void);
/* Whether this CPU can run path name. */
bool kernels_supported(const char *name);
/* Forces path name: 0, or -1 for an unknown or unsupported one. */
int kernels_use(const char *name);

/* n rounds of independent FMA chains at the active path's width, for the
 * benchmark's FMA peak; returns the FLOPs done (the caller times it). */
double kernels_fma_burn(long n);

#endif
