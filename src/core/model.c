#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "init.h"
#include "loss.h"
#include "status.h"

/* The stack's input size: the task's, or H after an encoder. */
static int stack_input(const cell_type *cell, const task_type *task, int H)
{
    return cell->square_input ? H : task->in_dim;
}

/* encoder.weight and encoder.bias, for the cells that take one. */
static size_t encoder_count(const cell_type *cell, const task_type *task, int H)
{
    return cell->square_input ? (size_t)H * task->in_dim + H : 0;
}

/* Sizes of the model's own buffers, in elements. */
typedef struct { size_t params, x, enc, labels, values, y; } model_sizes;

/* Learned initial states: h0_l{k} (and c0_l{k}) [H] per layer, last. */
static size_t state_count(const cell_type *cell, int K, int H, bool learn_h0)
{
    return learn_h0 ? (size_t)K * H * (cell->has_c ? 2 : 1) : 0;
}

static model_sizes sizes_of(const cell_type *cell, const task_type *task,
                            int K, int T, int B, int H, bool learn_h0)
{
    size_t L = task->length(T), I = task->in_dim, O = task->out_dim;
    model_sizes s = {
        .params = encoder_count(cell, task, H) + stack_param_count(cell, K, stack_input(cell, task, H), H) +
                  O * H + O + state_count(cell, K, H, learn_h0),
        .x = L * B * I,
        .enc = cell->square_input ? L * B * H : 0,      /* and its gradient */
        .labels = task->loss == LOSS_XENT ? L * B : 0,
        .values = task->loss == LOSS_MSE ? (size_t)B * O : 0,
        .y = (task->readout == READOUT_ALL ? L : 1) * B * O,
    };
    return s;
}

size_t model_param_count(const cell_type *cell, const task_type *task, int K, int H, bool learn_h0)
{
    return sizes_of(cell, task, K, 1, 1, H, learn_h0).params;
}

size_t model_bytes(const cell_type *cell, const task_type *task, int K, int T, int B, int H, bool learn_h0)
{
    model_sizes s = sizes_of(cell, task, K, T, B, H, learn_h0);
    return (2 * s.params + s.x + 2 * s.enc + s.values + 2 * s.y) * sizeof(real) +
           s.labels * sizeof(int) +
           stack_ws_bytes(cell, K, task->length(T), B, stack_input(cell, task, H), H);
}

int model_create(model *m, const cell_type *cell, const task_type *task,
                 int K, int T, int B, int H, bool learn_h0)
{
    memset(m, 0, sizeof *m);
    model_sizes s = sizes_of(cell, task, K, T, B, H, learn_h0);
    m->cell = cell, m->task = task;
    m->T = m->T_max = T, m->L = task->length(T), m->B = B, m->I = task->in_dim, m->H = H;
    m->O = task->out_dim, m->K = K;
    m->n_params = s.params;
    m->params = calloc(s.params, sizeof(real));
    m->grads = calloc(s.params, sizeof(real));
    m->bt.x = calloc(s.x, sizeof(real));
    m->bt.labels = s.labels ? calloc(s.labels, sizeof(int)) : NULL;
    m->bt.values = s.values ? calloc(s.values, sizeof(real)) : NULL;
    m->y = calloc(2 * s.y, sizeof(real));
    m->enc = s.enc ? calloc(2 * s.enc, sizeof(real)) : NULL;
    const size_t n_enc = encoder_count(cell, task, H);
    const int Is = stack_input(cell, task, H);
    if (!m->params || !m->grads || !m->bt.x || (s.labels && !m->bt.labels) ||
        (s.values && !m->bt.values) || !m->y || (s.enc && !m->enc) ||
        stack_alloc(&m->st, cell, K, m->L, B, Is, H, m->params + n_enc, m->grads + n_enc)) {
        model_free(m);
        return RNB_ENOMEM;
    }
    m->dy = m->y + s.y;
    if (n_enc) {
        m->denc = m->enc + s.enc;
        m->w_enc = m->params, m->b_enc = m->params + (size_t)H * m->I;
        m->gw_enc = m->grads, m->gb_enc = m->grads + (size_t)H * m->I;
    }
    size_t n_stack = n_enc + stack_param_count(cell, K, Is, H);
    m->w_out = m->params + n_stack, m->b_out = m->w_out + (size_t)m->O * H;
    m->gw_out = m->grads + n_stack, m->gb_out = m->gw_out + (size_t)m->O * H;
    if (learn_h0) {             /* after the readout: zeros, as Arjovsky et al.'s start */
        const size_t at = n_stack + (size_t)m->O * H + m->O, KH = (size_t)K * H;
        m->h0 = m->params + at, m->gh0 = m->grads + at;
        m->c0 = cell->has_c ? m->h0 + KH : NULL, m->gc0 = cell->has_c ? m->gh0 + KH : NULL;
    }
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
    free(m->enc);
    stack_free(&m->st);
    memset(m, 0, sizeof *m);
}

