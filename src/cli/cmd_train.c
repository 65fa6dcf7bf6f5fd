/* cmd_train.c - `rnnbench train`: one run, printed as it goes.
 * Every key of CONFIG_KEYS is a flag (underscores as dashes). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "clock.h"
#include "config.h"
#include "experiment.h"
#include "record.h"
#include "status.h"
#include "trainer.h"

/* The config key a flag names (--seq-len: seq_len), or -1. */
static int key_index(const char *flag)
{
    char key[64];
    snprintf(key, sizeof key, "%s", flag);
    for (char *p = key; *p; p++)
        if (*p == '-')
            *p = '_';
    return config_key_find(key);
}

/* The flag of config key i (seq_len: seq-len), into buf. */
static const char *flag_of(int i, char *buf, size_t n)
{
    snprintf(buf, n, "%s", config_key_name(i));
    for (char *p = buf; *p; p++)
        *p = *p == '_' ? '-' : *p;
    return buf;
}

static bool needs_value(const char *name)
{
    if (!strcmp(name, "help") || !strcmp(name, "quiet"))
        return false;
    int i = key_index(name);
    return i < 0 || !config_key_is_bool(i);
}

static void help(void)
{
    printf("usage: rnnbench train [--KEY VALUE ...] [--print-every N] [--quiet]\n"
           "\n"
           "Trains one model and prints, every N steps, the mean loss and metric since\n"
           "the previous line, the global gradient norm before and after clipping, and\n"
           "||dL/dh_t|| at the first and the last timestep.\n"
           "\n");
    for (int i = 0; i < config_key_count(); i++) {
        char flag[64];
        printf("  --%-13s %s (default %s)\n", flag_of(i, flag, sizeof flag), config_key_help(i),
               config_key_default(i));
    }
    printf("  --%-13s %s\n", "print-every", "steps between printed lines (default: steps/20)");
    printf("  --%-13s %s\n", "quiet", "print only the header and the final summary");
    printf("  --%-13s %s\n", "norms FILE", "also write ||dL/dh_t|| (and ||dL/dc_t||) of every printed step to FILE, as TSV");
    printf("\nexample: rnnbench train --cell gru --task copy --seq-len 100 --hidden 128 --batch 128 \\\n"
           "           --steps 2000 --clip norm:1 --optimizer adam --lr 1e-3 --seed 1\n");
}

static void print_header(const config *c, const run_spec *s)
{
    printf("# rnnbench %s train, %s\n#", RNNBENCH_VERSION, RNB_PRECISION);
    for (int i = 0; i < config_key_count(); i++) {
        cfg_str v;
        config_key_value(c, i, v, sizeof v);
        printf(" %s=%s", config_key_name(i), v);
    }
    int L = s->task->length(s->T_min ? s->T_min : s->T), Lmax = s->task->length(run_max_lag(s));
    if (run_lag_varies(s))
        printf("\n# sequence length %d to %d (%s), %zu parameters, workspace %.2f MiB\n", L, Lmax,
               s->T_min ? "seq_len_min" : "variable_length",
               model_param_count(s->cell, s->task, s->K, s->H, s->learn_h0), trainer_bytes(s) / 1048576.0);
    else
        printf("\n# sequence length %d, %zu parameters, workspace %.2f MiB\n", L,
           model_param_count(s->cell, s->task, s->K, s->H, s->learn_h0), trainer_bytes(s) / 1048576.0);
    printf("# baseline loss %.6g (memoryless), %s%s\n",     /* a benchmark's rule is a sentence */
           run_baseline(s), s->task->dataset ? "" : "solved when ", s->task->solved_rule);
    printf("# %7s %12s %10s %12s %12s %12s %12s\n", "step", "loss", "metric",
           "grad_norm", "clipped", "|dL/dh_1|", "|dL/dh_L|");
}

/* Rows by layer (bottom first), then t; the layer last, so that the
 * columns of a one-layer file are those of rnnbench 0.2. */
static void write_norms(FILE *f, const step_record *rec, bool has_c)
{
    for (int k = 0; k < rec->K; k++) {
        const layer_ws *ws = &rec->layers[k].ws;
        for (int t = 0; t < rec->L; t++) {
            fprintf(f, "%ld\t%d\t%.9e", rec->step, t + 1, ws->dh_norm[t]);
            if (has_c)
                fprintf(f, "\t%.9e", ws->dc_norm[t]);
            fprintf(f, "\t%d\n", k);
        }
    }
}

