/* cell_lstm.c - the LSTM with forget gate as PyTorch's nn.LSTM
 * (Hochreiter & Schmidhuber 1997; forget gate Gers et al. 2000).
 * Gate blocks stacked i, f, g, o (G = 4); the gates buffer holds their
 * activated values, aux holds tanh(c_t) (A = 1). */
#include "activation.h"
#include "cell.h"
#include "kernels.h"

/* One batch row; restrict lets the compiler vectorise over j. */
GATE_LOOP static void lstm_forward_row(int H, real *restrict gi, real *restrict gf, real *restrict gg,
                             real *restrict go, real *restrict c, real *restrict tc,
                             real *restrict h, const real *restrict cp)
{
    for (int j = 0; j < H; j++) {
        real i = act_sigmoid(gi[j]);            /* i = s(W_ii x + W_hi h + b_i) */
        real f = act_sigmoid(gf[j]);            /* f = s(W_if x + W_hf h + b_f) */
        real g = act_tanh(gg[j]);               /* g = tanh(W_ig x + W_hg h + b_g) */
        real o = act_sigmoid(go[j]);            /* o = s(W_io x + W_ho h + b_o) */
        real cj = f * cp[j] + i * g;            /* c' = f * c + i * g */
        real t = act_tanh(cj);
        c[j] = cj;
        tc[j] = t;
        h[j] = o * t;                           /* h' = o * tanh(c') */
        gi[j] = i, gf[j] = f, gg[j] = g, go[j] = o;
    }
}

static void lstm_forward(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        real *gi = s->gates + (size_t)b * 4 * H;
        lstm_forward_row(H, gi, gi + H, gi + 2 * H, gi + 3 * H, s->c + (size_t)b * H,
                         s->aux + (size_t)b * H, s->h + (size_t)b * H, s->c_prev + (size_t)b * H);
    }
}

/* One batch row of the backward step; dc holds the total dL/dc_t after it
 * (lstm_carry_row takes it on to c_{t-1}). No sum in the loop: it
 * vectorises. */
GATE_LOOP static void lstm_backward_row(int H, const real *restrict gi, const real *restrict gf,
                                        const real *restrict gg, const real *restrict go,
                                        const real *restrict cp, const real *restrict tc,
                                        const real *restrict dh, real *restrict dc,
                                        real *restrict di, real *restrict df,
                                        real *restrict dg, real *restrict dout)
{
    for (int j = 0; j < H; j++) {
        real i = gi[j], f = gf[j], g = gg[j], o = go[j], t = tc[j];
        /* total dL/dc_t: through c_{t+1} plus through h_t = o tanh(c_t) */
        real dct = dc[j] + dh[j] * o * (1 - t * t);
        di[j] = dct * g * i * (1 - i);          /* d pre_i, s' = s (1 - s) */
        df[j] = dct * cp[j] * f * (1 - f);      /* d pre_f */
        dg[j] = dct * i * (1 - g * g);          /* d pre_g, tanh' = 1 - g^2 */
        dout[j] = dh[j] * t * o * (1 - o);      /* d pre_o */
        dc[j] = dct;
    }
}

/* dL/dc_{t-1} through c_t = dL/dc_t f */
GATE_LOOP static void lstm_carry_row(int H, const real *restrict gf, real *restrict dc)
{
    for (int j = 0; j < H; j++)
        dc[j] *= gf[j];
}

void cell_lstm_backward(const cell_step *s, cell_grad *gr)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        const real *g = s->gates + (size_t)b * 4 * H;
        real *d = gr->dxp + (size_t)b * 4 * H;
        lstm_backward_row(H, g, g + H, g + 2 * H, g + 3 * H, s->c_prev + (size_t)b * H, s->aux + (size_t)b * H,
                          gr->dh + (size_t)b * H, gr->dc + (size_t)b * H, d, d + H, d + 2 * H, d + 3 * H);
    }
    gr->dc_sumsq = sum_squares_rows(gr->dc, B, H);
    for (int b = 0; b < B; b++)
        lstm_carry_row(H, s->gates + (size_t)b * 4 * H + H, gr->dc + (size_t)b * H);
}

const cell_type cell_lstm = {
    .name = "lstm",
    .summary = "gates i,f,g,o; c' = f*c + i*g; h' = o*tanh(c')",
    .source = "Hochreiter & Schmidhuber 1997, forget gate Gers et al. 2000; PyTorch nn.LSTM",
    .G = 4, .A = 1, .has_c = true, .split_recurrent = false,
    .forget_block = 1, .input_block = 0, .out_block = 3,
    .forward = lstm_forward, .backward = cell_lstm_backward,
};