/* The tensors of one layer: weight_ih, weight_hh (unless the cell has no
 * recurrence), weight_ch (c_dense cells), weight_co (c_out cells), bias_ih (unless it has no
 * bias), bias_hh (unless it has one or none), its extras. */
static int layer_tensor_count(const cell_type *cell)
{
    const int extras = cell->n_parts ? cell->n_parts : cell->E > 0;
    return 1 + (cell->recurrence != REC_NONE) + cell->c_dense + cell->c_out + !cell->no_bias +
           !(cell->one_bias || cell->no_bias) + extras + 2 * cell->out_map;
}

int model_tensor_count(const cell_type *cell, int K, bool learn_h0)
{
    return (cell->square_input ? 2 : 0) + K * layer_tensor_count(cell) + 2 +
           (learn_h0 ? K * (cell->has_c ? 2 : 1) : 0);
}

void model_tensors(model_tensor *t, const cell_type *cell, const task_type *task,
                   int K, int H, bool learn_h0)
{
    static const char *const names[] = {"weight_ih", "weight_hh", "weight_ch", "weight_co", "bias_ih", "bias_hh"};
    const size_t GH = (size_t)cell->G * H;
    const size_t n_hh = cell->recurrence == REC_DENSE ? GH * H : cell->recurrence == REC_DIAGONAL ? GH : 0;
    size_t off = 0;
    if (cell->square_input) {   /* the encoder first */
        snprintf(t->name, sizeof t->name, "encoder.weight");
        t->offset = 0, t->count = (size_t)H * task->in_dim;
        t++;
        snprintf(t->name, sizeof t->name, "encoder.bias");
        t->offset = (size_t)H * task->in_dim, t->count = H;
        t++;
        off = encoder_count(cell, task, H);
    }
    for (int k = 0; k < K; k++) {
        const size_t I = stack_layer_in(k, stack_input(cell, task, H), H);
        const size_t count[] = {GH * I, n_hh, cell->c_dense ? GH * H : 0, cell->c_out ? (size_t)H * H : 0,
                                cell->no_bias ? 0 : GH, cell->one_bias || cell->no_bias ? 0 : GH};
        for (int j = 0; j < 6; j++) {
            if (!count[j])
                continue;       /* the cell has no such tensor */
            snprintf(t->name, sizeof t->name, "%s_l%d", names[j], k);
            t->offset = off, t->count = count[j];
            off += count[j];
            t++;
        }
        const int parts = cell->n_parts ? cell->n_parts : cell_extra_count(cell, H) > 0;
        for (int i = 0; i < parts; i++) {    /* the extras, one tensor or n_parts equal ones */
            snprintf(t->name, sizeof t->name, "%s_l%d", cell->n_parts ? cell->part_name[i] : cell->extra_name, k);
            t->offset = off, t->count = cell_extra_count(cell, H) / parts;
            off += t->count;
            t++;
        }
        if (cell->out_map) {     /* C, D of the output map */
            snprintf(t->name, sizeof t->name, "C_l%d", k);
            t->offset = off, t->count = (size_t)H * H;
            t++;
            snprintf(t->name, sizeof t->name, "D_l%d", k);
            t->offset = off + (size_t)H * H, t->count = H;
            t++;
            off += (size_t)H * H + H;
        }
    }
    const size_t O = task->out_dim;
    snprintf(t->name, sizeof t->name, "readout.weight");
    t->offset = off, t->count = O * H;
    t++;
    snprintf(t->name, sizeof t->name, "readout.bias");
    t->offset = off + O * H, t->count = O;
    off += O * H + O;
    for (int c = 0; learn_h0 && c < (cell->has_c ? 2 : 1); c++)     /* h0_l{k}, then c0_l{k} */
        for (int k = 0; k < K; k++) {
            t++;
            snprintf(t->name, sizeof t->name, "%s_l%d", c ? "c0" : "h0", k);
            t->offset = off, t->count = H;
            off += H;
        }
}

