/* trainer.h - one training run: a model, its optimizer, its clipping and
 * its own random streams, stepped one training step at a time. No I/O:
 * the caller decides what to print or record from each step_record. */
#ifndef RNB_TRAINER_H
#define RNB_TRAINER_H

#include <stdbool.h>

#include "config.h"
#include "model.h"
#include "optim.h"
#include "trainset.h"

/* Above this gradient norm (or NaN, Inf) fallback_shrink takes the step,
 * as in Pascanu et al.'s code: float32 cannot be trusted there. */
#define FALLBACK_NORM 1e10

typedef struct {
    long step;              /* 1-based */
    double loss, metric;
    double grad_norm;       /* global L2 norm before clipping */
    double grad_norm_clipped;   /* after; equal to grad_norm when none */
    double omega;           /* Pascanu et al.'s Omega, summed over layers (spec omega > 0) */
    bool finite;            /* false: loss or gradient NaN/Inf; no update made */
    bool fell_back;         /* fallback_shrink replaced the gradient (finite true) */
    int n_tensors;
    const double *tensor_norm;  // (n_tensors) each parameter tensor's gradient
                                // norm before clipping (model_tensors' order)
    int K, L;               /* layers, and timesteps of this batch */
    /* Layer k's per-timestep norms, t = 1..L, of this step, in its
     * workspace: ws.dh_norm ||dL/dh_t||, ws.dh_log10 its log10 (past
     * double's floor), ws.dc_norm and ws.dc_log10 (cells with c). */
    const stack_layer *layers;  // (K)
} step_record;

typedef struct {
    run_spec spec;
    model m;
    optim_state opt;
    rng_t data_rng;
    rng_t eval_rng;         /* the held-out batch's stream, never advanced */
    long step;
    int n_tensors;
    model_tensor *tensors;  // (n_tensors) the parameter tensors, for their norms
    double *tensor_norm;    // (n_tensors)
    void *task_state;       /* a task over a dataset: its place in the epoch (task_type.state_bytes) */
    trainset set;           /* spec.train_set > 0: the fixed training set */
} trainer;

/* The state a run carries from one step to the next that its spec and seed
 * do not make again: what a checkpoint keeps, as plain bytes in native
 * layout, for the run to go on bit for bit. trainer_state fills up to
 * TRAINER_STATE_MAX parts (the parameters, the optimizer's moments, count
 * and learning rates, the training stream, the step, a dataset task's place) and says
 * how many; each part's data is the trainer's own, to read or overwrite. */
enum { TRAINER_STATE_MAX = 9 };
typedef struct {
    const char *name;
    void *data;
    size_t bytes;
} trainer_state_part;

/* Peak bytes a run allocates: the workspace formula, from the spec alone. */
size_t trainer_bytes(const run_spec *s);
int trainer_create(trainer *tr, const run_spec *s, char *err);
void trainer_free(trainer *tr);
void trainer_step(trainer *tr, step_record *rec);
int trainer_state(trainer *tr, trainer_state_part parts[TRAINER_STATE_MAX]);

/* Loss and metric on the run's fixed held-out set: n sequences (the
 * logged steps: spec.eval_batch), rounded up to whole batches, forward
 * only; means over the set. A synthetic task draws them afresh each time
 * from the same stream state (so no storage); a task over a dataset reads
 * the held-out split's first n, wrapping round. */
double trainer_evaluate(trainer *tr, long n, double *metric);

/* The sequences trainer_evaluate reads for a finished run's final loss
 * and metric: spec.eval_batch rounded up to whole batches, or for a task
 * over a dataset its whole held-out split, in whole batches (all of it
 * when the batch divides it; one batch at least). */
long trainer_final_eval_size(const trainer *tr);
/* The sequences of the held-out set at a logged step: spec.eval_batch
 * rounded up to whole batches. */
long trainer_logged_eval_size(const trainer *tr);

#endif
