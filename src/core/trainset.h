/* trainset.h - a fixed training set: N sequences of a synthetic task,
 * drawn once from the run's seed, and each step's batch B distinct ones of
 * them, drawn uniformly. Arjovsky, Shah & Bengio's code trains so (copy
 * and adding: 100,000 sequences, permuted before every step and sliced;
 * the same distribution of batches), where rnnbench otherwise draws a
 * fresh batch every step.
 *
 * Sequence j of the set is the task's one-sequence sample from a stream
 * of its own, (seed, TRAINSET_STREAM + j): the set takes no memory, and
 * its j-th sequence is the same whatever the batch size or the steps
 * that draw it. */
#ifndef RNB_TRAINSET_H
#define RNB_TRAINSET_H

#include <stddef.h>
#include <stdint.h>

#include "task.h"

/* Above the streams of rng.h (1-4): sequence j's is this + j. */
#define TRAINSET_STREAM ((uint64_t)1 << 32)

typedef struct {
    long n;                 /* sequences in the set */
    uint64_t seed;
    batch one;              /* one sequence, before it goes into its column */
    long *pick;             // (B) this step's indices into the set
} trainset;

/* Bytes trainset_init allocates for the task at lag T and batch B. */
size_t trainset_bytes(const task_type *task, int T, int B);
/* RNB_OK or RNB_ENOMEM; n >= B. */
int trainset_init(trainset *s, const task_type *task, int T, int B, long n, uint64_t seed);
void trainset_free(trainset *s);
/* A batch of B distinct sequences of the set, the indices from r. */
void trainset_sample(trainset *s, batch *bt, const task_type *task, int T, int B, rng_t *r);

#endif
