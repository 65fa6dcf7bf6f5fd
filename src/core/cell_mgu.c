/* cell_mgu.c - the minimal gated unit of Zhou, Wu, Zhang & Zhou 2016: one
 * gate f that both forgets and writes, and resets the state the candidate
 * sees: n = tanh(W_n x + b_n + U_n (f * h)); h' = (1 - f) * h + f * n. Gate
 * blocks f, n (G = 2), n the modulated block (G_mod = 1): the model runs
 * U_n against f * h_{t-1}, kept in aux (A = 1). The gates buffer holds the
 * activated f and n. */
#include "activation.h"
#include "cell.h"

/* f = s(W_f x + b_f + U_f h + b_hf); aux = f * h */
GATE_LOOP static void mgu_modulate_row(int H, real *restrict gf, const real *restrict hp, real *restrict hm)
{
    for (int j = 0; j < H; j++) {
        real f = act_sigmoid(gf[j]);
        gf[j] = f;
        hm[j] = f * hp[j];
    }
}

static void mgu_modulate(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++)
        mgu_modulate_row(H, s->gates + (size_t)b * 2 * H, s->h_prev + (size_t)b * H, s->aux + (size_t)b * H);
}

GATE_LOOP static void mgu_forward_row(int H, const real *restrict gf, real *restrict gn, const real *restrict hp,
                                      real *restrict h)
{
    for (int j = 0; j < H; j++) {
        real f = gf[j];
        real n = act_tanh(gn[j]);               /* n = tanh(W_n x + b_n + U_n (f * h) + b_hn) */
        h[j] = (1 - f) * hp[j] + f * n;         /* h' = (1 - f) * h + f * n */
        gn[j] = n;
    }
}

static void mgu_forward(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        real *g = s->gates + (size_t)b * 2 * H;
        mgu_forward_row(H, g, g + H, s->h_prev + (size_t)b * H, s->h + (size_t)b * H);
    }
}

/* Every term but those through f * h, which mgu_backward_mod adds. */
GATE_LOOP static void mgu_backward_row(int H, const real *restrict gf, const real *restrict gn,
                                       const real *restrict hp, const real *restrict dh,
                                       real *restrict df, real *restrict dn, real *restrict dhp)
{
    for (int j = 0; j < H; j++) {
        real f = gf[j], n = gn[j];
        dn[j] = dh[j] * f * (1 - n * n);
        df[j] = dh[j] * (n - hp[j]) * f * (1 - f);
        dhp[j] += dh[j] * (1 - f);              /* h' = (1 - f) * h + ... */
    }
}

static void mgu_backward(const cell_step *s, cell_grad *gr)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        const real *g = s->gates + (size_t)b * 2 * H;
        real *d = gr->dxp + (size_t)b * 2 * H;
        mgu_backward_row(H, g, g + H, s->h_prev + (size_t)b * H, gr->dh + (size_t)b * H, d, d + H,
                         gr->dh_prev + (size_t)b * H);
    }
}

/* dhm = dL/d(f * h): into f's pre-activation and into dL/dh_{t-1} */
GATE_LOOP static void mgu_backward_mod_row(int H, const real *restrict gf, const real *restrict hp,
                                           const real *restrict dhm, real *restrict df, real *restrict dhp)
{
    for (int j = 0; j < H; j++) {
        real f = gf[j];
        df[j] += dhm[j] * hp[j] * f * (1 - f);
        dhp[j] += dhm[j] * f;
    }
}

static void mgu_backward_mod(const cell_step *s, cell_grad *gr, const real *dhm)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++)
        mgu_backward_mod_row(H, s->gates + (size_t)b * 2 * H, s->h_prev + (size_t)b * H, dhm + (size_t)b * H,
                             gr->dxp + (size_t)b * 2 * H, gr->dh_prev + (size_t)b * H);
}

const cell_type cell_mgu = {
    .name = "mgu",
    .summary = "gates f,n; n = tanh(W_n x + b_n + U_n (f*h) + b_hn); h' = (1-f)*h + f*n",
    .source = "Zhou, Wu, Zhang & Zhou 2016 (minimal gated unit)",
    .G = 2, .A = 1, .has_c = false, .split_recurrent = false,
    .G_mod = 1, .modulate = mgu_modulate, .backward_mod = mgu_backward_mod,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = mgu_forward, .backward = mgu_backward,
};
