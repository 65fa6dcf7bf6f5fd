/* cell_lstm_vo.c - the LSTM of the Theano LSTM tutorial (deeplearning.net,
 * eq. 5) as Arjovsky, Shah & Bengio 2016's code (amarshah/complex_RNN,
 * models.py) trains it: nn.LSTM's cell whose output gate also reads the
 * new cell state through a full matrix,
 *   o = s(W_o x + U_o h + V_o c' + b_o).
 * Gate blocks i, f, g, o (G = 4); V_o is weight_co [H, H] (cell.h's
 * c_out). Since o needs c', a step runs in two stages around the layer's
 * product c' V_o^T: lstm_vo_forward_c (i, f, g, c'), then lstm_vo_forward
 * (o, h'). Backward likewise: lstm_vo_backward_o (dL/d pre_o), the layer
 * adds dL/d pre_o V_o to dL/dc', then lstm's own backward step, whose
 * dL/dc' then holds every route. The gates buffer holds the activated
 * gates, aux holds tanh(c_t) (A = 1), as lstm's. */
#include "activation.h"
#include "cell.h"

/* One batch row: i, f, g activated in place, c' = f * c + i * g. */
GATE_LOOP static void vo_forward_c_row(int H, real *restrict gi, real *restrict gf, real *restrict gg,
                                       real *restrict c, const real *restrict cp)
{
    for (int j = 0; j < H; j++) {
        real i = act_sigmoid(gi[j]);            /* i = s(W_ii x + W_hi h + b_i) */
        real f = act_sigmoid(gf[j]);            /* f = s(W_if x + W_hf h + b_f) */
        real g = act_tanh(gg[j]);               /* g = tanh(W_ig x + W_hg h + b_g) */
        c[j] = f * cp[j] + i * g;               /* c' = f * c + i * g */
        gi[j] = i, gf[j] = f, gg[j] = g;
    }
}

static void lstm_vo_forward_c(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        real *gi = s->gates + (size_t)b * 4 * H;
        vo_forward_c_row(H, gi, gi + H, gi + 2 * H, s->c + (size_t)b * H, s->c_prev + (size_t)b * H);
    }
}

/* One batch row: o from its pre-activation, which holds V_o c' now. */
GATE_LOOP static void vo_forward_row(int H, real *restrict go, const real *restrict c, real *restrict tc,
                                     real *restrict h)
{
    for (int j = 0; j < H; j++) {
        real o = act_sigmoid(go[j]);            /* o = s(W_io x + W_ho h + V_o c' + b_o) */
        real t = act_tanh(c[j]);
        tc[j] = t;
        h[j] = o * t;                           /* h' = o * tanh(c') */
        go[j] = o;
    }
}

static void lstm_vo_forward(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++)
        vo_forward_row(H, s->gates + (size_t)b * 4 * H + 3 * H, s->c + (size_t)b * H, s->aux + (size_t)b * H,
                       s->h + (size_t)b * H);
}

/* dL/d pre_o = dL/dh' tanh(c') o (1 - o), as lstm's backward step
 * computes it again (the same expression: the same bits). */
GATE_LOOP static void vo_backward_o_row(int H, const real *restrict go, const real *restrict tc,
                                        const real *restrict dh, real *restrict dout)
{
    for (int j = 0; j < H; j++)
        dout[j] = dh[j] * tc[j] * go[j] * (1 - go[j]);
}

static void lstm_vo_backward_o(const cell_step *s, cell_grad *gr)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++)
        vo_backward_o_row(H, s->gates + (size_t)b * 4 * H + 3 * H, s->aux + (size_t)b * H,
                          gr->dh + (size_t)b * H, gr->dxp + (size_t)b * 4 * H + 3 * H);
}

const cell_type cell_lstm_vo = {
    .name = "lstm_vo",
    .summary = "gates i,f,g,o; c' = f*c + i*g; o = s(W_o x + U_o h + V_o c' + b_o), V_o [H,H]; h' = o*tanh(c')",
    .source = "the Theano LSTM tutorial, eq. 5; the LSTM of Arjovsky, Shah & Bengio 2016's code (complex_RNN)",
    .G = 4, .A = 1, .has_c = true, .split_recurrent = false, .c_out = true,
    .forget_block = 1, .input_block = 0, .out_block = 3,
    .forward_c = lstm_vo_forward_c, .forward = lstm_vo_forward,
    .backward_o = lstm_vo_backward_o, .backward = cell_lstm_backward,
};
