/* test_gradcheck.c - every gradient of the core against central finite
 * differences, on the double build (rnbcore64).
 *
 * 1. Each cell's layer, L = sum_t y_t . dy_t: all parameters, the inputs
 *    x, h_0 and c_0; unscaled, and with the backward pass's power-of-two
 *    scale forced at almost every step.
 * 2. The total dL/dh_t (and for cells with c, dL/dc_t) at every t, from a
 *    second, independent route: L restricted to steps after t, as a
 *    function of the state at t, differentiated numerically. Their norms
 *    are the suite's central measurement, so they are checked too.
 * 3. A stack of KS = 3 layers (stack.h), L = sum_t h_t^top . dy_t: every
 *    layer's parameters, x, every layer's h_0 and c_0, and the total
 *    dL/dh_t^l of every layer l at every t with its norm (and ||dL/dc_t^l||):
 *    the difference quotient of L for a perturbation added to h_t^l inside
 *    a reference forward pass that runs layer by layer and splits layer l
 *    at step t. Unscaled, and with every layer rescaling at every step to
 *    a scale of its own, so that the direct terms passed down join the
 *    carries at a larger and at a smaller scale than theirs; the rescaled
 *    gradients and norms equal the unscaled ones to rounding.
 * 4. One layer's direct term at chosen scales (layer_backward's dexp_in),
 *    beyond what a stack reaches: below and above the carry's scale, and
 *    more than 2^DIRECT_ROOM (900, double) apart from it on either side;
 *    against the unscaled computation, to rounding.
 * 5. Each task's loss through the whole model (readout included), for
 *    every cell and K = 1, 2, 3 layers; K = 3 also with forced rescaling.
 *
 * A gradient element passes when |analytic - numeric| <= ATOL + RTOL |numeric|.
 * With h = 1e-6 in double, the finite difference is good to about 1e-9
 * relative; a wrong term misses by orders of magnitude more. The closing
 * table gives each kind of check's worst error, as a fraction of its
 * tolerance. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "layer.h"
#include "model.h"
#include "rng.h"
#include "stack.h"
#include "activation.h"
#include "images.h"

#if !defined(RNB_DOUBLE)
#error "finite-difference checks need the double core"
#endif

enum { T = 5, B = 2, H = 4 };
/* The input size: 3, or H for a cell whose output map needs I = H (lru). */
static int I = 3;
static const double STEP = 1e-6, RTOL = 1e-6, ATOL = 1e-8;
/* Two computations that differ only in their exact power-of-two scaling
 * agree to rounding: |a - b| <= ROUND max |b| over the tensor (the sums of
 * the weight gradients are grouped by scale, so their order changes). */
static const double ROUND = 1e-12;
/* A rescale threshold no carried value ever crosses: no rescaling. */
enum { NEVER = -100000 };

static check_tally tally;
/* The forced stacks' joins of a direct term with a carry, over all cells:
 * the direct term below the carry's scale (it moves up), above it (the
 * carry moves up). */
static int joins_direct_up, joins_carry_up;

/* The kinds of check, each with its worst error as a fraction of its
 * tolerance and its worst relative error: |a - n| / |n| over the elements
 * with |n| >= 1e-3 (finite differences), |a - b| / max |b| (rounding). */
enum {
    K_LAYER, K_LAYER_DH, K_LAYER_NORM,
    K_STACK, K_STACK_DH, K_STACK_NORM,
    K_STACK_S, K_STACK_S_DH, K_STACK_S_NORM,
    K_STACK_ROUND, K_DIRECT_ROUND,
    K_MODEL1, K_MODEL2, K_MODEL3, K_MODEL3_S,
    K_OMEGA, K_OMEGA_ROUND,
    N_KINDS
};
static struct { const char *name; int n; double worst, rel; } kinds[N_KINDS] = {
    [K_LAYER] = {.name = "layer: params, x, h0, c0 (both scalings)"},
    [K_LAYER_DH] = {.name = "layer: total dL/dh_t"},
    [K_LAYER_NORM] = {.name = "layer: ||dL/dh_t||, ||dL/dc_t||"},
    [K_STACK] = {.name = "stack K=3: params, x, h0, c0 of every layer"},
    [K_STACK_DH] = {.name = "stack K=3: total dL/dh_t^l, every l, t"},
    [K_STACK_NORM] = {.name = "stack K=3: ||dL/dh_t^l||, ||dL/dc_t^l||"},
    [K_STACK_S] = {.name = "stack K=3 rescaled: params, x, h0, c0"},
    [K_STACK_S_DH] = {.name = "stack K=3 rescaled: total dL/dh_t^l"},
    [K_STACK_S_NORM] = {.name = "stack K=3 rescaled: norms"},
    [K_STACK_ROUND] = {.name = "stack K=3 rescaled vs unscaled (rounding)"},
    [K_DIRECT_ROUND] = {.name = "layer, direct term at chosen scales vs unscaled (rounding)"},
    [K_MODEL1] = {.name = "model K=1: d loss / d params, every task"},
    [K_MODEL2] = {.name = "model K=2: d loss / d params, every task"},
    [K_MODEL3] = {.name = "model K=3: d loss / d params, every task"},
    [K_MODEL3_S] = {.name = "model K=3 rescaled: d loss / d params"},
    [K_OMEGA] = {.name = "Omega: d/dW_hh, delta and f' held (rnn cells)"},
    [K_OMEGA_ROUND] = {.name = "Omega: its value; rescaled vs unscaled (rounding)"},
};

static void note(int kind, double worst, double rel)
{
    kinds[kind].n++;
    if (!(worst <= kinds[kind].worst))
        kinds[kind].worst = worst;
    if (!(rel <= kinds[kind].rel))
        kinds[kind].rel = rel;
}

static void fill(real *v, size_t n, double bound, rng_t *r)
{
    for (size_t k = 0; k < n; k++)
        v[k] = rng_uniform_range(r, -bound, bound);
}

/* Compares analytic a with numeric n (both k long); one check per tensor. */
static void compare(int kind, const char *what, const real *a, const double *n, size_t k)
{
    double worst = 0, rel = 0;
    size_t at = 0;
    for (size_t i = 0; i < k; i++) {
        double err = fabs(a[i] - n[i]), excess = err / (ATOL + RTOL * fabs(n[i]));
        if (isnan(excess))
            excess = INFINITY;
        if (excess > worst)
            worst = excess, at = i;
        if (fabs(n[i]) >= 1e-3 && err / fabs(n[i]) > rel)
            rel = err / fabs(n[i]);
    }
    note(kind, worst, rel);
    CHECK(&tally, worst <= 1, "%s: element %zu analytic %.12g numeric %.12g (%.3g x tolerance)",
          what, at, a[at], n[at], worst);
}

/* a (the rescaled computation) against b (the unscaled one), n long, to
 * rounding: |a - b| <= ROUND max(max |b|, floor). */
