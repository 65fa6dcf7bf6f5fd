/* test_spectral.c - the spectral radius and largest singular value of each
 * gate block of weight_hh, on matrices whose answers are known: a scaled
 * rotation (a complex pair: power iteration would not converge), a
 * diagonal one, a non-normal one (radius and 2-norm far apart), a scaled
 * orthogonal one from the init, and blocks kept apart; NaN for non-finite
 * weights. (The double core: float would round the inputs.) */
#include <math.h>
#include <stdlib.h>

#include "../check.h"
#include "init.h"
#include "rng.h"
#include "spectral.h"
#include "status.h"

static check_tally tally;

static void expect(const char *what, const real *w, int H, int G, const double *radius, const double *sigma)
{
    spectral_ws ws;
    double r[4], s[4];
    CHECK(&tally, spectral_ws_alloc(&ws, H) == 0, "%s: workspace", what);
    spectral_blocks(&ws, w, G, r, s);
    for (int g = 0; g < G; g++) {
        CHECK(&tally, fabs(r[g] - radius[g]) <= 1e-12 * fmax(1, radius[g]),
              "%s, block %d: radius %.17g, want %.17g", what, g, r[g], radius[g]);
        CHECK(&tally, fabs(s[g] - sigma[g]) <= 1e-12 * fmax(1, sigma[g]),
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
