/* test_gradcheck.c - every gradient of the core against central finite
 * differences, on the double build (rnbcore64).
 *
 * 1. Each cell's layer, L = sum_t y_t . dy_t: all parameters, the inputs
 *    x, h_0 and c_0.
 * 2. The total dL/dh_t (and for cells with c, dL/dc_t) at every t, from a
 *    second, independent route: L restricted to steps after t, as a
 *    function of the state at t, differentiated numerically. Their norms
 *    are the suite's central measurement, so they are checked too.
 * 3. Each task's loss through the whole model (readout included), for
 *    every cell.
 *
 * A gradient element passes when |analytic - numeric| <= ATOL + RTOL |numeric|.
 * With h = 1e-6 in double, the finite difference is good to about 1e-9
 * relative; a wrong term misses by orders of magnitude more. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "init.h"
#include "layer.h"
#include "model.h"
#include "rng.h"

#if !defined(RNB_DOUBLE)
#error "finite-difference checks need the double core"
#endif

enum { T = 5, B = 2, I = 3, H = 4 };
static const double STEP = 1e-6, RTOL = 1e-6, ATOL = 1e-8;

static check_tally tally;

static void fill(real *v, size_t n, double bound, rng_t *r)
{
    for (size_t k = 0; k < n; k++)
        v[k] = rng_uniform_range(r, -bound, bound);
}

/* Compares analytic a with numeric n (both k long); one check per tensor. */
static void compare(const char *what, const real *a, const double *n, size_t k)
{
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < k; i++) {
        double excess = fabs(a[i] - n[i]) / (ATOL + RTOL * fabs(n[i]));
        if (!(excess <= worst))
            worst = excess, at = i;
    }
    CHECK(&tally, worst <= 1, "%s: element %zu analytic %.12g numeric %.12g (%.3g x tolerance)",
          what, at, a[at], n[at], worst);
}

/* ---- 1 and 2: the layer ---------------------------------------------- */

typedef struct {
    layer_dims d;
    layer_params p;
    real *params, *x, *h0, *c0, *dy;
} problem;

/* L = sum_{t >= from} y_t . dy_t for the layer run from step `from` on
 * with state (h0, c0): from = 0 is the whole sequence. */
static double layer_loss(const problem *pb, int from, const real *h0, const real *c0)
{
    layer_dims d = pb->d;
    d.T -= from;
    layer_ws ws;
    if (layer_ws_alloc(&ws, &d))
        abort();
    size_t BH = (size_t)B * H;
    memcpy(ws.hs, h0, BH * sizeof(real));
    if (ws.cs)
        memcpy(ws.cs, c0, BH * sizeof(real));
    layer_forward(&ws, &pb->p, pb->x + (size_t)from * B * I);
    double L = 0;
    for (size_t k = 0; k < (size_t)d.T * BH; k++)
        L += ws.hs[BH + k] * pb->dy[from * BH + k];
    layer_ws_free(&ws);
    return L;
}

/* d layer_loss / d v[k] for every k, by central differences. */
static void numeric(double *out, real *v, size_t n, const problem *pb, int from,
                    const real *h0, const real *c0)
{
    for (size_t k = 0; k < n; k++) {
        real keep = v[k];
        v[k] = keep + STEP;
        double up = layer_loss(pb, from, h0, c0);
        v[k] = keep - STEP;
        double down = layer_loss(pb, from, h0, c0);
        v[k] = keep;
        out[k] = (up - down) / (2 * STEP);
    }
}

/* scaled: the backward pass rescales what it carries at almost every step
 * (threshold 2^60, target 2^61), so that the power-of-two scale, its
 * grouping of the weight gradients and the unscaling are all exercised;
 * the gradients must not change. */