static void compare_round(int kind, const char *what, const double *a, const double *b, size_t n,
                          double floor)
{
    double top = floor, worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        top = fmax(top, fabs(b[i]));
    for (size_t i = 0; i < n; i++) {
        double err = fabs(a[i] - b[i]);
        double excess = top > 0 ? err / (ROUND * top) : err > 0 ? INFINITY : 0;
        if (isnan(excess))
            excess = INFINITY;
        if (excess > worst)
            worst = excess, at = i;
    }
    note(kind, worst, worst * ROUND);
    CHECK(&tally, worst <= 1, "%s: element %zu %.17g, unscaled %.17g (%.3g x rounding tolerance)",
          what, at, a[at], b[at], worst);
}

/* A layer's gradient tensors (views of g), for per-tensor comparisons. */
typedef struct { char name[24]; real *v; size_t n; } tensor;

static int layer_tensors(tensor *t, const cell_type *cell, const layer_params *g, int in, int l)
{
    const size_t GH = (size_t)cell->G * H;
    const size_t n_hh = cell->recurrence == REC_DENSE ? GH * H : cell->recurrence == REC_DIAGONAL ? GH : 0;
    const struct { const char *name; real *v; size_t n; } all[] = {
        {"weight_ih", g->w_ih, GH * in},
        {"weight_hh", g->w_hh, n_hh},       /* a vector for a diagonal recurrence, none for none */
        {"weight_ch", g->w_ch, g->w_ch ? GH * H : 0},   /* cornn's W_z */
        {"weight_co", g->w_co, g->w_co ? (size_t)H * H : 0},    /* lstm_vo's V_o */
        {"bias_ih", g->b_ih, g->b_ih ? GH : 0},    /* none for exprnn */
        {"bias_hh", g->b_hh, g->b_hh ? GH : 0},
        {cell->E ? cell->extra_name : "extras", g->extra, cell_extra_count(cell, H)},
        {"C", g->w_y, g->w_y ? (size_t)H * H : 0},          /* lru's output map */
        {"D", g->d_y, g->d_y ? (size_t)H : 0},
    };
    int n = 0;
    for (int i = 0; i < (int)(sizeof all / sizeof all[0]); i++) {
        if (!all[i].n)
            continue;
        if (l >= 0)
            snprintf(t[n].name, sizeof t[n].name, "%s_l%d", all[i].name, l);
        else
            snprintf(t[n].name, sizeof t[n].name, "%s", all[i].name);
        t[n].v = all[i].v, t[n].n = all[i].n;
        n++;
    }
    return n;
}

/* The route of dL/dc_t below is for h = o tanh(c), or cornn's
 * y = y_{t-1} + dt z; a cell with another needs its own. */
static bool is_cornn(const cell_type *cell) { return strcmp(cell->name, "cornn") == 0; }

static bool c_route_known(const cell_type *cell)
{
    const bool peep = strcmp(cell->name, "lstm_peephole") == 0;
    const bool known = is_cornn(cell) || cell->out_map || cell->c_out || (cell->out_block >= 0 && (peep || cell->E == 0));
    CHECK(&tally, known, "%s: the dL/dc_t route of this test is for h = o tanh(c); give this cell its own",
          cell->name);
    return known;
}

/* For an output map (lru), h_t = gelu(c_t C'^T + D u_t): c_t's route
 * through h_t, out = (dh gelu'(pre)) C', row by row, in double. */
static void out_map_route(const layer_params *p, const real *c, const real *u, const double *dh, double *out)
{
    for (int b = 0; b < B; b++) {
        double g[H];
        for (int o = 0; o < H; o++) {
            double pre = p->d_y[o] * u[b * H + o];
            for (int j = 0; j < H; j++)
                pre += c[b * H + j] * (j < H / 2 ? 1 : -1) * p->w_y[o * H + j];
            g[o] = dh[b * H + o] * act_gelu_prime(pre);
        }
        for (int j = 0; j < H; j++) {
            out[b * H + j] = 0;
            for (int o = 0; o < H; o++)
                out[b * H + j] += g[o] * (j < H / 2 ? 1 : -1) * p->w_y[o * H + j];
        }
    }
}

/* For a c_out cell (lstm_vo), h_t = o tanh(c_t) with o = s(... + V_o c_t):
 * c_t's route through h_t, out = dh dh_t/dc_t, row by row, in double:
 * out_k = dh_k o_k (1 - tanh^2 c_k) + sum_j dh_j tanh c_j o_j (1 - o_j) V_o[j, k],
 * o from the cell's cache of step t (gates, (B, G*H)). */
static void c_out_route(const cell_type *cell, const layer_params *p, const real *gates, const real *c,
                        const double *dh, double *out)
{
    for (int b = 0; b < B; b++) {
        const real *o = gates + (size_t)b * cell->G * H + (size_t)cell->out_block * H;
        for (int k = 0; k < H; k++) {
            const double tk = tanh(c[b * H + k]);
            out[b * H + k] = dh[b * H + k] * o[k] * (1 - tk * tk);
        }
        for (int j = 0; j < H; j++) {
            const double g = dh[b * H + j] * tanh(c[b * H + j]) * o[j] * (1 - o[j]);
            for (int k = 0; k < H; k++)
                out[b * H + k] += g * p->w_co[j * H + k];
        }
    }
}

/* dh_t/dc_t at element k of a (B, H) row, for h = o tanh(c): o from the
 * cell's cache of step t (gates, (B, G*H)); for lstm_peephole
 * o = s(... + p_o c_t) depends on c_t too:
 * dh/dc = o (1 - tanh^2 c) + tanh c o (1 - o) p_o. */
