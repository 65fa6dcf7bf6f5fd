/* cell_lstm_nfg.c - the LSTM without forget gate, f = 1: the 1997 LSTM of
 * Hochreiter & Schmidhuber as Greff et al. 2017 compare it ("NFG"), with
 * nn.LSTM's input and output gates and candidate. Gate blocks stacked
 * i, g, o (G = 3); the gates buffer holds their activated values, aux holds
 * tanh(c_t) (A = 1). The cell state only adds: c_t is a running sum. */
#include "activation.h"
#include "cell.h"

GATE_LOOP static void nfg_forward_row(int H, real *restrict gi, real *restrict gg, real *restrict go,
                                      real *restrict c, real *restrict tc, real *restrict h,
                                      const real *restrict cp)
{
    for (int j = 0; j < H; j++) {
        real i = act_sigmoid(gi[j]);            /* i = s(W_ii x + W_hi h + b_i) */
        real g = act_tanh(gg[j]);               /* g = tanh(W_ig x + W_hg h + b_g) */
        real o = act_sigmoid(go[j]);            /* o = s(W_io x + W_ho h + b_o) */
        real cj = cp[j] + i * g;                /* c' = c + i * g */
        real t = act_tanh(cj);
        c[j] = cj;
        tc[j] = t;
        h[j] = o * t;                           /* h' = o * tanh(c') */
        gi[j] = i, gg[j] = g, go[j] = o;
    }
}

static void nfg_forward(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        real *gi = s->gates + (size_t)b * 3 * H;
        nfg_forward_row(H, gi, gi + H, gi + 2 * H, s->c + (size_t)b * H, s->aux + (size_t)b * H,
                        s->h + (size_t)b * H, s->c_prev + (size_t)b * H);
    }
}

/* One batch row of the backward step; returns its sum of dL/dc_t^2. */
GATE_LOOP static double nfg_backward_row(int H, const real *restrict gi, const real *restrict gg,
                                         const real *restrict go, const real *restrict tc,
                                         const real *restrict dh, real *restrict dc, real *restrict di,
                                         real *restrict dg, real *restrict dout)
{
    double sumsq = 0;
    for (int j = 0; j < H; j++) {
        real i = gi[j], g = gg[j], o = go[j], t = tc[j];
        real dct = dc[j] + dh[j] * o * (1 - t * t); /* through c_{t+1} and h_t */
        sumsq += (double)dct * dct;
        di[j] = dct * g * i * (1 - i);
        dg[j] = dct * i * (1 - g * g);
        dout[j] = dh[j] * t * o * (1 - o);
        dc[j] = dct;                              /* dc'/dc = 1 */
    }
    return sumsq;
}

static void nfg_backward(const cell_step *s, cell_grad *gr)
{
    const int B = s->B, H = s->H;
    double sumsq = 0;
    for (int b = 0; b < B; b++) {
        const real *g = s->gates + (size_t)b * 3 * H;
        real *d = gr->dxp + (size_t)b * 3 * H;
        sumsq += nfg_backward_row(H, g, g + H, g + 2 * H, s->aux + (size_t)b * H, gr->dh + (size_t)b * H,
                                  gr->dc + (size_t)b * H, d, d + H, d + 2 * H);
    }
    gr->dc_sumsq = sumsq;
}

const cell_type cell_lstm_nfg = {
    .name = "lstm_nfg",
    .summary = "gates i,g,o; no forget gate (f = 1); c' = c + i*g; h' = o*tanh(c')",
    .source = "Hochreiter & Schmidhuber 1997; Greff et al. 2017 (NFG variant)",
    .G = 3, .A = 1, .has_c = true, .split_recurrent = false,
    .forget_block = -1, .input_block = 0, .out_block = 2,
    .forward = nfg_forward, .backward = nfg_backward,
};
