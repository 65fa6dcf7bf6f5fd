/* cmd_grad.c - `rnnbench grad IN.h5 OUT.h5`: one forward and backward
 * pass of a stack of K recurrent layers (PyTorch's num_layers) on given
 * weights and inputs, so that anyone can check the engine against PyTorch
 * or another implementation. The loss is L = sum(y * dy), y [T,B,H] the top
 * layer's hidden states h_1..h_T. K is read from the file: the number of
 * consecutive weight_ih_l0, weight_ih_l1, ... present. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "h5io.h"
#include "stack.h"
#include "status.h"

static void help(void)
{
    printf("usage: rnnbench grad IN.h5 OUT.h5\n"
           "\n"
           "One forward and backward pass of a stack of K recurrent layers (PyTorch's\n"
           "num_layers), L = sum(y * dy). Layer 0 reads x, layer k > 0 reads layer k-1's\n"
           "h_1..h_T; K is the number of consecutive weight_ih_l0, weight_ih_l1, ... in IN.\n"
           "IN:  root attribute cell (rnn_tanh, rnn_relu, lstm, gru, ...); for every\n"
           "     layer k = 0..K-1 the datasets weight_ih_l{k} [G*H,I_k] (I_0 = I,\n"
           "     I_k = H for k > 0), weight_hh_l{k} [G*H,H], bias_ih_l{k} [G*H],\n"
           "     bias_hh_l{k} [G*H] (PyTorch's names, shapes and gate order), peephole_l{k}\n"
           "     [3*H] (lstm_peephole: p_i, p_f, p_o); x [T,B,I]; dy [T,B,H] (dL/dy of the\n"
           "     top layer's outputs); optionally h0 [K,B,H] and c0 [K,B,H] (cells with a\n"
           "     cell state), PyTorch's h_n layout, zeros if absent ([B,H] is accepted\n"
           "     too when K = 1). float32 or float64; anything else in the file is ignored.\n"
           "OUT: y [T,B,H] (the top layer's h_1..h_T), dx [T,B,I]; per layer, with the\n"
           "     layer axis first even when K = 1 (the one-layer files of earlier versions\n"
           "     had no layer axis: their dh is dh[0] here, and so on): dh [K,T,B,H] (the\n"
           "     total dL/dh_t of each layer, through its h_{t+1} and through the layer\n"
           "     above or dy), dh_norm [K,T] (float64), dh_log10 [K,T] (log10 of it, past\n"
           "     float64's floor), dh0 [K,B,H], dc0 [K,B,H] (cells with a cell state);\n"
           "     grad/weight_ih_l{k}, grad/weight_hh_l{k}, grad/bias_ih_l{k},\n"
           "     grad/bias_hh_l{k}, grad/peephole_l{k} for every layer k; root attributes\n"
           "     cell, precision, rnnbench_version.\n"
           "Exit status 2 for bad input (nothing written), 1 if OUT cannot be written.\n");
}

/* The inputs as read, in the build's real type. */
typedef struct {
    const cell_type *cell;
    int K, T, B, I, H;
    real *params;           /* stack_param_count(): layer after layer */
    real *x;                // (T, B, I)
    real *dy;               // (T, B, H)
    real *h0, *c0;          // (K, B, H)
} grad_input;

static void free_input(grad_input *in)
{
    free(in->params);
    free(in->x);
    free(in->dy);
    free(in->h0);
    free(in->c0);
}

static void fmt_shape(char *buf, size_t n, int rank, const long *dims)
{
    int k = snprintf(buf, n, "[");
    for (int i = 0; i < rank; i++)
        k += snprintf(buf + k, n - k, "%s%ld", i ? "," : "", dims[i]);
    snprintf(buf + k, n - k, "]");
}

static bool same_shape(int r, const long *dims, int rank, const long *want)
{
    bool same = r == rank;
    for (int i = 0; same && i < rank; i++)
        same = dims[i] == want[i];
    return same;
}

/* The dataset must exist, be floating-point and have exactly this shape. */
static int expect_shape(h5file *f, const char *path, const char *name, int rank,
                        const long *want, char *err)
{
    int r;
    long dims[H5IO_MAXRANK];
    int rc = h5io_shape(f, name, &r, dims, err);
    if (rc)
        return rc;
    if (!same_shape(r, dims, rank, want)) {
        char got[96], exp[96];
        fmt_shape(got, sizeof got, r, dims);
        fmt_shape(exp, sizeof exp, rank, want);
        return rnb_error(err, RNB_EINVAL, "%s: dataset '%s' has shape %s, expected %s",
                         path, name, got, exp);
    }
    return RNB_OK;
}

