#include "init.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spectral.h"
#include "status.h"
#include "fmath.h"

int init_parse(init_spec *s, const char *text, char *err)
{
    static const struct { const char *name; init_kind kind; } kinds[] = {
        {"uniform", INIT_UNIFORM},
        {"orthogonal", INIT_ORTHOGONAL},
        {"identity", INIT_IDENTITY},
        {"chrono", INIT_CHRONO},
        {"paper", INIT_PAPER},
        {"henaff", INIT_HENAFF},
        {"cayley", INIT_CAYLEY},
        {"glorot", INIT_GLOROT},
        {"glorot_identity", INIT_GLOROT_IDENTITY},
    };
    memset(s, 0, sizeof *s);    /* no forget bias unless set apart */
    static const char usage[] = "(uniform, paper, henaff, cayley, orthogonal[:GAIN], identity[:SCALE], "
                                "chrono[:TMAX], normal:STD, sparse:K:RHO, glorot, glorot_identity)";
    if (strncmp(text, "normal:", 7) == 0 || strncmp(text, "sparse:", 7) == 0) {
        const bool sparse = text[0] == 's';
        char *end;
        s->kind = sparse ? INIT_SPARSE : INIT_NORMAL;
        const char *num = text + 7;
        if (sparse) {
            const long k = strtol(num, &end, 10);
            if (end == num || *end != ':' || k < 1 || k > 1 << 20)
                return rnb_error(err, RNB_EINVAL, "bad init '%s': sparse:K:RHO, K a count >= 1 %s", text, usage);
            s->sparse_k = (int)k, num = end + 1;
        }
        s->gain = strtod(num, &end);
        if (end == num || *end || !isfinite(s->gain) || !(s->gain > 0))
            return rnb_error(err, RNB_EINVAL, "bad init '%s': %s > 0 %s", text, sparse ? "RHO" : "STD", usage);
        return RNB_OK;
    }
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
        if (s->kind == INIT_UNIFORM || s->kind >= INIT_PAPER || end == colon + 1 || *end || !isfinite(s->gain) ||
            (s->kind == INIT_CHRONO && !(s->gain > 2)))
            return rnb_error(err, RNB_EINVAL, "bad init '%s' %s, TMAX > 2", text, usage);
        return RNB_OK;
    }
    if (strcmp(text, "normal") == 0 || strcmp(text, "sparse") == 0)
        return rnb_error(err, RNB_EINVAL, "init '%s' needs its numbers %s", text, usage);
    return rnb_error(err, RNB_EINVAL, "unknown init '%s' %s", text, usage);
}

void init_linear(layer_params *p, int I, int GH, rng_t *r)
{
    const double bound = 1 / sqrt((double)I);
    init_uniform(p->w_ih, (size_t)GH * I, bound, r);
    init_uniform(p->b_ih, (size_t)GH, bound, r);
}

void init_uniform(real *v, size_t n, double bound, rng_t *r)
{
    for (size_t k = 0; k < n; k++)
        v[k] = (real)rng_uniform_range(r, -bound, bound);
}

/* Columns j..n-1 of m (n x n, column-major) times (I - tau v v^T), v
 * nonzero on rows j..n-1 only: each column's dot product in row order. */
static void reflect(double *m, const double *v, double tau, int j, int n)
{
    for (int c = j; c < n; c++) {
        double *col = m + (size_t)c * n, dot = 0;
        for (int i = j; i < n; i++)
            dot += v[i] * col[i];
        const double f = tau * dot;
        for (int i = j; i < n; i++)
            col[i] -= f * v[i];
    }
}

/* Householder QR of a (n x n, column-major: a[j*n + i] is row i of column
 * j) in place: R on and above the diagonal, the reflectors' vectors in v
 * (column j holds v_j on rows j..n-1), tau[j] = 2 / |v_j|^2 (0: none).
 * LAPACK's convention (R(j,j) = -sign(a_jj) |x|), in double and in one
 * fixed order of operations, where LAPACK's blocked QR runs on the BLAS
 * kernels of each CPU: the same initial weights on every machine. */
