/* test_record.c - what a run records is what the engine computed.
 * record_run's rows (loss, norms, each parameter tensor's gradient norm,
 * every layer's logged ||dL/dh_t|| and ||dL/dc_t||, the held-out loss)
 * against a trainer stepped by hand with the same spec; then the part file
 * written and read back (the schema round trip). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "h5io.h"
#include "record.h"
#include "results.h"
#include "status.h"

static check_tally tally;

static void make_run(grid_run *g, const char *cell, const char *task, const char *seq_len, bool variable,
                     const char *layers)
{
    char err[RNB_ERRLEN];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "cell=%s", cell);
    config_defaults(&g->cfg);
    config_set(&g->cfg, "cell", cell, err);
    config_set(&g->cfg, "task", task, err);
    config_set(&g->cfg, "seq_len", seq_len, err);
    config_set(&g->cfg, "variable_length", variable ? "true" : "false", err);
    config_set(&g->cfg, "hidden", "6", err);
    config_set(&g->cfg, "num_layers", layers, err);
    config_set(&g->cfg, "batch", "3", err);
    config_set(&g->cfg, "steps", "7", err);
    config_set(&g->cfg, "log_every", "3", err);
    config_set(&g->cfg, "eval_batch", "5", err);
    config_set(&g->cfg, "clip", "norm:0.5", err);
    if (config_resolve(&g->spec, &g->cfg, err)) {
        printf("resolve: %s\n", err);
        exit(1);
    }
}

static void check_against_trainer(const grid_run *g, const run_record *rec)
{
    const run_spec *s = &g->spec;
    trainer tr;
    char err[RNB_ERRLEN];
    trainer_create(&tr, s, err);
    const long want_steps[] = {1, 3, 6, 7};
    CHECK(&tally, rec->n_logged == 4 && rec->steps_done == 7 && rec->status == RUN_FINISHED,
          "%s: %ld rows, %ld steps", g->name, rec->n_logged, rec->steps_done);
    int k = 0, same_series = 1, same_rows = 1, same_eval = 1, same_tensors = 1, sums = 1;
    long lengths[4] = {0};     /* the length of each logged row's batch */
    for (long step = 1; step <= s->steps; step++) {
        step_record sr;
        trainer_step(&tr, &sr);
        same_series &= rec->loss[step - 1] == sr.loss && rec->grad_norm[step - 1] == sr.grad_norm &&
                       rec->grad_norm_clipped[step - 1] == sr.grad_norm_clipped &&
                       rec->metric[step - 1] == sr.metric;
        /* each tensor's norm as the trainer had it; their squares sum to
         * the global norm's (each summed in double: to rounding) */
        const double *tn = rec->tensor_norm + (size_t)(step - 1) * rec->n_tensors;
        double sq = 0;
        for (int i = 0; i < rec->n_tensors; i++)
            sq += tn[i] * tn[i];
        same_tensors &= sr.n_tensors == rec->n_tensors &&
                        memcmp(tn, sr.tensor_norm, (size_t)rec->n_tensors * sizeof(double)) == 0;
        sums &= fabs(sqrt(sq) - sr.grad_norm) <= 1e-12 * sr.grad_norm;
        if (k < 4 && step == want_steps[k]) {
            /* rows are aligned to the sequence's end: a shorter batch
             * (variable_length) has NaN before its first timestep */
            size_t off = (size_t)(rec->L - sr.L);
            lengths[k] = sr.L;
            same_rows &= rec->log_step[k] == step && sr.L <= rec->L && sr.K == rec->K;
            for (int l = 0; l < rec->K; l++) {
                const layer_ws *ws = &sr.layers[l].ws;
                const size_t row0 = ((size_t)k * rec->K + l) * rec->L;
                const double *row = rec->dh_norm + row0;
                for (size_t t = 0; t < off; t++)
                    same_rows &= isnan(row[t]);
                same_rows &= memcmp(row + off, ws->dh_norm, sr.L * sizeof(double)) == 0 &&
                             memcmp(rec->dh_log10 + row0 + off, ws->dh_log10, sr.L * sizeof(double)) == 0;
                if (rec->has_c)
                    same_rows &= memcmp(rec->dc_norm + row0 + off, ws->dc_norm, sr.L * sizeof(double)) == 0;
            }
            double m, l = trainer_evaluate(&tr, tr.spec.eval_batch, &m);
            same_eval &= rec->eval_loss[k] == l && rec->eval_metric[k] == m;
            k++;
        }
    }
    CHECK(&tally, same_series, "%s: per-step series differ from the trainer's", g->name);
    CHECK(&tally, same_rows, "%s: logged norms differ from the trainer's at the same steps", g->name);
    CHECK(&tally, same_tensors, "%s: per-tensor gradient norms differ from the trainer's", g->name);
    CHECK(&tally, sums, "%s: the per-tensor norms' squares do not sum to the global norm's", g->name);
    CHECK(&tally, same_eval, "%s: held-out loss differs", g->name);
    CHECK(&tally, rec->final_loss == rec->eval_loss[3], "%s: final loss is the last held-out loss", g->name);
    if (run_lag_varies(s))      /* T = 40: lags 40..44 (or 20..42), 4 rows of one length are unlikely */
        CHECK(&tally, lengths[1] != lengths[0] || lengths[2] != lengths[0] || lengths[3] != lengths[0],
              "%s: the logged rows all had one length", g->name);
    trainer_free(&tr);
}

