/* cell_mingru.c - minGRU of Feng, Tung, Ahmed, Bengio & Hajimirsadeghi 2024
 * ("Were RNNs all we needed?"), the form they train (log-space version,
 * Algorithm 5, run here sequentially, which is exact):
 *   z_t  = sigmoid(W_z x_t + b_z)
 *   h~_t = g(W_h x_t + b_h),  g(v) = v + 1/2 for v >= 0, sigmoid(v) below
 *   h_t  = (1 - z_t) * h_{t-1} + z_t * h~_t
 * No recurrent weight: h_{t-1} enters only through (1 - z) h_{t-1}. G = 2,
 * blocks in the order of their code's to_hidden_and_gate chunk: h~, z;
 * one bias. g' at h~'s pre-activation is kept in aux. init = paper:
 * nn.Linear's default, U(+-1/sqrt(I)) for weight and bias. */
#include "activation.h"
#include "cell.h"
#include "init.h"
#include "layer.h"

/* One batch row; restrict lets the compiler vectorise over j. */
GATE_LOOP static void mingru_forward_row(int H, real *restrict gh, real *restrict gz, real *restrict gp,
                                         const real *restrict hp, real *restrict h)
{
    for (int j = 0; j < H; j++) {
        real ht = pos_g_both(gh[j], &gp[j]), z = act_sigmoid(gz[j]);
        gh[j] = ht, gz[j] = z;
        h[j] = (1 - z) * hp[j] + z * ht;        /* h' = (1 - z) h + z h~ */
    }
}

static void mingru_forward(const cell_step *s)
{
    const int H = s->H;
    for (int b = 0; b < s->B; b++) {
        real *gh = s->gates + (size_t)b * 2 * H;
        mingru_forward_row(H, gh, gh + H, s->aux + (size_t)b * H, s->h_prev + (size_t)b * H,
                           s->h + (size_t)b * H);
    }
}

GATE_LOOP static void mingru_backward_row(int H, const real *restrict gh, const real *restrict gz,
                                          const real *restrict gp, const real *restrict hp,
                                          const real *restrict dh, real *restrict dpre_h,
                                          real *restrict dpre_z, real *restrict dprev)
{
    for (int j = 0; j < H; j++) {
        real z = gz[j];
        dpre_h[j] = dh[j] * z * gp[j];                      /* through h~ = g(pre) */
        dpre_z[j] = dh[j] * (gh[j] - hp[j]) * z * (1 - z); /* through z */
        dprev[j] += dh[j] * (1 - z);                        /* through (1 - z) h */
    }
}

static void mingru_backward(const cell_step *s, cell_grad *g)
{
    const int H = s->H;
    for (int b = 0; b < s->B; b++) {
        const real *gh = s->gates + (size_t)b * 2 * H;
        real *dpre = g->dxp + (size_t)b * 2 * H;
        mingru_backward_row(H, gh, gh + H, s->aux + (size_t)b * H, s->h_prev + (size_t)b * H,
                            g->dh + (size_t)b * H, dpre, dpre + H, g->dh_prev + (size_t)b * H);
    }
}

static void mingru_init_paper(layer_params *p, int I, int H, const init_spec *spec, rng_t *r)
{
    (void)spec;
    init_linear(p, I, 2 * H, r);
}

const cell_type cell_mingru = {
    .name = "mingru",
    .summary = "z = sigmoid(W_z x + b_z), h~ = g(W_h x + b_h); h' = (1-z)*h + z*h~ (no recurrent weight)",
    .source = "Feng, Tung, Ahmed, Bengio & Hajimirsadeghi 2024 (minGRU), log-space form, run sequentially",
    .G = 2, .A = 1, .has_c = false, .split_recurrent = false,
    .recurrence = REC_NONE, .one_bias = true,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = mingru_forward, .backward = mingru_backward,
    .init_paper = mingru_init_paper,
    .init_paper_summary = "nn.Linear's default: W_ih and b_ih U(+-1/sqrt(I))",
};