static void householder_qr(double *a, double *v, double *tau, int n)
{
    for (int j = 0; j < n; j++) {
        double *x = a + (size_t)j * n, *vj = v + (size_t)j * n, norm2 = 0;
        for (int i = j; i < n; i++)
            norm2 += x[i] * x[i];
        const double alpha = x[j] >= 0 ? -sqrt(norm2) : sqrt(norm2);
        double v2 = 0;
        for (int i = j; i < n; i++) {
            vj[i] = i == j ? x[j] - alpha : x[i];
            v2 += vj[i] * vj[i];
        }
        tau[j] = v2 > 0 ? 2 / v2 : 0;
        reflect(a, vj, tau[j], j, n);
    }
}

/* q (n x n, column-major) = H_0 H_1 ... H_{n-1}, applied to I from the
 * last reflector back. */
static void householder_q(double *q, const double *v, const double *tau, int n)
{
    memset(q, 0, sizeof(double) * (size_t)n * n);
    for (int i = 0; i < n; i++)
        q[(size_t)i * n + i] = 1;
    for (int j = n - 1; j >= 0; j--)      /* columns < j are still e_c there */
        reflect(q, v + (size_t)j * n, tau[j], j, n);
}

/* w (H, H) = gain * Q, Q the orthogonal factor of a Gaussian matrix with
 * the signs of R's diagonal folded in, so that Q is Haar-distributed
 * (Mezzadri 2007), as nn.init.orthogonal_ draws it. */
static int orthogonal_block(real *w, int H, double gain, rng_t *r, char *err)
{
    const int n = H;
    const size_t nn = (size_t)n * n;
    double *a = malloc(sizeof(double) * (3 * nn + n));
    if (!a)
        return rnb_error(err, RNB_ENOMEM, "out of memory for an orthogonal init of size %d", H);
    double *v = a + nn, *q = v + nn, *tau = q + nn;
    for (size_t k = 0; k < nn; k++)
        a[k] = rng_normal(r);
    householder_qr(a, v, tau, n);
    householder_q(q, v, tau, n);
    /* Q(i,j) = q[j*n+i]; column j times the sign of R(j,j) = a[j*n+j]. */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            w[(size_t)i * n + j] = (real)(gain * q[(size_t)j * n + i] * (a[(size_t)j * n + j] < 0 ? -1 : 1));
    free(a);
    return RNB_OK;
}

/* N(0, std^2) into v (n). */
static void normal_fill(real *v, size_t n, double std, rng_t *r)
{
    for (size_t k = 0; k < n; k++)
        v[k] = (real)(std * rng_normal(r));
}

/* Keeps k entries of every column of w (H, H), the rows drawn by a
 * random permutation (their code's rng.permutation per unit); zeros the
 * rest. */
static void sparsify_columns(real *w, int H, int k, rng_t *r)
{
    int perm[H];
    for (int c = 0; c < H; c++) {
        for (int i = 0; i < H; i++)
            perm[i] = i;
        for (int i = H - 1; i > 0; i--) {       /* Fisher-Yates */
            const int j = (int)rng_below(r, (uint64_t)i + 1), t = perm[i];
            perm[i] = perm[j], perm[j] = t;
        }
        for (int i = k; i < H; i++)
            w[(size_t)perm[i] * H + c] = 0;
    }
}

/* Every weight drawn, normal N(0, scale^2) or uniform U(+-scale), at s_ih
 * for weight_ih and s_hh for the rest (weight_hh, weight_ch, weight_co, the extras);
 * every bias 0. */
