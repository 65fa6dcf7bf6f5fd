/* spectral.h - the spectrum of weight_hh, as Pascanu, Mikolov & Bengio 2013
 * follow rho(W_hh) to explain a run that vanished (rho < 1) or exploded:
 * for each H x H gate block W of weight_hh (G blocks, stacked as the cell's
 * summary gives them), its spectral radius rho(W) (the largest
 * |eigenvalue|) and its largest singular value sigma(W) (its 2-norm).
 *
 * By Gelfand's formula, rho(A) = lim ||A^n||^(1/n), with n = 2^20 reached
 * by 20 squarings (GEMMs, each product rescaled to norm 1 and the scale
 * kept as a logarithm in double): rho(W) from A = W, sigma(W)^2 from
 * A = W^T W. The estimate is ||A^n||_F^(1/n) = rho * (1 + ln(c)/n), c the
 * conditioning of A's eigenvectors times sqrt(H): a relative error below
 * 1e-5 for any c below e^10 (W^T W is symmetric: c <= sqrt(H)). Not power
 * iteration: on a non-symmetric W whose largest eigenvalues are a complex
 * pair (the common case) power iteration does not converge; and not
 * LAPACK's dgeev, whose Hessenberg QR iterations cost 4-5 times more (it
 * made recording cost +6.7% at the default log_every, against +3.5% now:
 * docs/performance.md). */
#ifndef RNB_SPECTRAL_H
#define RNB_SPECTRAL_H

#include "real.h"

enum { SPECTRAL_SQUARINGS = 20 };

typedef struct {
    int H;
    real *a, *b;            // (H, H) ping-pong buffers for the squarings
} spectral_ws;

/* RNB_OK or RNB_ENOMEM. */
int spectral_ws_alloc(spectral_ws *ws, int H);
void spectral_ws_free(spectral_ws *ws);

/* radius[g] and sigma[g] of each block g of w_hh (G*H, H); NaN for a block
 * with a non-finite entry. */
void spectral_blocks(spectral_ws *ws, const real *w_hh, int G, double *radius, double *sigma);

#endif