/* h0 or c0: [K,B,H], or [B,H] when K = 1. */
static int expect_state(h5file *f, const char *path, const char *name, long K, long B,
                        long H, char *err)
{
    int r;
    long dims[H5IO_MAXRANK];
    const long s3[] = {K, B, H}, s2[] = {B, H};
    int rc = h5io_shape(f, name, &r, dims, err);
    if (rc)
        return rc;
    if (same_shape(r, dims, 3, s3) || (K == 1 && same_shape(r, dims, 2, s2)))
        return RNB_OK;
    char got[96], exp[96];
    fmt_shape(got, sizeof got, r, dims);
    fmt_shape(exp, sizeof exp, 3, s3);
    if (K == 1)
        return rnb_error(err, RNB_EINVAL, "%s: dataset '%s' has shape %s, expected %s or [%ld,%ld]",
                         path, name, got, exp, B, H);
    return rnb_error(err, RNB_EINVAL,
                     "%s: dataset '%s' has shape %s, expected %s [K,B,H] for K = %ld layers "
                     "(weight_ih_l0..weight_ih_l%ld)", path, name, got, exp, K, K - 1);
}

/* Finds a per-layer dataset of a layer k >= K: a gap in the numbering. */
typedef struct {
    const char *extra;      /* the cell's extras' name, or NULL */
    int K;
    char name[128];         /* the first such dataset, "" if none */
    int layer;
} gap_ctx;

static void find_gap(const char *name, void *ctx)
{
    gap_ctx *g = ctx;
    static const char *const prefixes[] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
    if (g->name[0])
        return;
    for (int i = 0; i < 5; i++) {
        const char *pre = i < 4 ? prefixes[i] : g->extra;
        size_t n = pre ? strlen(pre) : 0;
        if (!pre || strncmp(name, pre, n) != 0 || strncmp(name + n, "_l", 2) != 0)
            continue;
        const char *d = name + n + 2;
        if (d[0] < '0' || d[0] > '9' || (d[0] == '0' && d[1]) || strlen(d) > 9)
            continue;
        long k = 0;
        for (; *d >= '0' && *d <= '9'; d++)
            k = 10 * k + (*d - '0');
        if (*d || k < g->K)
            continue;
        snprintf(g->name, sizeof g->name, "%s", name);
        g->layer = (int)k;
        return;
    }
}