static double dh_dc(const cell_type *cell, const real *gates, const real *extra, size_t k, real c)
{
    if (is_cornn(cell))         /* y_t = y_{t-1} + dt z_t: dt, the cell's default */
        return cell->const_default[0];
    const bool peep = strcmp(cell->name, "lstm_peephole") == 0;
    size_t b = k / H, j = k % H;
    real o = gates[b * cell->G * H + (size_t)cell->out_block * H + j];
    real tc = tanh(c);
    return o * (1 - tc * tc) + (peep ? tc * o * (1 - o) * extra[2 * H + j] : 0);
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
    layer_backward(&ws, &pb.p, &g, pb.x, dx, NULL);
    layer_unscale_rows(dx, T, (size_t)B * I, ws.dexp);
    int changes = 0;
    for (int t = 1; t < T; t++)
        changes += ws.dexp[t] != ws.dexp[t - 1];
    /* an output map's carry (dc alone), and lstm_vo's, which V_o feeds
     * back into dc at every step, may stay at one scale here (their
     * largest value does not halve from step to step); the stack check
     * below asserts their changes, as every cell's */
    if (scaled)
        CHECK(&tally, ws.dexp[0] != 0 && (changes > 0 || cell->out_map || cell->c_out),
              "%s: the forced rescale did not happen (dexp[0] %d, %d changes)", cell->name, ws.dexp[0], changes);
    layer_unscale_dh(&ws);

    /* 1: parameters and inputs */
    size_t most = np > (size_t)T * B * I ? np : (size_t)T * B * I;
    double *num = malloc(most * sizeof(double));
    char what[512];
    tensor t[9];
    int n = layer_tensors(t, cell, &g, I, -1);
    for (int i = 0; i < n; i++)     /* g and pb.p are views of the same layout */
        t[i].v = pb.params + (t[i].v - grads);
    const struct { const char *name; real *v, *a; size_t n; } in[] = {
        {"x", pb.x, dx, (size_t)T * B * I},
        {"h0", pb.h0, ws.dh0, BH},
        {"c0", pb.c0, ws.dc, cell->has_c ? BH : 0},
    };
    for (int i = 0; i < n; i++) {
        numeric(num, t[i].v, t[i].n, &pb, 0, pb.h0, pb.c0);
        snprintf(what, sizeof what, "%s%s d%s", cell->name, scaled ? " (rescaled)" : "", t[i].name);
        compare(K_LAYER, what, grads + (t[i].v - pb.params), num, t[i].n);
    }
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        if (!in[i].n)
            continue;
        numeric(num, in[i].v, in[i].n, &pb, 0, pb.h0, pb.c0);
        snprintf(what, sizeof what, "%s%s d%s", cell->name, scaled ? " (rescaled)" : "", in[i].name);
        compare(K_LAYER, what, in[i].a, num, in[i].n);
    }

    /* 2: the total dL/dh_t and dL/dc_t at every t, through the suffix */
    real *h = malloc(BH * sizeof(real)), *c = calloc(BH, sizeof(real));
    real *want = malloc(BH * sizeof(real));
    const bool c_route = cell->has_c && c_route_known(cell);
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
        snprintf(what, sizeof what, "%s%s total dL/dh_%d", cell->name, scaled ? " (rescaled)" : "", s + 1);
        compare(K_LAYER_DH, what, ws.dh + (size_t)s * BH, num, BH);
        snprintf(what, sizeof what, "%s%s ||dL/dh_%d||", cell->name, scaled ? " (rescaled)" : "", s + 1);
        double norm = sqrt(sq);
        compare(K_LAYER_NORM, what, &(cell->out_map ? ws.dc_norm : ws.dh_norm)[s], &norm, 1);  /* layer.h */
        if (c_route) {
            /* c_t reaches L through c_{t+1} (the suffix, numerically) and
             * through h_t (the chain rule on the numeric total dL/dh_t). */
            double route[B * H], dhv[B * H];
            for (size_t k = 0; k < BH; k++)
                dhv[k] = num[k];
            if (cell->out_map)
                out_map_route(&pb.p, c, pb.x + (size_t)s * B * I, dhv, route);
            if (cell->c_out)
                c_out_route(cell, &pb.p, ws.gates + (size_t)s * B * cell->G * H, c, dhv, route);
            numeric(num, c, BH, &pb, s + 1, h, c);
            double sqc = 0;
            for (size_t k = 0; k < BH; k++) {
                num[k] += cell->out_map || cell->c_out ? route[k]
                                        : dhv[k] * dh_dc(cell, ws.gates + (size_t)s * B * cell->G * H, pb.p.extra, k, c[k]);
                sqc += num[k] * num[k];
            }
            snprintf(what, sizeof what, "%s%s ||dL/dc_%d||", cell->name, scaled ? " (rescaled)" : "", s + 1);
            norm = sqrt(sqc);
            compare(K_LAYER_NORM, what, &(cell->out_map ? ws.dh_norm : ws.dc_norm)[s], &norm, 1);
        }
    }

    free(h), free(c), free(want), free(num), free(grads), free(dx);
    layer_ws_free(&ws);
    free(pb.params), free(pb.x), free(pb.h0), free(pb.c0), free(pb.dy);
}

/* ---- 3: a stack of KS layers ------------------------------------------ */

enum { KS = 3 };

/* Forced rescaling, (rescale_below, rescale_to) of each layer, bottom up:
 * each layer rescales at almost every step, to a scale of its own. The
 * middle layer's carry sits below the top's scale (its direct terms join
 * at a larger scale: the carry moves up), the bottom layer's above the
 * middle's (the direct term moves up). */
static const int FORCED[KS][2] = {{90, 91}, {30, 31}, {60, 61}};
static const int UNSCALED[KS][2] = {{NEVER, 0}, {NEVER, 0}, {NEVER, 0}};
/* Some layers forced, one at the default threshold. */
static const int MIXED[KS][2] = {{60, 61}, {RESCALE_BELOW, 0}, {30, 31}};

typedef struct {
    const cell_type *cell;
    size_t np;
    real *params;           // (np) layer after layer, stack.h's slab
    layer_params p[KS];     /* views into params */
    real *x;                // (T, B, I)
    real *h0[KS], *c0[KS];  // (B, H) each layer's initial state
    real *dy;               // (T, B, H) L = sum_t h_t^top . dy_t
    real *hs[KS], *cs[KS];  // (T+1, B, H) the reference forward's states
} stack_problem;

/* Steps 1..n of one layer from the state in hs[0], cs[0] (B, H) and the
 * input x (n, B, in): h_1..h_n, c_1..c_n into hs, cs from row 1 on. */
static void run_layer(const cell_type *cell, const layer_params *p, int in, int n,
                      const real *x, real *hs, real *cs)
{
    if (n == 0)
        return;
    const size_t BH = (size_t)B * H;
    layer_dims d = {cell, n, B, in, H};
    layer_ws ws;
    if (layer_ws_alloc(&ws, &d))
        abort();
    memcpy(ws.hs, hs, BH * sizeof(real));
    if (ws.cs)
        memcpy(ws.cs, cs, BH * sizeof(real));
    layer_forward(&ws, p, x);
    memcpy(hs + BH, ws.hs + BH, n * BH * sizeof(real));
    if (ws.cs)
        memcpy(cs + BH, ws.cs + BH, n * BH * sizeof(real));
    layer_ws_free(&ws);
}

/* delta added to element k of h_t (or c_t) of layer l as soon as step t
 * (1..T) has made it: what reads it afterwards (step t+1 of layer l, step
 * t of layer l+1, the loss) sees the perturbed value. */
typedef struct { int l, t; bool c; size_t k; double delta; } nudge;

/* The reference: the stack's forward pass layer by layer, layer l split
 * at the nudge's step, and L = sum_t h_t^top . dy_t. */
