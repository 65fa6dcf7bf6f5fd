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

/* log10((10^a + 10^b) / 2), without leaving log space: a and b may be
 * far past float64's range. */
static double log_mean2(double a, double b)
{
    double hi = fmax(a, b), lo = fmin(a, b);
    if (isinf(hi))
        return hi;      /* +inf, or both -inf (two zero ratios) */
    return hi + log10((1 + pow(10, lo - hi)) / 2);
}

/* The median of ratios given as log10: the same median as of the ratios
 * themselves (the mean of the middle two for an even count). */
static double median_log(double *v, int n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : log_mean2(v[n / 2 - 1], v[n / 2]);
}

void wilson_interval(int k, int n, double *lo, double *hi)
{
    if (n <= 0) {
        *lo = *hi = NAN;
        return;
    }
    const double z = 1.959963984540054, p = (double)k / n, z2n = z * z / n;
    const double centre = (p + z2n / 2) / (1 + z2n);
    const double half = z / (1 + z2n) * sqrt(p * (1 - p) / n + z2n / (4.0 * n));
    *lo = k == 0 ? 0 : fmax(0, centre - half);
    *hi = k == n ? 1 : fmin(1, centre + half);
}

/* What one run contributes. */
typedef struct {
    char point[EXP_NAME_LEN];
    run_status status;
    double final_loss, final_metric, baseline, peak;
    bool benchmark;         /* a task over a dataset: its result is the metric, no solved rule */
    long solved, solve_step, steps, clipped;
    int layers;
    double *lg_vanish;      /* (2 x layers) log10 ||dL/dh_1^l|| / ||dL/dh_L^l||: [l] first, [layers + l] last */
    double lg_depth[2];     /* log10 ||dL/dh_T^0|| / ||dL/dh_T^top||, first and last logged step */
} run_facts;

/* The ratios a point aggregates, each a median over its runs. */
typedef enum { TOP_FIRST, TOP_LAST, LAYER_FIRST, LAYER_LAST, DEPTH_FIRST, DEPTH_LAST } ratio_kind;

/* Ratio kind of run r (layer l for the LAYER ones), as log10; NaN when
 * it has none (a blown-up row, a layer it does not have, one layer). */
static double ratio_of(const run_facts *r, ratio_kind kind, int l)
{
    switch (kind) {
    case TOP_FIRST: return r->lg_vanish[r->layers - 1];
    case TOP_LAST: return r->lg_vanish[2 * r->layers - 1];
    case LAYER_FIRST: return l < r->layers ? r->lg_vanish[l] : NAN;
    case LAYER_LAST: return l < r->layers ? r->lg_vanish[r->layers + l] : NAN;
    case DEPTH_FIRST: return r->lg_depth[0];
    case DEPTH_LAST: return r->lg_depth[1];
    }
    return NAN;
}

/* The first column of a row of log10 norms that holds a norm: with
 * variable_length a shorter batch leaves NaN before its first timestep
 * (-inf, an exact zero, is a norm; +inf is not). L when there is none. */
static long first_norm(const double *lg, long L)
{
    long j = 0;
    while (j < L && (isnan(lg[j]) || lg[j] == INFINITY))
        j++;
    return j;
}

/* log10 ||dL/dh_1|| / ||dL/dh_L|| of a row of log10 norms, t = 1 its
 * first norm; NaN when there is none (a blown-up row). */
static double lg_vanish(const double *lg, long L)
{
    long j = first_norm(lg, L);
    return j < L ? lg[j] - lg[L - 1] : NAN;
}

/* log10 ||dL/dh_t^l|| of run r, [n_logged][K][L]: its dh_log10, known
 * past float64's floor, or log10 of dh_norm in a file from before it. */
static int read_log_norms(const results_file *rf, const results_run *run, results_data *lg, char *err)
{
    if (run->has_log10)
        return results_file_read(rf, run, "dh_log10", lg, err);
    int rc = results_file_read(rf, run, "dh_norm", lg, err);
    for (long i = 0; !rc && i < lg->rows * lg->layers * lg->cols; i++) {
        double v = lg->v[i];
        lg->v[i] = v > 0 ? log10(v) : v == 0 ? -INFINITY : NAN;
    }
    return rc;
}

