/* cell_lstm_cifg.c - the LSTM with coupled input and forget gates, f = 1 - i
 * ("CIFG", Greff et al. 2017, LSTM: a search space odyssey), otherwise
 * nn.LSTM's cell. Gate blocks stacked i, g, o (G = 3); the gates buffer
 * holds their activated values, aux holds tanh(c_t) (A = 1). */
#include "activation.h"
#include "cell.h"

GATE_LOOP static void cifg_forward_row(int H, real *restrict gi, real *restrict gg, real *restrict go,
                                       real *restrict c, real *restrict tc, real *restrict h,
                                       const real *restrict cp)
{
    for (int j = 0; j < H; j++) {
        real i = act_sigmoid(gi[j]);            /* i = s(W_ii x + W_hi h + b_i) */
        real g = act_tanh(gg[j]);               /* g = tanh(W_ig x + W_hg h + b_g) */
        real o = act_sigmoid(go[j]);            /* o = s(W_io x + W_ho h + b_o) */
        real cj = (1 - i) * cp[j] + i * g;      /* c' = (1 - i) * c + i * g */
        real t = act_tanh(cj);
        c[j] = cj;
        tc[j] = t;
        h[j] = o * t;                           /* h' = o * tanh(c') */
        gi[j] = i, gg[j] = g, go[j] = o;
    }
}

static void cifg_forward(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        real *gi = s->gates + (size_t)b * 3 * H;
        cifg_forward_row(H, gi, gi + H, gi + 2 * H, s->c + (size_t)b * H, s->aux + (size_t)b * H,
                         s->h + (size_t)b * H, s->c_prev + (size_t)b * H);
    }
}

/* One batch row of the backward step; returns its sum of dL/dc_t^2. */
GATE_LOOP static double cifg_backward_row(int H, const real *restrict gi, const real *restrict gg,
                                          const real *restrict go, const real *restrict cp,
                                          const real *restrict tc, const real *restrict dh,
                                          real *restrict dc, real *restrict di, real *restrict dg,
                                          real *restrict dout)
{
    double sumsq = 0;
    for (int j = 0; j < H; j++) {
        real i = gi[j], g = gg[j], o = go[j], t = tc[j];
        real dct = dc[j] + dh[j] * o * (1 - t * t); /* through c_{t+1} and h_t */
        sumsq += (double)dct * dct;
        di[j] = dct * (g - cp[j]) * i * (1 - i);  /* dc'/di = g - c */
        dg[j] = dct * i * (1 - g * g);
        dout[j] = dh[j] * t * o * (1 - o);
        dc[j] = dct * (1 - i);                    /* dL/dc_{t-1} through c_t */
    }
    return sumsq;
}

static void cifg_backward(const cell_step *s, cell_grad *gr)
{
    const int B = s->B, H = s->H;
    double sumsq = 0;
    for (int b = 0; b < B; b++) {
        const real *g = s->gates + (size_t)b * 3 * H;
        real *d = gr->dxp + (size_t)b * 3 * H;
        sumsq += cifg_backward_row(H, g, g + H, g + 2 * H, s->c_prev + (size_t)b * H, s->aux + (size_t)b * H,
                                   gr->dh + (size_t)b * H, gr->dc + (size_t)b * H, d, d + H, d + 2 * H);
    }
    gr->dc_sumsq = sumsq;
}

const cell_type cell_lstm_cifg = {
    .name = "lstm_cifg",
    .summary = "gates i,g,o; coupled forget gate f = 1-i; c' = (1-i)*c + i*g; h' = o*tanh(c')",
    .source = "Greff et al. 2017 (CIFG variant)",
    .G = 3, .A = 1, .has_c = true, .split_recurrent = false,
    .forget_block = -1, .input_block = 0, .out_block = 2,
    .forward = cifg_forward, .backward = cifg_backward,
};