static double stack_loss(stack_problem *pb, const nudge *nd)
{
    const size_t BH = (size_t)B * H;
    const real *in = pb->x;
    int in_dim = I;
    for (int l = 0; l < KS; l++) {
        real *hs = pb->hs[l], *cs = pb->cs[l];
        memcpy(hs, pb->h0[l], BH * sizeof(real));
        memcpy(cs, pb->c0[l], BH * sizeof(real));
        if (nd && nd->l == l) {
            const int t = nd->t;
            run_layer(pb->cell, &pb->p[l], in_dim, t, in, hs, cs);
            (nd->c ? cs : hs)[t * BH + nd->k] += nd->delta;
            run_layer(pb->cell, &pb->p[l], in_dim, T - t, in + (size_t)t * B * in_dim,
                      hs + t * BH, cs + t * BH);
        } else {
            run_layer(pb->cell, &pb->p[l], in_dim, T, in, hs, cs);
        }
        in = hs + BH, in_dim = H;
    }
    double L = 0;
    for (size_t k = 0; k < (size_t)T * BH; k++)
        L += pb->hs[KS - 1][BH + k] * pb->dy[k];
    return L;
}

static double fd_value(stack_problem *pb, real *v)
{
    real keep = *v;
    *v = keep + STEP;
    double up = stack_loss(pb, NULL);
    *v = keep - STEP;
    double down = stack_loss(pb, NULL);
    *v = keep;
    return (up - down) / (2 * STEP);
}

static double fd_nudge(stack_problem *pb, nudge nd)
{
    nd.delta = STEP;
    double up = stack_loss(pb, &nd);
    nd.delta = -STEP;
    double down = stack_loss(pb, &nd);
    return (up - down) / (2 * STEP);
}

/* The code under test: stack_forward and stack_backward on pb, layer l
 * rescaling below 2^rs[l][0] to 2^rs[l][1]. grads (np) and dx (T, B, I)
 * get the gradients; s keeps the workspaces, each layer's ws.dh made
 * dL/dh_t itself (its dexp kept). */
static void stack_run(stack *s, real *grads, real *dx, stack_problem *pb, const int rs[KS][2])
{
    const size_t BH = (size_t)B * H;
    memset(grads, 0, pb->np * sizeof(real));
    if (stack_alloc(s, pb->cell, KS, T, B, I, H, pb->params, grads))
        abort();
    for (int l = 0; l < KS; l++) {
        layer_ws *ws = &s->l[l].ws;
        memcpy(ws->hs, pb->h0[l], BH * sizeof(real));
        if (ws->cs)
            memcpy(ws->cs, pb->c0[l], BH * sizeof(real));
        ws->rescale_below = rs[l][0], ws->rescale_to = rs[l][1];
    }
    stack_forward(s, pb->x);
    memcpy(s->l[KS - 1].ws.dh, pb->dy, (size_t)T * BH * sizeof(real));
    stack_backward(s, pb->x, dx);
    for (int l = 0; l < KS; l++)
        layer_unscale_dh(&s->l[l].ws);
}

/* Every layer's dexp, for a failure message. */
static void dexp_text(char *out, size_t size, const stack *s)
{
    size_t at = 0;
    for (int l = 0; l < KS && at < size; l++) {
        at += snprintf(out + at, size - at, " l%d:", l);
        for (int t = 0; t < T && at < size; t++)
            at += snprintf(out + at, size - at, " %d", s->l[l].ws.dexp[t]);
    }
}