static int read_input(grad_input *in, h5file *f, const char *path, char *err)
{
    char cell_name[64], name[64];
    int rc = h5io_get_attr_str(f, "/", "cell", cell_name, sizeof cell_name, err);
    if (rc)
        return rc;
    if (!(in->cell = cell_find(cell_name)))
        return rnb_error(err, RNB_EINVAL, "%s: unknown cell '%s' (rnn_tanh, rnn_relu, lstm, gru)",
                         path, cell_name);
    const cell_type *cell = in->cell;
    const int G = cell->G;
    const bool has_extra = cell->E > 0;     /* lstm_peephole: p_i, p_f, p_o */

    int r;
    long xd[H5IO_MAXRANK], wd[H5IO_MAXRANK];
    if ((rc = h5io_shape(f, "x", &r, xd, err)))
        return rc;
    if (r != 3 || xd[0] < 1 || xd[1] < 1 || xd[2] < 1)
        return rnb_error(err, RNB_EINVAL, "%s: dataset 'x' must be [T,B,I] with every size at least 1", path);
    if ((rc = h5io_shape(f, "weight_ih_l0", &r, wd, err)))
        return rc;
    if (r != 2 || wd[0] < G || wd[0] % G != 0)
        return rnb_error(err, RNB_EINVAL, "%s: dataset 'weight_ih_l0' must be [%d*H,I] for cell %s",
                         path, G, cell->name);
    const long T = xd[0], B = xd[1], I = xd[2], H = wd[0] / G, GH = wd[0];
    if ((double)T * B * (GH > I ? GH : I) > 2147483647.0)
        return rnb_error(err, RNB_EINVAL, "%s: T=%ld B=%ld I=%ld H=%ld is too large", path, T, B, I, H);

    /* K: the consecutive weight_ih_l{k}; no layer's dataset may lie beyond. */
    long K = 1;
    for (;; K++) {
        snprintf(name, sizeof name, "weight_ih_l%ld", K);
        if (!h5io_exists(f, name))
            break;
    }
    gap_ctx gap = {has_extra ? cell->extra_name : NULL, (int)K, "", 0};
    if ((rc = h5io_list(f, "/", find_gap, &gap, err)))
        return rc;
    if (gap.name[0])
        return rnb_error(err, RNB_EINVAL,
                         "%s: dataset '%s' is of layer %d but 'weight_ih_l%ld' is missing "
                         "(layers are numbered 0..K-1 without a gap)", path, gap.name, gap.layer, K);
    if ((double)K * T * B * H > 2147483647.0)
        return rnb_error(err, RNB_EINVAL, "%s: K=%ld T=%ld B=%ld H=%ld is too large", path, K, T, B, H);

    for (long k = 0; k < K; k++) {
        const long s_wih[] = {GH, stack_layer_in((int)k, (int)I, (int)H)}, s_whh[] = {GH, H},
                   s_b[] = {GH}, s_e[] = {(long)cell->E * H};
        char n_wih[64], n_whh[64], n_bih[64], n_bhh[64], n_e[64];
        snprintf(n_wih, sizeof n_wih, "weight_ih_l%ld", k);
        snprintf(n_whh, sizeof n_whh, "weight_hh_l%ld", k);
        snprintf(n_bih, sizeof n_bih, "bias_ih_l%ld", k);
        snprintf(n_bhh, sizeof n_bhh, "bias_hh_l%ld", k);
        snprintf(n_e, sizeof n_e, "%s_l%ld", has_extra ? cell->extra_name : "", k);
        if ((has_extra && (rc = expect_shape(f, path, n_e, 1, s_e, err))) ||
            (rc = expect_shape(f, path, n_wih, 2, s_wih, err)) ||
            (rc = expect_shape(f, path, n_whh, 2, s_whh, err)) ||
            (rc = expect_shape(f, path, n_bih, 1, s_b, err)) ||
            (rc = expect_shape(f, path, n_bhh, 1, s_b, err)))
            return rc;
    }
    const long s_seq[] = {T, B, H};
    if ((rc = expect_shape(f, path, "dy", 3, s_seq, err)))
        return rc;
    bool has_h0 = h5io_exists(f, "h0"), has_c0 = cell->has_c && h5io_exists(f, "c0");
    if ((has_h0 && (rc = expect_state(f, path, "h0", K, B, H, err))) ||
        (has_c0 && (rc = expect_state(f, path, "c0", K, B, H, err))))
        return rc;

    in->K = (int)K, in->T = (int)T, in->B = (int)B, in->I = (int)I, in->H = (int)H;
    const size_t KBH = (size_t)(K * B * H);
    in->params = malloc(stack_param_count(cell, in->K, in->I, in->H) * sizeof(real));
    in->x = malloc((size_t)(T * B * I) * sizeof(real));
    in->dy = malloc((size_t)(T * B * H) * sizeof(real));
    in->h0 = calloc(KBH, sizeof(real));
    in->c0 = calloc(KBH, sizeof(real));
    if (!in->params || !in->x || !in->dy || !in->h0 || !in->c0)
        return rnb_error(err, RNB_ENOMEM, "%s: out of memory for K=%ld T=%ld B=%ld H=%ld",
                         path, K, T, B, H);
    real *slab = in->params;
    for (int k = 0; k < in->K; k++) {
        const int Ik = stack_layer_in(k, in->I, in->H);
        layer_params p;
        layer_params_view(&p, slab, cell, Ik, in->H);
        slab += layer_param_count(cell, Ik, in->H);
        char n_wih[64], n_whh[64], n_bih[64], n_bhh[64], n_e[64];
        snprintf(n_wih, sizeof n_wih, "weight_ih_l%d", k);
        snprintf(n_whh, sizeof n_whh, "weight_hh_l%d", k);
        snprintf(n_bih, sizeof n_bih, "bias_ih_l%d", k);
        snprintf(n_bhh, sizeof n_bhh, "bias_hh_l%d", k);
        snprintf(n_e, sizeof n_e, "%s_l%d", has_extra ? cell->extra_name : "", k);
        if ((rc = h5io_read_real(f, n_wih, p.w_ih, err)) ||
            (rc = h5io_read_real(f, n_whh, p.w_hh, err)) ||
            (rc = h5io_read_real(f, n_bih, p.b_ih, err)) ||
            (rc = h5io_read_real(f, n_bhh, p.b_hh, err)) ||
            (has_extra && (rc = h5io_read_real(f, n_e, p.extra, err))))
            return rc;
    }
    if ((rc = h5io_read_real(f, "x", in->x, err)) ||
        (rc = h5io_read_real(f, "dy", in->dy, err)) ||
        (has_h0 && (rc = h5io_read_real(f, "h0", in->h0, err))) ||
        (has_c0 && (rc = h5io_read_real(f, "c0", in->c0, err))))
        return rc;
    return RNB_OK;
}