static void draw_weights(layer_params *p, const cell_type *cell, int I, int H, bool normal, double s_ih,
                         double s_hh, rng_t *r)
{
    void (*draw)(real *, size_t, double, rng_t *) = normal ? normal_fill : init_uniform;
    const size_t GH = (size_t)cell->G * H;
    draw(p->w_ih, GH * I, s_ih, r);
    if (p->w_hh)
        draw(p->w_hh, cell->recurrence == REC_DENSE ? GH * H : GH, s_hh, r);
    if (p->w_ch)
        draw(p->w_ch, GH * H, s_hh, r);
    if (p->w_co)
        draw(p->w_co, (size_t)H * H, s_hh, r);
    if (p->extra)
        draw(p->extra, cell_extra_count(cell, H), s_hh, r);
    if (p->b_ih)
        memset(p->b_ih, 0, GH * sizeof(real));
    if (p->b_hh)
        memset(p->b_hh, 0, GH * sizeof(real));
}

/* Pascanu et al.'s inits (init.h): normal:std and sparse:k:rho. */
static int pascanu_init(layer_params *p, const cell_type *cell, int I, int H, const init_spec *s, rng_t *r,
                        char *err)
{
    const size_t HH = (size_t)H * H;
    if (s->kind == INIT_SPARSE && cell->recurrence != REC_DENSE)
        return rnb_error(err, RNB_EINVAL, "init sparse: cell '%s' has no dense weight_hh", cell->name);
    const double sd = s->kind == INIT_NORMAL ? s->gain : 0.01;
    draw_weights(p, cell, I, H, true, sd, sd, r);
    if (s->kind == INIT_NORMAL)
        return RNB_OK;
    spectral_ws sw;
    if (spectral_ws_alloc(&sw, H))
        return rnb_error(err, RNB_ENOMEM, "out of memory for a sparse init of size %d", H);
    for (int g = 0; g < cell->G; g++) {
        real *w = p->w_hh + g * HH;
        sparsify_columns(w, H, s->sparse_k, r);
        double rho, sigma;
        spectral_blocks(&sw, w, 1, &rho, &sigma);
        for (size_t k = 0; k < HH && rho > 0; k++)      /* to spectral radius rho */
            w[k] = (real)(s->gain * w[k] / rho);
    }
    spectral_ws_free(&sw);
    return RNB_OK;
}

/* Arjovsky et al.'s Glorot-uniform init (init.h): the bounds of each
 * gate block, [H, I] and [H, H], alike for every block; with identity,
 * W_hh = I after it (the draws as glorot's, so the other weights are the
 * same). */
static int glorot_init(layer_params *p, const cell_type *cell, int I, int H, bool s_kind_identity, rng_t *r,
                       char *err)
{
    if (cell->recurrence != REC_DENSE)
        return rnb_error(err, RNB_EINVAL, "init glorot: cell '%s' has no dense weight_hh", cell->name);
    draw_weights(p, cell, I, H, false, sqrt(6.0 / (I + H)), sqrt(6.0 / (2.0 * H)), r);
    if (s_kind_identity)    /* their IRNN: W_hh = I in every block */
        for (int g = 0; g < cell->G; g++)
            for (int i = 0; i < H; i++)
                for (int j = 0; j < H; j++)
                    p->w_hh[((size_t)g * H + i) * H + j] = i == j;
    return RNB_OK;
}

bool init_readout(const init_spec *s, real *w, real *b, int O, int H, rng_t *r)
{
    if (s->kind == INIT_GLOROT || s->kind == INIT_GLOROT_IDENTITY)
        init_uniform(w, (size_t)O * H, sqrt(6.0 / (H + O)), r);
    else if (s->kind == INIT_NORMAL || s->kind == INIT_SPARSE)
        normal_fill(w, (size_t)O * H, s->kind == INIT_NORMAL ? s->gain : 0.01, r);
    else
        return false;
    memset(b, 0, (size_t)O * sizeof(real));
    return true;
}

/* The forget-gate bias, when set: bias_ih's f block b, bias_hh's 0, so
 * that their sum is b. */
