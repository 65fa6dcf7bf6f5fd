/* spectral.h - the spectrum of weight_hh, as Pascanu, Mikolov & Bengio 2013
 * follow rho(W_hh) to explain a run that vanished (rho < 1) or exploded:
 * for each H x H gate block of weight_hh (G blocks, stacked as the cell's
 * summary gives them), its spectral radius (the largest |eigenvalue|) and
 * its largest singular value (its 2-norm).
 *
 * Both exact, from LAPACK (OpenBLAS's): dgeev and dgesvd, values only, on
 * a double copy. Not power iteration: on a non-symmetric matrix whose
 * largest eigenvalues are a complex pair (the common case for a random
 * W_hh) power iteration does not converge. Cost about 14 H^3 flops a
 * block, once per logged step: 0.1-2% of the steps between logs at the
 * default log_every (docs/engine.md). */
#ifndef RNB_SPECTRAL_H
#define RNB_SPECTRAL_H

#include "real.h"

typedef struct {
    int H;
    int lwork;
    double *a;              // (H, H) the block, copied (LAPACK overwrites it)
    double *wr, *wi;        // (H) eigenvalues; then (H) singular values in wr
    double *work;           // (lwork)
} spectral_ws;

/* RNB_OK or RNB_ENOMEM. */
int spectral_ws_alloc(spectral_ws *ws, int H);
void spectral_ws_free(spectral_ws *ws);

/* radius[g] and sigma[g] of each block g of w_hh (G*H, H); NaN for a block
 * with a non-finite entry or where LAPACK reports a failure. */
void spectral_blocks(spectral_ws *ws, const real *w_hh, int G, double *radius, double *sigma);

#endif