/* Every layer's results side by side, the layer axis first. */
typedef struct {
    real *dh;               // (K, T, B, H) the total dL/dh_t, unscaled
    double *dh_norm;        // (K, T)
    double *dh_log10;       // (K, T)
    real *dh0;              // (K, B, H)
    real *dc0;              // (K, B, H) cells with c only
} grad_output;

static void free_output(grad_output *o)
{
    free(o->dh), free(o->dh_norm), free(o->dh_log10), free(o->dh0), free(o->dc0);
}

/* After stack_backward: each layer's unscaled results into o. */
static int gather_output(grad_output *o, stack *s)
{
    const size_t K = (size_t)s->K, T = (size_t)s->T, BH = (size_t)s->B * s->H;
    o->dh = malloc(K * T * BH * sizeof(real));
    o->dh_norm = malloc(K * T * sizeof(double));
    o->dh_log10 = malloc(K * T * sizeof(double));
    o->dh0 = malloc(K * BH * sizeof(real));
    o->dc0 = s->cell->has_c ? malloc(K * BH * sizeof(real)) : NULL;
    if (!o->dh || !o->dh_norm || !o->dh_log10 || !o->dh0 || (s->cell->has_c && !o->dc0))
        return RNB_ENOMEM;
    for (size_t k = 0; k < K; k++) {
        layer_ws *ws = &s->l[k].ws;
        layer_unscale_dh(ws);
        memcpy(o->dh + k * T * BH, ws->dh, T * BH * sizeof(real));
        memcpy(o->dh_norm + k * T, ws->dh_norm, T * sizeof(double));
        memcpy(o->dh_log10 + k * T, ws->dh_log10, T * sizeof(double));
        memcpy(o->dh0 + k * BH, ws->dh0, BH * sizeof(real));
        if (o->dc0)
            memcpy(o->dc0 + k * BH, ws->dc, BH * sizeof(real));
    }
    return RNB_OK;
}

/* grad/<tensor>_l{k} of every layer. */
static int write_layer_grads(h5file *f, const stack *s, char *err)
{
    const cell_type *cell = s->cell;
    const long GH = (long)cell->G * s->H, H = s->H;
    for (int k = 0; k < s->K; k++) {
        const layer_params *g = &s->l[k].g;
        const long s_wih[] = {GH, stack_layer_in(k, s->I, s->H)}, s_whh[] = {GH, H},
                   s_b[] = {GH}, s_e[] = {(long)cell->E * H};
        char n_wih[80], n_whh[80], n_bih[80], n_bhh[80], n_e[80];
        snprintf(n_wih, sizeof n_wih, "grad/weight_ih_l%d", k);
        snprintf(n_whh, sizeof n_whh, "grad/weight_hh_l%d", k);
        snprintf(n_bih, sizeof n_bih, "grad/bias_ih_l%d", k);
        snprintf(n_bhh, sizeof n_bhh, "grad/bias_hh_l%d", k);
        snprintf(n_e, sizeof n_e, "grad/%s_l%d", cell->E ? cell->extra_name : "", k);
        int rc;
        if ((rc = h5io_write_real(f, n_wih, 2, s_wih, g->w_ih, err)) ||
            (rc = h5io_write_real(f, n_whh, 2, s_whh, g->w_hh, err)) ||
            (rc = h5io_write_real(f, n_bih, 1, s_b, g->b_ih, err)) ||
            (rc = h5io_write_real(f, n_bhh, 1, s_b, g->b_hh, err)) ||
            (cell->E && (rc = h5io_write_real(f, n_e, 1, s_e, g->extra, err))))
            return rc;
    }
    return RNB_OK;
}