static void check_stack(const cell_type *cell, rng_t *r)
{
    const size_t BH = (size_t)B * H, TBH = (size_t)T * BH, nx = (size_t)T * B * I;
    stack_problem pb = {.cell = cell, .np = stack_param_count(cell, KS, I, H)};
    pb.params = malloc(pb.np * sizeof(real));
    pb.x = malloc(nx * sizeof(real));
    pb.dy = malloc(TBH * sizeof(real));
    real *at = pb.params;
    for (int l = 0; l < KS; l++) {
        const int in = stack_layer_in(l, I, H);
        layer_params_view(&pb.p[l], at, cell, in, H);
        at += layer_param_count(cell, in, H);
        pb.h0[l] = malloc(BH * sizeof(real));
        pb.c0[l] = calloc(BH, sizeof(real));
        pb.hs[l] = malloc((T + 1) * BH * sizeof(real));
        pb.cs[l] = malloc((T + 1) * BH * sizeof(real));
    }
    fill(pb.params, pb.np, 0.8, r);
    fill(pb.x, nx, 1.0, r);
    for (int l = 0; l < KS; l++) {
        fill(pb.h0[l], BH, 0.5, r);
        if (cell->has_c)
            fill(pb.c0[l], BH, 0.5, r);
    }
    fill(pb.dy, TBH, 1.0, r);

    /* the code under test, three ways: unscaled, forced, mixed */
    static const char *const mode[] = {"", " (rescaled)", " (mixed rescale)"};
    const int(*const rs[])[2] = {UNSCALED, FORCED, MIXED};
    enum { N_MODES = 3 };
    stack s[N_MODES];
    real *grads[N_MODES], *dx[N_MODES];
    for (int m = 0; m < N_MODES; m++) {
        grads[m] = malloc(pb.np * sizeof(real));
        dx[m] = malloc(nx * sizeof(real));
        stack_run(&s[m], grads[m], dx[m], &pb, rs[m]);
    }

    /* Unscaled: no dexp moved. Forced: every layer at a scale of its own
     * at every step (changing along t in some layer: the weight gradients
     * in several groups), and the direct term of row t-1 of layer l (layer
     * l+1's dL/dx, at 2^dexp^{l+1}[t-1]) joining layer l's carry (at
     * 2^dexp^l[t]) from below and from above. */
    int moved = 0, zero = 0, shared = 0, direct_up = 0, carry_up = 0, changes = 0;
    for (int l = 0; l < KS; l++) {
        const int *e0 = s[0].l[l].ws.dexp, *e = s[1].l[l].ws.dexp;
        for (int t = 0; t < T; t++) {
            moved += e0[t] != 0, zero += e[t] == 0;
            changes += t > 0 && e[t] != e[t - 1];
            if (l + 1 < KS) {
                shared += e[t] == s[1].l[l + 1].ws.dexp[t];
                if (t > 0) {
                    direct_up += s[1].l[l + 1].ws.dexp[t - 1] < e[t];
                    carry_up += s[1].l[l + 1].ws.dexp[t - 1] > e[t];
                }
            }
        }
    }
    joins_direct_up += direct_up, joins_carry_up += carry_up;
    char text[512];
    dexp_text(text, sizeof text, &s[0]);
    CHECK(&tally, moved == 0, "%s stack unscaled: %d dexp not 0:%s", cell->name, moved, text);
    dexp_text(text, sizeof text, &s[1]);
    CHECK(&tally, zero == 0 && shared == 0 && changes > 0 && direct_up > 0 && carry_up > 0,
          "%s stack rescaled: %d dexp 0, %d shared with the layer above, %d changes along t, "
          "%d joins with the direct term below the carry's scale, %d above; dexp:%s",
          cell->name, zero, shared, changes, direct_up, carry_up, text);

    /* the reference, by finite differences through stack_loss */
    double *num = malloc(pb.np * sizeof(double)), *num_x = malloc(nx * sizeof(double));
    double *num_h0 = malloc(KS * BH * sizeof(double)), *num_c0 = malloc(KS * BH * sizeof(double));
    double *num_dh = malloc(KS * TBH * sizeof(double));
    double norm_h[KS][T], norm_c[KS][T];
    for (size_t k = 0; k < pb.np; k++)
        num[k] = fd_value(&pb, &pb.params[k]);
    for (size_t k = 0; k < nx; k++)
        num_x[k] = fd_value(&pb, &pb.x[k]);
    const bool c_route = cell->has_c && c_route_known(cell);
    for (int l = 0; l < KS; l++) {
        for (size_t k = 0; k < BH; k++) {
            num_h0[l * BH + k] = fd_value(&pb, &pb.h0[l][k]);
            if (cell->has_c)
                num_c0[l * BH + k] = fd_value(&pb, &pb.c0[l][k]);
        }
        const layer_ws *ws = &s[0].l[l].ws;  /* the forward's states and gates */
        for (int t = 1; t <= T; t++) {
            double *dh = num_dh + l * TBH + (t - 1) * BH, sq = 0, sqc = 0, route[B * H];
            for (size_t k = 0; k < BH; k++) {
                dh[k] = fd_nudge(&pb, (nudge){l, t, false, k, 0});
                sq += dh[k] * dh[k];
            }
            if (c_route && cell->out_map) {     /* u_t: x, or the layer below's h_t */
                const real *u = l ? s[0].l[l - 1].ws.hs + (size_t)t * BH : pb.x + (size_t)(t - 1) * B * I;
                out_map_route(&pb.p[l], ws->cs + t * BH, u, dh, route);
            }
            if (c_route && cell->c_out)
                c_out_route(cell, &pb.p[l], ws->gates + (size_t)(t - 1) * B * cell->G * H, ws->cs + t * BH, dh, route);
            for (size_t k = 0; k < BH && c_route; k++) {    /* through c_{t+1}, and through h_t */
                double dc = fd_nudge(&pb, (nudge){l, t, true, k, 0}) +
                            (cell->out_map || cell->c_out ? route[k]
                                           : dh[k] * dh_dc(cell, ws->gates + (size_t)(t - 1) * B * cell->G * H,
                                                           pb.p[l].extra, k, ws->cs[t * BH + k]));
                sqc += dc * dc;
            }
            norm_h[l][t - 1] = sqrt(sq), norm_c[l][t - 1] = sqrt(sqc);
        }
    }

    /* unscaled and forced against the reference */
    char what[512];
    tensor tn[9];
    for (int m = 0; m < 2; m++) {
        const int kp = m ? K_STACK_S : K_STACK, kdh = m ? K_STACK_S_DH : K_STACK_DH;
        const int knorm = m ? K_STACK_S_NORM : K_STACK_NORM;
        for (int l = 0; l < KS; l++) {
            const layer_ws *ws = &s[m].l[l].ws;
            int n = layer_tensors(tn, cell, &s[m].l[l].g, stack_layer_in(l, I, H), l);
            for (int i = 0; i < n; i++) {
                snprintf(what, sizeof what, "%s stack%s d%s", cell->name, mode[m], tn[i].name);
                compare(kp, what, tn[i].v, num + (tn[i].v - grads[m]), tn[i].n);
            }
            snprintf(what, sizeof what, "%s stack%s dh0_l%d", cell->name, mode[m], l);
            compare(kp, what, ws->dh0, num_h0 + l * BH, BH);
            if (cell->has_c) {
                snprintf(what, sizeof what, "%s stack%s dc0_l%d", cell->name, mode[m], l);
                compare(kp, what, ws->dc, num_c0 + l * BH, BH);
            }
            for (int t = 1; t <= T; t++) {
                snprintf(what, sizeof what, "%s stack%s total dL/dh_%d of layer %d", cell->name, mode[m], t, l);
                compare(kdh, what, ws->dh + (t - 1) * BH, num_dh + l * TBH + (t - 1) * BH, BH);
                snprintf(what, sizeof what, "%s stack%s ||dL/dh_%d|| of layer %d", cell->name, mode[m], t, l);
                compare(knorm, what, &(cell->out_map ? ws->dc_norm : ws->dh_norm)[t - 1], &norm_h[l][t - 1], 1);
                if (c_route) {
                    snprintf(what, sizeof what, "%s stack%s ||dL/dc_%d|| of layer %d", cell->name, mode[m], t, l);
                    compare(knorm, what, &(cell->out_map ? ws->dh_norm : ws->dc_norm)[t - 1], &norm_c[l][t - 1], 1);
                }
            }
        }
        snprintf(what, sizeof what, "%s stack%s dx", cell->name, mode[m]);
        compare(kp, what, dx[m], num_x, nx);
    }

    /* forced and mixed against unscaled, to rounding */
    for (int m = 1; m < N_MODES; m++) {
        for (int l = 0; l < KS; l++) {
            const layer_ws *a = &s[m].l[l].ws, *b = &s[0].l[l].ws;
            int n = layer_tensors(tn, cell, &s[m].l[l].g, stack_layer_in(l, I, H), l);
            for (int i = 0; i < n; i++) {
                snprintf(what, sizeof what, "%s stack%s d%s", cell->name, mode[m], tn[i].name);
                compare_round(K_STACK_ROUND, what, tn[i].v, grads[0] + (tn[i].v - grads[m]), tn[i].n, 0);
            }
            const struct { const char *name; const double *a, *b; size_t n; double floor; } v[] = {
                {"dh0", a->dh0, b->dh0, BH, 0},
                {"dc0", a->dc, b->dc, cell->has_c ? BH : 0, 0},
                {"dL/dh_t", a->dh, b->dh, TBH, 0},
                {"||dL/dh_t||", a->dh_norm, b->dh_norm, T, 0},
                {"||dL/dc_t||", a->dc_norm, b->dc_norm, cell->has_c ? T : 0, 0},
                {"log10 ||dL/dh_t||", a->dh_log10, b->dh_log10, T, 1},
                {"log10 ||dL/dc_t||", a->dc_log10, b->dc_log10, cell->has_c ? T : 0, 1},
            };
            for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
                if (!v[i].n)
                    continue;
                snprintf(what, sizeof what, "%s stack%s %s of layer %d", cell->name, mode[m], v[i].name, l);
                compare_round(K_STACK_ROUND, what, v[i].a, v[i].b, v[i].n, v[i].floor);
            }
        }
        snprintf(what, sizeof what, "%s stack%s dx", cell->name, mode[m]);
        compare_round(K_STACK_ROUND, what, dx[m], dx[0], nx, 0);
    }

    for (int m = 0; m < N_MODES; m++)
        stack_free(&s[m]), free(grads[m]), free(dx[m]);
    free(num), free(num_x), free(num_h0), free(num_c0), free(num_dh);
    for (int l = 0; l < KS; l++)
        free(pb.h0[l]), free(pb.c0[l]), free(pb.hs[l]), free(pb.cs[l]);
    free(pb.params), free(pb.x), free(pb.dy);
}

