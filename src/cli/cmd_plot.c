/* cmd_plot.c - `rnnbench plot RESULTS.h5`: the paper figures, with gnuplot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "gnuplot.h"
#include "plot.h"
#include "status.h"

static bool needs_value(const char *name)
{
    return !strcmp(name, "out") || !strcmp(name, "format") || !strcmp(name, "runs") || !strcmp(name, "layer") ||
           !strcmp(name, "panel");
}

static void help(void)
{
    printf("usage: rnnbench plot RESULTS.h5 [-o DIR] [--format png,svg,pdf] [--runs FILTER] [--layer N|top|all]\n"
           "                    [--panel KEYS] [--quiet]\n"
           "\n"
           "Draws the figures of a results file with gnuplot (docs/figures.md):\n"
           "  grad_through_time  ||dL/dh_t|| against t at the first and last logged step\n"
           "  grad_heatmap       log10 ||dL/dh_t|| over training step x timestep, per run\n"
           "  grad_depth_time    log10 ||dL/dh_t^l|| over layer x timestep at the first and last\n"
           "                     logged step, per run (only where a run has num_layers > 1)\n"
           "  training_curves    held-out loss, mean and min-max over seeds, and the baseline\n"
           "  grad_norm          gradient norm before clipping, the threshold, clipped steps\n"
           "  w_hh_spectrum      spectral radius and largest singular value of W_hh through training\n"
           "  length_sweep       final loss / baseline and solved fraction against T\n"
           "Colour is the cell and a panel the clip mode; each other key that varies makes\n"
           "figures of its own (STEM-KEY=VALUE). Beside each image: STEM.tsv, the data it\n"
           "drew, and STEM.gp, the script that drew it (cd DIR && gnuplot STEM.gp).\n"
           "\n"
           "  -o, --out DIR     where the figures go (default plots/NAME, NAME the results\n"
           "                    file's); made if missing, its parent must exist\n"
           "  --format LIST     any of png, svg, pdf, comma-separated (default png,svg,pdf)\n"
           "  --runs FILTER     only the runs that match: KEY=VALUE terms joined by commas,\n"
           "                    VALUE one or several joined by '|' (cell=lstm|gru,seed=1);\n"
           "                    KEY an experiment key or status\n"
           "  --layer N         the layer grad_through_time, grad_heatmap and w_hh_spectrum\n"
           "                    draw: top (default: each run's top layer, which the readout\n"
           "                    reads), N (0 the bottom; figures STEM_lN), or all (a figure\n"
           "                    per layer, STEM_l0, STEM_l1, ...)\n"
           "  --panel KEYS      a panel (a dash in length_sweep) per clip mode and value of\n"
           "                    these keys, comma-separated, which then make no figures of\n"
           "                    their own: --panel omega puts Pascanu et al.'s three arms\n"
           "                    (clip none; norm:1; norm:1 with omega 4) in one figure\n"
           "  --quiet           no list of what was made\n"
           "\n"
           "Exit status 0 when done, 2 for bad input (no gnuplot, not a results file or a\n"
           "malformed one, a filter that matches nothing, a layer no run has, an unknown\n"
           "--panel key), 1 when\n"
           "writing or gnuplot fails. The figures go into DIR only when all are made: a\n"
           "failure leaves DIR as it was.\n");
}

/* "png,svg" -> "png svg", each known and once. */
static int parse_formats(char *out, size_t n, const char *list, char *err)
{
    static const char *const known[] = {"png", "svg", "pdf"};
    size_t len = 0;
    out[0] = '\0';
    for (const char *s = list; *s;) {
        size_t k = strcspn(s, ",");
        int j;
        for (j = 0; j < 3 && !(strlen(known[j]) == k && !strncmp(s, known[j], k)); j++)
            ;
        if (j == 3)
            return rnb_error(err, RNB_EINVAL, "--format: '%.*s' is not png, svg or pdf", (int)k, s);
        if (strstr(out, known[j]))
            return rnb_error(err, RNB_EINVAL, "--format: %s given twice", known[j]);
        len += snprintf(out + len, n - len, "%s%s", len ? " " : "", known[j]);
        s += k + (s[k] == ',');
    }
    if (!len)
        return rnb_error(err, RNB_EINVAL, "--format: no format given");
    return RNB_OK;
}

