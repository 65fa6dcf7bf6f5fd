/* summary.h - a results file as one row per grid point, aggregated over
 * the runs that differ only in their seed. */
#ifndef RNB_SUMMARY_H
#define RNB_SUMMARY_H

#include "experiment.h"

typedef struct {
    char point[EXP_NAME_LEN];   /* the run name without its seed */
    int runs, diverged, interrupted;
    double loss_mean, loss_sd;  /* held-out loss at the last logged step, over finite runs */
    double baseline;
    double solved_frac;
    double solve_step;          /* median first solved step over solved runs; NaN: none */
    double peak_grad_norm;      /* over all steps of all runs */
    double clipped_frac;        /* steps whose gradient clipping changed */
    double vanish_first, vanish_last;  /* median ||dL/dh_1|| / ||dL/dh_L||, first and last logged
                                        * step; dh_1 the row's first finite column (variable_length) */
} summary_row;

typedef struct {
    char experiment[128];
    char precision[16];
    int n;
    summary_row *rows;
} summary;

/* RNB_EINVAL with err naming the file (and the run and dataset) when it
 * is no results file this rnnbench reads (results_read.h checks it). */
int summary_read(summary *s, const char *path, char *err);
void summary_free(summary *s);

#endif
