#include "layer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "status.h"

size_t layer_param_count(const cell_type *cell, int I, int H)
{
    size_t GH = (size_t)cell->G * H;
    return GH * I + GH * H + 2 * GH + (size_t)cell->E * H;
}

void layer_params_view(layer_params *p, real *slab, const cell_type *cell,
                       int I, int H)
{
    size_t GH = (size_t)cell->G * H;
    p->w_ih = slab;
    p->w_hh = p->w_ih + GH * I;
    p->b_ih = p->w_hh + GH * H;
    p->b_hh = p->b_ih + GH;
    p->extra = cell->E ? p->b_hh + GH : NULL;
}

/* The workspace is carved from one slab; this table of sizes is the single
 * place that says what it holds, used both to allocate and to report. */
typedef struct {
    size_t hs, cs, gates, aux, hp, w_hh_t, dh, dxp, dhp, dh0, dc, dhm, ones;  /* reals */
    size_t norms;                                                /* doubles */
} ws_sizes;

static ws_sizes sizes_of(const layer_dims *d)
{
    const cell_type *c = d->cell;
    size_t T = d->T, B = d->B, H = d->H, GH = (size_t)c->G * H;
    ws_sizes s = {
        .hs = (T + 1) * B * H,
        .cs = c->has_c ? (T + 1) * B * H : 0,
        .gates = T * B * GH,
        .aux = T * B * c->A * H,
        .hp = c->split_recurrent ? B * GH : 0,
        .w_hh_t = GH * H,
        .dh = T * B * H,
        .dxp = T * B * GH,
        .dhp = c->split_recurrent ? T * B * GH : 0,
        .dh0 = B * H,
        .dc = B * H,
        .dhm = c->G_mod ? B * H : 0,
        .ones = T * B,
        .norms = 2 * T,
    };
    return s;
}