void model_set_lag(model *m, int T)
{
    if (T > m->T_max)
        abort();            /* a programmer's error: the buffers are T_max's */
    m->T = T;
    m->L = m->task->length(T);
    stack_set_T(&m->st, m->L);
}

void model_init_readout(model *m, const init_spec *s, rng_t *r)
{
    const double bound = 1 / sqrt((double)m->H);
    if (m->cell->kaiming_readout) {
        for (size_t k = 0; k < (size_t)m->O * m->H; k++)
            m->w_out[k] = (real)(sqrt(2.0 / m->H) * rng_normal(r));
        memset(m->b_out, 0, (size_t)m->O * sizeof(real));
    } else if (!init_readout(s, m->w_out, m->b_out, m->O, m->H, r)) {     /* nn.Linear's */
        init_uniform(m->w_out, (size_t)m->O * m->H, bound, r);
        init_uniform(m->b_out, m->O, bound, r);
    }
    if (!m->w_enc)
        return;
    /* flax's nn.Dense default, the LRU's authors' encoder: lecun_normal
     * (a normal truncated to +-2 standard deviations, scaled to variance
     * 1/I) and a zero bias */
    const double lecun = sqrt(1.0 / m->I) / 0.87962566103423978;
    for (size_t k = 0; k < (size_t)m->H * m->I; k++) {
        double z;
        do
            z = rng_normal(r);
        while (z < -2 || z > 2);
        m->w_enc[k] = (real)(lecun * z);
    }
    memset(m->b_enc, 0, (size_t)m->H * sizeof(real));
}

