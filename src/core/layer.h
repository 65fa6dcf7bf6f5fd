/* layer.h - one recurrent layer over a whole sequence: the forward pass and
 * exact backpropagation through time, with the per-timestep gradient norms
 * ||dL/dh_t|| (and ||dL/dc_t||) measured inside the one backward pass. */
#ifndef RNB_LAYER_H
#define RNB_LAYER_H

#include <stdbool.h>
#include <stddef.h>

#include "cell.h"

typedef struct {
    const cell_type *cell;
    int T, B, I, H;
} layer_dims;

/* Named views into a parameter (or gradient) slab, PyTorch's layout;
 * w_hh [G*H] for a diagonal recurrence, NULL for none; b_hh NULL for a
 * cell with one bias, b_ih too for one without. */
typedef struct layer_params {
    real *w_ih;             // (G*H, I)
    real *w_hh;             // (G*H, H)
    real *w_ch;             // (G*H, H) cells with c_dense only; else NULL
    real *w_co;             // (H, H) cells with c_out only (V_o); else NULL
    real *b_ih;             // (G*H)
    real *b_hh;             // (G*H)
    real *extra;            // (cell_extra_count) the cell's own (peepholes); NULL when none
    real *w_y;              // (H, H) out_map cells: C = [C_re | C_im]; else NULL
    real *d_y;              // (H) out_map cells: D
} layer_params;

size_t layer_param_count(const cell_type *cell, int I, int H);
/* Points p into slab, which holds layer_param_count() reals. */
void layer_params_view(layer_params *p, real *slab, const cell_type *cell,
                       int I, int H);

/* Everything one pass over a sequence needs, allocated once. */
typedef struct {
    layer_dims d;
    real *hs;               // (T+1, B, H) h_0 .. h_T; the caller sets h_0
    real *cs;               // (T+1, B, H) c_0 .. c_T; cells with c only
    real *gates;            // (T, B, G*H) pre-activations, then gates
    real *aux;              // (T, B, A*H); G_mod cells: m * h_{t-1}
    real *hp;               // (B, G*H) recurrent projection; split cells
    real *bias_row;         // (G*H) where the input projection's chains start
    real *w_hh_fwd;         // weight_hh^T packed for the per-step GEMM (gemm_pack):
                            //   its first (G-G_mod)*H columns, then at w_hh_fwd_mod the rest
    real *w_hh_fwd_mod;
    real *w_hh_bwd;         // weight_hh packed for the backward's per-step GEMM: its
                            //   first (G-G_mod)*H rows, then at w_hh_bwd_mod the rest
    real *w_hh_bwd_mod;
    real *w_ch_t;           // (H, G*H) weight_ch transposed; c_dense cells only
    real *w_co_t;           // (H, H) weight_co transposed; c_out cells only
    real *w_rep;            // (G*H, H) the formed weight_hh; reparametrised cells only
    real *dw_rep;           // (G*H, H) dL/d(formed weight_hh)
    double *rep_work;       // (cell->reparam_work(H)) their scratch
    real *y_pre;            // (T, B, H) out_map cells: the output's pre-activation,
                            //   then in backward dL/d(it), row t at 2^dexp[t]
    real *w_yeff;           // (H, H) C' = [C_re | -C_im], formed each forward
    real *dw_yeff;          // (H, H) dL/dC'
    int *rep_iwork;         // (H)
    real *dh;               // (T, B, H) in: the direct dL/dh_t (readout);
                            //           out: the total dL/dh_t
    real *dxp;              // (T, B, G*H)
    real *dhp;              // (T, B, G*H) == dxp unless split_recurrent
    real *dh0;              // (B, H) out: dL/dh_0
    real *dc;               // (B, H) running dL/dc; out: dL/dc_0
    real *dhm;              // (B, H) dL/d(m * h_{t-1}); cells with G_mod only
    /* An out_map cell (lru) swaps the two: dh_norm is its state's
     * ||dL/dc_t|| (the recurrence, what vanishes in time), dc_norm its
     * output's ||dL/dh_t||. */
    double *dh_norm;        // (T) out: ||dL/dh_t||, t = 1..T (0 below double's floor)
    double *dc_norm;        // (T) out: ||dL/dc_t||; cells with c only
    double *dh_log10;       // (T) out: log10 ||dL/dh_t||, past double's floor too
    double *dc_log10;       // (T) out: log10 ||dL/dc_t||; cells with c only
    bool skip_dh_norm;      /* benchmarks only: measure what the norms cost */
    /* > 0: Pascanu, Mikolov & Bengio's regulariser (2013, eq. 9) of the
     * rnn cells, with this weight alpha: after the backward pass,
     *   Omega = mean over (t, b) of (||v W_hh||^2 / ||delta||^2 - 1)^2,
     * delta = dL/dh_t of row b, v = delta * f'(pre) = dL/dpre, the mean
     * over the rows with ||delta||^2 >= 1e-20 (their code's bound, its
     * ratio of squared norms); alpha dOmega/dW_hh, with delta and f' held
     * constant (their eq. 10's "immediate" derivative), is added to the
     * weight gradient. ws->omega_value is Omega. */
    double omega;
    double omega_value;
    double step_clip;       /* > 0: each component of dL/dh_t clamped to
                             * [-step_clip, step_clip] before it passes back
                             * (clip step:θ); dh_norm is then the clipped one */
    real *carry;            // (B, H) what step t passes back to t-1 (scaled)
    real *gtmp;             // (P + E*H) weight gradients of one scale; a step's extras
    real *xb;               // (T, B, I + nb) x with nb columns of ones (bias_columns)
    real *wgc;              // (G*H, I + nb) dW_ih and the bias gradients, side by side
    int *dexp;              // (T) out: the scale 2^dexp[t] dL/dh_t was carried at
    double konst[3];        /* the cell's constants (cell_step.konst); their defaults at alloc */
    int rescale_below;      /* carried values rescaled when their largest is   */
    int rescale_to;         /* below 2^rescale_below, to 2^rescale_to (tests)  */
    void *slab;
} layer_ws;