/* ---- 4: a direct term at chosen scales -------------------------------- */

/* The direct term of row t has the true size 2^DY_EXP[t] and is stored at
 * 2^ED[t]. Backwards from t = 4: a term of 2^-950 stored near 1 starts
 * the layer at 2^950; row 3's O(1) term meets that carry more than 2^900
 * (DIRECT_ROOM) above its own scale (the direct term moves up as far as
 * it may, the carry down); row 2's 2^-900, stored at 2^950, meets a carry
 * near 2^0 (the carry moves up as far as it may, the direct term down);
 * row 1 at 2^40 above the carry's scale (the carry moves up), row 0 at
 * 2^-30 below it (the direct term moves up). Which way a join went leaves
 * no trace outside join_direct (gcov shows each limit taken once a cell). */
static const int ED[T] = {-30, 40, 950, 0, 950};
static const int DY_EXP[T] = {0, 0, -900, 0, -950};

/* ||v|| (n) without underflow: v scaled by an exact power of two. */
static double safe_norm(const real *v, size_t n)
{
    double top = 0, sq = 0;
    for (size_t i = 0; i < n; i++)
        top = fmax(top, fabs(v[i]));
    if (top == 0)
        return 0;
    int ex = ilogb(top);
    for (size_t i = 0; i < n; i++) {
        double u = ldexp(v[i], -ex);
        sq += u * u;
    }
    return ldexp(sqrt(sq), ex);
}

static void check_direct_scales(const cell_type *cell, rng_t *r)
{
    const size_t np = layer_param_count(cell, I, H), BH = (size_t)B * H, nx = (size_t)T * B * I;
    layer_dims d = {cell, T, B, I, H};
    real *params = malloc(np * sizeof(real)), *x = malloc(nx * sizeof(real));
    real *h0 = malloc(BH * sizeof(real)), *c0 = calloc(BH, sizeof(real));
    real *dy = malloc((size_t)T * BH * sizeof(real));
    layer_params p;
    layer_params_view(&p, params, cell, I, H);
    fill(params, np, 0.8, r);
    fill(x, nx, 1.0, r);
    fill(h0, BH, 0.5, r);
    if (cell->has_c)
        fill(c0, BH, 0.5, r);
    fill(dy, (size_t)T * BH, 1.0, r);
    for (int t = 0; t < T; t++)
        for (size_t k = 0; k < BH; k++)
            dy[t * BH + k] = ldexp(dy[t * BH + k], DY_EXP[t]);

    /* 0: unscaled, dy as it is; 1: dy row t stored at 2^ED[t], default
     * rescaling */
    layer_ws ws[2];
    layer_params g[2];
    real *grads[2], *dx[2];
    for (int m = 0; m < 2; m++) {
        grads[m] = calloc(np, sizeof(real));
        dx[m] = malloc(nx * sizeof(real));
        layer_params_view(&g[m], grads[m], cell, I, H);
        if (layer_ws_alloc(&ws[m], &d))
            abort();
        memcpy(ws[m].hs, h0, BH * sizeof(real));
        if (ws[m].cs)
            memcpy(ws[m].cs, c0, BH * sizeof(real));
        layer_forward(&ws[m], &p, x);
        for (int t = 0; t < T; t++)
            for (size_t k = 0; k < BH; k++)
                ws[m].dh[t * BH + k] = m ? ldexp(dy[t * BH + k], ED[t]) : dy[t * BH + k];
        if (m == 0)
            ws[m].rescale_below = NEVER;
        layer_backward(&ws[m], &p, &g[m], x, dx[m], m ? ED : NULL);
        layer_unscale_rows(dx[m], T, (size_t)B * I, ws[m].dexp);
        layer_unscale_dh(&ws[m]);
    }
    int moved = 0;
    for (int t = 0; t < T; t++)
        moved += ws[0].dexp[t] != 0;
    CHECK(&tally, moved == 0 && ws[1].dexp[T - 1] == ED[T - 1],
          "%s direct scales: %d unscaled dexp not 0, rescaled dexp[T-1] %d (want %d)",
          cell->name, moved, ws[1].dexp[T - 1], ED[T - 1]);

    char what[512];
    tensor tn[9];
    int n = layer_tensors(tn, cell, &g[1], I, -1);
    for (int i = 0; i < n; i++) {
        snprintf(what, sizeof what, "%s direct scales d%s", cell->name, tn[i].name);
        compare_round(K_DIRECT_ROUND, what, tn[i].v, grads[0] + (tn[i].v - grads[1]), tn[i].n, 0);
    }
    snprintf(what, sizeof what, "%s direct scales dh0", cell->name);
    compare_round(K_DIRECT_ROUND, what, ws[1].dh0, ws[0].dh0, BH, 0);
    if (cell->has_c) {
        snprintf(what, sizeof what, "%s direct scales dc0", cell->name);
        compare_round(K_DIRECT_ROUND, what, ws[1].dc, ws[0].dc, BH, 0);
    }
    for (int t = 0; t < T; t++) {   /* row by row: their sizes differ by 2^950 */
        snprintf(what, sizeof what, "%s direct scales dx_%d", cell->name, t + 1);
        compare_round(K_DIRECT_ROUND, what, dx[1] + t * B * I, dx[0] + t * B * I, (size_t)B * I, 0);
        snprintf(what, sizeof what, "%s direct scales dL/dh_%d", cell->name, t + 1);
        compare_round(K_DIRECT_ROUND, what, ws[1].dh + t * BH, ws[0].dh + t * BH, BH, 0);
        /* the unscaled norm underflows at 2^-950 (its squares do); the
         * norm of its dL/dh_t does not */
        double want = safe_norm(ws[0].dh + t * BH, BH), want_log = log10(want);
        snprintf(what, sizeof what, "%s direct scales ||dL/dh_%d||", cell->name, t + 1);
        const bool om = cell->out_map;     /* its norms swapped (layer.h) */
        compare_round(K_DIRECT_ROUND, what, &(om ? ws[1].dc_norm : ws[1].dh_norm)[t], &want, 1, 0);
        snprintf(what, sizeof what, "%s direct scales log10 ||dL/dh_%d||", cell->name, t + 1);
        compare_round(K_DIRECT_ROUND, what, &(om ? ws[1].dc_log10 : ws[1].dh_log10)[t], &want_log, 1, 1);
        const double *dc0 = om ? ws[0].dh_norm : ws[0].dc_norm, *dc1 = om ? ws[1].dh_norm : ws[1].dc_norm;
        if (cell->has_c && dc0[t] > 1e-150) {
            snprintf(what, sizeof what, "%s direct scales ||dL/dc_%d||", cell->name, t + 1);
            compare_round(K_DIRECT_ROUND, what, &dc1[t], &dc0[t], 1, 0);
        }
    }

    for (int m = 0; m < 2; m++)
        layer_ws_free(&ws[m]), free(grads[m]), free(dx[m]);
    free(params), free(x), free(h0), free(c0), free(dy);
}

