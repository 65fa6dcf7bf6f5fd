#include "init.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

/* LAPACK (Debian's OpenBLAS carries it): Householder QR, then its Q. */
void dgeqrf_(const int *m, const int *n, double *a, const int *lda,
             double *tau, double *work, const int *lwork, int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a,
             const int *lda, const double *tau, double *work,
             const int *lwork, int *info);

int init_parse(init_spec *s, const char *text, char *err)
{
    static const struct { const char *name; init_kind kind; } kinds[] = {
        {"uniform", INIT_UNIFORM},
        {"orthogonal", INIT_ORTHOGONAL},
        {"identity", INIT_IDENTITY},
        {"chrono", INIT_CHRONO},
    };
    memset(s, 0, sizeof *s);    /* no forget bias unless set apart */
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strlen(kinds[i].name) != len || strncmp(text, kinds[i].name, len))
            continue;
        s->kind = kinds[i].kind;
        s->gain = s->kind == INIT_CHRONO ? 0 : 1;
        if (!colon)
            return RNB_OK;
        char *end;
        s->gain = strtod(colon + 1, &end);
        if (s->kind == INIT_UNIFORM || end == colon + 1 || *end || !isfinite(s->gain) ||
            (s->kind == INIT_CHRONO && !(s->gain > 2)))
            return rnb_error(err, RNB_EINVAL, "bad init '%s' (uniform, orthogonal[:GAIN], identity[:SCALE], "
                             "chrono[:TMAX], TMAX > 2)", text);
        return RNB_OK;
    }
    return rnb_error(err, RNB_EINVAL,
                     "unknown init '%s' (uniform, orthogonal[:GAIN], identity[:SCALE], chrono[:TMAX])", text);
}

void init_uniform(real *v, size_t n, double bound, rng_t *r)
{
    for (size_t k = 0; k < n; k++)
        v[k] = (real)rng_uniform_range(r, -bound, bound);
}

/* w (H, H) = gain * Q, Q the orthogonal factor of a Gaussian matrix with
 * the signs of R's diagonal folded in, so that Q is Haar-distributed
 * (Mezzadri 2007), as nn.init.orthogonal_ draws it. */
static int orthogonal_block(real *w, int H, double gain, rng_t *r, char *err)
{
    int n = H, info = 0, lwork = -1;
    double query;
    dgeqrf_(&n, &n, NULL, &n, NULL, &query, &lwork, &info);
    lwork = (int)query > n ? (int)query : n;
    double *a = malloc(sizeof(double) * ((size_t)n * n + n + n + lwork));
    if (!a)
        return rnb_error(err, RNB_ENOMEM, "out of memory for an orthogonal init of size %d", H);
    double *tau = a + (size_t)n * n, *sign = tau + n, *work = sign + n;
    for (size_t k = 0; k < (size_t)n * n; k++)
        a[k] = rng_normal(r);
    dgeqrf_(&n, &n, a, &n, tau, work, &lwork, &info);
    if (info == 0) {
        for (int j = 0; j < n; j++)     /* column-major: R(j,j) = a[j*n+j] */
            sign[j] = a[(size_t)j * n + j] < 0 ? -1 : 1;
        dorgqr_(&n, &n, &n, a, &n, tau, work, &lwork, &info);
    }
    if (info != 0) {
        free(a);
        return rnb_error(err, RNB_EINVAL, "LAPACK failed (info %d) in an orthogonal init", info);
    }
    /* Q column-major: Q(i,j) = a[j*n+i]; column j times sign j. */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            w[(size_t)i * n + j] = (real)(gain * a[(size_t)j * n + i] * sign[j]);
    free(a);
    return RNB_OK;
}

int init_layer(layer_params *p, const cell_type *cell, int I, int H,
               const init_spec *s, rng_t *r, char *err)
{
    const int G = cell->G;
    const size_t GH = (size_t)G * H, HH = (size_t)H * H;
    if (s->set_forget_bias && cell->forget_block < 0)
        return rnb_error(err, RNB_EINVAL, "forget_bias: cell '%s' has no forget gate", cell->name);
    if (s->kind == INIT_CHRONO && (cell->forget_block < 0 || cell->input_block < 0))
        return rnb_error(err, RNB_EINVAL, "init chrono: cell '%s' has no input and forget gates", cell->name);
    if (s->kind == INIT_CHRONO && !(s->gain > 2))
        return rnb_error(err, RNB_EINVAL, "init chrono: tmax %g is not above 2", s->gain);
    if (s->kind == INIT_CHRONO && s->set_forget_bias)
        return rnb_error(err, RNB_EINVAL, "init chrono sets the forget bias: give no forget_bias");

    const double bound = 1 / sqrt((double)H);
    init_uniform(p->w_ih, GH * I, bound, r);
    init_uniform(p->w_hh, GH * H, bound, r);
    init_uniform(p->b_ih, GH, bound, r);
    init_uniform(p->b_hh, GH, bound, r);
    if (cell->E)    /* peepholes: as the other weights */
        init_uniform(p->extra, (size_t)cell->E * H, bound, r);

    for (int blk = 0; blk < G; blk++) {
        real *w = p->w_hh + blk * HH;
        if (s->kind == INIT_ORTHOGONAL) {
            int rc = orthogonal_block(w, H, s->gain, r, err);
            if (rc != RNB_OK)
                return rc;
        } else if (s->kind == INIT_IDENTITY) {
            memset(w, 0, HH * sizeof(real));
            for (int j = 0; j < H; j++)
                w[(size_t)j * H + j] = (real)s->gain;
        }
    }
    if (s->kind == INIT_IDENTITY) {
        memset(p->b_ih, 0, GH * sizeof(real));
        memset(p->b_hh, 0, GH * sizeof(real));
    }
    if (s->kind == INIT_CHRONO) {   /* Tallec & Ollivier 2018, section 3 */
        real *bf = p->b_ih + (size_t)cell->forget_block * H, *bi = p->b_ih + (size_t)cell->input_block * H;
        real *hf = p->b_hh + (size_t)cell->forget_block * H, *hi = p->b_hh + (size_t)cell->input_block * H;
        for (int j = 0; j < H; j++) {
            bf[j] = (real)log(rng_uniform_range(r, 1, s->gain - 1));
            bi[j] = -bf[j];
            hf[j] = hi[j] = 0;
        }
    }
    if (s->set_forget_bias) {
        real *bi = p->b_ih + (size_t)cell->forget_block * H;
        real *bh = p->b_hh + (size_t)cell->forget_block * H;
        for (int j = 0; j < H; j++)
            bi[j] = (real)s->forget_bias, bh[j] = 0;
    }
    return RNB_OK;
}
