/* sweep.h - runs the grid of an experiment in parallel: one run per
 * OpenMP thread, each run single-threaded (its products take 0.1-0.6 ms:
 * parallel across runs, not inside a step). Each run draws everything from
 * its own streams and computes with the fixed-order kernels, so the
 * results do not depend on the thread count, the order in which runs end,
 * or the CPU. */
#ifndef RNB_SWEEP_H
#define RNB_SWEEP_H

#include <stdbool.h>

#include "experiment.h"

typedef struct {
    int threads;
    bool resume;            /* keep ended runs of OUT or its parts */
    bool force;             /* replace an existing OUT */
    bool quiet;
    double checkpoint_every;    /* seconds between a run's checkpoints; 0: only when interrupted */
} sweep_opts;

typedef struct {
    int kept;               /* runs kept from before (--resume) */
    int ran, finished, diverged, interrupted, not_started;
    int signal;             /* the signal that stopped the sweep, or 0 */
} sweep_outcome;

/* RNB_EINVAL for bad input (err says which), RNB_ENOMEM or another code
 * for a runtime failure. An interrupted sweep returns RNB_OK with
 * o->signal set, its results written. */
int sweep_run(const experiment *e, const char *out, const sweep_opts *opts,
              sweep_outcome *o, char *err);

#endif
