#include "spectral.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "status.h"
#include "fmath.h"

int spectral_ws_alloc(spectral_ws *ws, int H)
{
    memset(ws, 0, sizeof *ws);
    ws->H = H;
    ws->a = malloc(sizeof(real) * 2 * (size_t)H * H);
    if (!ws->a)
        return RNB_ENOMEM;
    ws->b = ws->a + (size_t)H * H;
    return RNB_OK;
}

void spectral_ws_free(spectral_ws *ws)
{
    free(ws->a);
    memset(ws, 0, sizeof *ws);
}

/* Scales a (n) to Frobenius norm 1; returns the log of the norm it had,
 * -inf for a zero matrix. */
static double normalise(real *a, size_t n)
{
    double norm = sqrt(sum_squares(a, n));
    if (!(norm > 0))
        return -INFINITY;
    real s = (real)(1 / norm);
    for (size_t k = 0; k < n; k++)
        a[k] *= s;
    return fm_log(norm);
}

/* lim ||A^n||^(1/n) for the matrix in ws->a (overwritten), by squarings:
 * after k of them ws holds A^(2^k) / ||A^(2^k)|| and s = log ||A^(2^k)||. */
static double gelfand(spectral_ws *ws)
{
    const int H = ws->H;
    const size_t n = (size_t)H * H;
    double s = normalise(ws->a, n);
    if (isinf(s))
        return 0;
    for (int k = 0; k < SPECTRAL_SQUARINGS; k++) {
        gemm(false, false, H, H, H, 1, ws->a, H, ws->a, H, 0, ws->b, H);   /* B = A A */
        real *t = ws->a;
        ws->a = ws->b, ws->b = t;
        double l = normalise(ws->a, n);
        if (isinf(l))
            return 0;       /* nilpotent: rho = 0 */
        s = 2 * s + l;
    }
    return fm_exp(s / (double)(1L << SPECTRAL_SQUARINGS));
}

void spectral_blocks(spectral_ws *ws, const real *w_hh, int G, double *radius, double *sigma)
{
    const int H = ws->H;
    const size_t n = (size_t)H * H;
    for (int g = 0; g < G; g++) {
        const real *w = w_hh + (size_t)g * n;
        bool finite = true;
        for (size_t k = 0; k < n && finite; k++)
            finite = isfinite(w[k]);
        if (!finite) {
            radius[g] = sigma[g] = NAN;
            continue;
        }
        memcpy(ws->a, w, n * sizeof(real));
        radius[g] = gelfand(ws);
        /* W^T W of W scaled to norm 1 first, or the product can overflow
         * (or underflow) in float; sigma scales back */
        memcpy(ws->b, w, n * sizeof(real));
        double scale = normalise(ws->b, n);
        if (isinf(scale)) {
            sigma[g] = 0;
            continue;
        }
        gemm(true, false, H, H, H, 1, ws->b, H, ws->b, H, 0, ws->a, H);   /* W^T W / ||W||^2 */
        sigma[g] = sqrt(gelfand(ws)) * fm_exp(scale);
    }
}
