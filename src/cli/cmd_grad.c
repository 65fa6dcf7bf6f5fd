/* cmd_grad.c - `rnnbench grad IN.h5 OUT.h5`: one forward and backward
 * pass of one recurrent layer on given weights and inputs, so that anyone
 * can check the engine against PyTorch or another implementation.
 * The loss is L = sum(y * dy), y [T,B,H] the hidden states h_1..h_T. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "h5io.h"
#include "layer.h"
#include "status.h"

static void help(void)
{
    printf("usage: rnnbench grad IN.h5 OUT.h5\n"
           "\n"
           "One forward and backward pass of one recurrent layer, L = sum(y * dy).\n"
           "IN:  root attribute cell (rnn_tanh, rnn_relu, lstm, gru); datasets\n"
           "     weight_ih_l0 [G*H,I], weight_hh_l0 [G*H,H], bias_ih_l0 [G*H],\n"
           "     bias_hh_l0 [G*H] (PyTorch's names, shapes and gate order), peephole_l0\n"
           "     [3*H] (lstm_peephole: p_i, p_f, p_o), x [T,B,I],\n"
           "     dy [T,B,H], and optionally h0 [B,H], c0 [B,H] (lstm; zeros if absent).\n"
           "     float32 or float64; anything else in the file is ignored.\n"
           "OUT: y, dh [T,B,H] (the total dL/dh_t), dh_norm [T] (float64), dh_log10 [T]\n"
           "     (log10 of it, past float64's floor), dx [T,B,I],\n"
           "     dh0 [B,H], dc0 [B,H] (lstm), grad/weight_ih_l0, grad/weight_hh_l0,\n"
           "     grad/bias_ih_l0, grad/bias_hh_l0, grad/peephole_l0; root attributes cell, precision,\n"
           "     rnnbench_version.\n"
           "Exit status 2 for bad input (nothing written), 1 if OUT cannot be written.\n");
}

/* The inputs as read, in the build's real type. */
typedef struct {
    const cell_type *cell;
    layer_dims d;
    real *params;           /* layer_param_count() */
    layer_params p;
    real *x;                // (T, B, I)
    real *dy;               // (T, B, H)
    real *h0, *c0;          // (B, H)
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

/* The dataset must exist, be floating-point and have exactly this shape. */
static int expect_shape(h5file *f, const char *path, const char *name, int rank,
                        const long *want, char *err)
{
    int r;
    long dims[H5IO_MAXRANK];
    int rc = h5io_shape(f, name, &r, dims, err);
    if (rc)
        return rc;
    bool same = r == rank;
    for (int i = 0; same && i < rank; i++)
        same = dims[i] == want[i];
    if (!same) {
        char got[96], exp[96];
        fmt_shape(got, sizeof got, r, dims);
        fmt_shape(exp, sizeof exp, rank, want);
        return rnb_error(err, RNB_EINVAL, "%s: dataset '%s' has shape %s, expected %s",
                         path, name, got, exp);
    }
    return RNB_OK;
}

static int read_input(grad_input *in, h5file *f, const char *path, char *err)
{
    char cell_name[64];
    int rc = h5io_get_attr_str(f, "/", "cell", cell_name, sizeof cell_name, err);
    if (rc)
        return rc;
    if (!(in->cell = cell_find(cell_name)))
        return rnb_error(err, RNB_EINVAL, "%s: unknown cell '%s' (rnn_tanh, rnn_relu, lstm, gru)",
                         path, cell_name);
    const int G = in->cell->G;

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
                         path, G, in->cell->name);
    const long T = xd[0], B = xd[1], I = xd[2], H = wd[0] / G, GH = wd[0];
    if ((double)T * B * (GH > I ? GH : I) > 2147483647.0)
        return rnb_error(err, RNB_EINVAL, "%s: T=%ld B=%ld I=%ld H=%ld is too large", path, T, B, I, H);
    const long s_wih[] = {GH, I}, s_whh[] = {GH, H}, s_b[] = {GH},
               s_seq[] = {T, B, H}, s_state[] = {B, H}, s_e[] = {(long)in->cell->E * H};
    const bool has_extra = in->cell->E > 0;     /* lstm_peephole: p_i, p_f, p_o */
    if ((has_extra && (rc = expect_shape(f, path, "peephole_l0", 1, s_e, err))) ||
        (rc = expect_shape(f, path, "weight_ih_l0", 2, s_wih, err)) ||
        (rc = expect_shape(f, path, "weight_hh_l0", 2, s_whh, err)) ||
        (rc = expect_shape(f, path, "bias_ih_l0", 1, s_b, err)) ||
        (rc = expect_shape(f, path, "bias_hh_l0", 1, s_b, err)) ||
        (rc = expect_shape(f, path, "dy", 3, s_seq, err)))
        return rc;
    bool has_h0 = h5io_exists(f, "h0"), has_c0 = in->cell->has_c && h5io_exists(f, "c0");
    if ((has_h0 && (rc = expect_shape(f, path, "h0", 2, s_state, err))) ||
        (has_c0 && (rc = expect_shape(f, path, "c0", 2, s_state, err))))
        return rc;

    layer_dims d = {in->cell, (int)T, (int)B, (int)I, (int)H};
    in->d = d;
    in->params = malloc(layer_param_count(in->cell, I, H) * sizeof(real));
    in->x = malloc((size_t)(T * B * I) * sizeof(real));
    in->dy = malloc((size_t)(T * B * H) * sizeof(real));
    in->h0 = calloc((size_t)(B * H), sizeof(real));
    in->c0 = calloc((size_t)(B * H), sizeof(real));
    if (!in->params || !in->x || !in->dy || !in->h0 || !in->c0)
        return rnb_error(err, RNB_ENOMEM, "%s: out of memory for T=%ld B=%ld H=%ld", path, T, B, H);
    layer_params_view(&in->p, in->params, in->cell, I, H);
    if ((rc = h5io_read_real(f, "weight_ih_l0", in->p.w_ih, err)) ||
        (rc = h5io_read_real(f, "weight_hh_l0", in->p.w_hh, err)) ||
        (rc = h5io_read_real(f, "bias_ih_l0", in->p.b_ih, err)) ||
        (rc = h5io_read_real(f, "bias_hh_l0", in->p.b_hh, err)) ||
        (has_extra && (rc = h5io_read_real(f, "peephole_l0", in->p.extra, err))) ||
        (rc = h5io_read_real(f, "x", in->x, err)) ||
        (rc = h5io_read_real(f, "dy", in->dy, err)) ||
        (has_h0 && (rc = h5io_read_real(f, "h0", in->h0, err))) ||
        (has_c0 && (rc = h5io_read_real(f, "c0", in->c0, err))))
        return rc;
    return RNB_OK;
}

