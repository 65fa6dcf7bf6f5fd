/* plot_runs.h - the runs of a results file as the figures need them: each
 * run's parameters as text (to group and to filter by), its outcome, and
 * its series read on demand. The file stays open until plot_runs_free. */
#ifndef RNB_PLOT_RUNS_H
#define RNB_PLOT_RUNS_H

#include <stdbool.h>

#include "experiment.h"
#include "h5io.h"
#include "record.h"

enum { PLOT_MAX_KEYS = 48, PLOT_VALUE_LEN = 64 };

typedef struct {
    char name[EXP_NAME_LEN];                    /* its group under /runs */
    config cfg;
    char value[PLOT_MAX_KEYS][PLOT_VALUE_LEN];  /* config_key_value of each key */
    int cell_rank;                              /* place of its cell in the registry */
    run_status status;
    long steps_done, diverged_step, seq_total, solved;
    double baseline, final_loss, clip_threshold;
    char clip_mode[16];
} plot_run;

typedef struct {
    const char *path;
    h5file *f;
    char experiment[128], description[512];
    int n;
    plot_run *runs;
    bool varies[PLOT_MAX_KEYS];   /* the key takes two or more values among the runs */
} plot_runs;

/* Opens a results file and reads every run's parameters and outcome.
 * RNB_EINVAL, with err naming the file, for a file that is not an
 * rnnbench results file or holds no runs. */
int plot_runs_read(plot_runs *p, const char *path, char *err);

/* Keeps the runs that match filter: terms KEY=VALUE separated by commas,
 * each a config key or "status", VALUE one value or several joined by '|'.
 * Values compare as the experiment file means them (lr=1e-2 matches 0.01).
 * RNB_EINVAL for a bad term or when no run is left. */
int plot_runs_filter(plot_runs *p, const char *filter, char *err);

/* A run's dataset (a series or a matrix) as doubles, malloc'd: rows x cols
 * (cols 1 for a series). */
int plot_run_read(const plot_runs *p, const plot_run *r, const char *dataset,
                  double **out, long *rows, long *cols, char *err);

void plot_runs_free(plot_runs *p);

#endif
