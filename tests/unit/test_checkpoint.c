/* test_checkpoint.c - a run stopped at step k and continued from what its
 * checkpoint kept (record_run_with's save and restore, trainer_state) ends
 * exactly as the run that was never stopped: every row, bit for bit, and
 * its outcome. Over the state each kind of run carries: every optimizer's
 * moments and count, a step schedule, exprnn's second learning rate, a
 * learned h0, Omega with the fallback, lags drawn per batch, a fixed
 * training set, two layers; stopped at a logged step and between two.
 * The HDF5 round trip of a checkpoint is tests/e2e/sweep.sh's. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "record.h"
#include "status.h"

static check_tally tally;

/* The state a save kept, copied out of the trainer. */
typedef struct {
    volatile sig_atomic_t stop;
    long stop_at;           /* stop once this step is done */
    int n;
    trainer_state_part part[TRAINER_STATE_MAX];
    void *copy[TRAINER_STATE_MAX];
    int saves;
} keeper;

static void stop_at(const step_record *rec, void *ctx)
{
    keeper *k = ctx;
    if (rec->step == k->stop_at)
        k->stop = 1;
}

static int save(const run_record *r, trainer *tr, void *ctx, char *err)
{
    (void)r, (void)err;
    keeper *k = ctx;
    k->n = trainer_state(tr, k->part);
    for (int i = 0; i < k->n; i++) {
        free(k->copy[i]);
        k->copy[i] = malloc(k->part[i].bytes);
        memcpy(k->copy[i], k->part[i].data, k->part[i].bytes);
    }
    k->saves++;
    return RNB_OK;
}

/* r is the stopped run's own record, rows and all: only the trainer's
 * state comes back, into a trainer made afresh from the spec. */
static int restore(run_record *r, trainer *tr, void *ctx, char *err)
{
    (void)r, (void)err;
    keeper *k = ctx;
    trainer_state_part now[TRAINER_STATE_MAX];
    if (trainer_state(tr, now) != k->n)
        return RNB_EINVAL;
    for (int i = 0; i < k->n; i++) {
        if (now[i].bytes != k->part[i].bytes || strcmp(now[i].name, k->part[i].name))
            return RNB_EINVAL;
        memcpy(now[i].data, k->copy[i], now[i].bytes);
    }
    return RNB_OK;
}

static bool same(const double *a, const double *b, size_t n) { return !memcmp(a, b, n * sizeof(double)); }

/* Every row and outcome field of the continued run b against a. */
static bool same_records(const run_record *a, const run_record *b)
{
    const size_t n = (size_t)a->steps_done, m = (size_t)a->n_logged;
    const size_t KL = m * a->K * a->L, KG = m * a->K * a->G;
    return a->steps_done == b->steps_done && a->n_logged == b->n_logged && a->status == b->status &&
           a->solve_step == b->solve_step && a->solved == b->solved && a->diverged_step == b->diverged_step &&
           !memcmp(&a->final_loss, &b->final_loss, sizeof(double)) &&
           !memcmp(&a->final_metric, &b->final_metric, sizeof(double)) &&
           same(a->loss, b->loss, n) && same(a->metric, b->metric, n) && same(a->grad_norm, b->grad_norm, n) &&
           same(a->grad_norm_clipped, b->grad_norm_clipped, n) && (!a->omega || same(a->omega, b->omega, n)) &&
           same(a->tensor_norm, b->tensor_norm, n * a->n_tensors) &&
           !memcmp(a->log_step, b->log_step, m * sizeof(long)) && same(a->dh_norm, b->dh_norm, KL) &&
           same(a->dh_log10, b->dh_log10, KL) && (!a->has_c || same(a->dc_norm, b->dc_norm, KL)) &&
           same(a->eval_loss, b->eval_loss, m) && same(a->eval_metric, b->eval_metric, m) &&
           same(a->w_hh_radius, b->w_hh_radius, KG) && same(a->w_hh_sigma, b->w_hh_sigma, KG) &&
           (!a->w_hh_orth_error || same(a->w_hh_orth_error, b->w_hh_orth_error, m * a->K));
}