static void check_round_trip(const grid_run *g, const run_record *rec, const char *dir)
{
    experiment e;
    memset(&e, 0, sizeof e);
    e.text = "";
    e.runs = (grid_run *)g;
    e.n_runs = 1;
    results r;
    char out[512], err[RNB_ERRLEN];
    snprintf(out, sizeof out, "%s/rt.h5", dir);
    results_init(&r, &e, out);
    CHECK(&tally, results_write_part(&r, g, rec, err) == RNB_OK, "write part: %s", err);
    char path[2048];
    snprintf(path, sizeof path, "%s/000000.h5", r.parts);
    h5file *f;
    CHECK(&tally, h5io_open_read(&f, path, err) == RNB_OK, "read part: %s", err);
    size_t n = (size_t)rec->n_logged * rec->K * rec->L;
    double *back = calloc(n, sizeof(double));
    CHECK(&tally, h5io_read_double(f, "/run/dh_norm", back, err) == RNB_OK &&
                      memcmp(back, rec->dh_norm, n * sizeof(double)) == 0,
          "%s: dh_norm read back differs", g->name);
    double *loss = calloc(rec->steps_done, sizeof(double));
    CHECK(&tally, h5io_read_double(f, "/run/loss", loss, err) == RNB_OK &&
                      memcmp(loss, rec->loss, rec->steps_done * sizeof(double)) == 0,
          "%s: loss read back differs", g->name);
    size_t nt = (size_t)rec->steps_done * rec->n_tensors;
    double *tn = calloc(nt, sizeof(double));
    CHECK(&tally, h5io_read_double(f, "/run/grad_norm_tensor", tn, err) == RNB_OK &&
                      memcmp(tn, rec->tensor_norm, nt * sizeof(double)) == 0,
          "%s: grad_norm_tensor read back differs", g->name);
    char cell[32], st[32];
    long steps_done;
    double lr;
    CHECK(&tally, h5io_get_attr_str(f, "/run", "cell", cell, sizeof cell, err) == RNB_OK &&
                      strcmp(cell, g->cfg.cell) == 0, "%s: cell attribute", g->name);
    CHECK(&tally, h5io_get_attr_str(f, "/run", "status", st, sizeof st, err) == RNB_OK &&
                      strcmp(st, "finished") == 0, "%s: status attribute", g->name);
    CHECK(&tally, h5io_get_attr_long(f, "/run", "steps_done", &steps_done, err) == RNB_OK &&
                      steps_done == 7, "%s: steps_done", g->name);
    CHECK(&tally, h5io_get_attr_double(f, "/run", "lr", &lr, err) == RNB_OK && lr == 1e-3,
          "%s: lr attribute %g", g->name, lr);
    h5io_close(f, NULL);
    remove(path);
    rmdir(r.parts);
    free(back), free(loss), free(tn);
}

/* stop_when_solved: a run that solves adding stops at its first solved
 * logged step, status finished, solved, and every row it has is the one
 * the run without the key has at that step. */
static void check_stop_when_solved(void)
{
    grid_run g[2];
    run_record rec[2];
    char err[RNB_ERRLEN];
    for (int i = 0; i < 2; i++) {
        make_run(&g[i], "gru", "adding", "5", false, "1");
        config_set(&g[i].cfg, "steps", "3000", err);
        config_set(&g[i].cfg, "log_every", "50", err);
        config_set(&g[i].cfg, "batch", "20", err);
        config_set(&g[i].cfg, "hidden", "16", err);
        config_set(&g[i].cfg, "lr", "1e-2", err);
        config_set(&g[i].cfg, "stop_when_solved", i ? "false" : "true", err);
        CHECK(&tally, config_resolve(&g[i].spec, &g[i].cfg, err) == RNB_OK, "stop_when_solved: %s", err);
        CHECK(&tally, record_alloc(&rec[i], &g[i].spec) == RNB_OK &&
                          record_run(&rec[i], &g[i].spec, NULL, NULL, NULL, err) == RNB_OK, "run: %s", err);
    }
    const run_record *a = &rec[0], *b = &rec[1];
    long n = a->steps_done;
    CHECK(&tally, b->solve_step > 0 && b->solve_step < 3000, "the run solves adding (at %ld)", b->solve_step);
    CHECK(&tally, a->status == RUN_FINISHED && a->solved && n == b->solve_step && a->solve_step == n &&
                      a->log_step[a->n_logged - 1] == n, "stopped at %ld, solved %d at %ld (want %ld)", n,
          (int)a->solved, a->solve_step, b->solve_step);
    CHECK(&tally, n <= b->steps_done && memcmp(a->loss, b->loss, n * sizeof(double)) == 0 &&
                      memcmp(a->eval_loss, b->eval_loss, a->n_logged * sizeof(double)) == 0,
          "the stopped run's rows are the full run's");
    record_free(&rec[0]), record_free(&rec[1]);
}

