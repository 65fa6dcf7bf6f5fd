/* blas.h - the two BLAS calls the core makes, in the build's real type.
 * Row-major throughout, as the buffers are laid out [T][B][.]. */
#ifndef RNB_BLAS_H
#define RNB_BLAS_H

#include <stdbool.h>

#include "real.h"

/* C[M,N] = alpha * op(A) op(B) + beta * C, op(A) [M,K], op(B) [K,N];
 * ta/tb say whether A/B are stored transposed. */
void gemm(bool ta, bool tb, int M, int N, int K, real alpha, const real *A,
          int lda, const real *B, int ldb, real beta, real *C, int ldc);

/* y[N] += sum over the M rows of A[M,N] (bias gradients), as a GEMV with a
 * vector of ones[M]. */
void add_colsum(real *y, const real *A, int M, int N, const real *ones);

/* sum of v[k]^2 in double, in a fixed order (8 interleaved partial sums,
 * then added in order): vectorisable without -ffast-math, and the same
 * result on every run. */
double sum_squares(const real *v, size_t n);

#endif