static int forget_bias(layer_params *p, const cell_type *cell, int H, const init_spec *s)
{
    if (!s->set_forget_bias)
        return RNB_OK;
    real *bi = p->b_ih + (size_t)cell->forget_block * H;
    real *bh = p->b_hh ? p->b_hh + (size_t)cell->forget_block * H : NULL;
    for (int j = 0; j < H; j++) {
        bi[j] = (real)s->forget_bias;
        if (bh)
            bh[j] = 0;
    }
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
    if ((s->kind == INIT_ORTHOGONAL || s->kind == INIT_IDENTITY) && cell->recurrence != REC_DENSE)
        return rnb_error(err, RNB_EINVAL, "init %s: cell '%s' has no dense weight_hh",
                         s->kind == INIT_ORTHOGONAL ? "orthogonal" : "identity", cell->name);

    const bool skew_init = s->kind == INIT_HENAFF || s->kind == INIT_CAYLEY;
    if (skew_init != (cell->reparam_form != NULL) && s->kind != INIT_PAPER)
        return rnb_error(err, RNB_EINVAL, cell->reparam_form
                         ? "init: cell '%s' is reparametrised through exp: init paper, henaff or cayley"
                         : "init henaff/cayley: cell '%s' has no skew-reparametrised recurrence", cell->name);
    if (cell->own_init_only && !cell->reparam_form && s->kind != INIT_PAPER)
        return rnb_error(err, RNB_EINVAL, "init: cell '%s' takes its paper's init alone: paper", cell->name);
    const bool glorot = s->kind == INIT_GLOROT || s->kind == INIT_GLOROT_IDENTITY;
    if (s->kind == INIT_NORMAL || s->kind == INIT_SPARSE || glorot) {
        int rc = glorot ? glorot_init(p, cell, I, H, s->kind == INIT_GLOROT_IDENTITY, r, err)
                        : pascanu_init(p, cell, I, H, s, r, err);
        return rc ? rc : forget_bias(p, cell, H, s);
    }
    if ((s->kind == INIT_PAPER || skew_init) && cell->init_paper) {
        cell->init_paper(p, I, H, s, r);
        return forget_bias(p, cell, H, s);
    }
    const double bound = 1 / sqrt((double)H);
    init_uniform(p->w_ih, GH * I, bound, r);
    if (p->w_hh)    /* dense [G*H, H] or diagonal [G*H] */
        init_uniform(p->w_hh, cell->recurrence == REC_DENSE ? GH * H : GH, bound, r);
    if (p->w_ch)
        init_uniform(p->w_ch, GH * H, bound, r);
    if (p->w_co)
        init_uniform(p->w_co, HH, bound, r);
    init_uniform(p->b_ih, GH, bound, r);
    if (p->b_hh)
        init_uniform(p->b_hh, GH, bound, r);
    if (cell->E)    /* peepholes: as the other weights */
        init_uniform(p->extra, (size_t)cell->E * H, bound, r);

    for (int blk = 0; blk < G && cell->recurrence == REC_DENSE; blk++) {
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
    if (s->kind == INIT_IDENTITY) {     /* a dense cell: it has bias_hh */
        memset(p->b_ih, 0, GH * sizeof(real));
        memset(p->b_hh, 0, GH * sizeof(real));
    }
    if (s->kind == INIT_CHRONO) {   /* Tallec & Ollivier 2018, section 3 */
        real *bf = p->b_ih + (size_t)cell->forget_block * H, *bi = p->b_ih + (size_t)cell->input_block * H;
        for (int j = 0; j < H; j++) {
            bf[j] = (real)fm_log(rng_uniform_range(r, 1, s->gain - 1));
            bi[j] = -bf[j];
        }
        if (p->b_hh) {
            real *hf = p->b_hh + (size_t)cell->forget_block * H, *hi = p->b_hh + (size_t)cell->input_block * H;
            memset(hf, 0, (size_t)H * sizeof(real));
            memset(hi, 0, (size_t)H * sizeof(real));
        }
    }
    return forget_bias(p, cell, H, s);
}