/* fallback_shrink: a gradient norm past 1e10 (an IRNN at identity 3, whose
 * gradient grows as 3^T) makes the step W_hh -= lr S W_hh and leaves every
 * other parameter; without it norm clipping takes the step. */
static void check_fallback(void)
{
    char err[RNB_ERRLEN];
    for (int on = 0; on < 2; on++) {
        grid_run g;
        make_run(&g, "rnn_relu", "adding", "40", false, "1");
        config_set(&g.cfg, "init", "identity:3", err);
        config_set(&g.cfg, "optimizer", "sgd", err);
        config_set(&g.cfg, "lr", "0.1", err);
        config_set(&g.cfg, "clip", "norm:1", err);
        config_set(&g.cfg, "fallback_shrink", on ? "0.02" : "0", err);
        CHECK(&tally, config_resolve(&g.spec, &g.cfg, err) == RNB_OK, "resolve: %s", err);
        trainer tr;
        trainer_create(&tr, &g.spec, err);
        const size_t n = tr.m.n_params, HH = (size_t)tr.m.H * tr.m.H;
        const size_t off = (size_t)(tr.m.st.l[0].p.w_hh - tr.m.params);
        real *before = malloc(n * sizeof(real));
        memcpy(before, tr.m.params, n * sizeof(real));
        step_record sr;
        trainer_step(&tr, &sr);
        int shrunk = 1, kept = 1;
        for (size_t i = 0; i < n; i++) {
            const bool in_w_hh = i >= off && i < off + HH;
            const real want = in_w_hh ? (real)(before[i] - (real)(0.1 * (real)(0.02 * before[i]))) : before[i];
            shrunk &= tr.m.params[i] == want;
            kept &= !in_w_hh || tr.m.params[i] == before[i] || before[i] == 0;
        }
        CHECK(&tally, sr.grad_norm > 1e10 && sr.finite, "fallback %d: norm %g past 1e10, the step taken", on,
              sr.grad_norm);
        if (on)
            CHECK(&tally, sr.fell_back && shrunk && fabs(sr.grad_norm_clipped - 0.02 * 3 * sqrt((double)tr.m.H)) < 1e-6,
                  "fallback: W_hh shrunk by lr 0.02 W_hh, nothing else moved (norm %g)", sr.grad_norm_clipped);
        else
            CHECK(&tally, !sr.fell_back && !shrunk && !kept && fabs(sr.grad_norm_clipped - 1) < 1e-6,
                  "no fallback: the clipped gradient steps W_hh (norm after %g)", sr.grad_norm_clipped);
        free(before);
        trainer_free(&tr);
    }
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    const char *cells[] = {"lstm", "gru", "lstm_peephole"}, *tasks[] = {"copy", "adding", "temporal_order"};
    const char *lags[] = {"4", "4", "40"}, *layers[] = {"1", "3", "2"};
    for (int i = 0; i < 3; i++) {
        grid_run g;
        make_run(&g, cells[i], tasks[i], lags[i], i == 2, layers[i]);
        run_record rec;
        char err[RNB_ERRLEN];
        CHECK(&tally, record_alloc(&rec, &g.spec) == RNB_OK, "alloc");
        CHECK(&tally, record_run(&rec, &g.spec, NULL, NULL, NULL, err) == RNB_OK, "run: %s", err);
        check_against_trainer(&g, &rec);
        check_round_trip(&g, &rec, dir);
        record_free(&rec);
    }
    CHECK(&tally, record_is_logged(1, 10, 4) && record_is_logged(8, 10, 4) &&
                      record_is_logged(10, 10, 4) && !record_is_logged(9, 10, 4), "logged steps");
    {   /* lags drawn from [20, 40) and jittered (seq_len_min, variable_length) */
        grid_run g;
        run_record rec;
        char err[RNB_ERRLEN];
        make_run(&g, "rnn_tanh", "adding_pascanu", "40", true, "2");
        config_set(&g.cfg, "seq_len_min", "20", err);
        CHECK(&tally, config_resolve(&g.spec, &g.cfg, err) == RNB_OK, "seq_len_min: %s", err);
        CHECK(&tally, record_alloc(&rec, &g.spec) == RNB_OK && record_run(&rec, &g.spec, NULL, NULL, NULL, err) == RNB_OK,
              "run: %s", err);
        CHECK(&tally, rec.L == 42, "seq_len_min: rows of the longest lag, 39 + 3 (%ld)", (long)rec.L);
        check_against_trainer(&g, &rec);
        record_free(&rec);
    }
    check_stop_when_solved();
    check_fallback();
    return check_done(&tally);
}
