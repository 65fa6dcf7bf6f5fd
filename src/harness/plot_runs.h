/* plot_runs.h - the runs of a results file as the figures need them: each
 * run's parameters as text (to group and to filter by) beside what
 * results_read.h read and checked. The file stays open until
 * plot_runs_free; the figures read its series with results_file_read. */
#ifndef RNB_PLOT_RUNS_H
#define RNB_PLOT_RUNS_H

#include <stdbool.h>

#include "experiment.h"
#include "results_read.h"

enum { PLOT_MAX_KEYS = 48, PLOT_VALUE_LEN = sizeof(cfg_str), PLOT_PANEL_LEN = 256, PLOT_MAX_PANEL_KEYS = 4 };

typedef struct {
    const results_run *run;                     /* its name, parameters, outcome */
    char value[PLOT_MAX_KEYS][PLOT_VALUE_LEN];  /* config_key_value of each key */
    int cell_rank;                              /* place of its cell in the registry */
    char panel[PLOT_PANEL_LEN];                 /* its panel: the clip mode, and
                                                   ",KEY=VALUE" of each panel key */
} plot_run;

typedef struct {
    results_file file;            /* checked by results_file_open */
    int n;
    plot_run *runs;
    bool varies[PLOT_MAX_KEYS];   /* the key takes two or more values among the runs */
    int n_panel_keys;             /* keys beside clip that make a run's panel */
    int panel_key[PLOT_MAX_PANEL_KEYS];
} plot_runs;

/* Opens a results file (results_file_open: RNB_EINVAL with one line
 * naming the file, run and dataset for one this rnnbench does not read)
 * and lists its runs as the figures group them. */
int plot_runs_read(plot_runs *p, const char *path, char *err);

/* Keeps the runs that match filter: terms KEY=VALUE separated by commas,
 * each a config key or "status", VALUE one value or several joined by '|'.
 * Values compare as the experiment file means them (lr=1e-2 matches 0.01).
 * RNB_EINVAL for a bad term or when no run is left. */
int plot_runs_filter(plot_runs *p, const char *filter, char *err);

/* Makes the panel of every run the clip mode and the values of keys (a
 * comma list of config keys, as "omega" for Pascanu et al.'s arms: clip
 * none, norm:1, norm:1 with omega 4), so that runs that differ in them
 * share one figure. RNB_EINVAL for an unknown key, clip, cell or seed. */
int plot_runs_set_panel(plot_runs *p, const char *keys, char *err);

/* The most layers (num_layers) of any of its runs: 1 when all have one. */
int plot_runs_max_layers(const plot_runs *p);

void plot_runs_free(plot_runs *p);

#endif
