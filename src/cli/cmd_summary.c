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
           "  loss       held-out loss at the last logged step, mean and sd over the\n"
           "             finished runs, and the task's memoryless baseline\n"
           "  solved     fraction of runs solved on held-out data at the end; the\n"
           "             median first logged step at which they were\n"
           "  peak|g|    the largest gradient norm before clipping, any step, any run\n"
           "  clipped    fraction of steps whose gradient clipping changed\n"
           "  vanish     median ||dL/dh_1|| / ||dL/dh_L|| at the first and last logged step;\n"
           "             dh_1 the row's first finite column (with variable_length a shorter\n"
           "             batch's row begins with NaN)\n"
           "--csv: the same columns, comma-separated, full precision.\n");
}

static void num(char *buf, size_t n, double v, const char *fmt)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, fmt, v);
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
        printf("point,runs,diverged,interrupted,loss_mean,loss_sd,baseline,solved_frac,"
               "solve_step_median,peak_grad_norm,clipped_frac,vanish_first,vanish_last\n");
        for (int i = 0; i < s.n; i++) {
            const summary_row *r = &s.rows[i];
            printf("\"%s\",%d,%d,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", r->point,
                   r->runs, r->diverged, r->interrupted, r->loss_mean, r->loss_sd, r->baseline,
                   r->solved_frac, r->solve_step, r->peak_grad_norm, r->clipped_frac,
                   r->vanish_first, r->vanish_last);
        }
        summary_free(&s);
        return EXIT_OK;
    }

    int w = 5;
    for (int i = 0; i < s.n; i++)
        w = (int)strlen(s.rows[i].point) > w ? (int)strlen(s.rows[i].point) : w;
    printf("%s (%s): %d grid points\n\n", s.experiment, s.precision, s.n);
    printf("%-*s %6s %21s %9s %7s %7s %9s %7s %19s\n", w, "point", "runs", "loss (mean ± sd)",
           "baseline", "solved", "at", "peak|g|", "clipped", "vanish first/last");
    for (int i = 0; i < s.n; i++) {
        const summary_row *r = &s.rows[i];
        char runs[32], mean[16], sd[16], at[16], peak[16], v1[16], v2[16];
        snprintf(runs, sizeof runs, "%d%s", r->runs,
                 r->diverged || r->interrupted ? "*" : "");
        num(mean, sizeof mean, r->loss_mean, "%.4g");
        num(sd, sizeof sd, r->loss_sd, "%.2g");
        num(at, sizeof at, r->solve_step, "%.0f");
        num(peak, sizeof peak, r->peak_grad_norm, "%.3g");
        num(v1, sizeof v1, r->vanish_first, "%.1e");
        num(v2, sizeof v2, r->vanish_last, "%.1e");
        printf("%-*s %6s %11s ± %-7s %9.4g %7.2f %7s %9s %7.3f %9s/%-9s\n", w, r->point, runs,
               mean, sd, r->baseline, r->solved_frac, at, peak, r->clipped_frac, v1, v2);
    }
    bool any = false;
    for (int i = 0; i < s.n; i++)
        if (s.rows[i].diverged || s.rows[i].interrupted) {
            if (!any)
                printf("\n* runs that did not finish:");
            printf("%s %s: %d diverged, %d interrupted", any ? ";" : "", s.rows[i].point,
                   s.rows[i].diverged, s.rows[i].interrupted);
            any = true;
        }
    if (any)
        printf("\n");
    summary_free(&s);
    return EXIT_OK;
}
