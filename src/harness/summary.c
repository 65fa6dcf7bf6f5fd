#include "summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5io.h"
#include "record.h"
#include "results.h"
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

static int read_run(h5file *f, const char *name, run_facts *r, char *err)
{
    char grp[EXP_NAME_LEN + 8], ds[EXP_NAME_LEN + 32], st[32];
    snprintf(grp, sizeof grp, "/runs/%s", name);
    strip_seed(r->point, sizeof r->point, name);
    int rc;
    if ((rc = h5io_get_attr_str(f, grp, "status", st, sizeof st, err)) ||
        (rc = h5io_get_attr_double(f, grp, "final_loss", &r->final_loss, err)) ||
        (rc = h5io_get_attr_double(f, grp, "baseline", &r->baseline, err)) ||
        (rc = h5io_get_attr_long(f, grp, "solved", &r->solved, err)) ||
        (rc = h5io_get_attr_long(f, grp, "solve_step", &r->solve_step, err)))
        return rc;
    if (run_status_parse(&r->status, st))
        return rnb_error(err, RNB_EINVAL, "%s: bad status '%s'", grp, st);

    int rank;
    long d[H5IO_MAXRANK], e[H5IO_MAXRANK];
    snprintf(ds, sizeof ds, "%s/grad_norm", grp);
    if ((rc = h5io_shape_any(f, ds, &rank, d, err)))
        return rc;
    r->steps = d[0];
    double *g = malloc(sizeof(double) * 2 * (d[0] + 1));
    if (!g)
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    double *gc = g + d[0] + 1;
    snprintf(ds, sizeof ds, "%s/grad_norm", grp);
    rc = h5io_read_double(f, ds, g, err);
    snprintf(ds, sizeof ds, "%s/grad_norm_clipped", grp);
    if (!rc)
        rc = h5io_read_double(f, ds, gc, err);
    r->peak = 0, r->clipped = 0;
    for (long i = 0; !rc && i < d[0]; i++) {
        double v = isnan(g[i]) ? INFINITY : g[i];  /* a blown-up step counts as inf */
        r->peak = v > r->peak ? v : r->peak;
        r->clipped += isfinite(g[i]) && gc[i] != g[i];
    }
    free(g);
    if (rc)
        return rc;

    snprintf(ds, sizeof ds, "%s/dh_norm", grp);
    if ((rc = h5io_shape_any(f, ds, &rank, e, err)))
        return rc;
    r->vanish_first = r->vanish_last = NAN;
    if (rank == 2 && e[0] > 0 && e[1] > 0) {
        double *dh = malloc(sizeof(double) * e[0] * e[1]);
        if (!dh)
            return rnb_error(err, RNB_ENOMEM, "out of memory");
        if ((rc = h5io_read_double(f, ds, dh, err)) == RNB_OK) {
            const double *first = dh, *last = dh + (e[0] - 1) * e[1];
            r->vanish_first = first[0] / first[e[1] - 1];
            r->vanish_last = last[0] / last[e[1] - 1];
        }
        free(dh);
    }
    return rc;
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
    h5file *f;
    int rc = h5io_open_read(&f, path, err);
    if (rc)
        return rc;
    long version;
    char sub[RNB_ERRLEN];
    if (h5io_get_attr_long(f, "/", "schema_version", &version, sub) ||
        h5io_get_attr_str(f, "/", "experiment", s->experiment, sizeof s->experiment, sub) ||
        !h5io_exists(f, "runs")) {
        h5io_close(f, NULL);
        return rnb_error(err, RNB_EINVAL, "%s: not an rnnbench results file (no schema_version, experiment or /runs)", path);
    }
    h5io_get_attr_str(f, "/", "precision", s->precision, sizeof s->precision, sub);
    char (*names)[EXP_NAME_LEN];
    int n_names;
    if ((rc = results_run_names(f, &names, &n_names, err)) == RNB_OK && n_names == 0)
        rc = rnb_error(err, RNB_EINVAL, "%s: the results file holds no runs", path);
    run_facts *facts = rc ? NULL : calloc(n_names, sizeof *facts);
    if (!rc && !facts)
        rc = rnb_error(err, RNB_ENOMEM, "out of memory");
    for (int i = 0; !rc && i < n_names; i++)
        if ((rc = read_run(f, names[i], &facts[i], sub)))
            rc = rnb_error(err, RNB_EINVAL, "%s: run '%s': %s", path, names[i], sub);
    h5io_close(f, NULL);
    if (!rc) {
        /* group the runs by grid point; rows in the order of run names */
        s->rows = calloc(n_names, sizeof *s->rows);
        run_facts *same = calloc(n_names, sizeof *same);
        char *used = calloc(n_names, 1);
        if (!s->rows || !same || !used)
            rc = rnb_error(err, RNB_ENOMEM, "out of memory");
        for (int i = 0; !rc && i < n_names; i++) {
            if (used[i])
                continue;
            int n = 0;
            for (int j = i; j < n_names; j++)
                if (!used[j] && strcmp(facts[j].point, facts[i].point) == 0)
                    same[n++] = facts[j], used[j] = 1;
            summary_row *row = &s->rows[s->n++];
            snprintf(row->point, sizeof row->point, "%s", facts[i].point);
            aggregate(row, same, n);
        }
        free(same), free(used);
    }
    free(facts);
    free(names);
    if (rc)
        summary_free(s);
    return rc;
}

void summary_free(summary *s)
{
    free(s->rows);
    memset(s, 0, sizeof *s);
}
