#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "init.h"
#include "loss.h"
#include "status.h"

static layer_dims dims_of(const cell_type *cell, const task_type *task, int T,
                          int B, int H)
{
    layer_dims d = {cell, task->length(T), B, task->in_dim, H};
    return d;
}

/* Sizes of the model's own buffers, in elements. */
typedef struct { size_t params, x, labels, values, y; } model_sizes;

static model_sizes sizes_of(const cell_type *cell, const task_type *task,
                            int T, int B, int H)
{
    size_t L = task->length(T), I = task->in_dim, O = task->out_dim;
    model_sizes s = {
        .params = layer_param_count(cell, (int)I, H) + O * H + O,
        .x = L * B * I,
        .labels = task->loss == LOSS_XENT ? L * B : 0,
        .values = task->loss == LOSS_MSE ? (size_t)B * O : 0,
        .y = (task->readout == READOUT_ALL ? L : 1) * B * O,
    };
    return s;
}

size_t model_param_count(const cell_type *cell, const task_type *task, int H)
{
    return sizes_of(cell, task, 1, 1, H).params;
}

size_t model_bytes(const cell_type *cell, const task_type *task, int T, int B, int H)
{
    model_sizes s = sizes_of(cell, task, T, B, H);
    layer_dims d = dims_of(cell, task, T, B, H);
    return (2 * s.params + s.x + s.values + 2 * s.y) * sizeof(real) +
           s.labels * sizeof(int) + layer_ws_bytes(&d);
}

int model_create(model *m, const cell_type *cell, const task_type *task,
                 int T, int B, int H)
{
    memset(m, 0, sizeof *m);
    model_sizes s = sizes_of(cell, task, T, B, H);
    layer_dims d = dims_of(cell, task, T, B, H);
    m->cell = cell, m->task = task;
    m->T = m->T_max = T, m->L = d.T, m->B = B, m->I = d.I, m->H = H, m->O = task->out_dim;
    m->n_params = s.params;
    m->params = calloc(s.params, sizeof(real));
    m->grads = calloc(s.params, sizeof(real));
    m->bt.x = calloc(s.x, sizeof(real));
    m->bt.labels = s.labels ? calloc(s.labels, sizeof(int)) : NULL;
    m->bt.values = s.values ? calloc(s.values, sizeof(real)) : NULL;
    m->y = calloc(2 * s.y, sizeof(real));
    if (!m->params || !m->grads || !m->bt.x || (s.labels && !m->bt.labels) ||
        (s.values && !m->bt.values) || !m->y || layer_ws_alloc(&m->ws, &d)) {
        model_free(m);
        return RNB_ENOMEM;
    }
    m->dy = m->y + s.y;
    layer_params_view(&m->p, m->params, cell, m->I, H);
    layer_params_view(&m->g, m->grads, cell, m->I, H);
    size_t n_layer = layer_param_count(cell, m->I, H);
    m->w_out = m->params + n_layer, m->b_out = m->w_out + (size_t)m->O * H;
    m->gw_out = m->grads + n_layer, m->gb_out = m->gw_out + (size_t)m->O * H;
    return RNB_OK;
}

void model_free(model *m)
{
    free(m->params);
    free(m->grads);
    free(m->bt.x);
    free(m->bt.labels);
    free(m->bt.values);
    free(m->y);
    layer_ws_free(&m->ws);
    memset(m, 0, sizeof *m);
}

void model_set_lag(model *m, int T)
{
    if (T > m->T_max)
        abort();            /* a programmer's error: the buffers are T_max's */
    m->T = T;
    m->L = m->task->length(T);
    m->ws.d.T = m->L;
}

void model_init_readout(model *m, rng_t *r)
{
    double bound = 1 / sqrt((double)m->H);
    init_uniform(m->w_out, (size_t)m->O * m->H, bound, r);
    init_uniform(m->b_out, m->O, bound, r);
}

