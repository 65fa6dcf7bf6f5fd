/* cmd_summary.c - `rnnbench summary OUT.h5 [--csv]`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "status.h"
#include "summary.h"

static bool needs_value(const char *name)
{
    (void)name;
    return false;
}

static void help(void)
{
    printf("usage: rnnbench summary RESULTS.h5 [--csv]\n"
           "\n"
           "One row per grid point, over the runs that differ only in their seed:\n"
           "  runs       runs (diverged, interrupted among them)\n"
           "  loss       held-out loss at the last logged step (over a dataset: on its\n"
           "             whole test split, after the last step), mean and sd over the\n"
           "             finished runs, and the task's memoryless baseline\n"
           "  solved     runs solved on held-out data at the end, of all, with the\n"
           "             fraction's 95%% Wilson score interval; the median first logged\n"
           "             step at which they were\n"
           "  peak|g|    the largest gradient norm before clipping, any step, any run\n"
           "  clipped    fraction of steps whose gradient clipping changed\n"
           "  vanish     median ||dL/dh_1|| / ||dL/dh_L|| at the first and last logged step,\n"
           "             at the top layer (the one the readout reads); dh_1 the row's first\n"
           "             finite column (with variable_length a shorter batch's row begins\n"
           "             with NaN)\n"
           "When a run has num_layers > 1, also:\n"
           "  layers     num_layers\n"
           "  depth      median ||dL/dh_T^0|| / ||dL/dh_T^top||, bottom layer over top at the\n"
           "             last timestep T, at the first and last logged step\n"
           "and, below the table, vanish at each layer of the points with more than one.\n"
           "When a run is over a dataset (smnist, psmnist, rmnist), also:\n"
           "  accuracy   its test accuracy at the end (on the whole test split), mean and sd\n"
           "             over the finished runs; such a point has no solved rule (-)\n"
           "Ratios come from dh_log10 where the file has it, so that one past float64's\n"
           "range is printed too (1.0e-400).\n"
           "--csv: the same columns, comma-separated, full precision (with more than one\n"
           "layer: num_layers, depth_first, depth_last, then vanish_first_lN and\n"
           "vanish_last_lN for each layer N, empty where a point has fewer layers).\n");
}

static void num(char *buf, size_t n, double v, const char *fmt)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, fmt, v);
}

/* A ratio given as its log10 lg, as "%.{digits}e" prints the ratio, and
 * past float64's range too ("5.0e-401"); none ("-" or "nan") for NaN. */
static void ratio_text(char *buf, size_t n, double lg, int digits, const char *none)
{
    if (isnan(lg)) {
        snprintf(buf, n, "%s", none);
        return;
    }
    if (!isfinite(lg) || fabs(lg) < 300) {  /* 0 and inf as printf has them */
        snprintf(buf, n, "%.*e", digits, pow(10, lg));
        return;
    }
    double e = floor(lg);
    char mant[32];
    snprintf(mant, sizeof mant, "%.*f", digits, pow(10, lg - e));
    if (mant[0] == '1' && mant[1] == '0')   /* 9.96 rounded up to 10.0: 1.0 of the next decade */
        snprintf(mant, sizeof mant, "%.*f", digits, pow(10, lg - e - 1)), e += 1;
    snprintf(buf, n, "%se%+.0f", mant, e);
}

/* The same ratio for --csv: %.9g as before, where a double holds it. */
static void ratio_csv(char *buf, size_t n, double lg)
{
    if (isnan(lg) || !isfinite(lg) || fabs(lg) < 300)
        snprintf(buf, n, "%.9g", isnan(lg) ? NAN : pow(10, lg));
    else
        ratio_text(buf, n, lg, 8, "nan");
}

static void print_csv(const summary *s)
{
    const bool deep = s->max_layers > 1;
    printf("point,runs,diverged,interrupted,loss_mean,loss_sd,baseline,solved_frac,"
           "solved,solved_lo,solved_hi,solve_step_median,peak_grad_norm,clipped_frac,vanish_first,vanish_last");
    if (deep) {
        printf(",num_layers,depth_first,depth_last");
        for (int l = 0; l < s->max_layers; l++)
            printf(",vanish_first_l%d,vanish_last_l%d", l, l);
    }
    if (s->benchmark)
        printf(",metric_mean,metric_sd");
    printf("\n");
    for (int i = 0; i < s->n; i++) {
        const summary_row *r = &s->rows[i];
        char v1[48], v2[48];
        ratio_csv(v1, sizeof v1, r->lg_vanish_first);
        ratio_csv(v2, sizeof v2, r->lg_vanish_last);
        printf("\"%s\",%d,%d,%d,%.9g,%.9g,%.9g,%.9g,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%s,%s", r->point,
               r->runs, r->diverged, r->interrupted, r->loss_mean, r->loss_sd, r->baseline,
               r->solved_frac, r->solved, r->solved_lo, r->solved_hi, r->solve_step, r->peak_grad_norm,
               r->clipped_frac, v1, v2);
        if (deep) {
            ratio_csv(v1, sizeof v1, r->lg_depth_first);
            ratio_csv(v2, sizeof v2, r->lg_depth_last);
            printf(",%d,%s,%s", r->layers, v1, v2);
            for (int l = 0; l < s->max_layers; l++) {
                v1[0] = v2[0] = '\0';   /* a layer the point does not have: empty */
                if (l < r->layers) {
                    ratio_csv(v1, sizeof v1, r->lg_vanish_layer[l]);
                    ratio_csv(v2, sizeof v2, r->lg_vanish_layer[r->layers + l]);
                }
                printf(",%s,%s", v1, v2);
            }
        }
        if (s->benchmark)
            printf(",%.9g,%.9g", r->metric_mean, r->metric_sd);
        printf("\n");
    }
}

