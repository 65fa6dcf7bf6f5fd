/* cmd_grad.c - `rnnbench grad IN.h5 OUT.h5`: one forward and backward
 * pass of a stack of K recurrent layers (PyTorch's num_layers) on given
 * weights and inputs, so that anyone can check the engine against PyTorch
 * or another implementation. The loss is L = sum(y * dy), y [T,B,H] the top
 * layer's hidden states h_1..h_T. K is read from the file: the number of
 * consecutive weight_ih_l0, weight_ih_l1, ... present. A cell's constants
 * (coRNN's dt, gamma, eps) are root attributes named by their config keys
 * (cornn_dt, ...), its defaults where absent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "h5io.h"
#include "stack.h"
#include "status.h"

/* "weight_hh [G*H,H]", "weight_hh [G*H] (diagonal: u * h)" or "" : what
 * the cell's recurrence asks of IN. */
static const char *whh_form(const cell_type *c)
{
    return c->reparam_form ? ", weight_hh [H,H] (A; the step uses h expm(triu(A,1) - triu(A,1)^T))"
         : c->recurrence == REC_DENSE ? ", weight_hh [G*H,H]"
         : c->recurrence == REC_DIAGONAL ? ", weight_hh [G*H] (diagonal, u*h)" : "";
}

/* " cornn_dt (0.06), cornn_gamma (66), cornn_eps (15)" or "": the cell's
 * constants, their attributes and defaults. */
static void const_list(char *buf, size_t n, const cell_type *c)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < c->n_const && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s %s (%g)", i ? "," : "", c->const_key[i],
                              c->const_default[i]);
}

static void help(void)
{
    printf("usage: rnnbench grad IN.h5 OUT.h5\n"
           "\n"
           "One forward and backward pass of a stack of K recurrent layers (PyTorch's\n"
           "num_layers), L = sum(y * dy). Layer 0 reads x, layer k > 0 reads layer k-1's\n"
           "h_1..h_T; K is the number of consecutive weight_ih_l0, weight_ih_l1, ... in IN.\n"
           "IN:  root attribute cell (below); for every layer k = 0..K-1 the cell's\n"
           "     tensors (below): weight_ih_l{k} [G*H,I_k] (I_0 = I, I_k = H for k > 0),\n"
           "     weight_hh_l{k} [G*H,H] for a dense recurrence, [G*H] for a diagonal one,\n"
           "     absent for a cell without one; weight_ch_l{k} [G*H,H] for a cell whose\n"
           "     second state c enters its gates through a weight (cornn: W_z); weight_co_l{k}\n"
           "     [H,H] for one whose output gate sees the new c_t through one (lstm_vo: V_o);\n"
           "     bias_ih_l{k} [G*H]; bias_hh_l{k} [G*H], absent for a cell with one bias; the cell's\n"
           "     extras (peephole_l{k} [3*H]: p_i, p_f, p_o). PyTorch's names, shapes and\n"
           "     gate order (rnnbench list gives each cell's blocks). A tensor the cell\n"
           "     lacks is an error, not ignored. x [T,B,I]; dy [T,B,H] (dL/dy of the top\n"
           "     layer's outputs); optionally h0 [K,B,H] and c0 [K,B,H] (cells with a\n"
           "     cell state), PyTorch's h_n layout, zeros if absent ([B,H] is accepted\n"
           "     too when K = 1). The cell's constants (below): optional numeric root\n"
           "     attributes named as the training run's keys, one value for every layer,\n"
           "     the defaults if absent; one that is not a finite number, or one the\n"
           "     cell lacks (cornn_dt in an lstm file), is an error. Datasets float32\n"
           "     or float64; anything else in the file is ignored.\n"
           "OUT: y [T,B,H] (the top layer's h_1..h_T), dx [T,B,I]; per layer, with the\n"
           "     layer axis first even when K = 1 (the one-layer files of earlier versions\n"
           "     had no layer axis: their dh is dh[0] here, and so on): dh [K,T,B,H] (the\n"
           "     total dL/dh_t of each layer, through its h_{t+1} and through the layer\n"
           "     above or dy), dh_norm [K,T] (float64), dh_log10 [K,T] (log10 of it, past\n"
           "     float64's floor), dh0 [K,B,H], dc0 [K,B,H] and dc_norm [K,T] (cells with a\n"
           "     cell state: ||dL/dc_t||, the total);\n"
           "     grad/<tensor>_l{k} for exactly the cell's tensors of every layer k, shaped\n"
           "     as in IN; root attributes cell, precision, rnnbench_version, and the\n"
           "     cell's constants as used (float64), given or default.\n"
           "Exit status 2 for bad input (nothing written), 1 if OUT cannot be written.\n"
           "\n"
           "Cells and their tensors per layer (G gate blocks of H; \"c0\": a cell state,\n"
           "so c0 in IN and dc0 in OUT), and their constants' attributes (defaults):\n");
    int w = 0;
    for (int i = 0; i < cell_count(); i++)
        w = (int)strlen(cell_at(i)->name) > w ? (int)strlen(cell_at(i)->name) : w;
    for (int i = 0; i < cell_count(); i++) {
        const cell_type *c = cell_at(i);
        char extra[128] = "", konst[160];
        if (c->E)
            snprintf(extra, sizeof extra, ", %s [%d*H]", c->extra_name, c->E);
        for (int i = 0; i < c->n_parts; i++)    /* lru's, H/2 each */
            snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", %s [H/2]", c->part_name[i]);
        if (c->out_map)
            snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", C [H,H], D [H]");
        printf("  %-*s  G=%d  weight_ih%s%s%s%s%s%s%s\n", w, c->name, c->G, whh_form(c),
               c->c_dense ? ", weight_ch [G*H,H]" : "", c->c_out ? ", weight_co [H,H]" : "",
               c->no_bias ? "" : ", bias_ih",
               c->one_bias || c->no_bias ? "" : ", bias_hh", extra, c->has_c ? "; c0" : "");
        if (c->n_const) {
            const_list(konst, sizeof konst, c);
            printf("  %-*s       constants:%s\n", w, "", konst);
        }
    }
}