static void check_case(const char *what, const char *const *kv, long stop_step)
{
    char err[RNB_ERRLEN];
    config c;
    run_spec s;
    config_defaults(&c);
    const char *base[] = {"hidden", "8", "batch", "4", "steps", "60", "log_every", "10", "eval_batch", "8", NULL};
    for (int i = 0; base[i]; i += 2)
        config_set(&c, base[i], base[i + 1], err);
    for (int i = 0; kv[i]; i += 2)
        if (config_set(&c, kv[i], kv[i + 1], err)) {
            CHECK(&tally, false, "%s: %s", what, err);
            return;
        }
    if (config_resolve(&s, &c, err)) {
        CHECK(&tally, false, "%s: %s", what, err);
        return;
    }
    run_record a, b;
    record_alloc(&a, &s);
    record_alloc(&b, &s);
    keeper k = {.stop_at = stop_step};
    CHECK(&tally, record_run(&a, &s, NULL, NULL, NULL, err) == RNB_OK, "%s: the whole run: %s", what, err);
    /* stopped at stop_step, saving before every step on the way (a save
     * must change nothing), then continued from the last save */
    const record_hooks stopped = {.stop = &k.stop, .on_step = stop_at, .save = save, .save_every = 1e-9, .ctx = &k};
    int rc = record_run_with(&b, &s, &stopped, err);
    CHECK(&tally, rc == RNB_OK && b.status == RUN_INTERRUPTED && b.steps_done == stop_step && k.saves >= stop_step,
          "%s: stopped at %ld (%ld), %d saves", what, b.steps_done, stop_step, k.saves);
    const record_hooks go_on = {.restore = restore, .ctx = &k};
    rc = record_run_with(&b, &s, &go_on, err);
    CHECK(&tally, rc == RNB_OK && same_records(&a, &b),
          "%s: stopped at step %ld and continued, the same run as never stopped (%ld of %ld steps, %s)", what,
          stop_step, b.steps_done, a.steps_done, run_status_name(b.status));
    for (int i = 0; i < k.n; i++)
        free(k.copy[i]);
    record_free(&a);
    record_free(&b);
}

int main(void)
{
    const char *adam[] = {"cell", "lstm", "task", "copy", "seq_len", "5", "optimizer", "adam", "lr", "1e-2",
                          "lr_step", "20:0.5", NULL};
    const char *rms[] = {"cell", "exprnn", "task", "copy", "seq_len", "5", "optimizer", "rmsprop", "lr", "1e-3",
                         "lr_orth", "1e-4", "rms_init", "1e-3", "learn_h0", "true", "init", "henaff",
                         "lr_step", "25:0.1", NULL};
    const char *omega[] = {"cell", "rnn_tanh", "task", "adding_pascanu", "seq_len", "30", "seq_len_min", "10",
                           "variable_length", "true", "optimizer", "sgd", "lr", "0.05", "clip", "norm:1",
                           "omega", "2", "fallback_shrink", "0.02", "init", "sparse:3:0.95", NULL};
    const char *momentum[] = {"cell", "gru", "task", "adding", "seq_len", "10", "optimizer", "momentum",
                              "momentum", "0.9", "nesterov", "true", "lr", "1e-2", "train_set", "40",
                              "num_layers", "2", NULL};
    const char *diag[] = {"cell", "indrnn", "task", "temporal_order", "seq_len", "20", "optimizer", "adam",
                          "lr", "2e-3", "clip", "value:0.5", NULL};
    check_case("lstm, adam with a step schedule", adam, 20);
    check_case("lstm, adam with a step schedule", adam, 37);
    check_case("exprnn, rmsprop with lr_orth, learned h0", rms, 33);
    check_case("rnn_tanh, Omega and the fallback, lags per batch", omega, 41);
    check_case("gru x2, nesterov momentum on a fixed training set", momentum, 30);
    check_case("indrnn, adam, value clipping", diag, 1);
    return check_done(&tally);
}