/* What the printed lines need from the steps as they pass. Means over the
 * lines' intervals, and over the last tenth of the run for the summary:
 * one step's loss is too noisy to report. */
typedef struct {
    const run_spec *spec;
    FILE *norms;
    bool quiet;
    int print_every;
    long tail_from;
    double sum_loss, sum_metric, tail_loss, tail_metric;
    long n_sum, n_tail;
    step_record last;       /* the last step (its layers' norms copied below) */
    double *top_dh;         // (L) the top layer's ||dL/dh_t|| of the last step
    double depth_dh[64];    /* ||dL/dh_L^k|| of the last step, each layer */
} train_ctx;

static void on_step(const step_record *rec, void *p)
{
    train_ctx *c = p;
    const long s = rec->step;
    const layer_ws *top = &rec->layers[rec->K - 1].ws;
    c->last = *rec;
    memcpy(c->top_dh, top->dh_norm, (size_t)rec->L * sizeof(double));
    for (int k = 0; k < rec->K; k++)
        c->depth_dh[k] = rec->layers[k].ws.dh_norm[rec->L - 1];
    if (!rec->finite) {
        printf("# step %ld: loss %g, gradient norm %g: not finite; the run stops (diverged)\n",
               s, rec->loss, rec->grad_norm);
        return;
    }
    c->sum_loss += rec->loss, c->sum_metric += rec->metric, c->n_sum++;
    if (s > c->tail_from)
        c->tail_loss += rec->loss, c->tail_metric += rec->metric, c->n_tail++;
    bool line = s % c->print_every == 0 || s == 1 || s == c->spec->steps;
    if (line && c->norms)
        write_norms(c->norms, rec, c->spec->cell->has_c);
    if (!c->quiet && line) {
        printf("  %7ld %12.6g %10.4g %12.4e %12.4e %12.4e %12.4e\n", s,
               c->sum_loss / c->n_sum, c->sum_metric / c->n_sum, rec->grad_norm,
               rec->grad_norm_clipped, top->dh_norm[0], top->dh_norm[rec->L - 1]);
        fflush(stdout);
        c->sum_loss = c->sum_metric = 0, c->n_sum = 0;
    }
}

