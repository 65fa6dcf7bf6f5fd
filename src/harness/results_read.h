/* results_read.h - the one reader of a results file (docs/results.md),
 * for summary and plot alike.
 *
 * results_file_open checks, before anyone reads a number: the schema
 * version (1 to RESULTS_SCHEMA_VERSION), the root attributes, every run's
 * parameters and outcome, that its cell is in this rnnbench's registry, and
 * the class (float or integer) and shape of every dataset a reader uses,
 * against steps_done, log_step, num_layers, seq_total, the cell's gate
 * blocks and the names of grad_norm_tensor's columns; and that log_step
 * rises strictly within 1..steps_done. A file that fails is refused whole,
 * with one line naming the file, the run and the dataset or attribute.
 * After that, results_file_read of a checked dataset gives exactly the
 * shape its run promises.
 *
 * Schemas 1 and 2 held one recurrent layer: their per-layer datasets,
 * [n_logged, L] and [n_logged, G], are read as [n_logged][1][L] and
 * [n_logged][1][G], so that a reader handles every schema the same way. */
#ifndef RNB_RESULTS_READ_H
#define RNB_RESULTS_READ_H

#include <stdbool.h>

#include "cell.h"
#include "config.h"
#include "experiment.h"
#include "h5io.h"
#include "record.h"

enum { RESULTS_TENSOR_NAME_LEN = 32 };

/* One run, its attributes read and its datasets checked. */
typedef struct {
    char name[EXP_NAME_LEN];        /* its group under /runs */
    config cfg;                     /* its parameters (results_read_params) */
    const cell_type *cell;          /* cfg.cell, found in the registry */
    run_status status;
    long steps_done, diverged_step, solved, solve_step;
    long seq_total;                 /* L: timesteps of dh_norm */
    long n_logged;                  /* rows of log_step, dh_norm, eval_loss, ... */
    long num_layers;                /* K: layers of dh_norm, dc_norm, w_hh_*; 1 before schema 3 */
    double baseline, final_loss, final_metric, clip_threshold;
    char clip_mode[16];
    bool has_dc;                    /* dc_norm is there */
    bool has_log10;                 /* dh_log10 (and dc_log10) are (rnnbench 0.2.0 on) */
    bool has_spectrum;              /* w_hh_radius and w_hh_sigma are (not in schema 1) */
    bool has_tensors;               /* grad_norm_tensor is (schema 3 on) */
    int n_tensors;                  /* its columns */
    char (*tensor_names)[RESULTS_TENSOR_NAME_LEN];  /* (n_tensors) their names, its attribute */
} results_run;

typedef struct {
    const char *path;
    h5file *f;
    long schema_version;
    char experiment[128], description[512], precision[16];
    int n;
    results_run *runs;              /* in name order */
} results_file;

/* A dataset as doubles, rows x layers x cols, row-major. A series
 * (loss, log_step, ...) is [rows][1][1]; dh_norm, dc_norm, dh_log10,
 * dc_log10 are [n_logged][K][L]; w_hh_radius, w_hh_sigma [n_logged][K][G];
 * w_hh_orth_error (exprnn) [n_logged][K][1];
 * grad_norm_tensor [steps_done][1][n_tensors]. */
typedef struct {
    double *v;
    long rows, layers, cols;
} results_data;

/* The cols values of row i at layer k. */
static inline const double *results_at(const results_data *d, long i, long k)
{
    return d->v + (i * d->layers + k) * d->cols;
}

/* Opens path and checks all of it (above). RNB_EINVAL with one line in
 * err for a file that is not a results file this rnnbench reads;
 * RNB_ENOMEM. On failure nothing stays open. */
int results_file_open(results_file *rf, const char *path, char *err);

/* Dataset name of run r (loss, metric, grad_norm, grad_norm_clipped,
 * log_step, dh_norm, dc_norm, dh_log10, dc_log10, eval_loss, eval_metric,
 * w_hh_radius, w_hh_sigma, grad_norm_tensor, w_hh_orth_error) into d, malloc'd; free it
 * with results_data_free. RNB_EINVAL for a name outside the schema or a
 * dataset the run lacks. */
int results_file_read(const results_file *rf, const results_run *r, const char *name,
                      results_data *d, char *err);
void results_data_free(results_data *d);

void results_file_close(results_file *rf);

#endif