/* "1.2e-06/4.8e-01" in a column of width 19 */
static void print_pair(double first, double last)
{
    char v1[48], v2[48];
    ratio_text(v1, sizeof v1, first, 1, "-");
    ratio_text(v2, sizeof v2, last, 1, "-");
    printf(" %9s/%-9s", v1, v2);
}

static void print_table(const summary *s, int w)
{
    const bool deep = s->max_layers > 1;
    printf("%-*s %6s %21s %9s %17s %7s %9s %7s %19s", w, "point", "runs", "loss (mean ± sd)",
           "baseline", "solved (95% CI)", "at", "peak|g|", "clipped", "vanish first/last");
    if (deep)
        printf(" %6s %19s", "layers", "depth first/last");
    if (s->benchmark)
        printf(" %21s", "accuracy (mean ± sd)");
    printf("\n");
    for (int i = 0; i < s->n; i++) {
        const summary_row *r = &s->rows[i];
        char runs[32], mean[16], sd[16], at[16], peak[16];
        snprintf(runs, sizeof runs, "%d%s", r->runs,
                 r->diverged || r->interrupted ? "*" : "");
        num(mean, sizeof mean, r->loss_mean, "%.4g");
        num(sd, sizeof sd, r->loss_sd, "%.2g");
        num(at, sizeof at, r->solve_step, "%.0f");
        num(peak, sizeof peak, r->peak_grad_norm, "%.3g");
        char k_of_n[24], solved[48];    /* a benchmark has no solved rule: its accuracy is at the end */
        snprintf(k_of_n, sizeof k_of_n, "%d/%d", r->solved, r->runs);
        if (r->benchmark)
            snprintf(solved, sizeof solved, "%17s", "-");
        else
            snprintf(solved, sizeof solved, "%7s %.2f-%.2f", k_of_n, r->solved_lo, r->solved_hi);
        printf("%-*s %6s %11s ± %-7s %9.4g %s %7s %9s %7.3f", w, r->point, runs,
               mean, sd, r->baseline, solved, at, peak, r->clipped_frac);
        print_pair(r->lg_vanish_first, r->lg_vanish_last);
        if (deep) {
            printf(" %6d", r->layers);
            print_pair(r->lg_depth_first, r->lg_depth_last);
        }
        if (r->benchmark) {
            char acc[16], acc_sd[16];
            num(acc, sizeof acc, r->metric_mean, "%.4f");
            num(acc_sd, sizeof acc_sd, r->metric_sd, "%.2g");
            printf(" %11s ± %-7s", acc, acc_sd);
        }
        printf("\n");
    }
}

static void print_unfinished(const summary *s)
{
    bool any = false;
    for (int i = 0; i < s->n; i++)
        if (s->rows[i].diverged || s->rows[i].interrupted) {
            if (!any)
                printf("\n* runs that did not finish:");
            printf("%s %s: %d diverged, %d interrupted", any ? ";" : "", s->rows[i].point,
                   s->rows[i].diverged, s->rows[i].interrupted);
            any = true;
        }
    if (any)
        printf("\n");
}

/* vanish at every layer of the points that have more than one. */
static void print_layers(const summary *s, int w)
{
    if (s->max_layers < 2)
        return;
    printf("\nvanish at each layer l, ||dL/dh_1^l|| / ||dL/dh_L^l|| at the first/last logged step\n"
           "(layer 0 the bottom, which reads the input; a point's last layer is its top, the table's vanish):\n");
    printf("%-*s", w, "point");
    for (int l = 0; l < s->max_layers; l++) {
        char head[32];
        snprintf(head, sizeof head, "layer %d first/last", l);
        printf(" %19s", head);
    }
    printf("\n");
    for (int i = 0; i < s->n; i++) {
        const summary_row *r = &s->rows[i];
        if (r->layers < 2)
            continue;
        printf("%-*s", w, r->point);
        for (int l = 0; l < r->layers; l++)
            print_pair(r->lg_vanish_layer[l], r->lg_vanish_layer[r->layers + l]);
        printf("\n");
    }
}

int cmd_summary(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        help();
        return EXIT_OK;
    }
    char err[RNB_ERRLEN];
    parsed_args pa;
    if (args_split(&pa, argc, argv, needs_value, err))
        return cli_fail("summary", EXIT_USAGE, "%s", err);
    bool csv = false;
    for (int i = 0; i < pa.n_opt; i++) {
        if (!strcmp(pa.opt[i].name, "csv") && !pa.opt[i].value)
            csv = true;
        else
            return cli_fail("summary", EXIT_USAGE, "unknown option --%s (rnnbench summary --help)", pa.opt[i].name);
    }
    if (pa.n_pos != 1)
        return cli_fail("summary", EXIT_USAGE, "expected one RESULTS.h5 (rnnbench summary --help)");
    summary s;
    int rc = summary_read(&s, pa.pos[0], err);
    if (rc)
        return cli_fail("summary", rc == RNB_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE, "%s", err);

    if (csv) {
        print_csv(&s);
        summary_free(&s);
        return EXIT_OK;
    }
    int w = 5;
    for (int i = 0; i < s.n; i++)
        w = (int)strlen(s.rows[i].point) > w ? (int)strlen(s.rows[i].point) : w;
    printf("%s (%s): %d grid points\n\n", s.experiment, s.precision, s.n);
    print_table(&s, w);
    print_unfinished(&s);
    print_layers(&s, w);
    summary_free(&s);
    return EXIT_OK;
}
