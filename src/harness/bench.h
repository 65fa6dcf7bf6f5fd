/* bench.h - how fast one training configuration runs: steps per second
 * with and without the per-timestep norms, GFLOP/s, the rate of the same
 * GEMMs alone, and the aggregate of P runs in P threads. */
#ifndef RNB_BENCH_H
#define RNB_BENCH_H

#include <stdbool.h>

#include "config.h"

typedef struct {
    double flops;               /* model FLOPs of one step */
    double steps_per_s;         /* 1 thread, norms computed */
    double steps_per_s_nonorm;  /* 1 thread, ||dL/dh_t|| not computed */
    double gemm_steps_per_s;    /* the step's GEMMs alone, 1 thread */
    int threads;                /* P */
    double agg_steps_per_s;     /* P runs on P threads, together */
    double reparam_s;           /* a reparametrised cell's forming of W_hh and its
                                 * adjoint, every layer, seconds a step; else 0 */
} bench_result;

/* Each measurement runs for at least seconds (and 3 steps), after 2
 * warm-up steps. */
int bench_run(bench_result *r, const run_spec *s, double seconds, int threads, char *err);

/* The FMA peak of one core at the kernel path's width, GFLOP/s: the best
 * of several bursts of independent FMA chains, about seconds in all. */
double bench_fma_peak(double seconds);

#endif
