/* cell_minlstm.c - minLSTM of Feng, Tung, Ahmed, Bengio & Hajimirsadeghi
 * 2024 ("Were RNNs all we needed?"), the form they train (log-space
 * version, Algorithm 7, run here sequentially, which is exact):
 *   f_t  = sigmoid(W_f x_t + b_f),  i_t = sigmoid(W_i x_t + b_i)
 *   f'_t = f_t / (f_t + i_t),       i'_t = i_t / (f_t + i_t)
 *   h~_t = g(W_h x_t + b_h),  g(v) = v + 1/2 for v >= 0, sigmoid(v) below
 *   h_t  = f'_t * h_{t-1} + i'_t * h~_t
 * No recurrent weight. G = 3, blocks in the order of their code's chunk:
 * h~, f, i; one bias. gates keeps h~, f, i; aux g' at h~'s pre-activation.
 * init = paper: nn.Linear's default, U(+-1/sqrt(I)). */
#include "activation.h"
#include "cell.h"
#include "init.h"
#include "layer.h"

/* One batch row; restrict lets the compiler vectorise over j. */
GATE_LOOP static void minlstm_forward_row(int H, real *restrict gh, real *restrict gf, real *restrict gi,
                                          real *restrict gp, const real *restrict hp, real *restrict h)
{
    for (int j = 0; j < H; j++) {
        real f = act_sigmoid(gf[j]), i = act_sigmoid(gi[j]), r = 1 / (f + i);
        real ht = pos_g_both(gh[j], &gp[j]);
        gh[j] = ht, gf[j] = f, gi[j] = i;
        h[j] = f * r * hp[j] + i * r * ht;      /* h' = f' h + i' h~, f' = f/(f+i) */
    }
}

static void minlstm_forward(const cell_step *s)
{
    const int H = s->H;
    for (int b = 0; b < s->B; b++) {
        real *gh = s->gates + (size_t)b * 3 * H;
        minlstm_forward_row(H, gh, gh + H, gh + 2 * H, s->aux + (size_t)b * H,
                            s->h_prev + (size_t)b * H, s->h + (size_t)b * H);
    }
}

/* With s = f + i, f' = f/s, i' = i/s and dL/df', dL/di':
 *   dL/df = (dL/df' - dL/di') i / s^2,   dL/di = (dL/di' - dL/df') f / s^2,
 * and through the sigmoids, f (1 - f) and i (1 - i):
 *   dL/dpre_f = (dL/df' - dL/di') f' i' (1 - f)
 *   dL/dpre_i = (dL/di' - dL/df') f' i' (1 - i). */
GATE_LOOP static void minlstm_backward_row(int H, const real *restrict gh, const real *restrict gf,
                                           const real *restrict gi, const real *restrict gp,
                                           const real *restrict hp, const real *restrict dh,
                                           real *restrict dpre_h, real *restrict dpre_f,
                                           real *restrict dpre_i, real *restrict dprev)
{
    for (int j = 0; j < H; j++) {
        real f = gf[j], i = gi[j], r = 1 / (f + i), fn = f * r, in = i * r;   /* as forward's */
        real dfn = dh[j] * hp[j], din = dh[j] * gh[j];     /* dL/df', dL/di' */
        dpre_h[j] = dh[j] * in * gp[j];
        dpre_f[j] = (dfn - din) * fn * in * (1 - f);
        dpre_i[j] = (din - dfn) * fn * in * (1 - i);
        dprev[j] += dh[j] * fn;                 /* through f' h */
    }
}

static void minlstm_backward(const cell_step *s, cell_grad *g)
{
    const int H = s->H;
    for (int b = 0; b < s->B; b++) {
        const real *gh = s->gates + (size_t)b * 3 * H;
        real *dpre = g->dxp + (size_t)b * 3 * H;
        minlstm_backward_row(H, gh, gh + H, gh + 2 * H, s->aux + (size_t)b * H, s->h_prev + (size_t)b * H,
                             g->dh + (size_t)b * H, dpre, dpre + H, dpre + 2 * H, g->dh_prev + (size_t)b * H);
    }
}

static void minlstm_init_paper(layer_params *p, int I, int H, const init_spec *spec, rng_t *r)
{
    (void)spec;
    init_linear(p, I, 3 * H, r);
}

const cell_type cell_minlstm = {
    .name = "minlstm",
    .summary = "f, i = sigmoid(W x + b), h~ = g(W_h x + b_h); h' = f/(f+i)*h + i/(f+i)*h~ (no recurrent weight)",
    .source = "Feng, Tung, Ahmed, Bengio & Hajimirsadeghi 2024 (minLSTM), log-space form, run sequentially",
    .G = 3, .A = 1, .has_c = false, .split_recurrent = false,
    .recurrence = REC_NONE, .one_bias = true,
    .forget_block = 1, .input_block = 2, .out_block = -1,
    .forward = minlstm_forward, .backward = minlstm_backward,
    .init_paper = minlstm_init_paper,
    .init_paper_summary = "nn.Linear's default: W_ih and b_ih U(+-1/sqrt(I))",
};
