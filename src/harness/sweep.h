/* sweep.h - runs the grid of an experiment in parallel: one run per
 * OpenMP thread, BLAS single-threaded inside it, unless there are fewer
 * runs than threads, when the spare threads go to the runs' BLAS. Each run
 * draws everything from its own streams, so the results do not depend on
 * the thread count or the order in which runs end. */
#ifndef RNB_SWEEP_H
#define RNB_SWEEP_H

#include <stdbool.h>

#include "experiment.h"

typedef struct {
    int threads;
    bool resume;            /* keep ended runs of OUT or its parts */
    bool force;             /* replace an existing OUT */
    bool quiet;
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
