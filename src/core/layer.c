#include "layer.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "fmath.h"
#include "kernels.h"
#include "status.h"

/* The sizes of weight_hh and bias_hh, as the cell declares them. */
static size_t w_hh_count(const cell_type *cell, int H)
{
    size_t GH = (size_t)cell->G * H;
    return cell->recurrence == REC_DENSE ? GH * H : cell->recurrence == REC_DIAGONAL ? GH : 0;
}

static size_t b_ih_count(const cell_type *cell, int H)
{
    return cell->no_bias ? 0 : (size_t)cell->G * H;
}

static size_t b_hh_count(const cell_type *cell, int H)
{
    return cell->one_bias || cell->no_bias ? 0 : (size_t)cell->G * H;
}

static size_t w_ch_count(const cell_type *cell, int H)
{
    return cell->c_dense ? (size_t)cell->G * H * H : 0;
}

static size_t w_co_count(const cell_type *cell, int H)
{
    return cell->c_out ? (size_t)H * H : 0;
}

/* weight_y (C) and d_y (D) of an output map. */
static size_t out_map_count(const cell_type *cell, int H)
{
    return cell->out_map ? (size_t)H * H + H : 0;
}

/* The bias gradients are column sums of dL/dpre, and dW_ih = dL/dpre^T x
 * streams the same rows: with nb columns of ones beside x, one product
 * gives both (fma(a, 1, s) rounds a + s once, as the sum's add does: the
 * same bits), one pass over dL/dpre instead of 1 + nb. A column for b_ih
 * and, where dL/dpre is the same for both (not split), one for b_hh.
 * Where x is wide (a stacked layer's), copying it costs more than the
 * pass it saves: none. */
enum { BIAS_FUSE_I_MAX = 32 };

static int bias_columns(const cell_type *cell, int I)
{
    if (I > BIAS_FUSE_I_MAX || cell->no_bias)
        return 0;
    return cell->one_bias || cell->split_recurrent ? 1 : 2;
}

size_t layer_param_count(const cell_type *cell, int I, int H)
{
    size_t GH = (size_t)cell->G * H;
    return GH * I + w_hh_count(cell, H) + w_ch_count(cell, H) + w_co_count(cell, H) + b_ih_count(cell, H) +
           b_hh_count(cell, H) + cell_extra_count(cell, H) + out_map_count(cell, H);
}

void layer_params_view(layer_params *p, real *slab, const cell_type *cell,
                       int I, int H)
{
    size_t GH = (size_t)cell->G * H, nw = w_hh_count(cell, H), nc = w_ch_count(cell, H);
    size_t no = w_co_count(cell, H), ni = b_ih_count(cell, H), nb = b_hh_count(cell, H);
    real *bias = slab + GH * I + nw + nc + no;
    p->w_ih = slab;
    p->w_hh = nw ? p->w_ih + GH * I : NULL;
    p->w_ch = nc ? p->w_ih + GH * I + nw : NULL;
    p->w_co = no ? p->w_ih + GH * I + nw + nc : NULL;
    p->b_ih = ni ? bias : NULL;
    p->b_hh = nb ? bias + ni : NULL;
    const size_t ne = cell_extra_count(cell, H);
    p->extra = ne ? bias + ni + nb : NULL;
    p->w_y = cell->out_map ? bias + ni + nb + ne : NULL;
    p->d_y = cell->out_map ? p->w_y + (size_t)H * H : NULL;
}

/* The workspace is carved from one slab; this table of sizes is the single
 * place that says what it holds, used both to allocate and to report. */
typedef struct {
    size_t hs, cs, gates, aux, hp, bias_row, w_hh_fwd, w_hh_bwd, w_ch_t, w_co_t, w_rep, y_pre, w_yeff, dh, dxp, dhp, dh0, dc, dhm,
        carry, gtmp, xb, wgc;                                    /* reals */
    size_t norms, rep_work;                                      /* doubles */
    size_t exps, rep_iwork;                                      /* ints */
} ws_sizes;

static ws_sizes sizes_of(const layer_dims *d)
{
    const cell_type *c = d->cell;
    size_t T = d->T, B = d->B, H = d->H, GH = (size_t)c->G * H;
    const int G1H = (c->G - c->G_mod) * d->H, GmH = c->G_mod * d->H;
    const bool dense = c->recurrence == REC_DENSE;
    ws_sizes s = {
        .hs = (T + 1) * B * H,
        .cs = c->has_c ? (T + 1) * B * H : 0,
        .gates = T * B * GH,
        .aux = T * B * c->A * H,
        .hp = c->split_recurrent ? B * GH : 0,
        .bias_row = GH,
        .w_hh_fwd = dense ? gemm_packed_reals(d->H, G1H) + gemm_packed_reals(d->H, GmH) : 0,
        .w_hh_bwd = dense ? gemm_packed_reals(G1H, d->H) + gemm_packed_reals(GmH, d->H) : 0,
        .w_ch_t = c->c_dense ? GH * H : 0,
        .w_co_t = c->c_out ? H * H : 0,
        .w_rep = c->reparam_form ? GH * H : 0,      /* and dw_rep */
        .rep_work = c->reparam_form ? c->reparam_work(d->H) : 0,
        .y_pre = c->out_map ? T * B * H : 0,
        .w_yeff = c->out_map ? H * H : 0,           /* and dw_yeff */
        .dh = T * B * H,
        .dxp = T * B * GH,
        .dhp = c->split_recurrent ? T * B * GH : 0,
        .dh0 = B * H,
        .dc = B * H,
        .dhm = c->G_mod ? B * H : 0,
        .carry = B * H,
        .gtmp = layer_param_count(c, d->I, d->H) + cell_extra_count(c, d->H),
        .xb = bias_columns(c, d->I) ? T * B * (d->I + bias_columns(c, d->I)) : 0,
        .wgc = bias_columns(c, d->I) ? GH * (d->I + bias_columns(c, d->I)) : 0,
        .norms = 4 * T,
        .exps = T,
        .rep_iwork = c->reparam_form ? H : 0,
    };
    return s;
}

