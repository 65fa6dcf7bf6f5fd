/* cell_gru.c - the GRU in its reset-after form, as PyTorch's nn.GRU and
 * cuDNN compute it (Cho et al. 2014 apply r before W_hn; this form applies
 * it after). Gate blocks r, z, n (G = 3). The recurrent projection enters
 * the candidate as r * (W_hn h + b_hn), so the model hands it over apart
 * from the input projection (split_recurrent) and aux keeps W_hn h + b_hn
 * (A = 1). */
#include "activation.h"
#include "cell.h"

/* One batch row; restrict lets the compiler vectorise over j. */
GATE_LOOP static void gru_forward_row(int H, real *restrict gr, real *restrict gz,
                                      real *restrict gn, const real *restrict hr,
                                      const real *restrict hz, const real *restrict hn,
                                      const real *restrict hp, real *restrict h,
                                      real *restrict an)
{
    for (int j = 0; j < H; j++) {
        real r = act_sigmoid(gr[j] + hr[j]);    /* r = s(W_ir x + b_ir + W_hr h + b_hr) */
        real z = act_sigmoid(gz[j] + hz[j]);    /* z = s(W_iz x + b_iz + W_hz h + b_hz) */
        real n = act_tanh(gn[j] + r * hn[j]);   /* n = tanh(W_in x + b_in + r*(W_hn h + b_hn)) */
        h[j] = (1 - z) * n + z * hp[j];         /* h' = (1 - z) * n + z * h */
        gr[j] = r, gz[j] = z, gn[j] = n;
        an[j] = hn[j];
    }
}

static void gru_forward(const cell_step *s)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        real *g = s->gates + (size_t)b * 3 * H;
        const real *p = s->hp + (size_t)b * 3 * H;
        gru_forward_row(H, g, g + H, g + 2 * H, p, p + H, p + 2 * H, s->h_prev + (size_t)b * H,
                        s->h + (size_t)b * H, s->aux + (size_t)b * H);
    }
}

static void gru_backward(const cell_step *s, cell_grad *g)
{
    const int B = s->B, H = s->H;
    for (int b = 0; b < B; b++) {
        const real *gr = s->gates + (size_t)b * 3 * H, *gz = gr + H, *gn = gz + H;
        const real *hp = s->h_prev + (size_t)b * H, *an = s->aux + (size_t)b * H;
        const real *dh = g->dh + (size_t)b * H;
        real *dxr = g->dxp + (size_t)b * 3 * H, *dxz = dxr + H, *dxn = dxz + H;
        real *dhr = g->dhp + (size_t)b * 3 * H, *dhz = dhr + H, *dhn = dhz + H;
        real *dhprev = g->dh_prev + (size_t)b * H;
        for (int j = 0; j < H; j++) {
            real r = gr[j], z = gz[j], n = gn[j];
            real dn = dh[j] * (1 - z) * (1 - n * n);    /* d pre_n */
            real dz = dh[j] * (hp[j] - n) * z * (1 - z); /* d pre_z */
            real dr = dn * an[j] * r * (1 - r);          /* d pre_r */
            dxr[j] = dr, dxz[j] = dz, dxn[j] = dn;
            dhr[j] = dr, dhz[j] = dz, dhn[j] = dn * r;   /* n sees r * hp_n */
            dhprev[j] += dh[j] * z;                      /* h' = ... + z * h */
        }
    }
    g->dc_sumsq = 0;
}

const cell_type cell_gru = {
    .name = "gru",
    .summary = "gates r,z,n; n = tanh(W_in x + b_in + r*(W_hn h + b_hn)); h' = (1-z)*n + z*h",
    .source = "Cho et al. 2014, reset-after form of PyTorch nn.GRU and cuDNN",
    .G = 3, .A = 1, .has_c = false, .split_recurrent = true,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = gru_forward, .backward = gru_backward,
};
