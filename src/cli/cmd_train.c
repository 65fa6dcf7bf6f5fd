/* cmd_train.c - `rnnbench train`: one run, printed as it goes.
 * Every key of CONFIG_KEYS is a flag (underscores as dashes). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "clock.h"
#include "config.h"
#include "experiment.h"
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
        char v[64];
        config_key_value(c, i, v, sizeof v);
        printf(" %s=%s", config_key_name(i), v);
    }
    int L = s->task->length(s->T), Lmax = s->task->length(run_max_lag(s));
    if (Lmax != L)
        printf("\n# sequence length %d to %d (variable_length), %zu parameters, workspace %.2f MiB\n", L, Lmax,
               model_param_count(s->cell, s->task, s->K, s->H), trainer_bytes(s) / 1048576.0);
    else
        printf("\n# sequence length %d, %zu parameters, workspace %.2f MiB\n", L,
           model_param_count(s->cell, s->task, s->K, s->H), trainer_bytes(s) / 1048576.0);
    printf("# baseline loss %.6g (memoryless), solved when %s\n",
           run_baseline(s), s->task->solved_rule);
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

/* ||dL/dh_t|| of the top layer. */
static double top_dh(const step_record *rec, int t) { return rec->layers[rec->K - 1].ws.dh_norm[t]; }

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
    if (config_resolve(&spec, &c, err))
        return cli_fail("train", EXIT_USAGE, "--%s", err);
    /* train keeps no per-step record: its workspace is what must fit */
    int k;
    if (experiment_check_memory(&c, &spec, given, false, experiment_memory_available(), &k, err)) {
        if (k < 0)
            return cli_fail("train", EXIT_USAGE, "the run %s", err);
        char flag[64];
        return cli_fail("train", EXIT_USAGE, "--%s: the run %s", flag_of(k, flag, sizeof flag), err);
    }
    if (!print_every)
        print_every = spec.steps >= 20 ? (int)(spec.steps / 20) : 1;

    /* The norms file is written beside its name and renamed at the end,
     * so that it is whole or absent. */
    char norms_tmp[4096];
    FILE *norms = NULL;
    if (norms_path) {
        snprintf(norms_tmp, sizeof norms_tmp, "%s.tmp.%ld", norms_path, (long)getpid());
        if (!(norms = fopen(norms_tmp, "w")))
            return cli_fail("train", EXIT_USAGE, "--norms: cannot write %s", norms_path);
        fprintf(norms, "step\tt\tdh_norm%s\tlayer\n", spec.cell->has_c ? "\tdc_norm" : "");
    }

    trainer tr;
    int rc = trainer_create(&tr, &spec, err);
    if (rc) {
        if (norms)
            fclose(norms), remove(norms_tmp);
        return cli_fail("train", rc == RNB_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE, "%s", err);
    }
    print_header(&c, &spec);

    /* Means over the lines' intervals, and over the last tenth of the run
     * for the summary: one step's loss is too noisy to report. */
    double sum_loss = 0, sum_metric = 0, tail_loss = 0, tail_metric = 0;
    long n_sum = 0, n_tail = 0, tail_from = spec.steps - spec.steps / 10;
    const char *status = "finished";
    step_record rec = {0};
    double t0 = clock_seconds();
    for (long s = 1; s <= spec.steps; s++) {
        trainer_step(&tr, &rec);
        if (!rec.finite) {
            printf("# step %ld: loss %g, gradient norm %g: not finite; the run stops (diverged)\n",
                   rec.step, rec.loss, rec.grad_norm);
            status = "diverged";
            break;
        }
        sum_loss += rec.loss, sum_metric += rec.metric, n_sum++;
        if (s > tail_from)
            tail_loss += rec.loss, tail_metric += rec.metric, n_tail++;
        bool line = s % print_every == 0 || s == 1 || s == spec.steps;
        if (line && norms)
            write_norms(norms, &rec, spec.cell->has_c);
        if (!quiet && line) {
            printf("  %7ld %12.6g %10.4g %12.4e %12.4e %12.4e %12.4e\n", s,
                   sum_loss / n_sum, sum_metric / n_sum, rec.grad_norm,
                   rec.grad_norm_clipped, top_dh(&rec, 0), top_dh(&rec, rec.L - 1));
            fflush(stdout);
            sum_loss = sum_metric = 0, n_sum = 0;
        }
    }
    double secs = clock_seconds() - t0;
    if (norms) {
        bool ok = !ferror(norms);
        ok = fclose(norms) == 0 && ok;
        if (!ok || rename(norms_tmp, norms_path) != 0) {
            remove(norms_tmp);
            trainer_free(&tr);
            return cli_fail("train", EXIT_RUNTIME, "--norms: error writing %s", norms_path);
        }
    }

    /* ||dL/dh_t|| of the last step, at a few t: the vanishing picture. */
    printf("# ||dL/dh_t||%s at step %ld:", spec.K > 1 ? " of the top layer" : "", rec.step);
    for (int k = 0; k <= 8; k++) {
        int t = 1 + (int)((long)(rec.L - 1) * k / 8);
        printf(" t=%d %.3e%s", t, top_dh(&rec, t - 1), k < 8 ? "," : "\n");
    }
    if (n_tail) {
        double loss = tail_loss / n_tail, metric = tail_metric / n_tail;
        printf("# %s after %ld steps in %.2f s (%.1f steps/s): loss %.6g, metric %.4g "
               "(means over the last %ld steps), baseline %.6g, solved %s\n",
               status, rec.step, secs, rec.step / secs, loss, metric, n_tail,
               run_baseline(&spec),
               strcmp(status, "finished") == 0 && spec.task->solved(loss, metric) ? "yes" : "no");
    } else {
        printf("# %s after %ld steps in %.2f s\n", status, rec.step, secs);
    }
    trainer_free(&tr);
    return EXIT_OK;
}
