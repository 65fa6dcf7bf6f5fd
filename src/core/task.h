/* task.h - the synthetic long-dependency tasks. A task generates batches
 * on the fly from the run's own random stream, and knows its memoryless
 * baseline loss and what counts as solved, so that every table and figure
 * can draw the baseline. The time lag T (seq_len) is the difficulty knob;
 * the sequence the network sees has L = length(T) steps. */
#ifndef RNB_TASK_H
#define RNB_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "real.h"
#include "rng.h"

typedef enum { READOUT_ALL, READOUT_LAST } readout_mode;
typedef enum { LOSS_XENT, LOSS_MSE } loss_kind;

/* One batch. x is written whole (zeros included) by sample(). */
typedef struct {
    real *x;                // (L, B, I)
    int *labels;            // (L, B) class per step; LOSS_XENT tasks
    real *values;           // (B, O) regression targets; LOSS_MSE tasks
} batch;

/* Which part of a task's data a batch comes from: the training sequences,
 * or the held-out ones the logged loss is measured on. */
typedef enum { SPLIT_TRAIN, SPLIT_HELDOUT } task_split;

/* What a batch is drawn from besides the run's random stream: a task over
 * a dataset reads its data (loaded once by the harness, read-only; the
 * core does no I/O), the split, the run's own state (its place in the
 * epoch) and, held out, which sequences: index, index + 1, ... of the
 * split's fixed order. The synthetic tasks draw everything from the
 * stream, data and state NULL, and get their held-out set from a stream
 * of its own (the trainer's). */
typedef struct {
    const void *data;
    task_split split;
    void *state;            /* task_type.state_bytes, per run (read-only held out); NULL for synthetic tasks */
    long index;             /* SPLIT_HELDOUT: the batch's first sequence */
} task_source;

typedef struct task_type {
    const char *name;
    const char *summary;
    const char *source;
    int in_dim;             /* I */
    int out_dim;            /* O: classes, or regression outputs */
    int min_T;              /* the smallest lag the layout allows */
    readout_mode readout;
    loss_kind loss;
    const char *metric_name;
    const char *solved_rule;    /* says what solved() tests, for the docs ("solved when" it;
                                   over a dataset a sentence: it has none) */
    int (*length)(int T);
    void (*sample)(batch *bt, int T, int B, rng_t *r, const task_source *src);
    double (*baseline)(int T);  /* the memoryless loss */
    /* y: logits (L, B, O) for READOUT_ALL, outputs (B, O) for READOUT_LAST */
    double (*metric)(const real *y, const batch *bt, int T, int B);
    bool (*solved)(double loss, double metric);
    /* Tasks over a dataset (NULL and 0 for the synthetic ones): its name,
     * the one lag its sequences have, the sequences in a split, and the
     * run's own state (its epoch order, a pixel permutation), set up once
     * when the run starts from data and the run's perm_seed: plain bytes
     * holding no pointers, so that a checkpoint can copy them. */
    const char *dataset;
    int fixed_T;
    long (*split_size)(const void *data, task_split split);
    size_t (*state_bytes)(const void *data);
    void (*state_init)(void *state, const void *data, uint64_t perm_seed);
    bool permuted;          /* its pixels come in image_permutation(perm_seed)'s order */
} task_type;

const task_type *task_find(const char *name);

/* The solved rule of the classification tasks: metric (an accuracy) >= 0.99,
 * after Pascanu et al. 2013's "fewer than 1% misclassified". */
bool task_solved_at_99(double loss, double metric);
int task_count(void);
const task_type *task_at(int i);

#endif
