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
#include "idx.h"

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
    image_cache *images;        /* the datasets the runs read (idx.h), each once */
} experiment;

/* Reads, validates and expands path. On bad input: RNB_EINVAL and err
 * holds "FILE:LINE: problem" (LINE 0 when no one line is at fault), or
 * "FILE: problem" when the file as a whole is (a folder, unreadable, no
 * key set). A run whose memory cannot fit is bad input too, at the line of
 * the key that makes it too big. */
int experiment_load(experiment *e, const char *path, char *err);
void experiment_free(experiment *e);

/* Memory, checked before anything is made: the bytes a run allocates (its
 * workspace, and with_record its per-step series and logged rows), in
 * double since a huge steps overflows any integer count. */
double experiment_run_bytes(const run_spec *s, bool with_record);
/* MemAvailable, else the physical memory; 0 when neither is known. */
double experiment_memory_available(void);
/* RNB_OK when the run of c (resolved as s) fits in avail bytes (or avail
 * is 0). Otherwise RNB_EINVAL, err "needs N GiB (...), more than the M GiB
 * of memory available", and *key the config key among given[] (the keys
 * the user set) whose default lowers the bytes most, -1 for none. */
int experiment_check_memory(const config *c, const run_spec *s, const bool *given, bool with_record,
                            double avail, int *key, char *err);

#endif
