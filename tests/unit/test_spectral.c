/* test_spectral.c - the spectral radius and largest singular value of each
 * gate block of weight_hh, on matrices whose answers are known: a scaled
 * rotation (a complex pair: power iteration would not converge), a
 * diagonal one, a non-normal one (radius and 2-norm far apart), a scaled
 * orthogonal one from the init, and blocks kept apart; NaN for non-finite
 * weights; random blocks against LAPACK. Within 1e-5, and never below:
 * Gelfand's estimate from the Frobenius norm is an upper bound. (The double
 * core: float would round the inputs.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../check.h"
#include "init.h"
#include "rng.h"
#include "spectral.h"
#include "status.h"

static check_tally tally;

/* LAPACK, the independent reference for random matrices */
void dgeev_(const char *jobvl, const char *jobvr, const int *n, double *a, const int *lda,
            double *wr, double *wi, double *vl, const int *ldvl, double *vr, const int *ldvr,
            double *work, const int *lwork, int *info, size_t ljobvl, size_t ljobvr);
void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a,
             const int *lda, double *s, double *u, const int *ldu, double *vt, const int *ldvt,
             double *work, const int *lwork, int *info, size_t ljobu, size_t ljobvt);

/* rho and sigma of w (n x n) by LAPACK's eigenvalues and singular values */
static void lapack_spectrum(const real *w, int n, double *rho, double *sigma)
{
    int one = 1, lwork = 20 * n, info;
    double *a = malloc(sizeof(double) * ((size_t)n * n + 2 * n + lwork)), d = 0;
    double *wr = a + (size_t)n * n, *wi = wr + n, *work = wi + n;
    for (int k = 0; k < n * n; k++)
        a[k] = w[k];
    dgeev_("N", "N", &n, a, &n, wr, wi, &d, &one, &d, &one, work, &lwork, &info, 1, 1);
    *rho = 0;
    for (int i = 0; i < n; i++)
        *rho = fmax(*rho, hypot(wr[i], wi[i]));
    for (int k = 0; k < n * n; k++)
        a[k] = w[k];
    dgesvd_("N", "N", &n, &n, a, &n, wr, &d, &one, &d, &one, work, &lwork, &info, 1, 1);
    *sigma = wr[0];
    free(a);
}

static void expect(const char *what, const real *w, int H, int G, const double *radius, const double *sigma)
{
    spectral_ws ws;
    double r[4], s[4];
    CHECK(&tally, spectral_ws_alloc(&ws, H) == 0, "%s: workspace", what);
    spectral_blocks(&ws, w, G, r, s);
    for (int g = 0; g < G; g++) {
        CHECK(&tally, fabs(r[g] - radius[g]) <= 1e-5 * fmax(1, radius[g]) && r[g] >= radius[g] * (1 - 1e-12),
              "%s, block %d: radius %.17g, want %.17g", what, g, r[g], radius[g]);
        CHECK(&tally, fabs(s[g] - sigma[g]) <= 1e-5 * fmax(1, sigma[g]) && s[g] >= sigma[g] * (1 - 1e-12),
              "%s, block %d: sigma %.17g, want %.17g", what, g, s[g], sigma[g]);
    }
    spectral_ws_free(&ws);
}

int main(void)
{
    /* 2 R(theta): eigenvalues 2 e^{+-i theta}, a complex pair */
    const double c = cos(0.7), s = sin(0.7);
    real rot[4] = {2 * c, -2 * s, 2 * s, 2 * c};
    expect("a scaled rotation", rot, 2, 1, (double[]){2}, (double[]){2});

    real diag[9] = {3, 0, 0, 0, -1, 0, 0, 0, 0.5};
    expect("diag(3, -1, 0.5)", diag, 3, 1, (double[]){3}, (double[]){3});

    /* [[1, 10], [0, 0.5]]: eigenvalues 1 and 0.5; sigma^2 the larger root
     * of x^2 - 101.25 x + 0.25 */
    real nonnormal[4] = {1, 10, 0, 0.5};
    double s2 = (101.25 + sqrt(101.25 * 101.25 - 1)) / 2;
    expect("a non-normal matrix", nonnormal, 2, 1, (double[]){1}, (double[]){sqrt(s2)});

    /* two blocks, stacked: the rotation, then the diagonal's top 2x2 */
    real two[8] = {2 * c, -2 * s, 2 * s, 2 * c, 3, 0, 0, -1};
    expect("two blocks", two, 2, 2, (double[]){2, 3}, (double[]){2, 3});

    /* the orthogonal init at gain 1.5: every eigenvalue and singular value 1.5 */
    enum { H = 24, I = 3 };
    const cell_type *cell = cell_find("rnn_tanh");
    real *slab = malloc(sizeof(real) * layer_param_count(cell, I, H));
    layer_params p;
    layer_params_view(&p, slab, cell, I, H);
    init_spec is;
    char err[RNB_ERRLEN];
    rng_t r;
    rng_seed(&r, 5, RNG_STREAM_INIT);
    CHECK(&tally, init_parse(&is, "orthogonal:1.5", err) == 0 && init_layer(&p, cell, I, H, &is, &r, err) == 0,
          "orthogonal init: %s", err);
    real *w = p.w_hh;
    expect("1.5 x an orthogonal matrix", w, H, 1, (double[]){1.5}, (double[]){1.5});

    /* random Gaussian blocks, as trained weights are: against LAPACK */
    for (int trial = 0; trial < 5; trial++) {
        for (int k = 0; k < H * H; k++)
            w[k] = (real)(rng_normal(&r) * (0.5 + 0.3 * trial) / sqrt((double)H));
        double rho, sigma;
        lapack_spectrum(w, H, &rho, &sigma);
        char what[64];
        snprintf(what, sizeof what, "random block %d (LAPACK: rho %.4f)", trial, rho);
        expect(what, w, H, 1, &rho, &sigma);
    }

    w[7] = NAN;
    spectral_ws ws;
    double rad, sig;
    spectral_ws_alloc(&ws, H);
    spectral_blocks(&ws, w, 1, &rad, &sig);
    CHECK(&tally, isnan(rad) && isnan(sig), "a NaN weight gives NaN, not %g %g", rad, sig);
    spectral_ws_free(&ws);
    free(slab);
    return check_done(&tally);
}
