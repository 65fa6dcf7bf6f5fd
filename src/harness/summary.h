/* summary.h - a results file as one row per grid point, aggregated over
 * the runs that differ only in their seed.
 *
 * The gradient ratios are kept as log10: they are medians over seeds of
 * ||dL/dh_1|| / ||dL/dh_L||, read from dh_log10 where the file has it,
 * which is known past float64's floor (a ratio of 1e-400 is -400 here,
 * where the ratio itself would be 0). */
#ifndef RNB_SUMMARY_H
#define RNB_SUMMARY_H

#include "experiment.h"

/* The Wilson score interval at 95% (z = 1.96) of a fraction k of n: with
 * 5 seeds a solved fraction is 1 of 6 values, and an interval says which
 * differences between two points the seeds can tell. */
void wilson_interval(int k, int n, double *lo, double *hi);

typedef struct {
    char point[EXP_NAME_LEN];   /* the run name without its seed */
    int runs, diverged, interrupted;
    double loss_mean, loss_sd;  /* held-out loss at the last logged step, over finite runs */
    double metric_mean, metric_sd;  /* the task's metric there (final_metric), over the same runs */
    bool benchmark;             /* a task over a dataset (smnist, ...): no solved rule, its
                                   result is the metric, a test accuracy */
    double baseline;
    int solved;                 /* runs solved at the end */
    double solved_frac;         /* solved / runs */
    double solved_lo, solved_hi;    /* its Wilson score interval at 95% */
    double solve_step;          /* median first solved step over solved runs; NaN: none */
    double peak_grad_norm;      /* over all steps of all runs */
    double clipped_frac;        /* steps whose gradient clipping changed */
    /* log10 of the median over seeds of ||dL/dh_1|| / ||dL/dh_L|| of each
     * run's top layer (the one the readout reads), at the first and the
     * last logged step; dh_1 the row's first finite column
     * (variable_length); NaN where no run has a ratio */
    double lg_vanish_first, lg_vanish_last;
    int layers;                 /* K, num_layers of its runs (the most, should they differ) */
    /* (2 x layers) the same ratio at each layer l (0 the bottom):
     * [l] at the first logged step, [layers + l] at the last */
    double *lg_vanish_layer;
    /* log10 of the median ||dL/dh_T^0|| / ||dL/dh_T^top||, T the last
     * timestep: the gradient through depth, bottom over top, at the
     * first and the last logged step; NaN for one layer */
    double lg_depth_first, lg_depth_last;
} summary_row;

typedef struct {
    char experiment[128];
    char precision[16];
    int n;
    int max_layers;             /* the most layers of any run: 1 for a file of one-layer runs */
    bool benchmark;             /* some row is: the table and CSV add its accuracy */
    summary_row *rows;
} summary;

/* RNB_EINVAL with err naming the file (and the run and dataset) when it
 * is no results file this rnnbench reads (results_read.h checks it). */
int summary_read(summary *s, const char *path, char *err);
void summary_free(summary *s);

#endif
