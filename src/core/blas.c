#include "blas.h"

#include <cblas.h>

#ifdef RNB_DOUBLE
#define CBLAS(f) cblas_d##f
#else
#define CBLAS(f) cblas_s##f
#endif

void gemm(bool ta, bool tb, int M, int N, int K, real alpha, const real *A,
          int lda, const real *B, int ldb, real beta, real *C, int ldc)
{
    CBLAS(gemm)(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                tb ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb,
                beta, C, ldc);
}

void add_colsum(real *y, const real *A, int M, int N, const real *ones)
{
    CBLAS(gemv)(CblasRowMajor, CblasTrans, M, N, 1, A, N, ones, 1, 1, y, 1);
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
