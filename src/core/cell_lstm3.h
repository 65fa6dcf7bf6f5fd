/* cell_lstm3.h - the rows of the two LSTM variants with three gate blocks
 * i, g, o and no forget gate of their own (Greff et al. 2017): CIFG, whose
 * forget gate is 1 - i, and NFG, whose forget gate is 1. One pair of
 * functions, the variant a constant argument the compiler folds.
 * Included by cell_lstm_cifg.c and cell_lstm_nfg.c only. */
#ifndef RNB_CELL_LSTM3_H
#define RNB_CELL_LSTM3_H

#include <stdbool.h>

#include "activation.h"
#include "cell.h"
#include "kernels.h"

/* f = coupled ? 1 - i : 1 */
GATE_LOOP static inline void lstm3_forward_row(bool coupled, int H, real *restrict gi, real *restrict gg,
                                               real *restrict go, real *restrict c, real *restrict tc,
                                               real *restrict h, const real *restrict cp)
{
    for (int j = 0; j < H; j++) {
        real i = act_sigmoid(gi[j]);            /* i = s(W_ii x + W_hi h + b_i) */
        real g = act_tanh(gg[j]);               /* g = tanh(W_ig x + W_hg h + b_g) */
        real o = act_sigmoid(go[j]);            /* o = s(W_io x + W_ho h + b_o) */
        real f = coupled ? 1 - i : 1;
        real cj = f * cp[j] + i * g;            /* c' = f * c + i * g */
        real t = act_tanh(cj);
        c[j] = cj;
        tc[j] = t;
        h[j] = o * t;                           /* h' = o * tanh(c') */
        gi[j] = i, gg[j] = g, go[j] = o;
    }
}

/* One batch row of the backward step; dc holds the total dL/dc_t after it,
 * which is dL/dc_{t-1} through c_t uncoupled (f = 1) and lstm3_carry_row's
 * input coupled. No sum in the loop: it vectorises. */
GATE_LOOP static inline void lstm3_backward_row(bool coupled, int H, const real *restrict gi,
                                                  const real *restrict gg, const real *restrict go,
                                                  const real *restrict cp, const real *restrict tc,
                                                  const real *restrict dh, real *restrict dc,
                                                  real *restrict di, real *restrict dg, real *restrict dout)
{
    for (int j = 0; j < H; j++) {
        real i = gi[j], g = gg[j], o = go[j], t = tc[j];
        real dct = dc[j] + dh[j] * o * (1 - t * t); /* through c_{t+1} and h_t */
        /* dc'/di = g, and - c through f = 1 - i when coupled */
        di[j] = dct * (coupled ? g - cp[j] : g) * i * (1 - i);
        dg[j] = dct * i * (1 - g * g);
        dout[j] = dh[j] * t * o * (1 - o);
        dc[j] = dct;
    }
}

/* coupled: dL/dc_{t-1} through c_t = dL/dc_t (1 - i) */
GATE_LOOP static inline void lstm3_carry_row(int H, const real *restrict gi, real *restrict dc)
{
    for (int j = 0; j < H; j++)
        dc[j] = dc[j] * (1 - gi[j]);
}

static inline void lstm3_forward(bool coupled, const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        real *gi = s->gates + (size_t)b * 3 * H;
        lstm3_forward_row(coupled, H, gi, gi + H, gi + 2 * H, s->c + (size_t)b * H, s->aux + (size_t)b * H,
                          s->h + (size_t)b * H, s->c_prev + (size_t)b * H);
    }
}

static inline void lstm3_backward(bool coupled, const cell_step *s, cell_grad *gr)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        const real *g = s->gates + (size_t)b * 3 * H;
        real *d = gr->dxp + (size_t)b * 3 * H;
        lstm3_backward_row(coupled, H, g, g + H, g + 2 * H, s->c_prev + (size_t)b * H, s->aux + (size_t)b * H,
                           gr->dh + (size_t)b * H, gr->dc + (size_t)b * H, d, d + H, d + 2 * H);
    }
    gr->dc_sumsq = sum_squares_rows(gr->dc, B, H);
    for (int b = 0; coupled && b < B; b++)
        lstm3_carry_row(H, s->gates + (size_t)b * 3 * H, gr->dc + (size_t)b * H);
}

#endif