/* Each buffer starts on a 64-byte boundary (a cache line, an AVX-512 vector). */
static size_t round64(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

size_t layer_ws_bytes(const layer_dims *d)
{
    ws_sizes s = sizes_of(d);
    size_t reals[] = {s.hs, s.cs, s.gates, s.aux, s.hp, s.bias_row, s.w_hh_fwd, s.w_hh_bwd, s.w_ch_t, s.w_co_t, s.w_rep, s.w_rep,
                      s.y_pre, s.w_yeff, s.w_yeff, s.dh, s.dxp, s.dhp, s.dh0, s.dc, s.dhm, s.carry, s.gtmp, s.xb, s.wgc};
    size_t total = round64(s.norms * sizeof(double)) + round64(s.rep_work * sizeof(double)) +
                   round64(s.exps * sizeof(int)) + round64(s.rep_iwork * sizeof(int));
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
    TAKE(bias_row, s.bias_row, real);
    TAKE(w_hh_fwd, s.w_hh_fwd, real);
    TAKE(w_hh_bwd, s.w_hh_bwd, real);
    if (ws->w_hh_fwd) {         /* the second blocks of the packed W_hh (G_mod cells') */
        const int G1H = (d->cell->G - d->cell->G_mod) * d->H;
        ws->w_hh_fwd_mod = ws->w_hh_fwd + gemm_packed_reals(d->H, G1H);
        ws->w_hh_bwd_mod = ws->w_hh_bwd + gemm_packed_reals(G1H, d->H);
    }
    TAKE(w_ch_t, s.w_ch_t, real);
    TAKE(w_co_t, s.w_co_t, real);
    TAKE(w_rep, s.w_rep, real);
    TAKE(dw_rep, s.w_rep, real);
    TAKE(y_pre, s.y_pre, real);
    TAKE(w_yeff, s.w_yeff, real);
    TAKE(dw_yeff, s.w_yeff, real);
    TAKE(dh, s.dh, real);
    TAKE(dxp, s.dxp, real);
    TAKE(dhp, s.dhp, real);
    TAKE(dh0, s.dh0, real);
    TAKE(dc, s.dc, real);
    TAKE(dhm, s.dhm, real);
    TAKE(carry, s.carry, real);
    TAKE(gtmp, s.gtmp, real);
    TAKE(xb, s.xb, real);
    TAKE(wgc, s.wgc, real);
    TAKE(dh_norm, s.norms, double);
    TAKE(rep_work, s.rep_work, double);
    TAKE(dexp, s.exps, int);
    TAKE(rep_iwork, s.rep_iwork, int);
#undef TAKE
    for (int i = 0; i < d->cell->n_const; i++)
        ws->konst[i] = d->cell->const_default[i];
    ws->rescale_below = RESCALE_BELOW;
    ws->rescale_to = 0;
    ws->dc_norm = ws->dh_norm + d->T;
    ws->dh_log10 = ws->dc_norm + d->T;
    ws->dc_log10 = ws->dh_log10 + d->T;
    if (!d->cell->split_recurrent)
        ws->dhp = ws->dxp;
    return RNB_OK;
}

void layer_ws_free(layer_ws *ws)
{
    free(ws->slab);
    memset(ws, 0, sizeof *ws);
}

/* rows copies of bias (n) into out (rows, n); zeros for no bias. */
static void broadcast_rows(real *out, const real *bias, size_t rows, int n)
{
    if (!bias) {
        memset(out, 0, rows * n * sizeof(real));
        return;
    }
    for (size_t r = 0; r < rows; r++)
        memcpy(out + r * n, bias, n * sizeof(real));
}

/* ---- a diagonal recurrence: weight_hh a vector u [G*H] ----------------
 * Elementwise, each in one fixed order (no FMA: the core is built with
 * -ffp-contract=off), so that every path gives the same bits. */

/* hp[b, g*H + j] += u[g*H + j] * h_prev[b, j], every gate block g. */
GATE_LOOP static void diagonal_forward(real *hp, const real *u, const real *h_prev, int B, int G, int H)
{
    for (int b = 0; b < B; b++)
        for (int g = 0; g < G; g++) {
            real *row = hp + ((size_t)b * G + g) * H;
            const real *ug = u + (size_t)g * H, *h = h_prev + (size_t)b * H;
            for (int j = 0; j < H; j++)
                row[j] += ug[j] * h[j];
        }
}

/* carry[b, j] += sum over g (in order) of dhp[b, g*H + j] u[g*H + j]. */
GATE_LOOP static void diagonal_backward(real *carry, const real *dhp, const real *u, int B, int G, int H)
{
    for (int b = 0; b < B; b++)
        for (int g = 0; g < G; g++) {
            const real *row = dhp + ((size_t)b * G + g) * H, *ug = u + (size_t)g * H;
            real *c = carry + (size_t)b * H;
            for (int j = 0; j < H; j++)
                c[j] += row[j] * ug[j];
        }
}

/* du[g*H + j] += sum over rows r (in order) of dhp[r, g*H + j] h_prev[r, j]. */
GATE_LOOP static void diagonal_weight_grad(real *du, const real *dhp, const real *h_prev, int rows, int G, int H)
{
    for (int r = 0; r < rows; r++)
        for (int g = 0; g < G; g++) {
            const real *row = dhp + ((size_t)r * G + g) * H, *h = h_prev + (size_t)r * H;
            real *d = du + (size_t)g * H;
            for (int j = 0; j < H; j++)
                d[j] += row[j] * h[j];
        }
}

/* out (cols, rows) := in (rows, cols) transposed. */
static void transpose(real *out, const real *in, int rows, int cols)
{
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            out[(size_t)c * rows + r] = in[(size_t)r * cols + c];
}

/* ---- an output map (out_map cells: the LRU) -----------------------------
 * h_t = gelu(c_t C'^T + D * u_t): one GEMM over all steps after the
 * recurrence, then elementwise; in the backward pass its term of dL/dc_t
 * is one GEMM a step (at the carry's scale), and dL/dC', dL/dD are summed
 * with the weight gradients. */

/* C' = [C_re | -C_im] from C = [C_re | C_im] (H, H): Re(C x) = c C'^T for
 * the state c = [Re x | Im x]. */
static void form_out_weight(real *ceff, const real *C, int H)
{
    for (int o = 0; o < H; o++)
        for (int j = 0; j < H; j++)
            ceff[(size_t)o * H + j] = j < H / 2 ? C[(size_t)o * H + j] : -C[(size_t)o * H + j];
}

/* pre += D * u, h = gelu(pre), rows of H. */
GATE_LOOP static void out_map_act(real *restrict pre, const real *restrict d, const real *restrict u,
                                  real *restrict h, int rows, int H)
{
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < H; j++) {
            const size_t k = (size_t)r * H + j;
            pre[k] += d[j] * u[k];
            h[k] = act_gelu(pre[k]);
        }
}