static void check_layer(const cell_type *cell, bool scaled, rng_t *r)
{
    problem pb = {.d = {cell, T, B, I, H}};
    size_t np = layer_param_count(cell, I, H), BH = (size_t)B * H;
    pb.params = malloc(np * sizeof(real));
    pb.x = malloc((size_t)T * B * I * sizeof(real));
    pb.h0 = malloc(BH * sizeof(real));
    pb.c0 = calloc(BH, sizeof(real));
    pb.dy = malloc((size_t)T * BH * sizeof(real));
    layer_params_view(&pb.p, pb.params, cell, I, H);
    /* weights large enough that every nonlinearity is off its linear part */
    fill(pb.params, np, 0.8, r);
    fill(pb.x, (size_t)T * B * I, 1.0, r);
    fill(pb.h0, BH, 0.5, r);
    if (cell->has_c)
        fill(pb.c0, BH, 0.5, r);
    fill(pb.dy, (size_t)T * BH, 1.0, r);

    /* analytic */
    layer_ws ws;
    real *grads = calloc(np, sizeof(real)), *dx = malloc((size_t)T * B * I * sizeof(real));
    layer_params g;
    layer_params_view(&g, grads, cell, I, H);
    if (layer_ws_alloc(&ws, &pb.d))
        abort();
    if (scaled)
        ws.rescale_below = 60, ws.rescale_to = 61;
    memcpy(ws.hs, pb.h0, BH * sizeof(real));
    if (ws.cs)
        memcpy(ws.cs, pb.c0, BH * sizeof(real));
    layer_forward(&ws, &pb.p, pb.x);
    memcpy(ws.dh, pb.dy, (size_t)T * BH * sizeof(real));
    layer_backward(&ws, &pb.p, &g, pb.x, dx);
    int changes = 0;
    for (int t = 1; t < T; t++)
        changes += ws.dexp[t] != ws.dexp[t - 1];
    if (scaled)
        CHECK(&tally, ws.dexp[0] != 0 && changes > 0, "%s: the forced rescale did not happen (dexp[0] %d, %d changes)",
              cell->name, ws.dexp[0], changes);
    layer_unscale_dh(&ws);

    /* 1: parameters and inputs */
    size_t most = np > (size_t)T * B * I ? np : (size_t)T * B * I;
    double *num = malloc(most * sizeof(double));
    char what[128];
    const size_t GH = (size_t)cell->G * H;
    struct { const char *name; real *v, *a; size_t n; } t[] = {
        {"weight_ih", pb.p.w_ih, g.w_ih, GH * I},
        {"weight_hh", pb.p.w_hh, g.w_hh, GH * H},
        {"bias_ih", pb.p.b_ih, g.b_ih, GH},
        {"bias_hh", pb.p.b_hh, g.b_hh, GH},
        {"extra (peepholes)", pb.p.extra, g.extra, (size_t)cell->E * H},
        {"x", pb.x, dx, (size_t)T * B * I},
        {"h0", pb.h0, ws.dh0, BH},
        {"c0", pb.c0, ws.dc, cell->has_c ? BH : 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (!t[i].n)
            continue;
        numeric(num, t[i].v, t[i].n, &pb, 0, pb.h0, pb.c0);
        snprintf(what, sizeof what, "%s%s d%s", cell->name, scaled ? " (rescaled)" : "", t[i].name);
        compare(what, t[i].a, num, t[i].n);
    }

    /* 2: the total dL/dh_t and dL/dc_t at every t, through the suffix */
    real *h = malloc(BH * sizeof(real)), *c = calloc(BH, sizeof(real));
    real *want = malloc(BH * sizeof(real));
    for (int s = 0; s < T; s++) {
        /* state after step s+1 is the initial state of the suffix from s+1 */
        memcpy(h, ws.hs + (size_t)(s + 1) * BH, BH * sizeof(real));
        if (ws.cs)
            memcpy(c, ws.cs + (size_t)(s + 1) * BH, BH * sizeof(real));
        numeric(num, h, BH, &pb, s + 1, h, c);
        double sq = 0;
        for (size_t k = 0; k < BH; k++) {
            num[k] += pb.dy[(size_t)s * BH + k];    /* plus the direct term */
            sq += num[k] * num[k];
        }
        snprintf(what, sizeof what, "%s total dL/dh_%d", cell->name, s + 1);
        compare(what, ws.dh + (size_t)s * BH, num, BH);
        snprintf(what, sizeof what, "%s ||dL/dh_%d||", cell->name, s + 1);
        CHECK(&tally, fabs(ws.dh_norm[s] - sqrt(sq)) <= ATOL + RTOL * sqrt(sq),
              "%s: %.12g, numeric %.12g", what, ws.dh_norm[s], sqrt(sq));
        if (cell->has_c) {
            const bool peep = strcmp(cell->name, "lstm_peephole") == 0;
            CHECK(&tally, cell->out_block >= 0 && (peep || cell->E == 0),
                  "%s: the dL/dc_t route below is for h = o tanh(c); give this cell its own", cell->name);
            /* c_t reaches L through c_{t+1} (the suffix, numerically) and
             * through h_t = o_t tanh(c_t) (the chain rule on the numeric
             * total dL/dh_t; o_t is the cell's out_block of its cache),
             * where for lstm_peephole o_t = s(... + p_o c_t) depends on c_t
             * too: dh/dc = o (1 - tanh^2 c) + tanh c o (1 - o) p_o. */
            memcpy(want, num, BH * sizeof(real));
            numeric(num, c, BH, &pb, s + 1, h, c);
            double sqc = 0;
            for (size_t k = 0; k < BH; k++) {
                size_t b = k / H, j = k % H;
                real o = ws.gates[((size_t)s * B + b) * cell->G * H + (size_t)cell->out_block * H + j];
                real tc = tanh(c[k]);
                real dh_dc = o * (1 - tc * tc) + (peep ? tc * o * (1 - o) * pb.p.extra[2 * H + j] : 0);
                num[k] += want[k] * dh_dc;
                sqc += num[k] * num[k];
            }
            snprintf(what, sizeof what, "%s ||dL/dc_%d||", cell->name, s + 1);
            CHECK(&tally, fabs(ws.dc_norm[s] - sqrt(sqc)) <= ATOL + RTOL * sqrt(sqc),
                  "%s: %.12g, numeric %.12g", what, ws.dc_norm[s], sqrt(sqc));
        }
    }

    free(h), free(c), free(want), free(num), free(grads), free(dx);
    layer_ws_free(&ws);
    free(pb.params), free(pb.x), free(pb.h0), free(pb.c0), free(pb.dy);
}

/* ---- 3: each task's loss through the whole model ---------------------- */

/* room > 0: buffers made for lag + room, the batch at lag (a shorter batch
 * of a variable_length run) */
static void check_model(const cell_type *cell, const task_type *task, int lag, int room, rng_t *r)
{
    model m;
    if (model_create(&m, cell, task, lag + room, B, H))
        abort();
    model_set_lag(&m, lag);
    fill(m.params, m.n_params, 0.6, r);
    task->sample(&m.bt, lag, B, r);
    double metric;
    model_forward_backward(&m, &metric);
    real *analytic = malloc(m.n_params * sizeof(real));
    double *num = malloc(m.n_params * sizeof(double));
    memcpy(analytic, m.grads, m.n_params * sizeof(real));
    for (size_t k = 0; k < m.n_params; k++) {
        real keep = m.params[k];
        m.params[k] = keep + STEP;
        double up = model_forward_backward(&m, &metric);
        m.params[k] = keep - STEP;
        double down = model_forward_backward(&m, &metric);
        m.params[k] = keep;
        num[k] = (up - down) / (2 * STEP);
    }
    char what[128];
    snprintf(what, sizeof what, "%s on %s (T=%d%s): d loss / d params", cell->name, task->name, lag,
             room ? ", in buffers for a longer lag" : "");
    compare(what, analytic, num, m.n_params);
    free(analytic), free(num);
    model_free(&m);
}

int main(void)
{
    rng_t r;
    rng_seed(&r, 20261126, 7);
    for (int i = 0; i < cell_count(); i++) {
        check_layer(cell_at(i), false, &r);
        check_layer(cell_at(i), true, &r);
        for (int k = 0; k < task_count(); k++)   /* every task's loss, at a short lag */
            check_model(cell_at(i), task_at(k), task_at(k)->min_T > 6 ? task_at(k)->min_T : 6, 0, &r);
        check_model(cell_at(i), task_find("copy"), 4, 3, &r);   /* variable_length's shorter batch */
        check_model(cell_at(i), task_find("temporal_order"), 10, 1, &r);
    }
    return check_done(&tally);
}
