#include "spectral.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

/* LAPACK (Fortran interface, in OpenBLAS): gfortran passes the length of
 * each character argument after the others. */
void dgeev_(const char *jobvl, const char *jobvr, const int *n, double *a, const int *lda,
            double *wr, double *wi, double *vl, const int *ldvl, double *vr, const int *ldvr,
            double *work, const int *lwork, int *info, size_t ljobvl, size_t ljobvr);
void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a,
             const int *lda, double *s, double *u, const int *ldu, double *vt, const int *ldvt,
             double *work, const int *lwork, int *info, size_t ljobu, size_t ljobvt);

int spectral_ws_alloc(spectral_ws *ws, int H)
{
    memset(ws, 0, sizeof *ws);
    ws->H = H;
    int info, q = -1, one = 1;
    double size_eig = 0, size_svd = 0, dummy = 0;
    dgeev_("N", "N", &H, &dummy, &H, &dummy, &dummy, &dummy, &one, &dummy, &one, &size_eig, &q, &info, 1, 1);
    dgesvd_("N", "N", &H, &H, &dummy, &H, &dummy, &dummy, &one, &dummy, &one, &size_svd, &q, &info, 1, 1);
    ws->lwork = (int)fmax(fmax(size_eig, size_svd), 5.0 * H);
    ws->a = malloc(sizeof(double) * ((size_t)H * H + 2 * (size_t)H + ws->lwork));
    if (!ws->a)
        return RNB_ENOMEM;
    ws->wr = ws->a + (size_t)H * H;
    ws->wi = ws->wr + H;
    ws->work = ws->wi + H;
    return RNB_OK;
}

void spectral_ws_free(spectral_ws *ws)
{
    free(ws->a);
    memset(ws, 0, sizeof *ws);
}

/* Copies block w (H, H) into ws->a; false if an entry is not finite. The
 * row-major block read as column-major is its transpose: same spectrum. */
static bool load(spectral_ws *ws, const real *w)
{
    const size_t n = (size_t)ws->H * ws->H;
    for (size_t k = 0; k < n; k++) {
        ws->a[k] = w[k];
        if (!isfinite(ws->a[k]))
            return false;
    }
    return true;
}

void spectral_blocks(spectral_ws *ws, const real *w_hh, int G, double *radius, double *sigma)
{
    const int H = ws->H, one = 1;
    double dummy = 0;
    for (int g = 0; g < G; g++) {
        const real *w = w_hh + (size_t)g * H * H;
        int info;
        radius[g] = sigma[g] = NAN;
        if (!load(ws, w))
            continue;
        dgeev_("N", "N", &H, ws->a, &H, ws->wr, ws->wi, &dummy, &one, &dummy, &one, ws->work,
               &ws->lwork, &info, 1, 1);
        if (info == 0) {
            double r = 0;
            for (int i = 0; i < H; i++)
                r = fmax(r, hypot(ws->wr[i], ws->wi[i]));
            radius[g] = r;
        }
        load(ws, w);
        dgesvd_("N", "N", &H, &H, ws->a, &H, ws->wr, &dummy, &one, &dummy, &one, ws->work,
                &ws->lwork, &info, 1, 1);
        if (info == 0)
            sigma[g] = ws->wr[0];   /* singular values come in descending order */
    }
}