/* The peak gradient norm before clipping and the steps clipping changed. */
static int read_grad_norms(const results_file *rf, const results_run *run, run_facts *r, char *err)
{
    results_data g, gc;
    int rc = results_file_read(rf, run, "grad_norm", &g, err);
    if (rc)
        return rc;
    if ((rc = results_file_read(rf, run, "grad_norm_clipped", &gc, err))) {
        results_data_free(&g);
        return rc;
    }
    r->steps = g.rows, r->peak = 0, r->clipped = 0;
    for (long i = 0; i < g.rows; i++) {
        double v = isnan(g.v[i]) ? INFINITY : g.v[i];  /* a blown-up step counts as inf */
        r->peak = v > r->peak ? v : r->peak;
        r->clipped += isfinite(g.v[i]) && gc.v[i] != g.v[i];
    }
    results_data_free(&g), results_data_free(&gc);
    return RNB_OK;
}

/* The ratios through time at each layer, and through depth at t = T. */
static int read_ratios(const results_file *rf, const results_run *run, run_facts *r, char *err)
{
    results_data lg;
    int rc = read_log_norms(rf, run, &lg, err);
    if (rc)
        return rc;
    const long K = lg.layers, L = lg.cols, m = lg.rows;
    r->layers = (int)K;
    if (!(r->lg_vanish = malloc(sizeof(double) * 2 * K))) {
        results_data_free(&lg);
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    }
    for (int phase = 0; phase < 2; phase++) {
        long row = phase ? m - 1 : 0;
        for (long l = 0; l < K; l++)
            r->lg_vanish[phase * K + l] = m ? lg_vanish(results_at(&lg, row, l), L) : NAN;
        r->lg_depth[phase] = m && K > 1 ? results_at(&lg, row, 0)[L - 1] - results_at(&lg, row, K - 1)[L - 1] : NAN;
    }
    results_data_free(&lg);
    return RNB_OK;
}

static int read_run(const results_file *rf, const results_run *run, run_facts *r, char *err)
{
    strip_seed(r->point, sizeof r->point, run->name);
    r->status = run->status;
    r->final_loss = run->final_loss, r->final_metric = run->final_metric, r->baseline = run->baseline;
    const task_type *task = task_find(run->cfg.task);
    r->benchmark = task && task->dataset;
    r->solved = run->solved, r->solve_step = run->solve_step;
    int rc = read_grad_norms(rf, run, r, err);
    return rc ? rc : read_ratios(rf, run, r, err);
}

/* The median over runs of one ratio; NaN (no rows, or a blown-up one)
 * has no place in an order. tmp holds n. */
static double median_ratio(const run_facts *runs, int n, ratio_kind kind, int l, double *tmp)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        double v = ratio_of(&runs[i], kind, l);
        if (!isnan(v))
            tmp[k++] = v;
    }
    return median_log(tmp, k);
}

static void aggregate_ratios(summary_row *row, const run_facts *runs, int n, double *tmp)
{
    row->lg_vanish_first = median_ratio(runs, n, TOP_FIRST, 0, tmp);
    row->lg_vanish_last = median_ratio(runs, n, TOP_LAST, 0, tmp);
    for (int l = 0; l < row->layers; l++) {
        row->lg_vanish_layer[l] = median_ratio(runs, n, LAYER_FIRST, l, tmp);
        row->lg_vanish_layer[row->layers + l] = median_ratio(runs, n, LAYER_LAST, l, tmp);
    }
    row->lg_depth_first = median_ratio(runs, n, DEPTH_FIRST, 0, tmp);
    row->lg_depth_last = median_ratio(runs, n, DEPTH_LAST, 0, tmp);
}