int cmd_train(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        help();
        return EXIT_OK;
    }
    char err[RNB_ERRLEN];
    parsed_args pa;
    if (args_split(&pa, argc, argv, needs_value, err))
        return cli_fail("train", EXIT_USAGE, "%s", err);
    if (pa.n_pos)
        return cli_fail("train", EXIT_USAGE, "unexpected argument '%s' (rnnbench train --help)", pa.pos[0]);

    config c;
    config_defaults(&c);
    bool given[64] = {false};   /* the keys set by a flag */
    int print_every = 0;
    bool quiet = false;
    const char *norms_path = NULL;
    for (int i = 0; i < pa.n_opt; i++) {
        const option *o = &pa.opt[i];
        if (!strcmp(o->name, "quiet") && !o->value) {
            quiet = true;
        } else if (!strcmp(o->name, "print-every")) {
            if (args_int(&print_every, o->value, 1, 1 << 30))
                return cli_fail("train", EXIT_USAGE, "--print-every: '%s' is not a positive integer", o->value);
        } else if (!strcmp(o->name, "norms")) {
            norms_path = o->value;
        } else {
            int k = key_index(o->name);
            if (k < 0 || strchr(o->name, '_'))
                return cli_fail("train", EXIT_USAGE, "unknown option --%s (rnnbench train --help)", o->name);
            if (config_set(&c, config_key_name(k), o->value ? o->value : "true", err))
                return cli_fail("train", EXIT_USAGE, "--%s", err);
            given[k] = true;
        }
    }
    run_spec spec;
    int rc;
    if (config_resolve(&spec, &c, err))
        return cli_fail("train", EXIT_USAGE, "--%s", err);
    /* train keeps the record a sweep's run keeps (record_run, the one
     * training driver): the workspace and the record must fit */
    int k;
    if (experiment_check_memory(&c, &spec, given, true, experiment_memory_available(), &k, err)) {
        if (k < 0)
            return cli_fail("train", EXIT_USAGE, "the run %s", err);
        char flag[64];
        return cli_fail("train", EXIT_USAGE, "--%s: the run %s", flag_of(k, flag, sizeof flag), err);
    }
    c.seq_len = spec.T;     /* an image task's own, as the header shows it */
    if (!print_every)
        print_every = spec.steps >= 20 ? (int)(spec.steps / 20) : 1;
    image_cache images = {0};
    if ((rc = image_cache_attach(&images, c.data_dir, &spec, err)))
        return cli_fail("train", rc == RNB_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE, "%s", err);

    /* The norms file is written beside its name and renamed at the end,
     * so that it is whole or absent. */
    char norms_tmp[4096];
    FILE *norms = NULL;
    if (norms_path) {
        snprintf(norms_tmp, sizeof norms_tmp, "%s.tmp.%ld", norms_path, (long)getpid());
        if (!(norms = fopen(norms_tmp, "w"))) {
            image_cache_free(&images);
            return cli_fail("train", EXIT_USAGE, "--norms: cannot write %s", norms_path);
        }
        fprintf(norms, "step\tt\tdh_norm%s\tlayer\n", spec.cell->has_c ? "\tdc_norm" : "");
    }

    run_record r;
    double *top_dh = malloc((size_t)spec.task->length(run_max_lag(&spec)) * sizeof(double));
    if (!top_dh || record_alloc(&r, &spec)) {
        free(top_dh);
        if (norms)
            fclose(norms), remove(norms_tmp);
        image_cache_free(&images);
        return cli_fail("train", EXIT_RUNTIME, "out of memory for a run of %.0f bytes",
                        (double)trainer_bytes(&spec) + record_bytes(&spec));
    }
    print_header(&c, &spec);
    train_ctx ctx = {.spec = &spec, .norms = norms, .quiet = quiet, .print_every = print_every,
                     .tail_from = spec.steps - spec.steps / 10, .top_dh = top_dh};
    double t0 = clock_seconds();
    rc = record_run(&r, &spec, NULL, on_step, &ctx, err);
    double secs = clock_seconds() - t0;
    if (rc) {
        record_free(&r), free(top_dh), image_cache_free(&images);
        if (norms)
            fclose(norms), remove(norms_tmp);
        return cli_fail("train", rc == RNB_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE, "%s", err);
    }
    if (norms) {
        bool ok = !ferror(norms);
        ok = fclose(norms) == 0 && ok;
        if (!ok || rename(norms_tmp, norms_path) != 0) {
            remove(norms_tmp);
            record_free(&r), free(top_dh), image_cache_free(&images);
            return cli_fail("train", EXIT_RUNTIME, "--norms: error writing %s", norms_path);
        }
    }
    const step_record *last = &ctx.last;
    const char *status = run_status_name(r.status);
    /* ||dL/dh_t|| of the last step, at a few t: the vanishing picture. */
    printf("# ||dL/dh_t||%s at step %ld:", spec.K > 1 ? " of the top layer" : "", last->step);
    for (int k = 0; k <= 8; k++) {
        int t = 1 + (int)((long)(last->L - 1) * k / 8);
        printf(" t=%d %.3e%s", t, ctx.top_dh[t - 1], k < 8 ? "," : "\n");
    }
    if (spec.K > 1) {       /* through depth, at the last timestep */
        printf("# ||dL/dh_L^k|| at step %ld, layer k = 0 (bottom) .. %d (top):", last->step, spec.K - 1);
        for (int k = 0; k < spec.K; k++)
            printf(" %.3e%s", ctx.depth_dh[k], k < spec.K - 1 ? "," : "\n");
    }
    if (r.n_logged)
        printf("# held-out set (%ld sequences) at step %ld: loss %.6g, metric %.4g\n",
               r.final_eval_size, r.log_step[r.n_logged - 1], r.final_loss, r.final_metric);
    if (ctx.n_tail) {
        double loss = ctx.tail_loss / ctx.n_tail, metric = ctx.tail_metric / ctx.n_tail;
        printf("# %s after %ld steps in %.2f s (%.1f steps/s): loss %.6g, metric %.4g "
               "(means over the last %ld steps), baseline %.6g, solved %s\n",
               status, last->step, secs, last->step / secs, loss, metric, ctx.n_tail,
               run_baseline(&spec),
               r.status == RUN_FINISHED && spec.task->solved(loss, metric) ? "yes" : "no");
    } else {
        printf("# %s after %ld steps in %.2f s\n", status, last->step, secs);
    }
    record_free(&r), free(top_dh), image_cache_free(&images);
    return EXIT_OK;
}