/* The forward pass and the loss; dL/dy is left in m->dy. */
static double forward_loss(model *m, double *metric)
{
    const int L = m->L, B = m->B, H = m->H, O = m->O;
    const size_t BH = (size_t)B * H;
    const bool all = m->task->readout == READOUT_ALL;
    const int rows = all ? L * B : B;             /* readout rows */
    const real *hs = stack_top_hs(&m->st);
    const real *h_out = all ? hs + BH : hs + L * BH;

    for (int k = 0; k < m->K; k++) {     /* h_0 = c_0 = 0 in every layer, or the learned ones */
        layer_ws *ws = &m->st.l[k].ws;
        for (int b = 0; b < B && m->h0; b++) {
            memcpy(ws->hs + (size_t)b * H, m->h0 + (size_t)k * H, H * sizeof(real));
            if (ws->cs)
                memcpy(ws->cs + (size_t)b * H, m->c0 + (size_t)k * H, H * sizeof(real));
        }
        if (!m->h0) {
            memset(ws->hs, 0, BH * sizeof(real));
            if (ws->cs)
                memset(ws->cs, 0, BH * sizeof(real));
        }
    }
    if (m->enc)                          /* the encoder: x W_enc^T + b_enc */
        gemm_bias(false, true, L * B, H, m->I, m->bt.x, m->I, m->w_enc, m->I, m->b_enc, m->enc, H);
    stack_forward(&m->st, m->enc ? m->enc : m->bt.x);

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
    const real *hs = stack_top_hs(&m->st);
    const real *h_out = all ? hs + BH : hs + L * BH;
    double loss = forward_loss(m, metric);

    memset(m->grads, 0, m->n_params * sizeof(real));
    /* The readout's term of the top layer's dL/dh_t; zero where there is
     * no readout. */
    real *dh_top = m->st.l[m->K - 1].ws.dh;
    real *dh_out = all ? dh_top : dh_top + (size_t)(L - 1) * BH;
    if (!all)
        memset(dh_top, 0, (size_t)(L - 1) * BH * sizeof(real));
    gemm(false, false, rows, H, O, 1, m->dy, O, m->w_out, H, 0, dh_out, H);
    gemm(true, false, O, H, rows, 1, m->dy, O, h_out, H, 1, m->gw_out, H);
    add_colsum(m->gb_out, m->dy, rows, O);

    stack_backward(&m->st, m->enc ? m->enc : m->bt.x, m->denc);
    if (m->enc) {
        gemm(true, false, H, m->I, L * B, 1, m->denc, H, m->bt.x, m->I, 1, m->gw_enc, m->I);
        add_colsum(m->gb_enc, m->denc, L * B, H);
    }
    for (int k = 0; k < m->K && m->h0; k++) {     /* a learned state: its batch's dL/dh_0 summed */
        add_colsum(m->gh0 + (size_t)k * H, m->st.l[k].ws.dh0, B, H);
        if (m->c0)
            add_colsum(m->gc0 + (size_t)k * H, m->st.l[k].ws.dc, B, H);
    }
    return loss;
}

double model_step_flops(const model *m)
{
    const double L = m->L, B = m->B, H = m->H, O = m->O;
    const double GH = (double)m->cell->G * m->H;
    const double rows = m->task->readout == READOUT_ALL ? L * B : B;
    /* per layer, forward: input and recurrent projections; backward: dh
     * through W_hh, dW_ih, dW_hh, and dL/dx for the layer below; the
     * readout's forward, dH and dW_out */
    double f = 6 * rows * O * H;
    /* the dense recurrent products (a diagonal one is elementwise) */
    const double R = (m->cell->recurrence == REC_DENSE ? 3 * H : 0) + (m->cell->c_dense ? 3 * H : 0) +
                     (m->cell->c_out ? 3 * H / m->cell->G : 0);   /* V_o: three (B, H) x (H, H) products */
    for (int k = 0; k < m->K; k++) {
        const double I = stack_layer_in(k, m->w_enc ? m->H : m->I, m->H);
        f += 2 * L * B * GH * (2 * I + R) + (k || m->w_enc ? 2 * L * B * GH * I : 0);
        f += m->cell->out_map ? 6 * L * B * H * H : 0;     /* the output map's three products */
    }
    return f + (m->w_enc ? 4 * L * B * H * m->I : 0);     /* the encoder's forward and dW */
}