/* Each buffer starts on a 64-byte boundary (a cache line, an AVX-512 vector). */
static size_t round64(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

size_t layer_ws_bytes(const layer_dims *d)
{
    ws_sizes s = sizes_of(d);
    size_t reals[] = {s.hs, s.cs, s.gates, s.aux, s.hp, s.w_hh_t, s.dh, s.dxp, s.dhp,
                      s.dh0, s.dc, s.dhm, s.ones};
    size_t total = round64(s.norms * sizeof(double));
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        total += round64(reals[i] * sizeof(real));
    return total;
}

int layer_ws_alloc(layer_ws *ws, const layer_dims *d)
{
    memset(ws, 0, sizeof *ws);
    ws->d = *d;
    size_t bytes = layer_ws_bytes(d);
    char *p = aligned_alloc(64, bytes);
    if (!p)
        return RNB_ENOMEM;
    memset(p, 0, bytes);
    ws->slab = p;
    ws_sizes s = sizes_of(d);
#define TAKE(field, n, type)                                                 \
    do {                                                                     \
        ws->field = (n) ? (type *)p : NULL;                                  \
        p += round64((n) * sizeof(type));                                    \
    } while (0)
    TAKE(hs, s.hs, real);
    TAKE(cs, s.cs, real);
    TAKE(gates, s.gates, real);
    TAKE(aux, s.aux, real);
    TAKE(hp, s.hp, real);
    TAKE(w_hh_t, s.w_hh_t, real);
    TAKE(dh, s.dh, real);
    TAKE(dxp, s.dxp, real);
    TAKE(dhp, s.dhp, real);
    TAKE(dh0, s.dh0, real);
    TAKE(dc, s.dc, real);
    TAKE(dhm, s.dhm, real);
    TAKE(ones, s.ones, real);
    TAKE(dh_norm, s.norms, double);
#undef TAKE
    ws->dc_norm = ws->dh_norm + d->T;
    if (!d->cell->split_recurrent)
        ws->dhp = ws->dxp;
    for (size_t k = 0; k < s.ones; k++)
        ws->ones[k] = 1;
    return RNB_OK;
}

void layer_ws_free(layer_ws *ws)
{
    free(ws->slab);
    memset(ws, 0, sizeof *ws);
}

/* rows copies of bias (n) into out (rows, n). */
static void broadcast_rows(real *out, const real *bias, size_t rows, int n)
{
    for (size_t r = 0; r < rows; r++)
        memcpy(out + r * n, bias, n * sizeof(real));
}

void layer_forward(layer_ws *ws, const layer_params *p, const real *x)
{
    const layer_dims *d = &ws->d;
    const cell_type *cell = d->cell;
    const int T = d->T, B = d->B, I = d->I, H = d->H, GH = cell->G * H;
    const size_t BH = (size_t)B * H, BGH = (size_t)B * GH;

    /* The input projections of all T steps in one GEMM. A cell that only
     * sums the two projections gets both biases here, and each step's
     * recurrent GEMM adds into the same buffer. */
    broadcast_rows(ws->gates, p->b_ih, (size_t)T * B, GH);
    if (!cell->split_recurrent)
        for (size_t r = 0; r < (size_t)T * B; r++)
            for (int k = 0; k < GH; k++)
                ws->gates[r * GH + k] += p->b_hh[k];
    gemm(false, true, T * B, GH, I, 1, x, I, p->w_ih, I, 1, ws->gates, GH);

    /* weight_hh transposed once, so that each step's GEMM is a plain
     * (B, H) x (H, G*H) product: OpenBLAS then takes its small-matrix path
     * instead of packing W_hh again at every step. */
    for (int r = 0; r < GH; r++)
        for (int c = 0; c < H; c++)
            ws->w_hh_t[(size_t)c * GH + r] = p->w_hh[(size_t)r * H + c];

    const int G1H = (cell->G - cell->G_mod) * H, GmH = cell->G_mod * H;
    for (int t = 0; t < T; t++) {
        real *gates = ws->gates + t * BGH;
        const real *h_prev = ws->hs + t * BH;
        real *hp = gates;
        if (cell->split_recurrent) {
            hp = ws->hp;
            broadcast_rows(hp, p->b_hh, B, GH);
        }
        /* h_{t-1} into every block, or the first blocks of a G_mod cell */
        gemm(false, false, B, G1H, H, 1, h_prev, H, ws->w_hh_t, GH, 1, hp, GH);
        cell_step s = {
            .B = B, .H = H,
            .gates = gates,
            .hp = cell->split_recurrent ? hp : NULL,
            .aux = ws->aux ? ws->aux + t * (size_t)B * cell->A * H : NULL,
            .h_prev = h_prev,
            .c_prev = ws->cs ? ws->cs + t * BH : NULL,
            .h = ws->hs + (t + 1) * BH,
            .c = ws->cs ? ws->cs + (t + 1) * BH : NULL,
            .extra = p->extra,
        };
        if (cell->G_mod) {      /* m * h_{t-1} (in aux) into the last blocks */
            cell->modulate(&s);
            gemm(false, false, B, GmH, H, 1, s.aux, H, ws->w_hh_t + G1H, GH, 1, hp + G1H, GH);
        }
        cell->forward(&s);
    }
}

void layer_backward(layer_ws *ws, const layer_params *p, layer_params *g,
                    const real *x, real *dx)
{
    const layer_dims *d = &ws->d;
    const cell_type *cell = d->cell;
    const int T = d->T, B = d->B, I = d->I, H = d->H, GH = cell->G * H;
    const int G1H = (cell->G - cell->G_mod) * H, GmH = cell->G_mod * H;
    const size_t BH = (size_t)B * H, BGH = (size_t)B * GH;

    memset(ws->dh0, 0, BH * sizeof(real));
    memset(ws->dc, 0, BH * sizeof(real));
    for (int t = T - 1; t >= 0; t--) {
        /* ws->dh[t] is complete here: the readout's term plus what step
         * t+1 passed back. Its norm is the suite's central measurement. */
        real *dh = ws->dh + t * BH;
        if (ws->step_clip > 0) {
            const real hi = (real)ws->step_clip, lo = -hi;
            for (size_t k = 0; k < BH; k++)
                dh[k] = dh[k] > hi ? hi : dh[k] < lo ? lo : dh[k];
        }
        if (!ws->skip_dh_norm)
            ws->dh_norm[t] = sqrt(sum_squares(dh, BH));
        real *dh_prev = t > 0 ? ws->dh + (t - 1) * BH : ws->dh0;
        cell_step s = {
            .B = B, .H = H,
            .gates = ws->gates + t * BGH,
            .aux = ws->aux ? ws->aux + t * (size_t)B * cell->A * H : NULL,
            .h_prev = ws->hs + t * BH,
            .c_prev = ws->cs ? ws->cs + t * BH : NULL,
            .h = ws->hs + (t + 1) * BH,
            .c = ws->cs ? ws->cs + (t + 1) * BH : NULL,
            .extra = p->extra,
        };
        cell_grad gr = {
            .dh = dh,
            .dc = ws->dc,
            .dxp = ws->dxp + t * BGH,
            .dhp = ws->dhp + t * BGH,
            .dh_prev = dh_prev,
            .dextra = g->extra,
        };
        cell->backward(&s, &gr);
        if (cell->has_c)
            ws->dc_norm[t] = sqrt(gr.dc_sumsq);
        if (cell->G_mod) {      /* dL/d(m h_{t-1}) = dL/d(last blocks) W_hh[last] */
            gemm(false, false, B, H, GmH, 1, gr.dhp + G1H, GH, p->w_hh + (size_t)G1H * H, H, 0, ws->dhm, H);
            cell->backward_mod(&s, &gr, ws->dhm);
        }
        /* dL/dh_{t-1} += dL/d(W_hh h_{t-1}) W_hh, over the blocks that see h_{t-1} */
        gemm(false, false, B, H, G1H, 1, gr.dhp, GH, p->w_hh, H, 1, dh_prev, H);
    }

    /* Weight gradients of all steps at once: dW = sum_t dpre_t^T in_t. */
    const int TB = T * B;
    gemm(true, false, GH, I, TB, 1, ws->dxp, GH, x, I, 1, g->w_ih, I);
    gemm(true, false, G1H, H, TB, 1, ws->dhp, GH, ws->hs, H, 1, g->w_hh, H);
    if (cell->G_mod)    /* the last blocks saw m * h_{t-1}, kept in aux */
        gemm(true, false, GmH, H, TB, 1, ws->dhp + G1H, GH, ws->aux, H, 1, g->w_hh + (size_t)G1H * H, H);
    add_colsum(g->b_ih, ws->dxp, TB, GH, ws->ones);
    add_colsum(g->b_hh, ws->dhp, TB, GH, ws->ones);
    if (dx)
        gemm(false, false, TB, I, GH, 1, ws->dxp, GH, p->w_ih, I, 0, dx, I);
}
