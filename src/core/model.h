/* model.h - a stack of recurrent layers, a linear readout of the top one
 * and the task's loss: the whole differentiable function one training
 * step evaluates.
 *   y_t = W_out h_t + b_out   at every step (READOUT_ALL) or at the last
 *   loss = the task's (cross-entropy or MSE), a mean
 * The readout is initialised as PyTorch's nn.Linear: U(+-1/sqrt(H)). */
#ifndef RNB_MODEL_H
#define RNB_MODEL_H

#include <stddef.h>

#include "stack.h"
#include "rng.h"
#include "task.h"

typedef struct {
    const cell_type *cell;
    const task_type *task;
    int T, L, B, I, H, O;   /* lag, sequence length, batch, in, hidden, out */
    int K;                  /* recurrent layers */
    int T_max;              /* the longest lag the buffers hold */
    size_t n_params;
    real *params;           // (n_params) the layers' (stack.h), then w_out, b_out
    real *grads;            // (n_params) the same layout
    stack st;               /* the layers, their views into params and grads */
    real *w_out, *b_out;    // (O, H), (O)
    real *gw_out, *gb_out;  // (O, H), (O)
    /* cells with square_input (lru): a linear encoder before the stack,
     * first in the slab (encoder.weight, encoder.bias); NULL otherwise */
    real *w_enc, *b_enc;    // (H, I), (H)
    real *gw_enc, *gb_enc;
    real *enc, *denc;       // (L, B, H) its output and dL/d(it)
    /* learned initial states (learn_h0: Arjovsky et al.'s h_0, state_0),
     * each layer's [H] for every sequence, after the readout in the slab
     * (h0_l{k}, then c0_l{k}); NULL otherwise */
    real *h0, *c0;          // (K, H)
    real *gh0, *gc0;
    batch bt;               /* x (L, B, I), labels (L, B), values (B, O) */
    real *y;                // (L, B, O) or (B, O): the readout
    real *dy;               // the same shape: dL/dy
} model;

size_t model_param_count(const cell_type *cell, const task_type *task, int K, int H, bool learn_h0);
/* Bytes model_create takes, from (cell, task, K, T, B, H) alone. */
size_t model_bytes(const cell_type *cell, const task_type *task, int K, int T, int B, int H, bool learn_h0);
int model_create(model *m, const cell_type *cell, const task_type *task,
                 int K, int T, int B, int H, bool learn_h0);
void model_free(model *m);

/* The lag of the next batch, at most T_max (the T model_create took):
 * sets T, L and the layer's step count; the buffers stay as they are. */
void model_set_lag(model *m, int T);

/* Readout weights U(+-1/sqrt(H)) (init normal, sparse and glorot: their
 * own, init.h), and an encoder's as flax's nn.Dense
 * (lecun_normal, bias 0); the layers are init_layer's. */
struct init_spec;
void model_init_readout(model *m, const struct init_spec *s, rng_t *r);

/* Loss and metric on the batch in m->bt, forward only. */
double model_forward(model *m, double *metric);

/* Loss and metric on the batch in m->bt; m->grads := dL/dparams, and
 * each layer's workspace holds its per-timestep norms. */
double model_forward_backward(model *m, double *metric);

/* The parameter tensors, in the slab's order: each layer's weight_ih_l{k},
 * weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} and the cell's extras
 * ({extra_name}_l{k}), then readout.weight and readout.bias, then with
 * learn_h0 h0_l{k} (and c0_l{k}) of every layer. */
typedef struct {
    char name[32];
    size_t offset, count;   /* in params */
} model_tensor;
int model_tensor_count(const cell_type *cell, int K, bool learn_h0);
/* Fills t (model_tensor_count() entries). */
void model_tensors(model_tensor *t, const cell_type *cell, const task_type *task,
                   int K, int H, bool learn_h0);

/* Model FLOPs of one training step (forward and backward GEMMs; the
 * elementwise work is not counted): the numerator of GFLOP/s. */
double model_step_flops(const model *m);

/* The GEMMs of one training step, the same shapes and order, without the
 * gate math or the loss: how fast the step would be if it were GEMM-bound.
 * For the cells whose recurrent product runs in two stages (gru_cho, mgu)
 * it times one full-width product per step: an approximation.
 * Overwrites the workspace; benchmarks only. */
void model_gemm_replay(model *m);

#endif
