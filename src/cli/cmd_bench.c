/* cmd_bench.c - `rnnbench bench`: training speed at a set of sizes, as a
 * table (and CSV), for docs/performance.md and bench/compare.sh. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "bench.h"
#include "cli.h"
#include "idx.h"
#include "kernels.h"
#include "status.h"

static bool needs_value(const char *name)
{
    return strcmp(name, "quick") != 0 && strcmp(name, "help") != 0;
}

static void help(void)
{
    printf("usage: rnnbench bench [--cells LIST] [--tasks LIST] [--sizes BxH,...] [--seq-lens LIST]\n"
           "                      [--layers LIST] [--seconds S] [--threads P] [--csv FILE] [--quick]\n"
           "\n"
           "For each configuration (adam, no clipping), measures on 1 thread the training\n"
           "steps per second with the per-timestep norms ||dL/dh_t|| computed and without\n"
           "them, the model GFLOP/s, and the same step's GEMMs alone (the BLAS-bound rate);\n"
           "then P runs on P threads together (a sweep's throughput).\n"
           "\n"
           "  --cells     default rnn_tanh,lstm,gru\n"
           "  --tasks     default copy (smnist, psmnist, rmnist read Fashion-MNIST from\n"
           "              data_dir's default, /usr/share/datasets/fashion-mnist)\n"
           "  --sizes     batch x hidden, default 20x40,20x50,20x64,10x128,128x128,128x256,128x512\n"
           "              (Arjovsky et al. LSTM 40, Pascanu et al. H=50 batch 20, nnRNN H=128\n"
           "              batch 10, and larger)\n"
           "  --seq-lens  default 100\n"
           "  --layers    num_layers, default 1 (K in the table; a K-layer step does\n"
           "              about K times a 1-layer step's work)\n"
           "  --seconds   per measurement, default 1\n"
           "  --threads   P, default all cores (%d here)\n"
           "  --csv FILE  also write the table as CSV\n"
           "  --quick     one tiny configuration (a smoke test)\n",
           omp_get_num_procs());
}

/* Splits a comma list in place into items (at most max). */
static int split(char *list, char **items, int max)
{
    int n = 0;
    for (char *p = list, *next; p && n < max; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        if (*p)
            items[n++] = p;
    }
    return n;
}