void model_gemm_replay(model *m)
{
    const int L = m->L, B = m->B, H = m->H, O = m->O, GH = m->cell->G * H;
    const int G1H = (m->cell->G - m->cell->G_mod) * H, GmH = m->cell->G_mod * H;
    const size_t BH = (size_t)B * H, BGH = (size_t)B * GH;
    const bool all = m->task->readout == READOUT_ALL;
    const int rows = all ? L * B : B;
    for (int k = 0; k < m->K; k++) {
        layer_ws *ws = &m->st.l[k].ws;
        const layer_params *p = &m->st.l[k].p;
        const int I = ws->d.I;
        const real *x = k ? m->st.l[k - 1].ws.hs + BH : m->enc ? m->enc : m->bt.x;
        real *hp = m->cell->split_recurrent ? ws->hp : NULL;
        gemm(false, true, L * B, GH, I, 1, x, I, p->w_ih, I, 0, ws->gates, GH);
        for (int t = 0; t < L && m->cell->recurrence == REC_DENSE; t++) {  /* as packed by the step */
            real *out = hp ? hp : ws->gates + t * BGH;
            gemm_packed(B, G1H, H, ws->hs + t * BH, H, ws->w_hh_fwd, 1, out, GH);
            gemm_packed(B, GmH, H, ws->hs + t * BH, H, ws->w_hh_fwd_mod, 1, out + G1H, GH);
        }
        for (int t = 0; t < L && m->cell->c_dense; t++)     /* c_{t-1} through weight_ch */
            gemm(false, false, B, GH, H, 1, ws->cs + t * BH, H, ws->w_ch_t, GH, 1, ws->gates + t * BGH, GH);
        for (int t = 0; t < L && m->cell->c_out; t++)       /* c_t through weight_co */
            gemm(false, false, B, H, H, 1, ws->cs + (t + 1) * BH, H, ws->w_co_t, H, 1,
                 ws->gates + t * BGH + (size_t)m->cell->out_block * H, GH);
    }
    const real *hs = stack_top_hs(&m->st);
    real *dh_top = m->st.l[m->K - 1].ws.dh;
    gemm(false, true, rows, O, H, 1, hs + BH, H, m->w_out, H, 0, m->y, O);
    gemm(false, false, rows, H, O, 1, m->dy, O, m->w_out, H, 0, dh_top, H);
    gemm(true, false, O, H, rows, 1, m->dy, O, hs + BH, H, 0, m->gw_out, H);
    for (int k = m->K - 1; k >= 0; k--) {
        layer_ws *ws = &m->st.l[k].ws;
        const layer_params *p = &m->st.l[k].p;
        layer_params *g = &m->st.l[k].g;
        const int I = ws->d.I;
        const real *x = k ? m->st.l[k - 1].ws.hs + BH : m->enc ? m->enc : m->bt.x;
        for (int t = L - 1; t >= 0 && m->cell->recurrence == REC_DENSE; t--) {
            real *out = t > 0 ? ws->dh + (t - 1) * BH : ws->dh0;
            gemm_packed(B, H, G1H, ws->dhp + t * BGH, GH, ws->w_hh_bwd, 1, out, H);
            gemm_packed(B, H, GmH, ws->dhp + t * BGH + G1H, GH, ws->w_hh_bwd_mod, 1, out, H);
        }
        gemm(true, false, GH, I, L * B, 1, ws->dxp, GH, x, I, 0, g->w_ih, I);
        if (m->cell->recurrence == REC_DENSE)
            gemm(true, false, GH, H, L * B, 1, ws->dhp, GH, ws->hs, H, 0, g->w_hh, H);
        if (m->cell->c_dense) {
            for (int t = L - 1; t >= 0; t--)
                gemm(false, false, B, H, GH, 1, ws->dhp + t * BGH, GH, p->w_ch, H, 1, ws->dc, H);
            gemm(true, false, GH, H, L * B, 1, ws->dhp, GH, ws->cs, H, 0, g->w_ch, H);
        }
        if (m->cell->c_out) {
            const size_t oH = (size_t)m->cell->out_block * H;
            for (int t = L - 1; t >= 0; t--)
                gemm(false, false, B, H, H, 1, ws->dxp + t * BGH + oH, GH, p->w_co, H, 1, ws->dc, H);
            gemm(true, false, H, H, L * B, 1, ws->dxp + oH, GH, ws->cs + BH, H, 0, g->w_co, H);
        }
        if (k)
            gemm(false, false, L * B, I, GH, 1, ws->dxp, GH, p->w_ih, I, 0,
                 m->st.l[k - 1].ws.dh, I);
    }
}