/* pre := dL/dpre = dh gelu'(pre), in place. */
GATE_LOOP static void out_map_back(real *restrict pre, const real *restrict dh, size_t n)
{
    for (size_t k = 0; k < n; k++)
        pre[k] = dh[k] * act_gelu_prime(pre[k]);
}

/* dd[j] += sum over rows (in order) of dpre[r, j] u[r, j]; and dx += dpre * D. */
GATE_LOOP static void out_map_dd(real *restrict dd, const real *restrict dpre, const real *restrict u, int rows, int H)
{
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < H; j++)
            dd[j] += dpre[(size_t)r * H + j] * u[(size_t)r * H + j];
}

GATE_LOOP static void out_map_dx(real *restrict dx, const real *restrict dpre, const real *restrict d, int rows, int H)
{
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < H; j++)
            dx[(size_t)r * H + j] += dpre[(size_t)r * H + j] * d[j];
}

const real *layer_form_weight(layer_ws *ws, const layer_params *p)
{
    const cell_type *cell = ws->d.cell;
    if (!cell->reparam_form)
        return p->w_hh;
    cell->reparam_form(ws->w_rep, p->w_hh, ws->d.H, ws->rep_work, ws->rep_iwork);
    return ws->w_rep;
}

/* The dense weight the last layer_forward multiplied. */
static const real *formed_weight(const layer_ws *ws, const layer_params *p)
{
    return ws->d.cell->reparam_form ? ws->w_rep : p->w_hh;
}

