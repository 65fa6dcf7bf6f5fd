/* record.h - what one run leaves behind: its per-step series, the
 * per-timestep gradient norms and held-out loss at its logged steps, and
 * its outcome. Allocated whole before the run's first step, from its spec,
 * so that the training loop never allocates. */
#ifndef RNB_RECORD_H
#define RNB_RECORD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "trainer.h"

typedef enum { RUN_FINISHED, RUN_DIVERGED, RUN_INTERRUPTED } run_status;
const char *run_status_name(run_status s);
int run_status_parse(run_status *s, const char *name);     /* 0 or -1 */

typedef struct {
    long steps;             /* capacity: the spec's steps */
    long steps_done;
    int K;                  /* layers */
    int L;                  /* timesteps of each norms row */
    bool has_c;
    double *loss;           // (steps) training loss of each step
    double *metric;         // (steps)
    double *grad_norm;      // (steps) before clipping
    double *grad_norm_clipped;  // (steps) after
    double *omega;          // (steps) Pascanu et al.'s Omega, runs with omega > 0; else NULL
    int n_tensors;
    double *tensor_norm;    // (steps, n_tensors) each parameter tensor's, before clipping
    long n_log_cap, n_logged;    /* long: steps / log_every can pass INT_MAX */
    long *log_step;         // (n_log_cap) the training step of each row
    double *dh_norm;        // (n_log_cap, K, L) ||dL/dh_t^k||
    double *dc_norm;        // (n_log_cap, K, L) ||dL/dc_t^k||, cells with c
    double *dh_log10;       // (n_log_cap, K, L) log10 ||dL/dh_t^k||, past double's floor
    double *dc_log10;       // (n_log_cap, K, L) log10 ||dL/dc_t^k||, cells with c
    double *eval_loss;      // (n_log_cap) on the held-out set
    double *eval_metric;    // (n_log_cap)
    int G;                  /* gate blocks of weight_hh */
    double *w_hh_radius;    // (n_log_cap, K, G) spectral radius of each block of each layer
    double *w_hh_sigma;     // (n_log_cap, K, G) its largest singular value
    double *w_hh_orth_error; // (n_log_cap, K) max |W^T W - I| of the formed weight; exprnn only, else NULL
    /* outcome */
    run_status status;
    long diverged_step;     /* 0 unless diverged */
    double wall_seconds;
    double final_loss, final_metric;    /* held-out, at the last logged step; over a
                                           dataset, on its whole held-out split */
    long final_eval_size;               /* the held-out sequences they are means over */
    bool solved;
    long solve_step;        /* first logged step solved on held-out data, or -1 */
} run_record;

/* Is training step s (1-based) one whose norms are kept? The first, every
 * log_every-th, and the last. */
bool record_is_logged(long s, long steps, int log_every);
double record_bytes(const run_spec *s);   /* what record_alloc takes */
int record_alloc(run_record *r, const run_spec *s);
void record_free(run_record *r);

/* Runs one training run into r: every step, then the outcome. Stops early
 * (status interrupted) when *stop becomes non-zero, or (diverged) at a
 * non-finite loss or gradient. on_step, when given, is called after each
 * step with the steps done, for progress reports. */
int record_run(run_record *r, const run_spec *s, volatile sig_atomic_t *stop,
               void (*on_step)(const step_record *rec, void *ctx), void *ctx, char *err);

/* record_run with checkpoints. save, every save_every seconds (0: never)
 * and when the run is interrupted, is given the run so far as a run
 * interrupted then would be (r's outcome fields set so) and its trainer,
 * whose state (trainer_state) it keeps. restore, called once the trainer
 * is made, puts back what a save kept: r's rows, steps_done, n_logged,
 * solve_step and wall_seconds, and the trainer's state; or returns
 * RECORD_NO_CHECKPOINT to start afresh. The run then goes on from step
 * steps_done + 1, and ends exactly as the uninterrupted run would. Every
 * hook is optional; ctx is given to each. */
enum { RECORD_NO_CHECKPOINT = 1 };
typedef struct {
    volatile sig_atomic_t *stop;
    void (*on_step)(const step_record *rec, void *ctx);
    int (*save)(const run_record *r, trainer *tr, void *ctx, char *err);
    int (*restore)(run_record *r, trainer *tr, void *ctx, char *err);
    double save_every;
    void *ctx;
} record_hooks;
int record_run_with(run_record *r, const run_spec *s, const record_hooks *h, char *err);

#endif