/* The inputs as read, in the build's real type. */
typedef struct {
    const cell_type *cell;
    int K, T, B, I, H;
    real *params;           /* stack_param_count(): layer after layer */
    real *x;                // (T, B, I)
    real *dy;               // (T, B, H)
    real *h0, *c0;          // (K, B, H)
    double konst[3];        /* the cell's constants (cell_type.n_const), given or default */
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

/* The dataset must exist, be floating-point and have exactly this shape;
 * note (or NULL) is added to a shape error in parentheses. */
static int expect_shape(h5file *f, const char *path, const char *name, int rank,
                        const long *want, const char *note, char *err)
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
        return rnb_error(err, RNB_EINVAL, "%s: dataset '%s' has shape %s, expected %s%s%s%s",
                         path, name, got, exp, note ? " (" : "", note ? note : "", note ? ")" : "");
    }
    return RNB_OK;
}

/* One parameter tensor of a layer, as its cell declares it: its name in IN
 * (in OUT under grad/), its shape, where it lies in the layer's view. */
typedef struct {
    char name[72];          /* "weight_hh_l1", or "grad/weight_hh_l1" */
    int rank;               /* 1 or 2; 0: a tensor of PyTorch's cells that this
                             * cell lacks, which IN must not hold */
    long dims[2];
    real *data;             /* into the view; NULL when rank = 0 or no view */
    const char *note;       /* rank 0: why it is absent; else a shape hint or NULL */
} layer_tensor;

enum { LAYER_TENSORS_MAX = 12 };

/* The tensors of layer k (input size Ik) in the slab's order: weight_ih,
 * weight_hh ([G*H,H] dense, [G*H] diagonal, rank 0 for none), weight_ch
 * ([G*H,H] for a c_dense cell, rank 0 for any other), weight_co ([H,H]
 * for a c_out cell, rank 0 for any other), bias_ih, bias_hh
 * (rank 0 for a cell with one bias), the cell's extras (peephole_l{k},
 * rank 0 for the cells without). p is the
 * layer's view of the parameters or the gradients, or NULL when only the
 * names and shapes are wanted; pre prefixes the names ("grad/" for OUT's).
 * Returns how many entries t holds. */