/* Mean and sample sd of v (n); NaN where n is too small for either. */
static void mean_sd(const double *v, int n, double *mean, double *sd)
{
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; i++)
        sum += v[i], sum2 += v[i] * v[i];
    *mean = n ? sum / n : NAN;
    *sd = n > 1 ? sqrt(fmax(0, (sum2 - sum * sum / n) / (n - 1))) : NAN;
}

/* The held-out loss and metric of the runs that finished with a finite loss. */
static void aggregate_final(summary_row *row, const run_facts *runs, int n, double *tmp)
{
    int k = 0;
    for (int pass = 0; pass < 2; pass++, k = 0) {
        for (int i = 0; i < n; i++)
            if (isfinite(runs[i].final_loss) && runs[i].status == RUN_FINISHED)
                tmp[k++] = pass ? runs[i].final_metric : runs[i].final_loss;
        if (pass)
            mean_sd(tmp, k, &row->metric_mean, &row->metric_sd);
        else
            mean_sd(tmp, k, &row->loss_mean, &row->loss_sd);
    }
}

static int aggregate(summary_row *row, run_facts *runs, int n, char *err)
{
    double *tmp = malloc(sizeof(double) * (n + 1));
    double steps = 0, clipped = 0;
    int solved = 0, k;
    row->runs = n;
    row->baseline = runs[0].baseline;
    row->peak_grad_norm = 0;
    row->layers = 1;
    for (int i = 0; i < n; i++) {
        run_facts *r = &runs[i];
        row->diverged += r->status == RUN_DIVERGED;
        row->interrupted += r->status == RUN_INTERRUPTED;
        row->benchmark |= r->benchmark;
        solved += r->solved != 0;
        if (r->peak > row->peak_grad_norm)
            row->peak_grad_norm = r->peak;
        steps += r->steps, clipped += r->clipped;
        row->layers = r->layers > row->layers ? r->layers : row->layers;
    }
    row->lg_vanish_layer = malloc(sizeof(double) * 2 * row->layers);
    if (!tmp || !row->lg_vanish_layer) {
        free(tmp);
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    }
    aggregate_final(row, runs, n, tmp);
    row->solved = solved;
    row->solved_frac = (double)solved / n;
    wilson_interval(solved, n, &row->solved_lo, &row->solved_hi);
    row->clipped_frac = steps ? clipped / steps : 0;
    k = 0;
    for (int i = 0; i < n; i++)
        if (runs[i].solved)
            tmp[k++] = runs[i].solve_step;
    row->solve_step = median(tmp, k);
    aggregate_ratios(row, runs, n, tmp);
    free(tmp);
    return RNB_OK;
}

/* The runs grouped by grid point; rows in the order of run names. */
static int group(summary *s, const run_facts *facts, int n_runs, char *err)
{
    s->rows = calloc(n_runs, sizeof *s->rows);
    run_facts *same = calloc(n_runs, sizeof *same);
    char *used = calloc(n_runs, 1);
    int rc = s->rows && same && used ? RNB_OK : rnb_error(err, RNB_ENOMEM, "out of memory");
    for (int i = 0; !rc && i < n_runs; i++) {
        if (used[i])
            continue;
        int n = 0;
        for (int j = i; j < n_runs; j++)
            if (!used[j] && strcmp(facts[j].point, facts[i].point) == 0)
                same[n++] = facts[j], used[j] = 1;
        summary_row *row = &s->rows[s->n++];
        snprintf(row->point, sizeof row->point, "%s", facts[i].point);
        rc = aggregate(row, same, n, err);
        s->max_layers = row->layers > s->max_layers ? row->layers : s->max_layers;
        s->benchmark |= row->benchmark;
    }
    free(same), free(used);
    return rc;
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
    if (!rc)
        rc = group(s, facts, n_runs, err);
    for (int i = 0; facts && i < n_runs; i++)
        free(facts[i].lg_vanish);
    free(facts);
    if (rc)
        summary_free(s);
    return rc;
}

void summary_free(summary *s)
{
    for (int i = 0; s->rows && i < s->n; i++)
        free(s->rows[i].lg_vanish_layer);
    free(s->rows);
    memset(s, 0, sizeof *s);
}
