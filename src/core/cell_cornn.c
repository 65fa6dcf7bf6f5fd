/* cell_cornn.c - the coupled oscillatory RNN of Rusch & Mishra 2021
 * (ICLR), as their code runs it (tk-rusch/coRNN, adding/model.py): z
 * first, from the old y and z, then y from the new z:
 *   z_t = z_{t-1} + dt (tanh(V x_t + W_z z_{t-1} + W y_{t-1} + b) - gamma y_{t-1} - eps z_{t-1})
 *   y_t = y_{t-1} + dt z_t
 * y is the h the readout, the layer above and the norms see; z is the
 * second state (c), and ||dL/dz_t|| is recorded as dc_norm. G = 1; the
 * authors' one i2h.weight [H, I+2H], columns (x, z, y), is here weight_ih
 * (V, its x columns), weight_hh (W, the y columns) and weight_ch (W_z,
 * the z columns), both dense and multiplied by the layer; one bias.
 * dt, gamma, eps: the keys cornn_dt, cornn_gamma, cornn_eps, by default
 * the authors' adding-task values (adding_task.py: 0.06, 66, 15).
 * init = paper: their nn.Linear(I + 2H, H)'s default, every weight and
 * the bias U(+-1/sqrt(I + 2H)). */
#include <math.h>

#include "activation.h"
#include "cell.h"
#include "init.h"
#include "kernels.h"
#include "layer.h"

enum { DT, GAMMA, EPS };

/* One batch row; gates keeps a = tanh(pre) for the backward pass. */
GATE_LOOP static void cornn_forward_row(int H, real dt, real gamma, real eps, real *restrict a,
                                        const real *restrict y0, const real *restrict z0,
                                        real *restrict y, real *restrict z)
{
    for (int j = 0; j < H; j++) {
        real t = act_tanh(a[j]);
        real zj = z0[j] + dt * (t - gamma * y0[j] - eps * z0[j]);
        a[j] = t;
        z[j] = zj;
        y[j] = y0[j] + dt * zj;
    }
}

static void cornn_forward(const cell_step *s)
{
    const int H = s->H;
    const real dt = (real)s->konst[DT], gamma = (real)s->konst[GAMMA], eps = (real)s->konst[EPS];
    for (int b = 0; b < s->B; b++) {
        size_t o = (size_t)b * H;
        cornn_forward_row(H, dt, gamma, eps, s->gates + o, s->h_prev + o, s->c_prev + o, s->h + o, s->c + o);
    }
}

/* With dL/dy_t (dh, the total) and dL/dz_t through z_{t+1} (dc, in):
 *   dL/dz_t  = dc + dt dL/dy_t                    (y_t = y_{t-1} + dt z_t: the total)
 *   dL/dpre  = dL/dz_t dt (1 - a^2)
 *   dL/dz_{t-1} = dL/dz_t (1 - dt eps)          (+ pre's W_z term: the layer's)
 *   dL/dy_{t-1} = dL/dy_t - dL/dz_t dt gamma    (+ pre's W term: the layer's)
 * Leaves dL/dz_t in dc (cornn_carry_row takes it on to z_{t-1}): no sum in
 * the loop, which vectorises. */
GATE_LOOP static void cornn_backward_row(int H, real dt, real gamma, const real *restrict a,
                                         const real *restrict dh, real *restrict dc, real *restrict dpre,
                                         real *restrict dprev)
{
    for (int j = 0; j < H; j++) {
        real dz = dc[j] + dt * dh[j];
        dpre[j] = dz * dt * (1 - a[j] * a[j]);
        dc[j] = dz;
        dprev[j] += dh[j] - dz * dt * gamma;
    }
}

GATE_LOOP static void cornn_carry_row(int H, real dt, real eps, real *restrict dc)
{
    for (int j = 0; j < H; j++)
        dc[j] = dc[j] * (1 - dt * eps);
}

static void cornn_backward(const cell_step *s, cell_grad *g)
{
    const int H = s->H;
    const real dt = (real)s->konst[DT], gamma = (real)s->konst[GAMMA], eps = (real)s->konst[EPS];
    for (int b = 0; b < s->B; b++) {
        size_t o = (size_t)b * H;
        cornn_backward_row(H, dt, gamma, s->gates + o, g->dh + o, g->dc + o, g->dxp + o, g->dh_prev + o);
    }
    g->dc_sumsq = sum_squares_rows(g->dc, s->B, H);
    for (int b = 0; b < s->B; b++)
        cornn_carry_row(H, dt, eps, g->dc + (size_t)b * H);
}

static void cornn_init_paper(layer_params *p, int I, int H, const init_spec *spec, rng_t *r)
{
    (void)spec;
    const double bound = 1 / sqrt((double)(I + 2 * H));
    init_uniform(p->w_ih, (size_t)H * I, bound, r);
    init_uniform(p->w_hh, (size_t)H * H, bound, r);
    init_uniform(p->w_ch, (size_t)H * H, bound, r);
    init_uniform(p->b_ih, (size_t)H, bound, r);
}

const cell_type cell_cornn = {
    .name = "cornn",
    .summary = "z' = z + dt (tanh(V x + W_z z + W y + b) - gamma y - eps z), y' = y + dt z' (y is h, z is c)",
    .source = "Rusch & Mishra 2021 (coRNN); the authors' model.py",
    .G = 1, .A = 0, .has_c = true, .split_recurrent = false,
    .recurrence = REC_DENSE, .one_bias = true, .c_dense = true,
    .n_const = 3, .const_key = {"cornn_dt", "cornn_gamma", "cornn_eps"}, .const_default = {0.06, 66, 15},
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = cornn_forward, .backward = cornn_backward,
    .init_paper = cornn_init_paper,
    .init_paper_summary = "nn.Linear(I + 2H, H)'s default: every weight and the bias U(+-1/sqrt(I + 2H))",
};
