#include "summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "results_read.h"
#include "status.h"

/* "cell=lstm,seed=3,clip=none" -> "cell=lstm,clip=none" */
static void strip_seed(char *out, size_t n, const char *name)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *tok = name; *tok;) {
        size_t k = strcspn(tok, ",");
        if (strncmp(tok, "seed=", 5) != 0 && len < n)
            len += snprintf(out + len, n - len, "%s%.*s", len ? "," : "", (int)k, tok);
        tok += k + (tok[k] == ',');
    }
    if (!out[0])
        snprintf(out, n, "all");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* What one run contributes. */
typedef struct {
    char point[EXP_NAME_LEN];
    run_status status;
    double final_loss, baseline, peak, vanish_first, vanish_last;
    long solved, solve_step, steps, clipped;
} run_facts;

/* ||dL/dh_1|| / ||dL/dh_L|| of a row of dh_norm, t = 1 its first finite
 * column: with variable_length a shorter batch leaves NaN before its first
 * timestep. NaN when there is none (a blown-up row). */
static double vanish_ratio(const double *row, long L)
{
    long j = 0;
    while (j < L && !isfinite(row[j]))
        j++;
    return j < L ? row[j] / row[L - 1] : NAN;
}

static int read_run(const results_file *rf, const results_run *run, run_facts *r, char *err)
{
    strip_seed(r->point, sizeof r->point, run->name);
    r->status = run->status;
    r->final_loss = run->final_loss, r->baseline = run->baseline;
    r->solved = run->solved, r->solve_step = run->solve_step;

    double *g, *gc, *dh;
    long n, m, L, one;
    int rc = results_file_read(rf, run, "grad_norm", &g, &n, &one, err);
    if (rc)
        return rc;
    if ((rc = results_file_read(rf, run, "grad_norm_clipped", &gc, &n, &one, err))) {
        free(g);
        return rc;
    }
    r->steps = n, r->peak = 0, r->clipped = 0;
    for (long i = 0; i < n; i++) {
        double v = isnan(g[i]) ? INFINITY : g[i];  /* a blown-up step counts as inf */
        r->peak = v > r->peak ? v : r->peak;
        r->clipped += isfinite(g[i]) && gc[i] != g[i];
    }
    free(g), free(gc);

    if ((rc = results_file_read(rf, run, "dh_norm", &dh, &m, &L, err)))
        return rc;
    r->vanish_first = m ? vanish_ratio(dh, L) : NAN;
    r->vanish_last = m ? vanish_ratio(dh + (m - 1) * L, L) : NAN;
    free(dh);
    return RNB_OK;
}

static void aggregate(summary_row *row, run_facts *runs, int n)
{
    double *tmp = malloc(sizeof(double) * (n + 1));
    double sum = 0, sum2 = 0, steps = 0, clipped = 0;
    int finite = 0, solved = 0, k;
    row->runs = n;
    row->baseline = runs[0].baseline;
    row->peak_grad_norm = 0;
    for (int i = 0; i < n; i++) {
        run_facts *r = &runs[i];
        row->diverged += r->status == RUN_DIVERGED;
        row->interrupted += r->status == RUN_INTERRUPTED;
        if (isfinite(r->final_loss) && r->status == RUN_FINISHED)
            sum += r->final_loss, sum2 += r->final_loss * r->final_loss, finite++;
        solved += r->solved != 0;
        if (r->peak > row->peak_grad_norm)
            row->peak_grad_norm = r->peak;
        steps += r->steps, clipped += r->clipped;
    }
    row->loss_mean = finite ? sum / finite : NAN;
    row->loss_sd = finite > 1 ? sqrt(fmax(0, (sum2 - sum * sum / finite) / (finite - 1))) : NAN;
    row->solved_frac = (double)solved / n;
    row->clipped_frac = steps ? clipped / steps : 0;
    k = 0;
    for (int i = 0; i < n; i++)
        if (runs[i].solved)
            tmp[k++] = runs[i].solve_step;
    row->solve_step = median(tmp, k);
    k = 0;      /* NaN (no rows, or a blown-up one) has no place in an order */
    for (int i = 0; i < n; i++)
        if (!isnan(runs[i].vanish_first))
            tmp[k++] = runs[i].vanish_first;
    row->vanish_first = median(tmp, k);
    k = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(runs[i].vanish_last))
            tmp[k++] = runs[i].vanish_last;
    row->vanish_last = median(tmp, k);
    free(tmp);
}

int summary_read(summary *s, const char *path, char *err)
{
    memset(s, 0, sizeof *s);
    results_file rf;
    int rc = results_file_open(&rf, path, err);
    if (rc)
        return rc;
    snprintf(s->experiment, sizeof s->experiment, "%s", rf.experiment);
    snprintf(s->precision, sizeof s->precision, "%s", rf.precision);
    const int n_runs = rf.n;
    run_facts *facts = calloc(n_runs, sizeof *facts);
    if (!facts)
        rc = rnb_error(err, RNB_ENOMEM, "out of memory");
    for (int i = 0; !rc && i < n_runs; i++)
        rc = read_run(&rf, &rf.runs[i], &facts[i], err);
    results_file_close(&rf);
    if (!rc) {
        /* group the runs by grid point; rows in the order of run names */
        s->rows = calloc(n_runs, sizeof *s->rows);
        run_facts *same = calloc(n_runs, sizeof *same);
        char *used = calloc(n_runs, 1);
        if (!s->rows || !same || !used)
            rc = rnb_error(err, RNB_ENOMEM, "out of memory");
        for (int i = 0; !rc && i < n_runs; i++) {
            if (used[i])
                continue;
            int n = 0;
            for (int j = i; j < n_runs; j++)
                if (!used[j] && strcmp(facts[j].point, facts[i].point) == 0)
                    same[n++] = facts[j], used[j] = 1;
            summary_row *row = &s->rows[s->n++];
            snprintf(row->point, sizeof row->point, "%s", facts[i].point);
            aggregate(row, same, n);
        }
        free(same), free(used);
    }
    free(facts);
    if (rc)
        summary_free(s);
    return rc;
}

void summary_free(summary *s)
{
    free(s->rows);
    memset(s, 0, sizeof *s);
}