/* ---- 5: each task's loss through the whole model ---------------------- */

/* The image tasks' data: a few images of random pixels (tiny_make). */
static image_set tiny;
static unsigned char tiny_pixels[2][5 * IMAGE_PIXELS], tiny_labels[2][5];

static void tiny_make(rng_t *r)
{
    for (int s = 0; s < 2; s++) {
        tiny.n[s] = 5;
        tiny.pixels[s] = tiny_pixels[s];
        tiny.labels[s] = tiny_labels[s];
        for (int p = 0; p < 5 * IMAGE_PIXELS; p++)
            tiny_pixels[s][p] = (unsigned char)rng_below(r, 256);
        for (int i = 0; i < 5; i++)
            tiny_labels[s][i] = (unsigned char)rng_below(r, IMAGE_CLASSES);
    }
}

/* K layers; scaled: each layer rescaling as FORCED's top K; room > 0:
 * buffers made for lag + room, the batch at lag (a shorter batch of a
 * variable_length run); learn_h0: each layer's h_0 (c_0) a parameter */
static void check_model_h0(const cell_type *cell, const task_type *task, int K, bool scaled,
                           int lag, int room, bool learn_h0, rng_t *r)
{
    model m;
    if (model_create(&m, cell, task, K, lag + room, B, H, learn_h0))
        abort();
    model_set_lag(&m, lag);
    if (scaled)
        for (int l = 0; l < K; l++) {
            m.st.l[l].ws.rescale_below = FORCED[KS - K + l][0];
            m.st.l[l].ws.rescale_to = FORCED[KS - K + l][1];
        }
    fill(m.params, m.n_params, 0.6, r);
    void *state = task->dataset ? malloc(task->state_bytes(&tiny)) : NULL;
    if (state)
        task->state_init(state, &tiny, 7);
    task->sample(&m.bt, lag, B, r,
                 &(task_source){.data = state ? &tiny : NULL, .split = SPLIT_TRAIN, .state = state});
    free(state);
    double metric;
    model_forward_backward(&m, &metric);
    char what[400];
    snprintf(what, sizeof what, "%s on %s (K=%d, T=%d%s%s%s)", cell->name, task->name, K, lag,
             room ? ", in buffers for a longer lag" : "", scaled ? ", rescaled" : "",
             learn_h0 ? ", h_0 learned" : "");
    if (scaled) {
        int zero = 0;
        for (int l = 0; l < K; l++)
            for (int t = 0; t < m.L; t++)
                zero += m.st.l[l].ws.dexp[t] == 0;
        CHECK(&tally, zero == 0, "%s: %d steps not rescaled", what, zero);
    }
    real *analytic = malloc(m.n_params * sizeof(real));
    double *num = malloc(m.n_params * sizeof(double));
    memcpy(analytic, m.grads, m.n_params * sizeof(real));
    for (size_t k = 0; k < m.n_params; k++) {
        real keep = m.params[k];
        m.params[k] = keep + STEP;
        double up = model_forward(&m, &metric);
        m.params[k] = keep - STEP;
        double down = model_forward(&m, &metric);
        m.params[k] = keep;
        num[k] = (up - down) / (2 * STEP);
    }
    int nt = model_tensor_count(cell, K, learn_h0);
    model_tensor *tn = malloc(nt * sizeof *tn);
    model_tensors(tn, cell, task, K, H, learn_h0);
    CHECK(&tally, tn[nt - 1].offset + tn[nt - 1].count == m.n_params, "%s: the tensors cover the slab", what);
    for (int i = 0; i < nt; i++) {
        char name[640];
        snprintf(name, sizeof name, "%s: d loss / d %s", what, tn[i].name);
        compare(scaled ? K_MODEL3_S : K_MODEL1 + K - 1, name, analytic + tn[i].offset,
                num + tn[i].offset, tn[i].count);
    }
    free(tn), free(analytic), free(num);
    model_free(&m);
}

static void check_model(const cell_type *cell, const task_type *task, int K, bool scaled,
                        int lag, int room, rng_t *r)
{
    check_model_h0(cell, task, K, scaled, lag, room, false, r);
}

/* ---- Pascanu et al.'s Omega (layer.h) -------------------------------- */

/* Omega(W) from frozen delta = dL/dh_t and v = dL/dpre (T*B rows of H):
 * the mean over rows with ||delta||^2 >= 1e-20 of (||v W||^2/||delta||^2 - 1)^2. */
static double omega_of(const double *W, const real *delta, const real *v, int rows)
{
    double sum = 0;
    int valid = 0;
    for (int r = 0; r < rows; r++) {
        double nd = 0, nu = 0;
        for (int j = 0; j < H; j++) {
            double u = 0;
            for (int k = 0; k < H; k++)
                u += v[r * H + k] * W[k * H + j];
            nd += delta[r * H + j] * delta[r * H + j];
            nu += u * u;
        }
        if (nd < 1e-20)
            continue;
        sum += (nu / nd - 1) * (nu / nd - 1);
        valid++;
    }
    return valid ? sum / valid : 0;
}

/* One backward pass of layer pb with omega alpha (and forced rescaling):
 * the gradients into g (np), and dL/dh_t, dL/dpre unscaled. */
static double omega_pass(const problem *pb, double alpha, bool scaled, real *g, real *delta, real *v)
{
    layer_ws ws;
    if (layer_ws_alloc(&ws, &pb->d))
        abort();
    ws.omega = alpha;
    ws.rescale_below = scaled ? 60 : NEVER, ws.rescale_to = scaled ? 61 : 0;
    const size_t BH = (size_t)B * H, np = layer_param_count(pb->d.cell, I, H);
    memcpy(ws.hs, pb->h0, BH * sizeof(real));
    layer_params gp;
    memset(g, 0, np * sizeof(real));
    layer_params_view(&gp, g, pb->d.cell, I, H);
    layer_forward(&ws, &pb->p, pb->x);
    memcpy(ws.dh, pb->dy, (size_t)T * BH * sizeof(real));
    layer_backward(&ws, &pb->p, &gp, pb->x, NULL, NULL);
    if (delta) {
        memcpy(v, ws.dxp, (size_t)T * BH * sizeof(real));     /* alpha 0: dxp is left as it is */
        layer_unscale_rows(v, T, BH, ws.dexp);
        layer_unscale_dh(&ws);
        memcpy(delta, ws.dh, (size_t)T * BH * sizeof(real));
    }
    const double value = ws.omega_value;
    layer_ws_free(&ws);
    return value;
}

