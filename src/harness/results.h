/* results.h - the results file of an experiment (the schema is in
 * docs/results.md).
 *
 * How it survives a kill -9 at any moment: each run, when it ends
 * (finished, diverged or interrupted), is written whole to its own file
 * OUT.parts/INDEX.h5 (INDEX its place in the grid), first as a temporary
 * file in that folder and then renamed into place.
 * When the sweep ends, OUT is assembled from the parts (again beside its
 * name, then renamed) and the parts are removed. A killed sweep leaves the
 * parts of every run that ended, each a readable HDF5 file, and --resume
 * takes them as they are. */
#ifndef RNB_RESULTS_H
#define RNB_RESULTS_H

#include <stdbool.h>

#include "experiment.h"
#include "h5io.h"
#include "record.h"

/* 2: w_hh_radius and w_hh_sigma added; readers take 1 and 2. */
enum { RESULTS_SCHEMA_VERSION = 3 };

typedef struct {
    const experiment *e;
    const char *out;        /* OUT.h5 */
    char parts[1100];       /* OUT.h5.parts */
    char text_hash[32];     /* of the experiment text: "fnv1a64:..." */
} results;

void results_init(results *r, const experiment *e, const char *out);

/* Whether the parts folder holds a part of any run. */
bool results_has_parts(const results *r);

/* --resume keeps a part only when it is provably a run of the current
 * file: its parameters, the experiment text's hash, the precision and the
 * rnnbench version all agree. RNB_EINVAL naming the first part and key
 * that disagree (or a part of no run of this grid). */
int results_check_parts(const results *r, char *err);

/* Writes run g's record to its part file. */
int results_write_part(const results *r, const grid_run *g, const run_record *rec, char *err);

/* A checkpoint (record_run_with's save): run g's record so far, as an
 * interrupted run's part, with its trainer's state (trainer_state) as the
 * part's group checkpoint, one uint8 dataset a state part. */
int results_write_checkpoint(const results *r, const grid_run *g, const run_record *rec, trainer *tr,
                             char *err);
/* record_run_with's restore from run g's part: its rows into rec (made by
 * record_alloc for g) and its state into tr. RECORD_NO_CHECKPOINT when the
 * part is absent or has none; RNB_EINVAL naming the part and the dataset
 * when it does not fit the run. (results_check_parts has already said the
 * part is this run's, of this rnnbench and precision.) */
int results_read_checkpoint(const results *r, const grid_run *g, run_record *rec, trainer *tr, char *err);

/* The status of run g's part, if it has one: 1 and *status, or 0. */
int results_part_status(const results *r, const grid_run *g, run_status *status);

/* From an OUT of an earlier sweep: every run that finished or diverged
 * becomes a part again (unless one is there), so that --resume keeps it.
 * OUT must come from the same experiment text, and each of its runs agree
 * as results_check_parts asks: nothing is copied otherwise. */
int results_reclaim(const results *r, char *err);

/* Removes OUT and its parts, but not the owner file: --force. */
void results_discard(const results *r);

/* The names of the groups under /runs, in name order (malloc'd; *n 0 and
 * *names NULL when there are none). */
int results_run_names(h5file *f, char (**names)[EXP_NAME_LEN], int *n, char *err);

/* A run's parameters back from the attributes of its group grp (the
 * inverse of what a part holds): config_key_value gives each as the
 * experiment file would write it. A key the file lacks (one added to
 * rnnbench after the file was written) keeps its default, which is what
 * the run had. */
int results_read_params(h5file *f, const char *grp, config *c, char *err);

/* OUT from the parts of every run that has one; then the parts go. */
int results_assemble(const results *r, char *err);

#endif
