/* cell_lstm_peephole.c - the "vanilla" LSTM of Greff et al. 2017 (LSTM: a
 * search space odyssey), after Gers & Schmidhuber 2000: nn.LSTM's cell with
 * peephole connections, a diagonal weight from the cell state into each
 * gate: p_i, p_f see c_{t-1}, p_o sees c_t. Gate blocks stacked i, f, g, o
 * (G = 4); extra parameters p_i, p_f, p_o after bias_hh (E = 3); the
 * gates buffer holds the activated gates, aux holds tanh(c_t) (A = 1). */
#include "activation.h"
#include "cell.h"
#include "kernels.h"

/* One batch row. The gates' pre-activations get their peephole terms here;
 * tanh and the sigmoids are applied in the loop. */
GATE_LOOP static void peep_forward_row(int H, real *restrict gi, real *restrict gf, real *restrict gg,
                                       real *restrict go, real *restrict c, real *restrict tc,
                                       real *restrict h, const real *restrict cp,
                                       const real *restrict pi, const real *restrict pf,
                                       const real *restrict po)
{
    for (int j = 0; j < H; j++) {
        real i = act_sigmoid(gi[j] + pi[j] * cp[j]);  /* i = s(W_i x + R_i h + p_i c + b_i) */
        real f = act_sigmoid(gf[j] + pf[j] * cp[j]);  /* f = s(W_f x + R_f h + p_f c + b_f) */
        real g = act_tanh(gg[j]);                     /* g = tanh(W_g x + R_g h + b_g) */
        real cj = f * cp[j] + i * g;                  /* c' = f * c + i * g */
        real o = act_sigmoid(go[j] + po[j] * cj);     /* o = s(W_o x + R_o h + p_o c' + b_o) */
        real t = act_tanh(cj);
        c[j] = cj;
        tc[j] = t;
        h[j] = o * t;                                 /* h' = o * tanh(c') */
        gi[j] = i, gf[j] = f, gg[j] = g, go[j] = o;
    }
}

static void peep_forward(const cell_step *s)
{
    const int B = s->B, H = s->H;
    const real *pi = s->extra, *pf = pi + H, *po = pf + H;
    for (int b = 0; b < B; b++) {
        real *gi = s->gates + (size_t)b * 4 * H;
        peep_forward_row(H, gi, gi + H, gi + 2 * H, gi + 3 * H, s->c + (size_t)b * H, s->aux + (size_t)b * H,
                         s->h + (size_t)b * H, s->c_prev + (size_t)b * H, pi, pf, po);
    }
}

/* One batch row of the backward step: leaves the total dL/dc_t in dc
 * (peep_carry_row takes it on) and adds the row's peephole gradients into
 * dpi, dpf, dpo. No sum in the loop: it vectorises. */
GATE_LOOP static void peep_backward_row(int H, const real *restrict gi, const real *restrict gf,
                                        const real *restrict gg, const real *restrict go,
                                        const real *restrict cp, const real *restrict c,
                                        const real *restrict tc, const real *restrict dh,
                                        real *restrict dc, real *restrict di, real *restrict df,
                                        real *restrict dg, real *restrict dout, const real *restrict po,
                                        real *restrict dpi, real *restrict dpf, real *restrict dpo)
{
    for (int j = 0; j < H; j++) {
        real i = gi[j], f = gf[j], g = gg[j], o = go[j], t = tc[j];
        real dpre_o = dh[j] * t * o * (1 - o);
        /* total dL/dc_t: through c_{t+1}, through h_t = o tanh(c_t), and
         * through o_t's peephole p_o c_t */
        real dct = dc[j] + dh[j] * o * (1 - t * t) + dpre_o * po[j];
        real dpre_i = dct * g * i * (1 - i);
        real dpre_f = dct * cp[j] * f * (1 - f);
        di[j] = dpre_i;
        df[j] = dpre_f;
        dg[j] = dct * i * (1 - g * g);
        dout[j] = dpre_o;
        dpi[j] += dpre_i * cp[j];
        dpf[j] += dpre_f * cp[j];
        dpo[j] += dpre_o * c[j];
        dc[j] = dct;
    }
}

/* dL/dc_{t-1} through c_t and through the peepholes of i and f, from the
 * total dL/dc_t in dc and d pre_i, d pre_f */
GATE_LOOP static void peep_carry_row(int H, const real *restrict gf, const real *restrict di,
                                     const real *restrict df, const real *restrict pi,
                                     const real *restrict pf, real *restrict dc)
{
    for (int j = 0; j < H; j++)
        dc[j] = dc[j] * gf[j] + di[j] * pi[j] + df[j] * pf[j];
}

static void peep_backward(const cell_step *s, cell_grad *gr)
{
    const int B = s->B, H = s->H;
    const real *pi = s->extra, *pf = pi + H, *po = pf + H;
    real *dpi = gr->dextra, *dpf = dpi + H, *dpo = dpf + H;
    for (int b = 0; b < B; b++) {
        const real *g = s->gates + (size_t)b * 4 * H;
        real *d = gr->dxp + (size_t)b * 4 * H;
        const size_t o = (size_t)b * H;
        peep_backward_row(H, g, g + H, g + 2 * H, g + 3 * H, s->c_prev + o, s->c + o, s->aux + o, gr->dh + o,
                          gr->dc + o, d, d + H, d + 2 * H, d + 3 * H, po, dpi, dpf, dpo);
    }
    gr->dc_sumsq = sum_squares_rows(gr->dc, B, H);
    for (int b = 0; b < B; b++) {
        const real *d = gr->dxp + (size_t)b * 4 * H;
        peep_carry_row(H, s->gates + (size_t)b * 4 * H + H, d, d + H, pi, pf, gr->dc + (size_t)b * H);
    }
}

const cell_type cell_lstm_peephole = {
    .name = "lstm_peephole",
    .summary = "gates i,f,g,o with peepholes p_i, p_f on c and p_o on c'; c' = f*c + i*g; h' = o*tanh(c')",
    .source = "Gers & Schmidhuber 2000; the vanilla LSTM of Greff et al. 2017",
    .G = 4, .A = 1, .E = 3, .extra_name = "peephole", .has_c = true, .split_recurrent = false,
    .forget_block = 1, .input_block = 0, .out_block = 3,
    .forward = peep_forward, .backward = peep_backward,
};