void layer_forward(layer_ws *ws, const layer_params *p, const real *x)
{
    const layer_dims *d = &ws->d;
    const cell_type *cell = d->cell;
    const int T = d->T, B = d->B, I = d->I, H = d->H, GH = cell->G * H;
    const size_t BH = (size_t)B * H, BGH = (size_t)B * GH;

    /* The input projections of all T steps in one GEMM, each chain started
     * from the bias row. A cell that only sums the two projections gets
     * both biases here (b_ih + b_hh, one rounding), and each step's
     * recurrent GEMM adds into the same buffer. */
    if (p->b_ih) {
        for (int k = 0; k < GH; k++)
            ws->bias_row[k] = !cell->split_recurrent && p->b_hh ? p->b_ih[k] + p->b_hh[k] : p->b_ih[k];
        gemm_bias(false, true, T * B, GH, I, x, I, p->w_ih, I, ws->bias_row, ws->gates, GH);
    } else {
        gemm(false, true, T * B, GH, I, 1, x, I, p->w_ih, I, 0, ws->gates, GH);
    }

    /* weight_hh^T packed once (weight_ch and weight_co transposed once),
     * so that each step's GEMM is a plain (B, H) x (H, G*H) product that
     * neither packs nor strides over its B operand. */
    const int G1H = (cell->G - cell->G_mod) * H, GmH = cell->G_mod * H;
    /* its two column blocks: h_{t-1}'s, then m * h_{t-1}'s */
    if (cell->recurrence == REC_DENSE) {
        const real *w = layer_form_weight(ws, p);
        gemm_pack(true, H, G1H, w, H, ws->w_hh_fwd);
        gemm_pack(true, H, GmH, w + (size_t)G1H * H, H, ws->w_hh_fwd_mod);
    }
    if (cell->c_dense)
        transpose(ws->w_ch_t, p->w_ch, GH, H);
    if (cell->c_out)
        transpose(ws->w_co_t, p->w_co, H, H);
    if (cell->out_map)
        form_out_weight(ws->w_yeff, p->w_y, H);

    for (int t = 0; t < T; t++) {
        real *gates = ws->gates + t * BGH;
        const real *h_prev = ws->hs + t * BH;
        real *hp = gates;
        if (cell->split_recurrent) {
            hp = ws->hp;
            broadcast_rows(hp, p->b_hh, B, GH);
        }
        /* h_{t-1} into every block, or the first blocks of a G_mod cell */
        if (cell->recurrence == REC_DENSE)
            gemm_packed(B, G1H, H, h_prev, H, ws->w_hh_fwd, 1, hp, GH);
        else if (cell->recurrence == REC_DIAGONAL)
            diagonal_forward(hp, p->w_hh, h_prev, B, cell->G, H);
        if (cell->c_dense)      /* c_{t-1} W_ch^T into every block */
            gemm(false, false, B, GH, H, 1, ws->cs + t * BH, H, ws->w_ch_t, GH, 1, hp, GH);
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
            .konst = ws->konst,
        };
        if (cell->G_mod) {      /* m * h_{t-1} (in aux) into the last blocks */
            cell->modulate(&s);
            gemm_packed(B, GmH, H, s.aux, H, ws->w_hh_fwd_mod, 1, hp + G1H, GH);
        }
        if (cell->c_out) {      /* c_t (made by forward_c) W_co^T into the output block */
            cell->forward_c(&s);
            const int oH = cell->out_block * H;
            gemm(false, false, B, H, H, 1, s.c, H, ws->w_co_t, H, 1, gates + oH, GH);
        }
        cell->forward(&s);
    }
    /* h_t = gelu(c_t C'^T + D u_t), every step in one GEMM: h recurs
     * nowhere, and each element's chain is the one a step's GEMM runs */
    if (cell->out_map) {
        gemm(false, true, T * B, H, H, 1, ws->cs + BH, H, ws->w_yeff, H, 0, ws->y_pre, H);
        out_map_act(ws->y_pre, p->d_y, x, ws->hs + BH, T * B, H);
    }
}

/* ---- the backward pass, with an exact power-of-two scale -------------------
 * What is carried back through time (dL/dh_t, dL/dc_t) is stored times 2^e,
 * e an integer per timestep (ws->dexp[t]): when the carried values' largest
 * magnitude falls below 2^rescale_below, they are multiplied by a power of
 * two (exact: only the exponents change) that brings it to 2^rescale_to.
 * So a vanishing gradient never reaches float's subnormal range (where x86
 * arithmetic is about 100 times slower on some CPUs) and its norm is known
 * far below float's floor: ||dL/dh_t|| = ||stored|| 2^-e, in double.
 *
 * The readout's own term of dL/dh_t is unscaled; it joins the carried part
 * at 2^e when that keeps it below 2^DIRECT_ROOM, else at a smaller scale,
 * the carried part scaled down to it (what it loses there is below float's
 * floor relative to the readout's term at that step). Each timestep's
 * contribution to the weight gradients is summed with the others of its
 * scale and scaled back once (ldexp: one rounding), so the gradients equal
 * those of the unscaled computation to rounding. */
#ifdef RNB_DOUBLE
enum { DIRECT_ROOM = 900 };
#define LDEXP ldexp
#else
enum { DIRECT_ROOM = 100 };
#define LDEXP ldexpf
#endif
enum { EXP_ZERO = INT_MIN, EXP_NONFINITE = INT_MAX };

/* 2^k as a real, for |k| <= SCALE_MAX: a multiplication by it rounds
 * once, as ldexp does, and costs no call. */
#ifdef RNB_DOUBLE
enum { SCALE_MAX = 1000 };
#else
enum { SCALE_MAX = 120 };
#endif

/* The binary exponent of the largest |v[i]| (2^e <= max < 2^(e+1); a
 * subnormal counts as the exponent field's 0, below every normal);
 * EXP_ZERO when all are 0, EXP_NONFINITE when one is NaN or infinite.
 * From the bits: the magnitudes of IEEE numbers order as their integer
 * patterns, and an integer maximum vectorises where a float one may not. */
#ifdef RNB_DOUBLE
typedef int64_t real_bits;
enum { MANT_BITS = 52, EXP_BIAS = 1023 };
static const real_bits ABS_MASK = 0x7fffffffffffffffLL, INF_BITS = 0x7ff0000000000000LL;
#else
typedef int32_t real_bits;      /* signed: a magnitude's bits are below 2^31 */
enum { MANT_BITS = 23, EXP_BIAS = 127 };
static const real_bits ABS_MASK = 0x7fffffff, INF_BITS = 0x7f800000;
#endif

GATE_LOOP static int top_exponent(const real *v, size_t n)
{
    real_bits m = 0;
    for (size_t i = 0; i < n; i++) {
        real_bits b;
        memcpy(&b, &v[i], sizeof b);
        b &= ABS_MASK;
        m = b > m ? b : m;
    }
    if (m == 0)
        return EXP_ZERO;
    if (m >= INF_BITS)
        return EXP_NONFINITE;
    return (int)(m >> MANT_BITS) - EXP_BIAS;
}