int cmd_bench(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        help();
        return EXIT_OK;
    }
    char err[RNB_ERRLEN];
    parsed_args pa;
    if (args_split(&pa, argc, argv, needs_value, err))
        return cli_fail("bench", EXIT_USAGE, "%s", err);
    char cells[256] = "rnn_tanh,lstm,gru", tasks[256] = "copy",
         sizes[512] = "20x40,20x50,20x64,10x128,128x128,128x256,128x512", lens[256] = "100",
         layers[256] = "1";
    const char *csv_path = NULL;
    double seconds = 1;
    int threads = omp_get_num_procs();
    for (int i = 0; i < pa.n_opt; i++) {
        const option *o = &pa.opt[i];
        char *end;
        if (!strcmp(o->name, "cells"))
            snprintf(cells, sizeof cells, "%s", o->value);
        else if (!strcmp(o->name, "tasks"))
            snprintf(tasks, sizeof tasks, "%s", o->value);
        else if (!strcmp(o->name, "sizes"))
            snprintf(sizes, sizeof sizes, "%s", o->value);
        else if (!strcmp(o->name, "seq-lens"))
            snprintf(lens, sizeof lens, "%s", o->value);
        else if (!strcmp(o->name, "layers"))
            snprintf(layers, sizeof layers, "%s", o->value);
        else if (!strcmp(o->name, "csv"))
            csv_path = o->value;
        else if (!strcmp(o->name, "seconds")) {
            seconds = strtod(o->value, &end);
            if (end == o->value || *end || !(seconds > 0 && seconds < 3600))
                return cli_fail("bench", EXIT_USAGE, "--seconds: '%s' is not a positive number", o->value);
        } else if (!strcmp(o->name, "threads")) {
            if (args_int(&threads, o->value, 1, 4096))
                return cli_fail("bench", EXIT_USAGE, "--threads: '%s' is not a positive integer", o->value);
        } else if (!strcmp(o->name, "quick") && !o->value) {
            strcpy(cells, "lstm"), strcpy(tasks, "copy"), strcpy(sizes, "4x8"), strcpy(lens, "10");
            seconds = 0.05;
        } else
            return cli_fail("bench", EXIT_USAGE, "unknown option --%s (rnnbench bench --help)", o->name);
    }
    if (pa.n_pos)
        return cli_fail("bench", EXIT_USAGE, "unexpected argument '%s'", pa.pos[0]);

    char *cl[16], *tl[8], *sl[32], *ll[16], *kl[16];
    int nc = split(cells, cl, 16), nt = split(tasks, tl, 8), ns = split(sizes, sl, 32), nl = split(lens, ll, 16);
    int nk = split(layers, kl, 16);
    /* every configuration is checked before any is measured */
    run_spec *specs = malloc(sizeof(run_spec) * (nc * nt * ns * nl * nk + 1));
    if (!specs)
        return cli_fail("bench", EXIT_RUNTIME, "out of memory");
    int n = 0;
    image_cache images = {0};   /* the image tasks' dataset, read once */
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nt; b++)
            for (int c = 0; c < nl; c++)
                for (int d = 0; d < ns * nk; d++) {
                    config cfg;
                    config_defaults(&cfg);
                    long B, H;
                    const char *size = sl[d / nk], *K = kl[d % nk];
                    char *x = strchr(size, 'x');
                    if (!x || sscanf(size, "%ldx%ld", &B, &H) != 2) {
                        free(specs), image_cache_free(&images);
                        return cli_fail("bench", EXIT_USAGE, "--sizes: '%s' is not BATCHxHIDDEN", size);
                    }
                    cfg.batch = B, cfg.hidden = H;
                    const cell_type *ct = cell_find(cl[a]);     /* exprnn, lru: their own init only */
                    if ((ct && ct->own_init_only && config_set(&cfg, "init", "paper", err)) ||
                        config_set(&cfg, "cell", cl[a], err) || config_set(&cfg, "task", tl[b], err) ||
                        config_set(&cfg, "seq_len", ll[c], err) || config_set(&cfg, "num_layers", K, err) ||
                        config_resolve(&specs[n], &cfg, err)) {
                        free(specs), image_cache_free(&images);
                        return cli_fail("bench", EXIT_USAGE, "--%s", err);
                    }
                    int rc = image_cache_attach(&images, cfg.data_dir, &specs[n], err);
                    if (rc) {
                        free(specs), image_cache_free(&images);
                        return cli_fail("bench", rc == RNB_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE, "%s", err);
                    }
                    n++;
                }

    FILE *csv = NULL;
    if (csv_path && !(csv = fopen(csv_path, "w"))) {
        free(specs), image_cache_free(&images);
        return cli_fail("bench", EXIT_USAGE, "--csv: cannot write %s", csv_path);
    }
    if (csv)
        fprintf(csv, "cell,task,seq_len,batch,hidden,flops_per_step,steps_per_s,gflops,"
                     "steps_per_s_nonorm,norm_cost_pct,gemm_steps_per_s,gemm_gflops,pct_of_gemm,"
                     "threads,agg_steps_per_s,scaling,fma_peak_gflops,pct_of_peak,num_layers\n");
    const double peak = bench_fma_peak(seconds < 0.5 ? 0.2 : 0.5);
    printf("# rnnbench %s bench, %s, kernels %s, FMA peak %.1f GFLOP/s (1 core, independent %s FMA chains); "
           "1 thread unless said; P = %d\n", RNNBENCH_VERSION, RNB_PRECISION, kernels_path(), peak, kernels_path(),
           threads);
    printf("%-13s %-18s %5s %4s %4s %10s %8s %6s %10s %7s %10s %8s %6s %12s %7s %3s\n", "cell", "task", "T",
           "B", "H", "steps/s", "GFLOP/s", "ofPeak", "no norms", "norms", "GEMMs", "GFLOP/s", "ofGEMM",
           "P runs st/s", "scaling", "K");
    for (int i = 0; i < n; i++) {
        const run_spec *s = &specs[i];
        bench_result r;
        if (bench_run(&r, s, seconds, threads, err)) {
            if (csv)
                fclose(csv);
            free(specs), image_cache_free(&images);
            return cli_fail("bench", EXIT_RUNTIME, "%s", err);
        }
        double gf = r.flops * r.steps_per_s / 1e9, gg = r.flops * r.gemm_steps_per_s / 1e9;
        double cost = 100 * (r.steps_per_s_nonorm / r.steps_per_s - 1);
        double scaling = r.agg_steps_per_s / (threads * r.steps_per_s);
        printf("%-13s %-18s %5d %4d %4d %10.1f %8.1f %5.0f%% %10.1f %+6.1f%% %10.1f %8.1f %5.0f%% %12.1f %7.2f %3d\n",
               s->cell->name, s->task->name, s->T, s->B, s->H, r.steps_per_s, gf, 100 * gf / peak,
               r.steps_per_s_nonorm, cost, r.gemm_steps_per_s, gg, 100 * gf / gg,
               r.agg_steps_per_s, scaling, s->K);
        if (r.reparam_s > 0)
            printf("# %s %dx%d T=%d: forming W_hh and its adjoint %.1f ms of a %.1f ms step (%.1f%%)\n",
                   s->cell->name, s->B, s->H, s->T, 1e3 * r.reparam_s, 1e3 / r.steps_per_s,
                   100 * r.reparam_s * r.steps_per_s);
        fflush(stdout);
        if (csv)
            fprintf(csv, "%s,%s,%d,%d,%d,%.6g,%.6g,%.6g,%.6g,%.4g,%.6g,%.6g,%.4g,%d,%.6g,%.4g,%.6g,%.4g,%d\n",
                    s->cell->name, s->task->name, s->T, s->B, s->H, r.flops, r.steps_per_s, gf,
                    r.steps_per_s_nonorm, cost, r.gemm_steps_per_s, gg, 100 * gf / gg, threads,
                    r.agg_steps_per_s, scaling, peak, 100 * gf / peak, s->K);
    }
    free(specs), image_cache_free(&images);
    if (csv && fclose(csv) != 0)
        return cli_fail("bench", EXIT_RUNTIME, "--csv: error writing %s", csv_path);
    printf("# ofPeak: model GFLOP/s as a share of the FMA peak above\n"
           "# norms: time the per-timestep norms add (steps/s without them / with them - 1)\n"
           "# ofGEMM: model GFLOP/s as a share of the rate of the same GEMMs alone\n"
           "# scaling: P runs' steps/s / (P x one run's)\n");
    return EXIT_OK;
}