/* alpha dOmega/dW_hh, the engine's (the gradient with omega less the one
 * without), against central differences of omega_of with delta and v
 * frozen; Omega's value against omega_of; and forced rescaling against
 * none, to rounding. */
static void check_omega(const cell_type *cell, rng_t *r)
{
    const double alpha = 2;     /* their code's default */
    problem pb = {.d = {cell, T, B, I, H}};
    const size_t np = layer_param_count(cell, I, H), BH = (size_t)B * H, TBH = (size_t)T * BH;
    pb.params = malloc(np * sizeof(real));
    pb.x = malloc((size_t)T * B * I * sizeof(real));
    pb.h0 = malloc(BH * sizeof(real));
    pb.dy = malloc(TBH * sizeof(real));
    layer_params_view(&pb.p, pb.params, cell, I, H);
    fill(pb.params, np, 0.8, r), fill(pb.x, (size_t)T * B * I, 1.0, r);
    fill(pb.h0, BH, 0.5, r), fill(pb.dy, TBH, 1.0, r);
    real *g0 = malloc(np * sizeof(real)), *g1 = malloc(np * sizeof(real)), *g2 = malloc(np * sizeof(real));
    real *delta = malloc(TBH * sizeof(real)), *v = malloc(TBH * sizeof(real));
    omega_pass(&pb, 0, false, g0, delta, v);
    const double value = omega_pass(&pb, alpha, false, g1, NULL, NULL);
    const double value_s = omega_pass(&pb, alpha, true, g2, NULL, NULL);

    const size_t HH = (size_t)H * H, off = pb.p.w_hh - pb.params;
    double W[H * H], num[H * H], ref;
    real ana[H * H];
    for (size_t k = 0; k < HH; k++)
        W[k] = pb.p.w_hh[k];
    ref = omega_of(W, delta, v, T * B);
    for (size_t k = 0; k < HH; k++) {
        const double keep = W[k];
        W[k] = keep + STEP;
        const double up = omega_of(W, delta, v, T * B);
        W[k] = keep - STEP;
        const double down = omega_of(W, delta, v, T * B);
        W[k] = keep;
        num[k] = (up - down) / (2 * STEP);
        ana[k] = (g1[off + k] - g0[off + k]) / alpha;
    }
    char what[128];
    snprintf(what, sizeof what, "%s dOmega/dW_hh", cell->name);
    compare(K_OMEGA, what, ana, num, HH);
    snprintf(what, sizeof what, "%s Omega", cell->name);
    compare_round(K_OMEGA_ROUND, what, &value, &ref, 1, 0);
    CHECK(&tally, ref > 1e-3, "%s: Omega %g, not a trivial case", cell->name, ref);
    double a1[H * H], a2[H * H];
    for (size_t k = 0; k < HH; k++)
        a1[k] = g1[off + k], a2[k] = g2[off + k];
    snprintf(what, sizeof what, "%s dOmega/dW_hh rescaled", cell->name);
    compare_round(K_OMEGA_ROUND, what, a2, a1, HH, 0);
    compare_round(K_OMEGA_ROUND, what, &value_s, &value, 1, 0);
    int others = 0;     /* Omega touches W_hh alone */
    for (size_t k = 0; k < np; k++)
        others += (k < off || k >= off + HH) && g1[k] != g0[k];
    CHECK(&tally, others == 0, "%s: Omega changed %d gradients besides W_hh's", cell->name, others);
    free(g0), free(g1), free(g2), free(delta), free(v);
    free(pb.params), free(pb.x), free(pb.h0), free(pb.dy);
}

enum { FIRST_TASKS = 7 };   /* the tasks registered before copy_exprnn */

int main(void)
{
    rng_t r;
    rng_seed(&r, 20261126, 7);
    for (int i = 0; i < cell_count(); i++) {
        const cell_type *cell = cell_at(i);
        I = cell->out_map ? H : 3;
        if (cell->omega_ok) {   /* its own stream: the other checks keep their draws */
            rng_t ro;
            rng_seed(&ro, 20261201, 11 + i);
            check_omega(cell, &ro);
        }
        check_layer(cell, false, &r);
        check_layer(cell, true, &r);
        check_stack(cell, &r);
        check_direct_scales(cell, &r);
        /* the first seven tasks draw from r, as they always did (the
         * forced-rescale checks of the next cell depend on those draws);
         * the tasks registered after them from a stream of their own */
        rng_t rt;
        rng_seed(&rt, 20261201, 200 + i);
        for (int K = 1; K <= KS; K++) {
            for (int k = 0; k < task_count(); k++)   /* every synthetic task's loss, at a short lag */
                if (!task_at(k)->dataset)
                    check_model(cell, task_at(k), K, false, task_at(k)->min_T > 6 ? task_at(k)->min_T : 6, 0,
                                k < FIRST_TASKS ? &r : &rt);
            check_model(cell, task_find("copy"), K, false, 4, 3, &r);   /* variable_length's shorter batch */
            check_model(cell, task_find("temporal_order"), K, false, 10, 1, &r);
        }
        for (int k = 0; k < task_count(); k++)
            if (!task_at(k)->dataset)
                check_model(cell, task_at(k), KS, true, task_at(k)->min_T > 6 ? task_at(k)->min_T : 6, 0,
                            k < FIRST_TASKS ? &r : &rt);
        check_model(cell, task_find("copy"), KS, true, 4, 3, &r);
    }
    /* the image tasks over a few images: every cell row by row (T = 28),
     * two cells pixel by pixel (T = 784: the same loss, longer) */
    rng_t ri;
    rng_seed(&ri, 20261201, 300);
    tiny_make(&ri);
    for (int i = 0; i < cell_count(); i++) {
        I = cell_at(i)->out_map ? H : 3;
        check_model(cell_at(i), task_find("rmnist"), 1, false, IMAGE_ROWS, 0, &ri);
    }
    check_model(cell_find("lstm"), task_find("smnist"), 1, false, IMAGE_PIXELS, 0, &ri);
    check_model(cell_find("rnn_tanh"), task_find("psmnist"), 1, false, IMAGE_PIXELS, 0, &ri);
    /* learned initial states, every cell, their own stream (the draws
     * above stay as they were) */
    rng_t rh;
    rng_seed(&rh, 20261201, 99);
    for (int i = 0; i < cell_count(); i++) {
        I = cell_at(i)->out_map ? H : 3;
        check_model_h0(cell_at(i), task_find("copy"), 2, false, 4, 0, true, &rh);
    }
    printf("worst error of each kind of check, x its tolerance (worst relative error):\n");
    for (int k = 0; k < N_KINDS; k++)
        printf("  %-60s %5d checks  %9.3g  (%.2g)\n", kinds[k].name, kinds[k].n, kinds[k].worst,
               kinds[k].rel);
    printf("forced stacks: %d joins with the direct term below the carry's scale, %d above it\n",
           joins_direct_up, joins_carry_up);
    return check_done(&tally);
}