/* v (n) times 2^k, each element rounded once. */
static void scale_pow2(real *v, size_t n, int k)
{
    if (k == 0)
        return;
    if (k >= -SCALE_MAX && k <= SCALE_MAX) {
        const real f = LDEXP((real)1, k);
        for (size_t i = 0; i < n; i++)
            v[i] *= f;
        return;
    }
    /* Scaled far down (a timestep's weight-gradient term of a gradient
     * that has vanished): when every result is below half the smallest
     * subnormal, each rounds to a zero of its own sign, as ldexp gives,
     * without a call per element (which took half of a vanishing run). */
    const int top = k < 0 ? top_exponent(v, n) : EXP_NONFINITE;
    if (top == EXP_ZERO)
        return;
    if (top != EXP_NONFINITE && (long)top + k + 1 <= -(EXP_BIAS - 1 + MANT_BITS) - 1) {
        for (size_t i = 0; i < n; i++)
            v[i] *= 0;
        return;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = LDEXP(v[i], k);
}

/* The larger exponent of two top_exponent() results. */
static int top_of_two(int a, int b)
{
    if (a == EXP_NONFINITE || b == EXP_NONFINITE)
        return EXP_NONFINITE;
    return a > b ? a : b;
}

/* The exponent the carried values (dh, and dc for cells with c) move to:
 * up when they are small, back down when, scaled, they have grown. */
static int rescaled(const layer_ws *ws, real *dh, size_t n, int e)
{
    int top = top_exponent(dh, n);
    if (ws->cs)
        top = top_of_two(top, top_exponent(ws->dc, n));
    if (top == EXP_ZERO || top == EXP_NONFINITE)
        return e;
    int k = 0;
    if (top < ws->rescale_below)
        k = ws->rescale_to - top;
    else if (e > 0 && top > ws->rescale_to - ws->rescale_below)
        k = -(top - ws->rescale_to < e ? top - ws->rescale_to : e);    /* never below e = 0 */
    if (k) {
        scale_pow2(dh, n, k);
        if (ws->cs)
            scale_pow2(ws->dc, n, k);
    }
    return e + k;
}

/* log10 of a norm stored at 2^e: known however far below double's floor;
 * -inf for an exact zero, NaN and inf as they are. */
static double log10_scaled(double stored, int e)
{
    if (!(stored > 0) || !isfinite(stored))
        return stored == 0 ? -INFINITY : stored;
    return fm_log(stored) * 0.43429448190325182765 - e * 0.30102999566398119521;
}

/* dh_prev = its direct term (the readout's, or the layer above's dL/dx,
 * stored at 2^ed) + carry (stored at 2^e, and with it ws->dc for cells
 * with c), at one scale: the returned exponent. The part at the smaller
 * scale moves up to the other's, or as far as keeps it below
 * 2^DIRECT_ROOM, the other then moving down to meet it (what that loses is
 * below float's floor relative to the larger part). Whatever moves the
 * carry moves dc: the two are carried at one scale. */
static int join_direct(layer_ws *ws, real *dh_prev, int ed, const real *carry, size_t n, int e)
{
    int top = top_exponent(dh_prev, n);
    if (top == EXP_ZERO) {
        memcpy(dh_prev, carry, n * sizeof(real));
        return e;
    }
    int e2;
    if (ed <= e) {              /* the direct term moves up */
        e2 = top != EXP_NONFINITE && top + e - ed > DIRECT_ROOM ? DIRECT_ROOM - top + ed : e;
    } else {                    /* the carry (and dc) move up */
        int tc = top_exponent(carry, n);
        if (ws->cs)
            tc = top_of_two(tc, top_exponent(ws->dc, n));     /* EXP_ZERO is the least */
        e2 = tc != EXP_ZERO && tc != EXP_NONFINITE && tc + ed - e > DIRECT_ROOM
                 ? DIRECT_ROOM - tc + e : ed;
    }
    scale_pow2(dh_prev, n, e2 - ed);
    if (e2 == e) {
        for (size_t i = 0; i < n; i++)
            dh_prev[i] += carry[i];
    } else {
        for (size_t i = 0; i < n; i++)
            dh_prev[i] += LDEXP(carry[i], e2 - e);
        if (ws->cs)
            scale_pow2(ws->dc, n, e2 - e);
    }
    return e2;
}

/* y += x, n reals. */
static void add_to(real *y, const real *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += x[i];
}

/* g += t, tensor by tensor, all but the extras (g's weight_hh may live
 * apart from the slab: a reparametrised cell's dL/d(formed weight)). */
static void add_dense_params(layer_params *g, const layer_params *t, const cell_type *cell, int I, int H)
{
    const size_t GH = (size_t)cell->G * H;
    add_to(g->w_ih, t->w_ih, GH * I);
    if (g->w_hh)
        add_to(g->w_hh, t->w_hh, w_hh_count(cell, H));
    if (g->w_ch)
        add_to(g->w_ch, t->w_ch, w_ch_count(cell, H));
    if (g->w_co)
        add_to(g->w_co, t->w_co, w_co_count(cell, H));
    if (g->b_ih)
        add_to(g->b_ih, t->b_ih, b_ih_count(cell, H));
    if (g->b_hh)
        add_to(g->b_hh, t->b_hh, b_hh_count(cell, H));
    if (g->w_y) {
        add_to(g->w_y, t->w_y, (size_t)H * H);
        add_to(g->d_y, t->d_y, H);
    }
}

/* out->w_ih, b_ih and (nb 2) b_hh += their terms of `rows` rows of dL/dpre
 * (dxp) and x, by one product over [x | 1 (| 1)] (bias_columns). */
static void input_and_bias_grads(layer_ws *ws, layer_params *out, const real *dxp, const real *x, int rows,
                                 int nb)
{
    const int I = ws->d.I, GH = ws->d.cell->G * ws->d.H, n = I + nb;
    real *xb = ws->xb, *c = ws->wgc;
    for (int r = 0; r < rows; r++) {
        memcpy(xb + (size_t)r * n, x + (size_t)r * I, sizeof(real) * I);
        for (int k = I; k < n; k++)
            xb[(size_t)r * n + k] = 1;
    }
    for (int j = 0; j < GH; j++) {
        memcpy(c + (size_t)j * n, out->w_ih + (size_t)j * I, sizeof(real) * I);
        c[(size_t)j * n + I] = out->b_ih[j];
        if (nb == 2)
            c[(size_t)j * n + I + 1] = out->b_hh[j];
    }
    gemm(true, false, GH, n, rows, 1, dxp, GH, xb, n, 1, c, n);
    for (int j = 0; j < GH; j++) {
        memcpy(out->w_ih + (size_t)j * I, c + (size_t)j * n, sizeof(real) * I);
        out->b_ih[j] = c[(size_t)j * n + I];
        if (nb == 2)
            out->b_hh[j] = c[(size_t)j * n + I + 1];
    }
}

/* g += the weight and bias gradients of timesteps t0..t1-1, which share
 * the scale 2^e: in place when e = 0, else summed apart and scaled back. */
static void weight_grads(layer_ws *ws, layer_params *g, const real *x, int t0, int t1, int e)
{
    const layer_dims *d = &ws->d;
    const cell_type *cell = d->cell;
    const int B = d->B, I = d->I, H = d->H, GH = cell->G * H;
    const int G1H = (cell->G - cell->G_mod) * H, GmH = cell->G_mod * H;
    const int rows = (t1 - t0) * B;
    const size_t r0 = (size_t)t0 * B;
    const size_t n_dense = layer_param_count(cell, I, H) - cell_extra_count(cell, H) - out_map_count(cell, H);
    layer_params tmp, *out = g;
    if (e) {
        layer_params_view(&tmp, ws->gtmp, cell, I, H);
        memset(ws->gtmp, 0, n_dense * sizeof(real));
        if (tmp.w_y)
            memset(tmp.w_y, 0, out_map_count(cell, H) * sizeof(real));
        out = &tmp;
    }
    const real *dxp = ws->dxp + r0 * GH, *dhp = ws->dhp + r0 * GH;
    const int nb = bias_columns(cell, I);
    if (nb)
        input_and_bias_grads(ws, out, dxp, x + r0 * I, rows, nb);
    else
        gemm(true, false, GH, I, rows, 1, dxp, GH, x + r0 * I, I, 1, out->w_ih, I);
    if (cell->recurrence == REC_DENSE)
        gemm(true, false, G1H, H, rows, 1, dhp, GH, ws->hs + r0 * H, H, 1, out->w_hh, H);
    else if (cell->recurrence == REC_DIAGONAL)
        diagonal_weight_grad(out->w_hh, dhp, ws->hs + r0 * H, rows, cell->G, H);
    if (cell->c_dense)  /* every block saw c_{t-1} through weight_ch */
        gemm(true, false, GH, H, rows, 1, dhp, GH, ws->cs + r0 * H, H, 1, out->w_ch, H);
    if (cell->G_mod)    /* the last blocks saw m * h_{t-1}, kept in aux */
        gemm(true, false, GmH, H, rows, 1, dhp + G1H, GH, ws->aux + r0 * H, H, 1,
             out->w_hh + (size_t)G1H * H, H);
    if (cell->c_out)    /* the output block saw c_t (cs row t+1) through weight_co */
        gemm(true, false, H, H, rows, 1, dxp + (size_t)cell->out_block * H, GH, ws->cs + r0 * H + (size_t)B * H,
             H, 1, out->w_co, H);
    if (out->b_ih && nb < 1)
        add_colsum(out->b_ih, dxp, rows, GH);
    if (out->b_hh && nb < 2)
        add_colsum(out->b_hh, dhp, rows, GH);
    if (cell->out_map) {    /* dL/dC' from c_t (cs row t+1), dL/dD from u_t */
        const real *dpre = ws->y_pre + r0 * H;
        gemm(true, false, H, H, rows, 1, dpre, H, ws->cs + r0 * H + (size_t)B * H, H, 1, out->w_y, H);
        out_map_dd(out->d_y, dpre, x + r0 * I, rows, H);
    }
    if (e) {
        scale_pow2(ws->gtmp, n_dense, -e);
        if (tmp.w_y)
            scale_pow2(tmp.w_y, out_map_count(cell, H), -e);
        add_dense_params(g, &tmp, cell, I, H);
    }
}

/* Clamps row (n, stored at 2^e) to the step clip, and stores its norm as
 * ||dL/dh_t||: in dh_norm, or for an output map in dc_norm (below). */
static void clip_and_norm(layer_ws *ws, real *row, size_t n, int e, int t)
{
    double *norm = ws->d.cell->out_map ? ws->dc_norm : ws->dh_norm;
    double *lg = ws->d.cell->out_map ? ws->dc_log10 : ws->dh_log10;
    if (ws->step_clip > 0) {
        const real hi = LDEXP((real)ws->step_clip, e), lo = -hi;
        for (size_t k = 0; k < n; k++)
            row[k] = row[k] > hi ? hi : row[k] < lo ? lo : row[k];
    }
    if (!ws->skip_dh_norm) {
        const double stored = sqrt(sum_squares(row, n));
        norm[t] = ldexp(stored, -e);
        lg[t] = log10_scaled(stored, e);
    }
}

/* Pascanu et al.'s Omega (layer.h) and alpha dOmega/dW_hh into dw (H, H).
 * Every row's delta (ws->dh), v (ws->dxp) and u = v W_hh share the row's
 * scale 2^dexp[t], which the ratios cancel: they are taken as stored.
 * u goes into ws->gates (the forward's, which nothing reads after the
 * loop), v * c into ws->dxp (after the weight gradients). */
static void omega_term(layer_ws *ws, const real *w_hh, real *dw)
{
    const int T = ws->d.T, B = ws->d.B, H = ws->d.H, rows = T * B;
    real *u = ws->gates, *v = ws->dxp;
    gemm(false, false, rows, H, H, 1, v, H, w_hh, H, 0, u, H);
    double sum = 0;
    long valid = 0;
    for (int pass = 0; pass < 2; pass++)    /* Omega and the count; then c, knowing the count */
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++) {
                const size_t r = (size_t)t * B + b;
                const double nd = sum_squares(ws->dh + r * H, H), nu = sum_squares(u + r * H, H);
                const bool ok = ldexp(nd, -2 * ws->dexp[t]) >= 1e-20;
                const double ratio = ok ? nu / nd : 1;
                if (pass == 0) {
                    sum += (ratio - 1) * (ratio - 1);
                    valid += ok;
                    continue;
                }
                /* d/dW of (r - 1)^2 / n, r = ||v W||^2/||delta||^2: 4 (r - 1)/(||delta||^2 n) v^T u */
                const real c = ok ? (real)(4 * (ratio - 1) / (nd * (double)valid)) : 0;
                for (int j = 0; j < H; j++)
                    v[r * H + j] *= c;
            }
    ws->omega_value = valid ? sum / valid : 0;
    if (!valid)
        return;
    gemm(true, false, H, H, rows, 1, v, H, u, H, 0, ws->gtmp, H);
    for (size_t k = 0; k < (size_t)H * H; k++)
        dw[k] += (real)ws->omega * ws->gtmp[k];
}