/* --layer: "top", "all" or a layer's index (0 the bottom). */
static int parse_layer(int *layer, const char *s, char *err)
{
    if (!strcmp(s, "top") || !strcmp(s, "all")) {
        *layer = s[0] == 't' ? PLOT_LAYER_TOP : PLOT_LAYER_ALL;
        return RNB_OK;
    }
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 0 || v > 1 << 20 || s[0] == '-' || s[0] == '+')
        return rnb_error(err, RNB_EINVAL, "--layer: '%s' is not a layer (0, 1, ...; 0 the bottom), top or all", s);
    *layer = (int)v;
    return RNB_OK;
}

/* plots/NAME for results/NAME.h5 */
static void default_dir(char *out, size_t n, const char *results)
{
    const char *base = strrchr(results, '/');
    base = base ? base + 1 : results;
    size_t len = strlen(base);
    if (len > 3 && !strcmp(base + len - 3, ".h5"))
        len -= 3;
    snprintf(out, n, "plots/%.*s", (int)len, base);
}

int cmd_plot(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        help();
        return EXIT_OK;
    }
    char *args[ARGS_MAX];
    int n = args_long_o(args, argc, argv);
    char err[RNB_ERRLEN];
    parsed_args pa;
    if (args_split(&pa, n, args, needs_value, err))
        return cli_fail("plot", EXIT_USAGE, "%s", err);
    const char *out = NULL, *formats = "png,svg,pdf", *filter = NULL, *layer_arg = "top", *panel = "";
    bool quiet = false;
    for (int i = 0; i < pa.n_opt; i++) {
        const option *o = &pa.opt[i];
        if (!strcmp(o->name, "out") && o->value)
            out = o->value;
        else if (!strcmp(o->name, "format") && o->value)
            formats = o->value;
        else if (!strcmp(o->name, "runs") && o->value)
            filter = o->value;
        else if (!strcmp(o->name, "layer") && o->value)
            layer_arg = o->value;
        else if (!strcmp(o->name, "panel") && o->value)
            panel = o->value;
        else if (!strcmp(o->name, "quiet") && !o->value)
            quiet = true;
        else
            return cli_fail("plot", EXIT_USAGE, "unknown option --%s (rnnbench plot --help)", o->name);
    }
    if (pa.n_pos != 1)
        return cli_fail("plot", EXIT_USAGE, "expected one RESULTS.h5 (rnnbench plot --help)");
    char fmts[32], gnuplot[4096], dir[4096];
    int layer = PLOT_LAYER_TOP;
    if (parse_formats(fmts, sizeof fmts, formats, err) || parse_layer(&layer, layer_arg, err) ||
        gnuplot_find(gnuplot, sizeof gnuplot, err))
        return cli_fail("plot", EXIT_USAGE, "%s", err);

    plot_runs p;
    int rc = plot_runs_read(&p, pa.pos[0], err);
    if (!rc && filter)
        rc = plot_runs_filter(&p, filter, err);
    if (!rc)
        rc = plot_runs_set_panel(&p, panel, err);
    if (rc) {
        plot_runs_free(&p);
        return cli_fail("plot", rc == RNB_EINVAL ? EXIT_USAGE : EXIT_RUNTIME, "%s", err);
    }
    /* plots/, the default folder's parent, goes again if plot fails */
    bool made_plots = false;
    if (out)
        snprintf(dir, sizeof dir, "%s", out);
    else
        default_dir(dir, sizeof dir, pa.pos[0]), made_plots = mkdir("plots", 0777) == 0;
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        dir[--len] = '\0';
    if (!quiet)
        printf("%s: %d runs of experiment %s -> %s/\n", pa.pos[0], p.n, p.file.experiment, dir);
    plot_options o = {dir, fmts, gnuplot, quiet ? NULL : stdout, layer};
    int made;
    rc = plot_all(&p, &o, &made, err);
    plot_runs_free(&p);
    if (rc && made_plots)
        rmdir("plots");
    if (rc)
        return cli_fail("plot", rc == RNB_EINVAL ? EXIT_USAGE : EXIT_RUNTIME, "%s", err);
    if (!quiet)
        printf("%d figures\n", made);
    return EXIT_OK;
}