static int write_output(const char *path, const grad_input *in, const layer_ws *ws,
                        const layer_params *g, const real *dx, char *err)
{
    const layer_dims *d = &in->d;
    const long T = d->T, B = d->B, I = d->I, H = d->H, GH = (long)in->cell->G * d->H;
    const long s_seq[] = {T, B, H}, s_x[] = {T, B, I}, s_state[] = {B, H}, s_t[] = {T},
               s_wih[] = {GH, I}, s_whh[] = {GH, H}, s_b[] = {GH}, s_e[] = {(long)in->cell->E * H};
    h5file *f;
    char tmp[4200];     /* written beside OUT and renamed over it: OUT is whole or untouched */
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int rc = h5io_create(&f, tmp, err);
    if (rc)
        return rc;
    if ((rc = h5io_set_attr_str(f, "/", "cell", in->cell->name, err)) ||
        (rc = h5io_set_attr_str(f, "/", "precision", RNB_PRECISION, err)) ||
        (rc = h5io_set_attr_str(f, "/", "rnnbench_version", RNNBENCH_VERSION, err)) ||
        (rc = h5io_write_real(f, "y", 3, s_seq, ws->hs + B * H, err)) ||
        (rc = h5io_write_real(f, "dh", 3, s_seq, ws->dh, err)) ||
        (rc = h5io_write_double(f, "dh_norm", 1, s_t, ws->dh_norm, err)) ||
        (rc = h5io_write_double(f, "dh_log10", 1, s_t, ws->dh_log10, err)) ||
        (rc = h5io_write_real(f, "dx", 3, s_x, dx, err)) ||
        (rc = h5io_write_real(f, "dh0", 2, s_state, ws->dh0, err)) ||
        (in->cell->has_c && (rc = h5io_write_real(f, "dc0", 2, s_state, ws->dc, err))) ||
        (rc = h5io_write_real(f, "grad/weight_ih_l0", 2, s_wih, g->w_ih, err)) ||
        (rc = h5io_write_real(f, "grad/weight_hh_l0", 2, s_whh, g->w_hh, err)) ||
        (rc = h5io_write_real(f, "grad/bias_ih_l0", 1, s_b, g->b_ih, err)) ||
        (rc = h5io_write_real(f, "grad/bias_hh_l0", 1, s_b, g->b_hh, err)) ||
        (in->cell->E && (rc = h5io_write_real(f, "grad/peephole_l0", 1, s_e, g->extra, err)))) {
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

    const layer_dims *d = &in.d;
    size_t n_params = layer_param_count(in.cell, d->I, d->H), BH = (size_t)d->B * d->H;
    layer_ws ws;
    real *grads = calloc(n_params, sizeof(real));
    real *dx = malloc((size_t)d->T * d->B * d->I * sizeof(real));
    if (!grads || !dx || layer_ws_alloc(&ws, d)) {
        free(grads), free(dx), free_input(&in);
        return cli_fail("grad", EXIT_RUNTIME, "out of memory for %s", in_path);
    }
    layer_params g;
    layer_params_view(&g, grads, in.cell, d->I, d->H);
    memcpy(ws.hs, in.h0, BH * sizeof(real));
    if (ws.cs)
        memcpy(ws.cs, in.c0, BH * sizeof(real));
    layer_forward(&ws, &in.p, in.x);
    memcpy(ws.dh, in.dy, (size_t)d->T * BH * sizeof(real));   /* dL/dy = dy */
    layer_backward(&ws, &in.p, &g, in.x, dx);
    layer_unscale_dh(&ws);

    rc = write_output(out_path, &in, &ws, &g, dx, err);
    layer_ws_free(&ws);
    free(grads), free(dx), free_input(&in);
    if (rc)
        return cli_fail("grad", EXIT_RUNTIME, "%s", err);
    return EXIT_OK;
}
