/* experiment.h - an experiment file (INI, read with inih) and the grid of
 * runs it names.
 *
 *   [experiment]  name, description
 *   [task]        task, seq_len                 (every key of CONFIG_KEYS,
 *   [model]       cell, hidden, init, ...        in the section it lists)
 *   [train]       batch, steps, optimizer, lr, clip, seed, ...
 *   [log]         log_every, eval_batch
 *
 * Any key may hold a comma list; integer keys also take ranges (seed =
 * 1-5). The grid is the product of all lists, in CONFIG_KEYS order, the
 * last key varying fastest. A run is named by the keys that vary, as
 * "cell=lstm,clip=norm:1,seed=3" ("run" when none does).
 *
 * [experiment] together = cell+init, ... pairs lists up instead: the keys
 * of a group give lists of one length, and their i-th values go together
 * (one dimension of the grid, e.g. rnn_relu with identity, lstm with
 * uniform). */
#ifndef RNB_EXPERIMENT_H
#define RNB_EXPERIMENT_H

#include "config.h"

enum { EXP_MAX_VALUES = 256, EXP_NAME_LEN = 512 };

typedef struct {
    char name[EXP_NAME_LEN];
    config cfg;
    run_spec spec;
} grid_run;

typedef struct {
    char path[1024];
    char *text;                 /* the whole file, as read */
    char name[128];
    char description[512];
    int n_values[64];           /* per config key: values given (0: default) */
    cfg_str *values[64];        /* per config key: the values as text */
    int group[64];              /* per config key: its together group, 0 for none */
    int together_line;
    int n_runs;
    grid_run *runs;
} experiment;

/* Reads, validates and expands path. On bad input: RNB_EINVAL and err
 * holds "FILE:LINE: problem" (LINE 0 when no one line is at fault). */
int experiment_load(experiment *e, const char *path, char *err);
void experiment_free(experiment *e);

#endif