static int layer_tensors(layer_tensor *t, const cell_type *cell, int k, int Ik, int H,
                         const layer_params *p, const char *pre)
{
    const long GH = (long)cell->G * H;
    int n = 0;
    t[n] = (layer_tensor){.rank = 2, .dims = {GH, Ik}, .data = p ? p->w_ih : NULL};
    snprintf(t[n++].name, sizeof t->name, "%sweight_ih_l%d", pre, k);
    if (cell->recurrence == REC_DENSE)
        t[n] = (layer_tensor){.rank = 2, .dims = {GH, H}, .data = p ? p->w_hh : NULL};
    else if (cell->recurrence == REC_DIAGONAL)
        t[n] = (layer_tensor){.rank = 1, .dims = {GH}, .data = p ? p->w_hh : NULL,
                              .note = "a diagonal recurrence, weight_hh is the vector u of u * h_{t-1}"};
    else
        t[n] = (layer_tensor){.note = "it has no recurrent weight: h_{t-1} enters through its gates only"};
    snprintf(t[n++].name, sizeof t->name, "%sweight_hh_l%d", pre, k);
    if (cell->c_dense)
        t[n] = (layer_tensor){.rank = 2, .dims = {GH, H}, .data = p ? p->w_ch : NULL};
    else
        t[n] = (layer_tensor){.note = cell->has_c ? "its cell state enters no gate through a weight"
                                                  : "it has no second state c"};
    snprintf(t[n++].name, sizeof t->name, "%sweight_ch_l%d", pre, k);
    if (cell->c_out)
        t[n] = (layer_tensor){.rank = 2, .dims = {H, H}, .data = p ? p->w_co : NULL,
                              .note = "V_o, the output gate's weight on c_t"};
    else
        t[n] = (layer_tensor){.note = "its output gate does not see c_t through a weight"};
    snprintf(t[n++].name, sizeof t->name, "%sweight_co_l%d", pre, k);
    if (cell->no_bias)
        t[n] = (layer_tensor){.note = "it has no bias in its pre-activation"};
    else
        t[n] = (layer_tensor){.rank = 1, .dims = {GH}, .data = p ? p->b_ih : NULL};
    snprintf(t[n++].name, sizeof t->name, "%sbias_ih_l%d", pre, k);
    if (cell->no_bias)
        t[n] = (layer_tensor){.note = "it has no bias in its pre-activation"};
    else if (cell->one_bias)
        t[n] = (layer_tensor){.note = "it has one bias, bias_ih"};
    else
        t[n] = (layer_tensor){.rank = 1, .dims = {GH}, .data = p ? p->b_hh : NULL};
    snprintf(t[n++].name, sizeof t->name, "%sbias_hh_l%d", pre, k);
    if (cell->n_parts) {        /* the extras as named parts of equal length (lru's) */
        const long len = (long)(cell_extra_count(cell, H) / cell->n_parts);
        for (int i = 0; i < cell->n_parts; i++) {
            t[n] = (layer_tensor){.rank = 1, .dims = {len}, .data = p ? p->extra + i * len : NULL};
            snprintf(t[n++].name, sizeof t->name, "%s%s_l%d", pre, cell->part_name[i], k);
        }
    } else if (cell->E) {
        t[n] = (layer_tensor){.rank = 1, .dims = {(long)cell->E * H}, .data = p ? p->extra : NULL};
        snprintf(t[n++].name, sizeof t->name, "%s%s_l%d", pre, cell->extra_name, k);
    }
    if (cell->out_map) {        /* the output map's C = [C_re | C_im] and D */
        t[n] = (layer_tensor){.rank = 2, .dims = {H, H}, .data = p ? p->w_y : NULL,
                              .note = "its output map's [C_re | C_im], [H, H/2] each"};
        snprintf(t[n++].name, sizeof t->name, "%sC_l%d", pre, k);
        t[n] = (layer_tensor){.rank = 1, .dims = {H}, .data = p ? p->d_y : NULL};
        snprintf(t[n++].name, sizeof t->name, "%sD_l%d", pre, k);
    }
    if (!cell->E && !cell->n_parts) {   /* the registry's one extra tensor, which this cell lacks */
        t[n] = (layer_tensor){.note = "it has no peepholes"};
        snprintf(t[n++].name, sizeof t->name, "%speephole_l%d", pre, k);
    }
    return n;
}

