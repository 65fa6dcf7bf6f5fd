/* expm.h - the matrix exponential and its Frechet derivative, for a
 * recurrence reparametrised through exp (expRNN's B = exp(S), S skew).
 *
 * exp(X) by scaling and squaring with the [13/13] Pade approximant (Higham
 * 2005, "The scaling and squaring method for the matrix exponential
 * revisited", Algorithm 2.3); the Frechet derivative L(X, D) = d/de
 * exp(X + e D) at e = 0 alongside it, by Al-Mohy & Higham 2009 ("Computing
 * the Frechet derivative of the matrix exponential", Algorithm 6.4), as
 * scipy's expm_frechet does. Degree 13 at every norm (Higham picks 3..13
 * by the norm to save products; one path is simpler and, at the sizes
 * here, a few milliseconds per pass: docs/performance.md).
 *
 * The adjoint, what backpropagation needs: for G = dLoss/dexp(X),
 * dLoss/dX = L(X^T, G) (exp's power series has real coefficients).
 *
 * In double whatever the build's real, the result rounded once: a float B
 * from float Pade is a few ulp off, and exprnn applies B T times, so at
 * T = 500 that costs a relative 1e-4 of the forward pass (PyTorch's float32
 * matrix_exp does the same), against 5e-6 with B correctly rounded. Own
 * products and an LU with partial pivoting, each in one fixed order (no
 * contraction; LAPACK's getrf runs on each CPU's BLAS kernels): the same
 * bits on every machine. Matrices are n x n, row-major. */
#ifndef RNB_EXPM_H
#define RNB_EXPM_H

#include <stddef.h>

#include "real.h"

/* Scratch expm() and expm_frechet() need: doubles and pivot ints. */
size_t expm_work_doubles(int n);
typedef struct {
    double *w;              // (expm_work_doubles(n))
    int *piv;               // (n)
} expm_work;

/* E := exp(X). */
void expm(real *E, const real *X, int n, expm_work *wk);

/* E := exp(X) and L := L(X, D). */
void expm_frechet(real *E, real *L, const real *X, const real *D, int n, expm_work *wk);

#endif
