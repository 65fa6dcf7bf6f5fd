/* sweep.h - runs the grid of an experiment in parallel: one run per
 * OpenMP thread, BLAS single-threaded inside it. Each run draws everything
 * from its own streams, so the results do not depend on the thread count
 * or the order in which runs end.
 *
 * Spare threads (fewer runs than threads) go to the runs' BLAS only when
 * asked (blas_threads): OpenBLAS's multi-threaded GEMM and GEMV sum in
 * another order than its single-threaded ones, so a run's last bits would
 * then depend on the thread count (measured: they do). */
#ifndef RNB_SWEEP_H
#define RNB_SWEEP_H

#include <stdbool.h>

#include "experiment.h"

typedef struct {
    int threads;
    int blas_threads;       /* BLAS threads inside each run; 0 or 1: one */
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