/* The default rescale threshold: 2^-20 (float) or 2^-200 (double) keeps
 * every carried value far above the type's subnormal range. */
#ifdef RNB_DOUBLE
enum { RESCALE_BELOW = -200 };
#else
enum { RESCALE_BELOW = -20 };
#endif

/* Bytes layer_ws_alloc takes for these dimensions: the workspace formula. */
size_t layer_ws_bytes(const layer_dims *d);
int layer_ws_alloc(layer_ws *ws, const layer_dims *d);   /* RNB_OK/ENOMEM */
void layer_ws_free(layer_ws *ws);

/* The dense weight_hh the layer multiplies: p->w_hh, or for a
 * reparametrised cell the weight formed from it, into ws->w_rep. */
const real *layer_form_weight(layer_ws *ws, const layer_params *p);

/* h_1..h_T (and c) from x (T, B, I) and the h_0 (c_0) already in ws. */
void layer_forward(layer_ws *ws, const layer_params *p, const real *x);

/* Backpropagation through time from the direct dL/dh_t in ws->dh (the
 * readout's, or the layer above's dL/dx), row t stored at 2^dexp_in[t]
 * (NULL: unscaled), and dL/dc_T = 0, with the weight the last
 * layer_forward formed (reparametrised cells). Adds the parameter gradients into g,
 * writes ws->dh0, ws->dc (unscaled), the norms, and, when dx is not NULL,
 * dL/dx (T, B, I) with row t at 2^ws->dexp[t]: the layer below's direct
 * term, passed down at its scale so that it never underflows. */
void layer_backward(layer_ws *ws, const layer_params *p, layer_params *g,
                    const real *x, real *dx, const int *dexp_in);

/* v (T rows of row reals, row t at 2^dexp[t]) unscaled in place (may
 * underflow, as the true values do). */
void layer_unscale_rows(real *v, int T, size_t row, const int *dexp);

/* After layer_backward, ws->dh holds dL/dh_t times 2^dexp[t]; this makes
 * it dL/dh_t itself (what rnnbench grad writes). */
void layer_unscale_dh(layer_ws *ws);

#endif