void layer_backward(layer_ws *ws, const layer_params *p, layer_params *g,
                    const real *x, real *dx, const int *dexp_in)
{
    const layer_dims *d = &ws->d;
    const cell_type *cell = d->cell;
    const int T = d->T, B = d->B, I = d->I, H = d->H, GH = cell->G * H;
    const int G1H = (cell->G - cell->G_mod) * H, GmH = cell->G_mod * H;
    const size_t BH = (size_t)B * H, BGH = (size_t)B * GH;
    const size_t n_extra = cell_extra_count(cell, H);
    real *dextra_t = n_extra ? ws->gtmp + layer_param_count(cell, I, H) : NULL;
    const real *w_hh = formed_weight(ws, p);
    /* W_hh's two row blocks, packed once for the T steps */
    if (cell->recurrence == REC_DENSE) {
        gemm_pack(false, G1H, H, w_hh, H, ws->w_hh_bwd);
        gemm_pack(false, GmH, H, w_hh + (size_t)G1H * H, H, ws->w_hh_bwd_mod);
    }

    memset(ws->dc, 0, BH * sizeof(real));
    int e = dexp_in ? dexp_in[T - 1] : 0;
    for (int t = T - 1; t >= 0; t--) {
        /* ws->dh[t] is complete here (at 2^e): the readout's term plus what
         * step t+1 passed back. Its norm is the suite's central measurement. */
        real *dh = ws->dh + t * BH;
        e = rescaled(ws, dh, BH, e);
        ws->dexp[t] = e;
        if (!cell->out_map || t == T - 1)
            clip_and_norm(ws, dh, BH, e, t);
        memset(ws->carry, 0, BH * sizeof(real));
        if (dextra_t)
            memset(dextra_t, 0, n_extra * sizeof(real));
        if (cell->out_map) {    /* dL/dc_t += (dL/dh_t gelu') C', at the carry's scale */
            real *dpre = ws->y_pre + t * BH;
            out_map_back(dpre, dh, BH);
            gemm(false, false, B, H, H, 1, dpre, H, ws->w_yeff, H, 1, ws->dc, H);
        }
        cell_step s = {
            .B = B, .H = H,
            .gates = ws->gates + t * BGH,
            .aux = ws->aux ? ws->aux + t * (size_t)B * cell->A * H : NULL,
            .h_prev = ws->hs + t * BH,
            .c_prev = ws->cs ? ws->cs + t * BH : NULL,
            .h = ws->hs + (t + 1) * BH,
            .c = ws->cs ? ws->cs + (t + 1) * BH : NULL,
            .extra = p->extra,
            .konst = ws->konst,
        };
        cell_grad gr = {
            .dh = dh,
            .dc = ws->dc,
            .dxp = ws->dxp + t * BGH,
            .dhp = ws->dhp + t * BGH,
            .dh_prev = ws->carry,
            .dextra = dextra_t,
        };
        if (cell->c_out) {      /* dL/dc_t += dL/d pre_o W_co, at the carry's scale */
            cell->backward_o(&s, &gr);
            gemm(false, false, B, H, H, 1, gr.dxp + (size_t)cell->out_block * H, GH, p->w_co, H, 1, ws->dc, H);
        }
        cell->backward(&s, &gr);
        if (cell->has_c) {      /* an output map's recurrence is c: its norm is the one in time */
            double *norm = cell->out_map ? ws->dh_norm : ws->dc_norm;
            double *lg = cell->out_map ? ws->dh_log10 : ws->dc_log10;
            norm[t] = ldexp(sqrt(gr.dc_sumsq), -e);
            lg[t] = log10_scaled(sqrt(gr.dc_sumsq), e);
        }
        if (dextra_t) {
            scale_pow2(dextra_t, n_extra, -e);
            for (size_t k = 0; k < n_extra; k++)
                g->extra[k] += dextra_t[k];
        }
        if (cell->G_mod) {      /* dL/d(m h_{t-1}) = dL/d(last blocks) W_hh[last] */
            gemm_packed(B, H, GmH, gr.dhp + G1H, GH, ws->w_hh_bwd_mod, 0, ws->dhm, H);
            cell->backward_mod(&s, &gr, ws->dhm);
        }
        /* dL/dh_{t-1} += dL/d(W_hh h_{t-1}) W_hh, over the blocks that see h_{t-1} */
        if (cell->recurrence == REC_DENSE)
            gemm_packed(B, H, G1H, gr.dhp, GH, ws->w_hh_bwd, 1, ws->carry, H);
        else if (cell->recurrence == REC_DIAGONAL)
            diagonal_backward(ws->carry, gr.dhp, p->w_hh, B, cell->G, H);
        if (cell->c_dense)      /* dL/dc_{t-1} += dL/d(c_{t-1} W_ch^T) W_ch, at the carry's scale */
            gemm(false, false, B, H, GH, 1, gr.dhp, GH, p->w_ch, H, 1, ws->dc, H);
        /* An output map's dL/dh_{t-1} is its direct term alone (h recurs
         * nowhere): its norm at its own scale, before the join may move it
         * far below dc's. */
        if (t > 0 && cell->out_map)
            clip_and_norm(ws, ws->dh + (t - 1) * BH, BH, dexp_in ? dexp_in[t - 1] : 0, t - 1);
        if (t > 0)
            e = join_direct(ws, ws->dh + (t - 1) * BH, dexp_in ? dexp_in[t - 1] : 0, ws->carry, BH, e);
    }
    /* what reaches h_0 and c_0, unscaled */
    memcpy(ws->dh0, ws->carry, BH * sizeof(real));
    scale_pow2(ws->dh0, BH, -e);
    scale_pow2(ws->dc, BH, -e);

    /* Weight gradients: one product over all steps of one scale; for a
     * reparametrised cell dL/d(formed weight) first, then its adjoint. */
    layer_params gw = *g;
    if (cell->reparam_form) {
        gw.w_hh = ws->dw_rep;
        memset(ws->dw_rep, 0, (size_t)GH * H * sizeof(real));
    }
    if (cell->out_map) {    /* dL/dC' first, then dL/dC: C's imaginary half enters negated */
        gw.w_y = ws->dw_yeff;
        memset(ws->dw_yeff, 0, (size_t)H * H * sizeof(real));
    }
    for (int t0 = 0, t1; t0 < T; t0 = t1) {
        for (t1 = t0 + 1; t1 < T && ws->dexp[t1] == ws->dexp[t0]; t1++)
            ;
        weight_grads(ws, &gw, x, t0, t1, ws->dexp[t0]);
    }
    if (cell->reparam_form)
        cell->reparam_adjoint(g->w_hh, ws->dw_rep, p->w_hh, H, ws->rep_work, ws->rep_iwork);
    for (size_t k = 0; cell->out_map && k < (size_t)H * H; k++)
        g->w_y[k] += (int)(k % H) < H / 2 ? ws->dw_yeff[k] : -ws->dw_yeff[k];
    if (dx)     /* row t at 2^dexp[t], as dxp's */
        gemm(false, false, T * B, I, GH, 1, ws->dxp, GH, p->w_ih, I, 0, dx, I);
    if (dx && cell->out_map)    /* and the output's D u_t term (I = H) */
        out_map_dx(dx, ws->y_pre, p->d_y, T * B, H);
    if (ws->omega > 0)          /* last: it overwrites dxp */
        omega_term(ws, p->w_hh, g->w_hh);
}

void layer_unscale_rows(real *v, int T, size_t row, const int *dexp)
{
    for (int t = 0; t < T; t++)
        scale_pow2(v + (size_t)t * row, row, -dexp[t]);
}

void layer_unscale_dh(layer_ws *ws)
{
    layer_unscale_rows(ws->dh, ws->d.T, (size_t)ws->d.B * ws->d.H, ws->dexp);
}
