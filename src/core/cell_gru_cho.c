/* cell_gru_cho.c - the GRU as Cho et al. 2014 wrote it, reset before the
 * recurrent product: n = tanh(W_in x + b_in + W_hn (r * h) + b_hn), where
 * PyTorch's nn.GRU (cell gru) applies r after it. Gate blocks r, z, n
 * (G = 3), n the one modulated block (G_mod = 1): the model runs W_hn
 * against r * h_{t-1}, kept in aux (A = 1). The gates buffer holds the
 * activated r, z, n. */
#include "activation.h"
#include "cell.h"

/* r = s(W_ir x + b_ir + W_hr h + b_hr); aux = r * h */
GATE_LOOP static void cho_modulate_row(int H, real *restrict gr, const real *restrict hp, real *restrict hm)
{
    for (int j = 0; j < H; j++) {
        real r = act_sigmoid(gr[j]);
        gr[j] = r;
        hm[j] = r * hp[j];
    }
}

static void cho_modulate(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++)
        cho_modulate_row(H, s->gates + (size_t)b * 3 * H, s->h_prev + (size_t)b * H, s->aux + (size_t)b * H);
}

GATE_LOOP static void cho_forward_row(int H, real *restrict gz, real *restrict gn, const real *restrict hp,
                                      real *restrict h)
{
    for (int j = 0; j < H; j++) {
        real z = act_sigmoid(gz[j]);            /* z = s(W_iz x + b_iz + W_hz h + b_hz) */
        real n = act_tanh(gn[j]);               /* n = tanh(W_in x + b_in + W_hn (r * h) + b_hn) */
        h[j] = (1 - z) * n + z * hp[j];         /* h' = (1 - z) * n + z * h */
        gz[j] = z, gn[j] = n;
    }
}

static void cho_forward(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        real *g = s->gates + (size_t)b * 3 * H;
        cho_forward_row(H, g + H, g + 2 * H, s->h_prev + (size_t)b * H, s->h + (size_t)b * H);
    }
}

/* Every term but those through r * h: r's pre-activation gets them in
 * cho_backward_mod. */
GATE_LOOP static void cho_backward_row(int H, const real *restrict gz, const real *restrict gn,
                                       const real *restrict hp, const real *restrict dh,
                                       real *restrict dr, real *restrict dz, real *restrict dn,
                                       real *restrict dhp)
{
    for (int j = 0; j < H; j++) {
        real z = gz[j], n = gn[j];
        dn[j] = dh[j] * (1 - z) * (1 - n * n);
        dz[j] = dh[j] * (hp[j] - n) * z * (1 - z);
        dr[j] = 0;
        dhp[j] += dh[j] * z;                    /* h' = ... + z * h */
    }
}

static void cho_backward(const cell_step *s, cell_grad *gr)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        const real *g = s->gates + (size_t)b * 3 * H;
        real *d = gr->dxp + (size_t)b * 3 * H;
        cho_backward_row(H, g + H, g + 2 * H, s->h_prev + (size_t)b * H, gr->dh + (size_t)b * H, d, d + H,
                         d + 2 * H, gr->dh_prev + (size_t)b * H);
    }
}

/* dhm = dL/d(r * h): into r's pre-activation and into dL/dh_{t-1} */
GATE_LOOP static void cho_backward_mod_row(int H, const real *restrict gr, const real *restrict hp,
                                           const real *restrict dhm, real *restrict dr, real *restrict dhp)
{
    for (int j = 0; j < H; j++) {
        real r = gr[j];
        dr[j] = dhm[j] * hp[j] * r * (1 - r);
        dhp[j] += dhm[j] * r;
    }
}

static void cho_backward_mod(const cell_step *s, cell_grad *gr, const real *dhm)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++)
        cho_backward_mod_row(H, s->gates + (size_t)b * 3 * H, s->h_prev + (size_t)b * H, dhm + (size_t)b * H,
                             gr->dxp + (size_t)b * 3 * H, gr->dh_prev + (size_t)b * H);
}

const cell_type cell_gru_cho = {
    .name = "gru_cho",
    .summary = "gates r,z,n; reset before the product: n = tanh(W_in x + b_in + W_hn (r*h) + b_hn); h' = (1-z)*n + z*h",
    .source = "Cho et al. 2014 (the original GRU)",
    .G = 3, .A = 1, .has_c = false, .split_recurrent = false,
    .G_mod = 1, .modulate = cho_modulate, .backward_mod = cho_backward_mod,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = cho_forward, .backward = cho_backward,
};