/* A tensor the cell has must be in IN with its shape; one of PyTorch's
 * (or weight_ch) that it lacks must not be (it would be ignored without a
 * word). */
static int check_tensor(h5file *f, const char *path, const cell_type *cell,
                        const layer_tensor *t, char *err)
{
    if (!t->rank)
        return h5io_exists(f, t->name)
            ? rnb_error(err, RNB_EINVAL, "%s: dataset '%s' is not a tensor of cell %s (%s)",
                        path, t->name, cell->name, t->note)
            : RNB_OK;
    char note[160];
    if (t->note)
        snprintf(note, sizeof note, "cell %s: %s", cell->name, t->note);
    return expect_shape(f, path, t->name, t->rank, t->dims, t->note ? note : NULL, err);
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
    static const char *const prefixes[] = {"weight_ih", "weight_hh", "weight_ch", "weight_co", "bias_ih", "bias_hh"};
    enum { NP = sizeof prefixes / sizeof *prefixes };
    if (g->name[0])
        return;
    for (int i = 0; i <= NP; i++) {
        const char *pre = i < NP ? prefixes[i] : g->extra;
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

static bool has_const(const cell_type *cell, const char *key)
{
    for (int i = 0; i < cell->n_const; i++)
        if (strcmp(cell->const_key[i], key) == 0)
            return true;
    return false;
}

/* The cell's constants: root attributes named by cell->const_key (the
 * training run's keys, cornn_dt ...), a finite number each, the cell's
 * defaults where absent. An attribute of another cell's constant is an
 * error: the file was meant for that cell. */
static int read_constants(double *konst, h5file *f, const char *path, const cell_type *cell,
                          char *err)
{
    for (int i = 0; i < cell->n_const; i++) {
        const char *key = cell->const_key[i];
        konst[i] = cell->const_default[i];
        if (!h5io_has_attr(f, "/", key))
            continue;
        int rc = h5io_get_attr_double(f, "/", key, &konst[i], err);
        if (rc)
            return rc;
        if (!isfinite(konst[i]))
            return rnb_error(err, RNB_EINVAL, "%s: root attribute '%s' is %g, not a finite number",
                             path, key, konst[i]);
    }
    for (int j = 0; j < cell_count(); j++) {
        const cell_type *o = cell_at(j);
        for (int i = 0; i < o->n_const; i++) {
            if (has_const(cell, o->const_key[i]) || !h5io_has_attr(f, "/", o->const_key[i]))
                continue;
            char own[160] = " none";
            if (cell->n_const)
                const_list(own, sizeof own, cell);
            return rnb_error(err, RNB_EINVAL, "%s: root attribute '%s' is a constant of cell %s, "
                             "not of cell %s (its constants:%s)", path, o->const_key[i], o->name,
                             cell->name, own);
        }
    }
    return RNB_OK;
}

static int read_input(grad_input *in, h5file *f, const char *path, char *err)
{
    char cell_name[64], name[64];
    int rc = h5io_get_attr_str(f, "/", "cell", cell_name, sizeof cell_name, err);
    if (rc)
        return rc;
    if (!(in->cell = cell_find(cell_name))) {
        char known[512];
        size_t n = 0;
        known[0] = 0;
        for (int i = 0; i < cell_count() && n < sizeof known; i++)
            n += (size_t)snprintf(known + n, sizeof known - n, "%s%s", i ? ", " : "", cell_at(i)->name);
        return rnb_error(err, RNB_EINVAL, "%s: unknown cell '%s' (%s)", path, cell_name, known);
    }
    const cell_type *cell = in->cell;
    const int G = cell->G;
    if ((rc = read_constants(in->konst, f, path, cell, err)))
        return rc;
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
    if (cell->E_half && H % 2)
        return rnb_error(err, RNB_EINVAL, "%s: cell %s takes H/2 complex units: H = %ld is odd", path, cell->name, H);
    if (cell->out_map && I != H)
        return rnb_error(err, RNB_EINVAL, "%s: dataset 'x' is [T,B,%ld]: cell %s's output D*u needs I = H = %ld "
                         "(the model's encoder makes it so; grad takes the stack after it)", path, I, cell->name, H);
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

    for (int k = 0; k < K; k++) {
        layer_tensor t[LAYER_TENSORS_MAX];
        const int n = layer_tensors(t, cell, k, stack_layer_in(k, (int)I, (int)H), (int)H, NULL, "");
        for (int j = 0; j < n; j++)
            if ((rc = check_tensor(f, path, cell, &t[j], err)))
                return rc;
    }
    const long s_seq[] = {T, B, H};
    if ((rc = expect_shape(f, path, "dy", 3, s_seq, NULL, err)))
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
        layer_tensor t[LAYER_TENSORS_MAX];
        const int n = layer_tensors(t, cell, k, Ik, in->H, &p, "");
        for (int j = 0; j < n; j++)
            if (t[j].rank && (rc = h5io_read_real(f, t[j].name, t[j].data, err)))
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
    double *dc_norm;        // (K, T) ||dL/dc_t||, the total; cells with c only
} grad_output;

static void free_output(grad_output *o)
{
    free(o->dh), free(o->dh_norm), free(o->dh_log10), free(o->dh0), free(o->dc0), free(o->dc_norm);
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
    o->dc_norm = s->cell->has_c ? malloc(K * T * sizeof(double)) : NULL;
    if (!o->dh || !o->dh_norm || !o->dh_log10 || !o->dh0 || (s->cell->has_c && (!o->dc0 || !o->dc_norm)))
        return RNB_ENOMEM;
    for (size_t k = 0; k < K; k++) {
        layer_ws *ws = &s->l[k].ws;
        layer_unscale_dh(ws);
        memcpy(o->dh + k * T * BH, ws->dh, T * BH * sizeof(real));
        /* dh_norm of the dh written, an output map's too (layer.h) */
        memcpy(o->dh_norm + k * T, s->cell->out_map ? ws->dc_norm : ws->dh_norm, T * sizeof(double));
        memcpy(o->dh_log10 + k * T, s->cell->out_map ? ws->dc_log10 : ws->dh_log10, T * sizeof(double));
        memcpy(o->dh0 + k * BH, ws->dh0, BH * sizeof(real));
        if (o->dc0) {
            memcpy(o->dc0 + k * BH, ws->dc, BH * sizeof(real));
            memcpy(o->dc_norm + k * T, s->cell->out_map ? ws->dh_norm : ws->dc_norm, T * sizeof(double));
        }
    }
    return RNB_OK;
}

/* grad/<tensor>_l{k}: exactly the tensors the cell has, of every layer. */
static int write_layer_grads(h5file *f, const stack *s, char *err)
{
    for (int k = 0; k < s->K; k++) {
        layer_tensor t[LAYER_TENSORS_MAX];
        const int n = layer_tensors(t, s->cell, k, stack_layer_in(k, s->I, s->H), s->H,
                                    &s->l[k].g, "grad/");
        int rc;
        for (int j = 0; j < n; j++)
            if (t[j].rank && (rc = h5io_write_real(f, t[j].name, t[j].rank, t[j].dims, t[j].data, err)))
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
    for (int i = 0; i < s->cell->n_const; i++)
        if ((rc = h5io_set_attr_double(f, "/", s->cell->const_key[i], s->l[0].ws.konst[i], err))) {
            h5io_close(f, NULL);
            return rc;
        }
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
        (o->dc_norm && (rc = h5io_write_double(f, "dc_norm", 2, s_kt, o->dc_norm, err))) ||
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
        for (int i = 0; i < in.cell->n_const; i++)      /* one value for every layer */
            s.l[k].ws.konst[i] = in.konst[i];
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