static int write_output(const char *path, const stack *s, const grad_output *o,
                        const real *dx, char *err)
{
    const long K = s->K, T = s->T, B = s->B, I = s->I, H = s->H;
    const long s_seq[] = {T, B, H}, s_x[] = {T, B, I}, s_dh[] = {K, T, B, H},
               s_kt[] = {K, T}, s_state[] = {K, B, H};
    h5file *f;
    char tmp[4200];     /* written beside OUT and renamed over it: OUT is whole or untouched */
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int rc = h5io_create(&f, tmp, err);
    if (rc)
        return rc;
    if ((rc = h5io_set_attr_str(f, "/", "cell", s->cell->name, err)) ||
        (rc = h5io_set_attr_str(f, "/", "precision", RNB_PRECISION, err)) ||
        (rc = h5io_set_attr_str(f, "/", "rnnbench_version", RNNBENCH_VERSION, err)) ||
        (rc = h5io_write_real(f, "y", 3, s_seq, stack_top_hs(s) + B * H, err)) ||
        (rc = h5io_write_real(f, "dh", 4, s_dh, o->dh, err)) ||
        (rc = h5io_write_double(f, "dh_norm", 2, s_kt, o->dh_norm, err)) ||
        (rc = h5io_write_double(f, "dh_log10", 2, s_kt, o->dh_log10, err)) ||
        (rc = h5io_write_real(f, "dx", 3, s_x, dx, err)) ||
        (rc = h5io_write_real(f, "dh0", 3, s_state, o->dh0, err)) ||
        (o->dc0 && (rc = h5io_write_real(f, "dc0", 3, s_state, o->dc0, err))) ||
        (rc = write_layer_grads(f, s, err))) {
        h5io_close(f, NULL);
        return rc;
    }
    return h5io_commit(f, path, err);
}

int cmd_grad(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        help();
        return EXIT_OK;
    }
    if (argc != 2)
        return cli_fail("grad", EXIT_USAGE, "expected IN.h5 OUT.h5 (rnnbench grad --help)");
    const char *in_path = argv[0], *out_path = argv[1];
    char err[RNB_ERRLEN];

    grad_input in = {0};
    h5file *f;
    int rc = h5io_open_read(&f, in_path, err);
    if (rc)
        return cli_fail("grad", EXIT_USAGE, "%s", err);
    rc = read_input(&in, f, in_path, err);
    h5io_close(f, NULL);
    if (rc) {
        free_input(&in);
        return cli_fail("grad", rc == RNB_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE, "%s", err);
    }

    const size_t BH = (size_t)in.B * in.H;
    stack s;
    real *grads = calloc(stack_param_count(in.cell, in.K, in.I, in.H), sizeof(real));
    real *dx = malloc((size_t)in.T * in.B * in.I * sizeof(real));
    if (!grads || !dx ||
        stack_alloc(&s, in.cell, in.K, in.T, in.B, in.I, in.H, in.params, grads)) {
        free(grads), free(dx), free_input(&in);
        return cli_fail("grad", EXIT_RUNTIME, "out of memory for %s", in_path);
    }
    for (int k = 0; k < in.K; k++) {
        memcpy(s.l[k].ws.hs, in.h0 + k * BH, BH * sizeof(real));
        if (s.l[k].ws.cs)
            memcpy(s.l[k].ws.cs, in.c0 + k * BH, BH * sizeof(real));
    }
    stack_forward(&s, in.x);
    memcpy(s.l[in.K - 1].ws.dh, in.dy, (size_t)in.T * BH * sizeof(real));   /* dL/dy = dy */
    stack_backward(&s, in.x, dx);

    grad_output o = {0};
    rc = gather_output(&o, &s);
    if (rc)
        rnb_error(err, rc, "out of memory for %s", in_path);
    else
        rc = write_output(out_path, &s, &o, dx, err);
    stack_free(&s);
    free_output(&o);
    free(grads), free(dx), free_input(&in);
    if (rc)
        return cli_fail("grad", EXIT_RUNTIME, "%s", err);
    return EXIT_OK;
}
