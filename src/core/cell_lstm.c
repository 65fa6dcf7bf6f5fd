/* cell_lstm.c - the LSTM with forget gate as PyTorch's nn.LSTM
 * (Hochreiter & Schmidhuber 1997; forget gate Gers et al. 2000).
 * Gate blocks stacked i, f, g, o (G = 4); the gates buffer holds their
 * activated values, aux holds tanh(c_t) (A = 1). */
#include <tgmath.h>

#include "cell.h"

static inline real sigmoid(real x) { return 1 / (1 + exp(-x)); }

static void lstm_forward(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        real *gi = s->gates + (size_t)b * 4 * H, *gf = gi + H, *gg = gf + H,
             *go = gg + H;
        const real *cp = s->c_prev + (size_t)b * H;
        real *c = s->c + (size_t)b * H, *h = s->h + (size_t)b * H;
        real *tc = s->aux + (size_t)b * H;
        for (int j = 0; j < H; j++) {
            real i = sigmoid(gi[j]);            /* i = s(W_ii x + W_hi h + b_i) */
            real f = sigmoid(gf[j]);            /* f = s(W_if x + W_hf h + b_f) */
            real g = tanh(gg[j]);               /* g = tanh(W_ig x + W_hg h + b_g) */
            real o = sigmoid(go[j]);            /* o = s(W_io x + W_ho h + b_o) */
            c[j] = f * cp[j] + i * g;           /* c' = f * c + i * g */
            tc[j] = tanh(c[j]);
            h[j] = o * tc[j];                   /* h' = o * tanh(c') */
            gi[j] = i, gf[j] = f, gg[j] = g, go[j] = o;
        }
    }
}

static void lstm_backward(const cell_step *s, cell_grad *gr)
{
    const int B = s->B, H = s->H;
    double sumsq = 0;
    for (int b = 0; b < B; b++) {
        const real *gi = s->gates + (size_t)b * 4 * H, *gf = gi + H,
                   *gg = gf + H, *go = gg + H;
        const real *cp = s->c_prev + (size_t)b * H, *tc = s->aux + (size_t)b * H;
        const real *dh = gr->dh + (size_t)b * H;
        real *dc = gr->dc + (size_t)b * H;
        real *di = gr->dxp + (size_t)b * 4 * H, *df = di + H, *dg = df + H,
             *dout = dg + H;
        for (int j = 0; j < H; j++) {
            real i = gi[j], f = gf[j], g = gg[j], o = go[j], t = tc[j];
            /* total dL/dc_t: through c_{t+1} plus through h_t = o tanh(c_t) */
            real dct = dc[j] + dh[j] * o * (1 - t * t);
            sumsq += (double)dct * dct;
            di[j] = dct * g * i * (1 - i);      /* d pre_i, s' = s (1 - s) */
            df[j] = dct * cp[j] * f * (1 - f);  /* d pre_f */
            dg[j] = dct * i * (1 - g * g);      /* d pre_g, tanh' = 1 - g^2 */
            dout[j] = dh[j] * t * o * (1 - o);  /* d pre_o */
            dc[j] = dct * f;                    /* dL/dc_{t-1} through c_t */
        }
    }
    gr->dc_sumsq = sumsq;
}

const cell_type cell_lstm = {
    .name = "lstm",
    .summary = "gates i,f,g,o; c' = f*c + i*g; h' = o*tanh(c')",
    .source = "Hochreiter & Schmidhuber 1997, forget gate Gers et al. 2000; PyTorch nn.LSTM",
    .G = 4, .A = 1, .has_c = true, .split_recurrent = false,
    .forget_block = 1,
    .forward = lstm_forward, .backward = lstm_backward,
};