/* The forward pass and the loss; dL/dy is left in m->dy. */
static double forward_loss(model *m, double *metric)
{
    const int L = m->L, B = m->B, H = m->H, O = m->O;
    const size_t BH = (size_t)B * H;
    const bool all = m->task->readout == READOUT_ALL;
    const int rows = all ? L * B : B;             /* readout rows */
    const real *h_out = all ? m->ws.hs + BH : m->ws.hs + L * BH;

    memset(m->ws.hs, 0, BH * sizeof(real));       /* h_0 = 0 */
    if (m->ws.cs)
        memset(m->ws.cs, 0, BH * sizeof(real));   /* c_0 = 0 */
    layer_forward(&m->ws, &m->p, m->bt.x);

    for (int r = 0; r < rows; r++)                /* y = h W_out^T + b_out */
        memcpy(m->y + (size_t)r * O, m->b_out, O * sizeof(real));
    gemm(false, true, rows, O, H, 1, h_out, H, m->w_out, H, 1, m->y, O);

    double loss = m->task->loss == LOSS_XENT
                      ? loss_xent(m->dy, m->y, m->bt.labels, rows, O)
                      : loss_mse(m->dy, m->y, m->bt.values, rows * O);
    *metric = m->task->metric(m->y, &m->bt, m->T, B);
    return loss;
}

double model_forward(model *m, double *metric) { return forward_loss(m, metric); }

double model_forward_backward(model *m, double *metric)
{
    const int L = m->L, B = m->B, H = m->H, O = m->O;
    const size_t BH = (size_t)B * H;
    const bool all = m->task->readout == READOUT_ALL;
    const int rows = all ? L * B : B;
    const real *h_out = all ? m->ws.hs + BH : m->ws.hs + L * BH;
    double loss = forward_loss(m, metric);

    memset(m->grads, 0, m->n_params * sizeof(real));
    /* The readout's term of dL/dh_t; zero where there is no readout. */
    real *dh_out = all ? m->ws.dh : m->ws.dh + (size_t)(L - 1) * BH;
    if (!all)
        memset(m->ws.dh, 0, (size_t)(L - 1) * BH * sizeof(real));
    gemm(false, false, rows, H, O, 1, m->dy, O, m->w_out, H, 0, dh_out, H);
    gemm(true, false, O, H, rows, 1, m->dy, O, h_out, H, 1, m->gw_out, H);
    add_colsum(m->gb_out, m->dy, rows, O);

    layer_backward(&m->ws, &m->p, &m->g, m->bt.x, NULL);
    return loss;
}

double model_step_flops(const model *m)
{
    const double L = m->L, B = m->B, I = m->I, H = m->H, O = m->O;
    const double GH = (double)m->cell->G * m->H;
    const double rows = m->task->readout == READOUT_ALL ? L * B : B;
    /* forward: input and recurrent projections, readout; backward: dh
     * through W_hh, dW_ih, dW_hh, readout's dH and dW_out */
    return 2 * L * B * GH * (2 * I + 3 * H) + 6 * rows * O * H;
}

void model_gemm_replay(model *m)
{
    const int L = m->L, B = m->B, I = m->I, H = m->H, O = m->O, GH = m->cell->G * H;
    const size_t BH = (size_t)B * H, BGH = (size_t)B * GH;
    const bool all = m->task->readout == READOUT_ALL;
    const int rows = all ? L * B : B;
    layer_ws *ws = &m->ws;
    real *hp = m->cell->split_recurrent ? ws->hp : NULL;
    gemm(false, true, L * B, GH, I, 1, m->bt.x, I, m->p.w_ih, I, 0, ws->gates, GH);
    for (int t = 0; t < L; t++)     /* as layer_forward: W_hh transposed once */
        gemm(false, false, B, GH, H, 1, ws->hs + t * BH, H, ws->w_hh_t, GH, 1,
             hp ? hp : ws->gates + t * BGH, GH);
    gemm(false, true, rows, O, H, 1, ws->hs + BH, H, m->w_out, H, 0, m->y, O);
    gemm(false, false, rows, H, O, 1, m->dy, O, m->w_out, H, 0, ws->dh, H);
    gemm(true, false, O, H, rows, 1, m->dy, O, ws->hs + BH, H, 0, m->gw_out, H);
    for (int t = L - 1; t >= 0; t--)
        gemm(false, false, B, H, GH, 1, ws->dhp + t * BGH, GH, m->p.w_hh, H, 1,
             t > 0 ? ws->dh + (t - 1) * BH : ws->dh0, H);
    gemm(true, false, GH, I, L * B, 1, ws->dxp, GH, m->bt.x, I, 0, m->g.w_ih, I);
    gemm(true, false, GH, H, L * B, 1, ws->dhp, GH, ws->hs, H, 0, m->g.w_hh, H);
}
