/* mkdtemp (POSIX 2008), with C11 strict: */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gnuplot.h"
#include "status.h"
#include "summary.h"
#include "task.h"

enum { MAX_CELLS = 32, MAX_CLIPS = 32, MAX_LENGTHS = 64, CONTEXT_LEN = 1024 };
enum { HEAT_MAX_ROWS = 80, HEAT_MAX_COLS = 200, NORM_MAX_POINTS = 4000 };

/* The runs one image draws: those that agree on every varying key the
 * figure does not draw itself. */
typedef struct {
    const plot_runs *p;
    const plot_options *o;
    const char *work;           /* the folder it draws into (plot_all's temporary one) */
    int *members, n;
    char suffix[CONTEXT_LEN];   /* "-task=adding-hidden=64", "" when nothing else varies */
    char context[CONTEXT_LEN];  /* "adding, T = 30, hidden 64" */
    const char *cells[MAX_CELLS];
    int n_cells;
    const char *clips[MAX_CLIPS];
    int n_clips;
    uint64_t seed;              /* the smallest seed: single-run figures draw it */
    const bool *facet_keys;     /* the keys that make figures of their own */
    int layer;                  /* a per-layer figure's: PLOT_LAYER_TOP (each run's top) or one */
    char layer_tag[16];         /* "_l1" in the figure's name; "" for the top */
    const char *skip;           /* why a figure had nothing to draw (it returned 1) */
    char skip_text[64];         /* room for a skip that names a number */
} facet;

static int key(const char *name) { return config_key_find(name); }

static const plot_run *run_of(const facet *fc, int i) { return &fc->p->runs[fc->members[i]]; }

/* A dataset of run r, of the shape results_file_open checked. */
static int read_run(const facet *fc, const plot_run *r, const char *name, results_data *d, char *err)
{
    return results_file_read(&fc->p->file, r->run, name, d, err);
}

/* The layer of run r that a per-layer figure draws: its top, or the one
 * asked for; -1 when r has no such layer. */
static int layer_of(const facet *fc, const plot_run *r)
{
    const long K = r->run->num_layers;
    if (fc->layer == PLOT_LAYER_TOP)
        return (int)K - 1;
    return fc->layer < K ? fc->layer : -1;
}

/* The most layers of the facet's runs. */
static int facet_layers(const facet *fc)
{
    long most = 1;
    for (int i = 0; i < fc->n; i++)
        most = run_of(fc, i)->run->num_layers > most ? run_of(fc, i)->run->num_layers : most;
    return (int)most;
}

/* ---- numbers and files ---- */

static void put_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("NaN", f);
    else if (isinf(v))
        fputs(v > 0 ? "Inf" : "-Inf", f);
    else
        fprintf(f, "%.17g", v);
}

typedef struct {
    FILE *f;
    char path[4200], tmp[4300];
} tsv;

static int tsv_open(tsv *t, const facet *fc, const char *stem, const char *header, char *err)
{
    snprintf(t->path, sizeof t->path, "%s/%s.tsv", fc->work, stem);
    snprintf(t->tmp, sizeof t->tmp, "%s.tmp", t->path);
    if (!(t->f = fopen(t->tmp, "w")))
        return rnb_error(err, RNB_EIO, "%s: %s", t->tmp, strerror(errno));
    fputs(header, t->f);
    return RNB_OK;
}

/* Ends the file: renamed into place when ok, removed otherwise. */
static int tsv_close(tsv *t, int rc, char *err)
{
    if (!t->f)
        return rc;
    int bad = ferror(t->f);
    bad |= fclose(t->f);
    t->f = NULL;
    if (!rc && bad)
        rc = rnb_error(err, RNB_EIO, "%s: cannot write", t->tmp);
    if (!rc && rename(t->tmp, t->path))
        rc = rnb_error(err, RNB_EIO, "%s: %s", t->path, strerror(errno));
    if (rc)
        remove(t->tmp);
    return rc;
}

/* A range on a log axis: whole decades around [lo, hi]. */
static void decades(double lo, double hi, double *min, double *max)
{
    if (!(lo > 0 && isfinite(lo) && hi >= lo && isfinite(hi)))
        lo = 1e-3, hi = 1;
    *min = pow(10, floor(log10(lo)));
    *max = pow(10, ceil(log10(hi)));
    if (*max <= *min)
        *max = *min * 10;
}

static void widen(double v, double *lo, double *hi)
{
    if (v > 0 && isfinite(v)) {
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
}

/* ---- grouping ---- */

static int clip_order(const plot_run *r)
{
    static const char *const order[] = {"none", "norm", "value", "step"};
    for (int i = 0; i < 4; i++)
        if (strcmp(r->run->clip_mode, order[i]) == 0)
            return i;
    return 4;
}

/* Cells in registry order, then by name. */
static int cmp_cell(const void *a, const void *b)
{
    const plot_run *x = *(const plot_run *const *)a, *y = *(const plot_run *const *)b;
    return x->cell_rank != y->cell_rank ? x->cell_rank - y->cell_rank : strcmp(x->run->cfg.cell, y->run->cfg.cell);
}

/* Clip modes none, norm, value, step, each by threshold. */
static int cmp_clip(const void *a, const void *b)
{
    const plot_run *x = *(const plot_run *const *)a, *y = *(const plot_run *const *)b;
    int ox = clip_order(x), oy = clip_order(y);
    if (ox != oy)
        return ox - oy;
    if (x->run->clip_threshold != y->run->clip_threshold)
        return x->run->clip_threshold < y->run->clip_threshold ? -1 : 1;
    return strcmp(x->panel, y->panel);     /* the panel keys' values (--panel) */
}

static const char *cell_of(const plot_run *r) { return r->value[key("cell")]; }
static const char *panel_of(const plot_run *r) { return r->panel; }

/* The facet's distinct labels (a run's cell or panel), one run standing
 * for each, sorted. */
static int distinct(const facet *fc, const char *(*label)(const plot_run *), const plot_run **out, int max,
                    int (*cmp)(const void *, const void *))
{
    int n = 0;
    for (int i = 0; i < fc->n; i++) {
        const plot_run *r = run_of(fc, i);
        int j;
        for (j = 0; j < n && strcmp(label(out[j]), label(r)); j++)
            ;
        if (j == n && n < max)
            out[n++] = r;
    }
    qsort(out, n, sizeof *out, cmp);
    return n;
}

static void list_cells_and_clips(facet *fc)
{
    const plot_run *rep[MAX_CELLS > MAX_CLIPS ? MAX_CELLS : MAX_CLIPS];
    fc->n_cells = distinct(fc, cell_of, rep, MAX_CELLS, cmp_cell);
    for (int j = 0; j < fc->n_cells; j++)
        fc->cells[j] = cell_of(rep[j]);
    fc->n_clips = distinct(fc, panel_of, rep, MAX_CLIPS, cmp_clip);
    for (int j = 0; j < fc->n_clips; j++)
        fc->clips[j] = panel_of(rep[j]);
    fc->seed = UINT64_MAX;
    for (int i = 0; i < fc->n; i++)
        fc->seed = run_of(fc, i)->run->cfg.seed < fc->seed ? run_of(fc, i)->run->cfg.seed : fc->seed;
}

static void join(char *out, size_t n, const char *const *words, int count)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < count && len < n; i++)
        len += snprintf(out + len, n - len, "%s%s", i ? " " : "", words[i]);
}

/* Run of the facet with that cell and clip at the smallest seed; NULL: none. */
static const plot_run *first_seed(const facet *fc, const char *cell, const char *clip)
{
    const plot_run *best = NULL;
    for (int i = 0; i < fc->n; i++) {
        const plot_run *r = run_of(fc, i);
        if (!strcmp(r->value[key("cell")], cell) && !strcmp(r->panel, clip) &&
            (!best || r->run->cfg.seed < best->run->cfg.seed))
            best = r;
    }
    return best;
}

static bool drawn_by(const char *const *drawn, const char *name)
{
    for (const char *const *d = drawn; *d; d++)
        if (strcmp(*d, name) == 0)
            return true;
    return false;
}

/* Whether key k follows from the drawn keys other than the seed and the
 * figure-making keys before it (facet_keys[0..k-1]), as init does under
 * together = cell+init, or a cell's lr under together = task+cell+lr:
 * then it labels lines, not figures. */
static bool attached(const plot_runs *p, int k, const char *const *drawn, const bool *facet_keys)
{
    for (int i = 0; i < p->n; i++)
        for (int j = i + 1; j < p->n; j++) {
            const plot_run *a = &p->runs[i], *b = &p->runs[j];
            if (!strcmp(a->value[k], b->value[k]))
                continue;
            bool agree = true;
            for (const char *const *d = drawn; *d && agree; d++)
                if (strcmp(*d, "seed"))
                    agree = !strcmp(a->value[key(*d)], b->value[key(*d)]);
            for (int f = 0; f < k && agree; f++)
                if (facet_keys[f])
                    agree = !strcmp(a->value[f], b->value[f]);
            if (agree)
                return false;
        }
    return true;
}

/* The facet of run r: "-KEY=VALUE" for each key that makes figures. */
static void facet_key(const plot_run *r, const bool *facet_keys, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (int k = 0; k < config_key_count(); k++)
        if (facet_keys[k] && len < n)
            len += snprintf(out + len, n - len, "-%s=%s", config_key_name(k), r->value[k]);
}

/* "adding, T = 30, hidden 64": what the facet's runs share, for titles. */
static void describe(facet *fc, const char *const *drawn)
{
    const plot_run *r = run_of(fc, 0);
    size_t len = snprintf(fc->context, sizeof fc->context, "%s", r->run->cfg.task);
    if (!drawn_by(drawn, "seq_len"))
        len += snprintf(fc->context + len, sizeof fc->context - len, ", T = %ld", r->run->cfg.seq_len);
    for (int k = 0; k < config_key_count() && len < sizeof fc->context; k++) {
        const char *name = config_key_name(k);
        if (fc->facet_keys[k] && strcmp(name, "task") && strcmp(name, "seq_len"))
            len += snprintf(fc->context + len, sizeof fc->context - len, ", %s %s", name, r->value[k]);
    }
}

/* ---- the figures ---- */

typedef int (*figure_fn)(facet *fc, const char *stem, gp_vars *v, char *err);

static void title(gp_vars *v, const facet *fc, const char *what, bool one_seed)
{
    char t[CONTEXT_LEN + 256];
    if (one_seed)
        snprintf(t, sizeof t, "%s: %s (%s; seed %llu)", fc->p->file.experiment, what, fc->context,
                 (unsigned long long)fc->seed);
    else
        snprintf(t, sizeof t, "%s: %s (%s)", fc->p->file.experiment, what, fc->context);
    gp_str(v, "title", t);
}

/* A cell's label: its name, and the keys that vary with it alone (as
 * init under together = cell+init: "rnn_relu, init identity"), where
 * they are not at their default or none (which say nothing), as many as
 * fit in LABEL_MAX characters, so that the key fits below the panel. */
enum { LABEL_MAX = 30 };
static void cell_label(const facet *fc, const char *cell, char *out, size_t n)
{
    size_t len = snprintf(out, n, "%s", cell);
    const plot_run *first = NULL;
    for (int i = 0; i < fc->n && !first; i++)
        if (!strcmp(run_of(fc, i)->value[key("cell")], cell))
            first = run_of(fc, i);
    for (int k = 0; k < config_key_count() && first; k++) {
        const char *name = config_key_name(k);
        bool in_panel = false;      /* a --panel key labels panels, not lines */
        for (int j = 0; j < fc->p->n_panel_keys; j++)
            in_panel |= fc->p->panel_key[j] == k;
        if (!fc->p->varies[k] || fc->facet_keys[k] || in_panel || !strcmp(name, "cell") || !strcmp(name, "clip") ||
            !strcmp(name, "seed") || !strcmp(name, "seq_len"))
            continue;
        bool same = true, everywhere = true;    /* one value for the cell; for every cell */
        for (int i = 0; i < fc->n && same; i++) {
            same = strcmp(run_of(fc, i)->value[key("cell")], cell) || !strcmp(run_of(fc, i)->value[k], first->value[k]);
            everywhere &= !strcmp(run_of(fc, i)->value[k], first->value[k]);
        }
        if (everywhere)     /* the facet's, not the line's */
            continue;
        /* at its default (or none) a key says nothing the reader lacks */
        char def[PLOT_VALUE_LEN];
        config d;
        config_defaults(&d);
        config_key_value(&d, k, def, sizeof def);
        if (!same || !strcmp(first->value[k], def) || !strcmp(first->value[k], "none"))
            continue;
        char more[2 * PLOT_VALUE_LEN];
        int m = snprintf(more, sizeof more, ", %s %s", name, first->value[k]);
        if (len + m > LABEL_MAX) {      /* the rest is in the file, not the key */
            snprintf(out + len, n - len, ", …");
            return;
        }
        len += snprintf(out + len, n - len, "%s", more);
    }
}

static void cells_and_clips(gp_vars *v, const facet *fc)
{
    char s[CONTEXT_LEN], def[4 * CONTEXT_LEN], label[CONTEXT_LEN];
    join(s, sizeof s, fc->cells, fc->n_cells);
    gp_str(v, "cells", s);
    join(s, sizeof s, fc->clips, fc->n_clips);
    gp_str(v, "clips", s);
    /* cell_label(c): a chain of c eq NAME ? LABEL : ... (config values
     * hold no quotes) */
    size_t len = snprintf(def, sizeof def, "cell_label(c) = ");
    for (int i = 0; i < fc->n_cells && len < sizeof def; i++) {
        cell_label(fc, fc->cells[i], label, sizeof label);
        len += snprintf(def + len, sizeof def - len, "c eq \"%s\" ? \"%s\" : ", fc->cells[i], label);
    }
    if (len < sizeof def)
        snprintf(def + len, sizeof def - len, "c");
    gp_raw(v, def);
    /* clip_note(k): " (2 of 3 runs diverged)" for a panel whose runs did */
    len = snprintf(def, sizeof def, "clip_note(k) = ");
    for (int j = 0; j < fc->n_clips && len < sizeof def; j++) {
        int runs = 0, diverged = 0;
        for (int i = 0; i < fc->n; i++)
            if (!strcmp(run_of(fc, i)->panel, fc->clips[j]))
                runs++, diverged += run_of(fc, i)->run->status == RUN_DIVERGED;
        if (diverged)
            len += snprintf(def + len, sizeof def - len, "k eq \"%s\" ? \" (%d of %d runs diverged)\" : ",
                            fc->clips[j], diverged, runs);
    }
    if (len < sizeof def)
        snprintf(def + len, sizeof def - len, "\"\"");
    gp_raw(v, def);
}

/* Run r's dh_norm and log10 ||dL/dh_t^l|| ([n_logged][K][L] each) and
 * the step of each row. The log10 is the file's dh_log10, known past
 * float64's floor, or log10(dh_norm) for a file from before it. */
static int read_norms(const facet *fc, const plot_run *r, results_data *dh, results_data *lg,
                      results_data *step, char *err)
{
    memset(lg, 0, sizeof *lg), memset(step, 0, sizeof *step);
    int rc = read_run(fc, r, "dh_norm", dh, err);
    if (!rc && r->run->has_log10) {
        rc = read_run(fc, r, "dh_log10", lg, err);
    } else if (!rc) {
        const long n = dh->rows * dh->layers * dh->cols;
        *lg = *dh;
        if (!(lg->v = malloc(sizeof(double) * (n + 1))))
            rc = rnb_error(err, RNB_ENOMEM, "out of memory");
        for (long i = 0; !rc && i < n; i++)
            lg->v[i] = dh->v[i] > 0 ? log10(dh->v[i]) : dh->v[i] == 0 ? -INFINITY : NAN;
    }
    if (!rc)
        rc = read_run(fc, r, "log_step", step, err);
    if (rc)
        results_data_free(dh), results_data_free(lg), results_data_free(step);
    return rc;
}

static void free_norms(results_data *dh, results_data *lg, results_data *step)
{
    results_data_free(dh), results_data_free(lg), results_data_free(step);
}

/* One row of a norms TSV: the values at (row, layer l, timestep j). */
static void put_norm(FILE *f, const results_data *dh, const results_data *lg, long row, int l, long j,
                     double *lo, double *hi)
{
    put_num(f, results_at(dh, row, l)[j]);
    fputc('\t', f);
    put_num(f, results_at(lg, row, l)[j]);
    fputc('\n', f);
    double v = results_at(lg, row, l)[j];
    if (isfinite(v))
        *lo = fmin(*lo, v), *hi = fmax(*hi, v);
}

/* A range of whole decades around the finite log10 values [lo, hi]. */
static void exponent_range(double lo, double hi, double *min, double *max)
{
    if (!(lo <= hi))
        lo = -3, hi = 0;
    *min = floor(lo), *max = ceil(hi);
    if (*max <= *min)
        *max = *min + 1;
}

/* Decades between labelled ticks: about six labels whatever the span. */
static double decade_step(double span)
{
    static const double steps[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span / steps[i] <= 7)
            return steps[i];
    return 1000;
}

/* Run of the facet with that cell and clip at the smallest seed, if it
 * has the layer a per-layer figure draws; NULL: none. */
static const plot_run *first_seed_layer(const facet *fc, const char *cell, const char *clip)
{
    const plot_run *r = first_seed(fc, cell, clip);
    return r && layer_of(fc, r) >= 0 ? r : NULL;
}

/* Whether some run of the facet has the layer a per-layer figure draws;
 * fc->skip says so when none has. */
static bool facet_has_layer(facet *fc)
{
    for (int i = 0; i < fc->n; i++)
        if (layer_of(fc, run_of(fc, i)) >= 0)
            return true;
    snprintf(fc->skip_text, sizeof fc->skip_text, "no run with a layer %d", fc->layer);
    fc->skip = fc->skip_text;
    return false;
}

/* ", layer 1 (top)", for the panel titles of a per-layer figure: the
 * layer it draws; "" for the top of one-layer runs, as before layers. */
static void layer_note(gp_vars *v, const facet *fc)
{
    char out[64];
    if (fc->layer == PLOT_LAYER_TOP) {
        gp_str(v, "layer_note", plot_runs_max_layers(fc->p) > 1 ? ", top layer" : "");
        return;
    }
    bool top = true;    /* the top of every run that has it */
    for (int i = 0; i < fc->n; i++)
        if (run_of(fc, i)->run->num_layers > fc->layer)
            top &= run_of(fc, i)->run->num_layers - 1 == fc->layer;
    snprintf(out, sizeof out, ", layer %d%s", fc->layer,
             top && fc->layer == 0 ? "" : fc->layer == 0 ? " (bottom)" : top ? " (top)" : "");
    gp_str(v, "layer_note", out);
}

/* t_label: what the timestep axis counts, a pixel or a row of an image
 * task (the facet's first run's), else the input sequence's step. */
static void t_axis(gp_vars *v, const facet *fc)
{
    const task_type *t = task_find(run_of(fc, 0)->run->cfg.task);
    gp_str(v, "t_label", !t || !t->dataset ? "timestep t of the input sequence"
                         : t->in_dim > 1  ? "image row t"
                         : t->permuted    ? "step t: pixel pixel_permutation[t] (a fixed random order)"
                                          : "pixel t (raster order)");
}

/* 1. ||dL/dh_t|| against t at the first and the last logged step. */
static int fig_through_time(facet *fc, const char *stem, gp_vars *v, char *err)
{
    if (!facet_has_layer(fc))
        return 1;
    tsv t;
    int rc = tsv_open(&t, fc, stem, "run\tcell\tclip\tseed\tlayer\tphase\tstep\tt\tdh_norm\tdh_log10\n", err);
    double lo = INFINITY, hi = -INFINITY;
    long L = 2;
    for (int c = 0; !rc && c < fc->n_cells; c++)
        for (int k = 0; !rc && k < fc->n_clips; k++) {
            const plot_run *r = first_seed_layer(fc, fc->cells[c], fc->clips[k]);
            results_data dh, lg, step;
            if (!r || (rc = read_norms(fc, r, &dh, &lg, &step, err)))
                continue;
            const int l = layer_of(fc, r);
            const long m = dh.rows, cols = dh.cols;
            L = cols > L ? cols : L;
            for (int phase = 0; phase < 2 && m > 0; phase++) {
                long row = phase ? m - 1 : 0;
                for (long j = 0; j < cols; j++) {
                    fprintf(t.f, "%s\t%s\t%s\t%s\t%d\t%s\t%ld\t%ld\t", r->run->name, fc->cells[c], fc->clips[k],
                            r->value[key("seed")], l, phase ? "last" : "first", (long)step.v[row], j + 1);
                    put_norm(t.f, &dh, &lg, row, l, j, &lo, &hi);
                }
            }
            free_norms(&dh, &lg, &step);
        }
    if ((rc = tsv_close(&t, rc, err)))
        return rc;
    double ymin, ymax;      /* in decades: the axis is log10, so a norm past float64's floor is drawn */
    exponent_range(lo, hi, &ymin, &ymax);
    title(v, fc, "gradient reaching each timestep", true);
    t_axis(v, fc);
    layer_note(v, fc);
    cells_and_clips(v, fc);
    gp_num(v, "L", L);
    gp_num(v, "ymin", ymin);
    gp_num(v, "ymax", ymax);
    gp_num(v, "ytic", decade_step(ymax - ymin));
    return RNB_OK;
}

/* At most max indices of 0..n-1, evenly spread, first and last among them. */
static long spread(long i, long n, long max)
{
    return n <= max ? i : (long)llround((double)i * (n - 1) / (max - 1));
}

/* Panels of a heatmap figure: a word each for the templates. */
typedef struct {
    char cells[CONTEXT_LEN], clips[CONTEXT_LEN], steps[CONTEXT_LEN];
    size_t lc, lk, ls;
    int n;
} panels;

static void add_panel(panels *pn, const char *cell, const char *clip, long step)
{
    if (pn->lc < sizeof pn->cells)
        pn->lc += snprintf(pn->cells + pn->lc, sizeof pn->cells - pn->lc, "%s%s", pn->n ? " " : "", cell);
    if (pn->lk < sizeof pn->clips)
        pn->lk += snprintf(pn->clips + pn->lk, sizeof pn->clips - pn->lk, "%s%s", pn->n ? " " : "", clip);
    if (pn->ls < sizeof pn->steps)
        pn->ls += snprintf(pn->steps + pn->ls, sizeof pn->steps - pn->ls, "%s%ld", pn->n ? " " : "", step);
    pn->n++;
}

/* One run's panel of the heatmap: log10 ||dL/dh_t^l|| at its logged steps
 * (rows) and timesteps (columns), thinned to HEAT_MAX_ROWS x HEAT_MAX_COLS. */
static void put_heat_panel(FILE *f, const facet *fc, const plot_run *r, int c, int k, const results_data *dh,
                           const results_data *lg, const results_data *step, double *lo, double *hi)
{
    const int l = layer_of(fc, r);
    const long m = dh->rows, cols = dh->cols;
    const long rows = m < HEAT_MAX_ROWS ? m : HEAT_MAX_ROWS, ts = cols < HEAT_MAX_COLS ? cols : HEAT_MAX_COLS;
    fputs("\n\n", f);   /* block k (from 1) is panel k: the header is block 0 */
    for (long a = 0; a < rows; a++) {
        long row = spread(a, m, HEAT_MAX_ROWS);
        for (long b = 0; b < ts; b++) {
            long j = spread(b, cols, HEAT_MAX_COLS);
            fprintf(f, "%s\t%s\t%s\t%s\t%d\t%ld\t%ld\t", r->run->name, fc->cells[c], fc->clips[k],
                    r->value[key("seed")], l, (long)step->v[row], j + 1);
            put_norm(f, dh, lg, row, l, j, lo, hi);
        }
        fputs(a + 1 < rows ? "\n" : "", f);
    }
}

/* 2. log10 ||dL/dh_t|| over training step x timestep, one panel per run. */
static int fig_heatmap(facet *fc, const char *stem, gp_vars *v, char *err)
{
    if (!facet_has_layer(fc))
        return 1;
    tsv t;
    int rc = tsv_open(&t, fc, stem, "run\tcell\tclip\tseed\tlayer\tstep\tt\tdh_norm\tdh_log10\n", err);
    panels pn = {0};
    double lo = INFINITY, hi = -INFINITY;
    long L = 2;
    for (int c = 0; !rc && c < fc->n_cells; c++)
        for (int k = 0; !rc && k < fc->n_clips; k++) {
            const plot_run *r = first_seed_layer(fc, fc->cells[c], fc->clips[k]);
            results_data dh, lg, step;
            if (!r || (rc = read_norms(fc, r, &dh, &lg, &step, err)))
                continue;
            if (dh.rows >= 2 && dh.cols >= 2) {   /* a map needs two rows and two columns */
                put_heat_panel(t.f, fc, r, c, k, &dh, &lg, &step, &lo, &hi);
                add_panel(&pn, fc->cells[c], fc->clips[k], 0);
                L = dh.cols > L ? dh.cols : L;
            } else if (fc->o->log) {
                fprintf(fc->o->log, "  %s: run %s has %ld logged step(s): no panel\n", stem, r->run->name, dh.rows);
            }
            free_norms(&dh, &lg, &step);
        }
    if ((rc = tsv_close(&t, rc, err)))
        return rc;
    if (pn.n == 0) {
        remove(t.path);     /* no figure: no data beside it either */
        fc->skip = "no run with two logged steps";
        return 1;
    }
    /* a cell a row and a clip mode a column; one clip mode: a row of cells */
    int cols = pn.n == fc->n_cells * fc->n_clips && fc->n_clips > 1 ? fc->n_clips : pn.n < 4 ? pn.n : 4;
    title(v, fc, "gradient reaching each timestep, through training", true);
    t_axis(v, fc);
    layer_note(v, fc);
    cells_and_clips(v, fc);
    gp_str(v, "panel_cells", pn.cells);
    gp_str(v, "panel_clips", pn.clips);
    gp_num(v, "rows", (pn.n + cols - 1) / cols);
    gp_num(v, "cols", cols);
    gp_num(v, "L", L);
    double cmin, cmax;
    exponent_range(lo, hi, &cmin, &cmax);
    gp_num(v, "cbmin", cmin);
    gp_num(v, "cbmax", cmax);
    return RNB_OK;
}

/* One run's two panels of grad_depth_time: log10 ||dL/dh_t^l|| at every
 * layer (rows, from the bottom) and timestep (columns, thinned to
 * HEAT_MAX_COLS), at the first and at the last logged step. */
static void put_depth_panels(FILE *f, const facet *fc, const plot_run *r, int c, int k, const results_data *dh,
                             const results_data *lg, const results_data *step, panels *pn, double *lo,
                             double *hi)
{
    const long m = dh->rows, K = dh->layers, cols = dh->cols;
    const long ts = cols < HEAT_MAX_COLS ? cols : HEAT_MAX_COLS;
    for (int phase = 0; phase < 2; phase++) {
        const long row = phase ? m - 1 : 0;
        fputs("\n\n", f);   /* block k (from 1) is panel k: the header is block 0 */
        for (long l = 0; l < K; l++)
            for (long b = 0; b < ts; b++) {
                long j = spread(b, cols, HEAT_MAX_COLS);
                fprintf(f, "%s\t%s\t%s\t%s\t%s\t%ld\t%ld\t%ld\t", r->run->name, fc->cells[c], fc->clips[k],
                        r->value[key("seed")], phase ? "last" : "first", (long)step->v[row], l, j + 1);
                put_norm(f, dh, lg, row, (int)l, j, lo, hi);
            }
        add_panel(pn, fc->cells[c], fc->clips[k], (long)step->v[row]);
    }
}

/* 7. log10 ||dL/dh_t^l|| over layer x timestep at the first and the last
 * logged step: how the gradient reaches down the stack as well as back in
 * time. Two panels per run of two or more layers (each cell x clip mode
 * at one seed), one colour scale for all. */
static int fig_depth_time(facet *fc, const char *stem, gp_vars *v, char *err)
{
    if (facet_layers(fc) < 2) {
        fc->skip = "no run with two or more layers";
        return 1;
    }
    tsv t;
    int rc = tsv_open(&t, fc, stem, "run\tcell\tclip\tseed\tphase\tstep\tlayer\tt\tdh_norm\tdh_log10\n", err);
    panels pn = {0};
    double lo = INFINITY, hi = -INFINITY;
    long L = 2, K = 2;
    for (int c = 0; !rc && c < fc->n_cells; c++)
        for (int k = 0; !rc && k < fc->n_clips; k++) {
            const plot_run *r = first_seed(fc, fc->cells[c], fc->clips[k]);
            results_data dh, lg, step;
            if (!r || r->run->num_layers < 2 || (rc = read_norms(fc, r, &dh, &lg, &step, err)))
                continue;   /* one layer: no depth to draw */
            if (dh.rows >= 1 && dh.cols >= 2) {   /* an image needs two rows (layers) and two columns */
                put_depth_panels(t.f, fc, r, c, k, &dh, &lg, &step, &pn, &lo, &hi);
                L = dh.cols > L ? dh.cols : L;
                K = dh.layers > K ? dh.layers : K;
            } else if (fc->o->log) {
                fprintf(fc->o->log, "  %s: run %s has %ld logged step(s) and %ld timestep(s): no panel\n", stem,
                        r->run->name, dh.rows, dh.cols);
            }
            free_norms(&dh, &lg, &step);
        }
    if ((rc = tsv_close(&t, rc, err)))
        return rc;
    if (pn.n == 0) {
        remove(t.path);
        fc->skip = "no run of two or more layers with a logged step";
        return 1;
    }
    /* a run's pair of panels side by side, a run a row; a cell a row and
     * a clip mode a pair of columns where that fits */
    const int runs = pn.n / 2;
    const int pairs = runs == fc->n_cells * fc->n_clips && fc->n_clips > 1 && fc->n_clips <= 3 ? fc->n_clips : 1;
    title(v, fc, "gradient reaching each layer and timestep, first and last logged step", true);
    t_axis(v, fc);
    cells_and_clips(v, fc);
    gp_str(v, "panel_cells", pn.cells);
    gp_str(v, "panel_clips", pn.clips);
    gp_str(v, "panel_steps", pn.steps);
    gp_num(v, "rows", (runs + pairs - 1) / pairs);
    gp_num(v, "cols", 2 * pairs);
    gp_num(v, "L", L);
    gp_num(v, "K", K);
    double cmin, cmax;
    exponent_range(lo, hi, &cmin, &cmax);
    gp_num(v, "cbmin", cmin);
    gp_num(v, "cbmax", cmax);
    return RNB_OK;
}

static int cmp_pair(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* 3. Held-out loss over seeds: mean, min, max at each logged step. */
static int fig_training(facet *fc, const char *stem, gp_vars *v, char *err)
{
    tsv t;
    int rc = tsv_open(&t, fc, stem, "cell\tclip\tstep\truns\tloss_mean\tloss_min\tloss_max\n", err);
    const plot_run *r0 = run_of(fc, 0);
    double lo = r0->run->baseline, hi = r0->run->baseline, xmax = 1;
    for (int c = 0; !rc && c < fc->n_cells; c++)
        for (int k = 0; !rc && k < fc->n_clips; k++) {
            long total = 0;
            double *pairs = NULL;   /* (step, loss) of every run of this cell and clip */
            for (int i = 0; !rc && i < fc->n; i++) {
                const plot_run *r = run_of(fc, i);
                if (strcmp(r->value[key("cell")], fc->cells[c]) || strcmp(r->panel, fc->clips[k]))
                    continue;
                results_data loss, step = {0};
                double *grown;
                if ((rc = read_run(fc, r, "eval_loss", &loss, err)) || (rc = read_run(fc, r, "log_step", &step, err))) {
                    results_data_free(&loss);
                    break;
                }
                const long m = loss.rows;
                if (!(grown = realloc(pairs, sizeof(double) * 2 * (total + m + 1))))
                    rc = rnb_error(err, RNB_ENOMEM, "out of memory");
                else
                    pairs = grown;
                for (long j = 0; !rc && j < m; j++, total++)
                    pairs[2 * total] = step.v[j], pairs[2 * total + 1] = loss.v[j];
                xmax = fmax(xmax, r->run->steps_done);
                results_data_free(&loss), results_data_free(&step);
            }
            if (!rc && total > 0)
                qsort(pairs, total, 2 * sizeof(double), cmp_pair);
            for (long a = 0, b; !rc && a < total; a = b) {
                double sum = 0, mn = INFINITY, mx = -INFINITY;
                int n = 0;
                for (b = a; b < total && pairs[2 * b] == pairs[2 * a]; b++)
                    if (isfinite(pairs[2 * b + 1])) {
                        double y = pairs[2 * b + 1];
                        sum += y, n++, mn = fmin(mn, y), mx = fmax(mx, y);
                    }
                fprintf(t.f, "%s\t%s\t%ld\t%d\t", fc->cells[c], fc->clips[k], (long)pairs[2 * a], n);
                put_num(t.f, n ? sum / n : NAN), fputc('\t', t.f);
                put_num(t.f, n ? mn : NAN), fputc('\t', t.f);
                put_num(t.f, n ? mx : NAN), fputc('\n', t.f);
                if (n)
                    widen(mn, &lo, &hi), widen(mx, &lo, &hi);
            }
            free(pairs);
        }
    if ((rc = tsv_close(&t, rc, err)))
        return rc;
    const task_type *task = task_find(r0->run->cfg.task);
    double ymin, ymax;
    decades(lo, hi, &ymin, &ymax);
    title(v, fc, "training curves", false);
    cells_and_clips(v, fc);
    gp_num(v, "baseline", r0->run->baseline);
    gp_str(v, "loss_label", !task                          ? "loss"
                            : task->loss == LOSS_MSE          ? "mean squared error"
                            : task->readout == READOUT_ALL    ? "cross-entropy per output step, nats"
                                                              : "cross-entropy at the last step, nats");
    gp_num(v, "xmax", xmax);
    gp_num(v, "ymin", ymin);
    gp_num(v, "ymax", ymax);
    return RNB_OK;
}

/* 4. The gradient norm before clipping at every step (at most
 * NORM_MAX_POINTS per run: beyond, each bin's largest), clipped steps. */
static int fig_grad_norm(facet *fc, const char *stem, gp_vars *v, char *err)
{
    tsv t;
    int rc = tsv_open(&t, fc, stem, "run\tcell\tclip\tseed\tstep\tgrad_norm\tgrad_norm_clipped\tclipped\tdiverged\n", err);
    double lo = INFINITY, hi = 0, xmax = 1;
    char xmaxs[CONTEXT_LEN] = "";
    size_t lx = 0;
    for (int k = 0; !rc && k < fc->n_clips; k++) {
        double panel_max = 1;   /* a panel whose runs all diverged early shows their steps */
        for (int c = 0; !rc && c < fc->n_cells; c++) {
            const plot_run *r = first_seed(fc, fc->cells[c], fc->clips[k]);
            results_data gd = {0}, gcd = {0};
            if (!r || (rc = read_run(fc, r, "grad_norm", &gd, err)) ||
                (rc = read_run(fc, r, "grad_norm_clipped", &gcd, err))) {
                results_data_free(&gd);
                continue;
            }
            const double *g = gd.v, *gc = gcd.v;
            const long n = gd.rows;
            long bin = (n + NORM_MAX_POINTS - 1) / NORM_MAX_POINTS;
            bin = bin < 1 ? 1 : bin;
            for (long a = 0; a < n; a += bin) {
                long best = a;    /* a blown-up (NaN) step counts as the largest */
                for (long j = a + 1; j < a + bin && j < n; j++)
                    if (isnan(g[j]) || (!isnan(g[best]) && g[j] > g[best]))
                        best = j;
                fprintf(t.f, "%s\t%s\t%s\t%s\t%ld\t", r->run->name, fc->cells[c], fc->clips[k],
                        r->value[key("seed")], best + 1);
                put_num(t.f, g[best]), fputc('\t', t.f);
                put_num(t.f, gc[best]);
                fprintf(t.f, "\t%d\t%d\n", isfinite(g[best]) && gc[best] != g[best],
                        r->run->status == RUN_DIVERGED && best + 1 == r->run->diverged_step);
                widen(g[best], &lo, &hi);
            }
            if (r->run->clip_threshold > 0 && !strcmp(r->run->clip_mode, "norm"))
                widen(r->run->clip_threshold, &lo, &hi);
            xmax = fmax(xmax, n);
            panel_max = fmax(panel_max, n);
            results_data_free(&gd), results_data_free(&gcd);
        }
        if (lx < sizeof xmaxs)
            lx += snprintf(xmaxs + lx, sizeof xmaxs - lx, "%s%ld", k ? " " : "", (long)panel_max);
    }
    if ((rc = tsv_close(&t, rc, err)))
        return rc;
    double ymin, ymax;
    decades(lo, hi, &ymin, &ymax);
    title(v, fc, "gradient norm before clipping", true);
    cells_and_clips(v, fc);
    gp_num(v, "xmax", xmax);
    gp_str(v, "xmax_by_clip", xmaxs);
    gp_num(v, "ymin", ymin);
    gp_num(v, "ymax", ymax);
    return RNB_OK;
}

/* 6. The spectral radius and largest singular value of one layer's W_hh
 * at each logged step (the largest over the cell's gate blocks). Results
 * files of schema 1 have none: nothing to draw. */
static int fig_spectrum(facet *fc, const char *stem, gp_vars *v, char *err)
{
    bool any = false;
    for (int i = 0; i < fc->n; i++)
        any |= run_of(fc, i)->run->has_spectrum;
    if (!any) {
        fc->skip = "no spectrum in this results file (schema 1)";
        return 1;
    }
    if (!facet_has_layer(fc))
        return 1;
    tsv t;
    int rc = tsv_open(&t, fc, stem, "run\tcell\tclip\tseed\tlayer\tstep\tradius\tsigma\n", err);
    double hi = 1, xmax = 1;
    for (int c = 0; !rc && c < fc->n_cells; c++)
        for (int k = 0; !rc && k < fc->n_clips; k++) {
            const plot_run *r = first_seed_layer(fc, fc->cells[c], fc->clips[k]);
            results_data rad = {0}, sig = {0}, step = {0};
            if (r && !r->run->has_spectrum)
                continue;   /* a run kept by --resume from a schema 1 file */
            if (!r || (rc = read_run(fc, r, "w_hh_radius", &rad, err)) ||
                (rc = read_run(fc, r, "w_hh_sigma", &sig, err)) || (rc = read_run(fc, r, "log_step", &step, err))) {
                results_data_free(&rad), results_data_free(&sig);
                continue;
            }
            const int l = layer_of(fc, r);
            for (long i = 0; i < rad.rows; i++) {
                double rmax = NAN, smax = NAN;   /* NaN stays NaN: a blown-up W_hh */
                for (long g = 0; g < rad.cols; g++) {
                    double a = results_at(&rad, i, l)[g], b = results_at(&sig, i, l)[g];
                    rmax = g == 0 || a > rmax || isnan(a) ? a : rmax;
                    smax = g == 0 || b > smax || isnan(b) ? b : smax;
                }
                fprintf(t.f, "%s\t%s\t%s\t%s\t%d\t%ld\t", r->run->name, fc->cells[c], fc->clips[k],
                        r->value[key("seed")], l, (long)step.v[i]);
                put_num(t.f, rmax), fputc('\t', t.f);
                put_num(t.f, smax), fputc('\n', t.f);
                if (isfinite(smax))
                    hi = fmax(hi, smax);
            }
            xmax = fmax(xmax, r->run->steps_done);
            results_data_free(&rad), results_data_free(&sig), results_data_free(&step);
        }
    if ((rc = tsv_close(&t, rc, err)))
        return rc;
    title(v, fc, "spectrum of W_hh through training", true);
    layer_note(v, fc);
    cells_and_clips(v, fc);
    gp_num(v, "xmax", xmax);
    gp_num(v, "ymax", hi * 1.08);
    return RNB_OK;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

/* 5. Final held-out loss over the baseline, and solved fraction, against T. */
static int fig_length(facet *fc, const char *stem, gp_vars *v, char *err)
{
    long T[MAX_LENGTHS];
    int nT = 0;
    for (int i = 0; i < fc->n; i++) {
        long x = run_of(fc, i)->run->cfg.seq_len;
        int j;
        for (j = 0; j < nT && T[j] != x; j++)
            ;
        if (j == nT && nT < MAX_LENGTHS)
            T[nT++] = x;
    }
    if (nT < 2) {
        fc->skip = "one sequence length: no sweep";
        return 1;
    }
    qsort(T, nT, sizeof *T, cmp_long);
    tsv t;
    int rc = tsv_open(&t, fc, stem, "cell\tclip\tseq_len\truns\tloss_mean\tloss_min\tloss_max\tbaseline\t"
                                    "ratio_mean\tratio_min\tratio_max\tsolved_frac\tdiverged_frac\t"
                                    "solved_lo\tsolved_hi\n", err);
    double lo = 1, hi = 1;
    for (int c = 0; !rc && c < fc->n_cells; c++)
        for (int k = 0; k < fc->n_clips; k++)
            for (int j = 0; j < nT; j++) {
                double sum = 0, mn = INFINITY, mx = -INFINITY, base = NAN;
                int runs = 0, finite = 0, solved = 0, diverged = 0;
                for (int i = 0; i < fc->n; i++) {
                    const plot_run *r = run_of(fc, i);
                    if (strcmp(r->value[key("cell")], fc->cells[c]) || strcmp(r->panel, fc->clips[k]) ||
                        r->run->cfg.seq_len != T[j])
                        continue;
                    runs++, solved += r->run->solved != 0, base = r->run->baseline;
                    diverged += r->run->status == RUN_DIVERGED;
                    double loss = r->run->final_loss;
                    if (isfinite(loss))
                        sum += loss, finite++, mn = fmin(mn, loss), mx = fmax(mx, loss);
                }
                if (!runs)
                    continue;
                double mean = finite ? sum / finite : NAN;
                if (!finite)
                    mn = mx = NAN;
                fprintf(t.f, "%s\t%s\t%ld\t%d\t", fc->cells[c], fc->clips[k], T[j], runs);
                double wlo, whi;
                wilson_interval(solved, runs, &wlo, &whi);
                double vals[] = {mean, mn, mx, base, mean / base, mn / base, mx / base, (double)solved / runs,
                                 (double)diverged / runs, wlo, whi};
                const int nv = sizeof vals / sizeof vals[0];
                for (int q = 0; q < nv; q++)
                    put_num(t.f, vals[q]), fputc(q < nv - 1 ? '\t' : '\n', t.f);
                widen(mn / base, &lo, &hi), widen(mx / base, &lo, &hi);
            }
    if ((rc = tsv_close(&t, rc, err)))
        return rc;
    char s[CONTEXT_LEN];
    size_t len = 0;
    for (int j = 0; j < nT && len < sizeof s; j++)
        len += snprintf(s + len, sizeof s - len, "%s%ld", j ? " " : "", T[j]);
    double ymin, ymax;    /* ratios near 1 get a close range, far ones whole decades */
    if (hi / lo < 30)
        ymin = lo / 1.15, ymax = hi * 1.15;
    else
        decades(lo, hi, &ymin, &ymax);
    title(v, fc, "what each cell reaches as the lag grows", false);
    cells_and_clips(v, fc);
    gp_str(v, "lengths", s);
    gp_num(v, "ymin", ymin);
    gp_num(v, "ymax", ymax);
    return RNB_OK;
}

/* ---- the driver ---- */

static const struct {
    const char *name;
    figure_fn draw;
    bool draws_T;       /* seq_len is the figure's x axis, not a facet */
    bool per_layer;     /* draws one layer's numbers: the top, or --layer's */
    bool deep;          /* only for a file with a run of two or more layers */
} figures[] = {
    {"grad_through_time", fig_through_time, false, true, false},
    {"grad_heatmap", fig_heatmap, false, true, false},
    {"grad_depth_time", fig_depth_time, false, false, true},
    {"training_curves", fig_training, false, false, false},
    {"grad_norm", fig_grad_norm, false, false, false},
    {"w_hh_spectrum", fig_spectrum, false, true, false},
    {"length_sweep", fig_length, true, false, false},
};

static int draw_facet(facet *fc, int fig, const char *const *drawn, int *made, char *err)
{
    char stem[CONTEXT_LEN + 64];
    snprintf(stem, sizeof stem, "%s%s%s", figures[fig].name, fc->layer_tag, fc->suffix);
    list_cells_and_clips(fc);
    describe(fc, drawn);
    gp_vars v = {0};
    fc->skip = "nothing to draw";
    int rc = figures[fig].draw(fc, stem, &v, err);
    if (rc == 1) {      /* nothing to draw in this facet */
        if (fc->o->log)
            fprintf(fc->o->log, "  %s: skipped (%s)\n", stem, fc->skip);
        gp_vars_free(&v);
        return RNB_OK;
    }
    if (!rc) {
        char header[8192];
        snprintf(header, sizeof header,
                 "# %s.gp - drawn by rnnbench plot from %s (experiment %s)\n"
                 "# Data: %s.tsv (tab-separated, a header row).\n",
                 stem, fc->p->file.path, fc->p->file.experiment, stem);
        gp_figure gf = {fc->o->gnuplot, fc->work, stem, figures[fig].name, fc->o->formats, header};
        rc = gnuplot_draw(&gf, &v, err);
    }
    gp_vars_free(&v);
    if (!rc) {
        ++*made;
        if (fc->o->log) {   /* DIR/STEM.png, or DIR/STEM.{png,svg} */
            char list[32];
            snprintf(list, sizeof list, "%s", fc->o->formats);
            bool several = strchr(list, ' ') != NULL;
            for (char *c = list; *c; c++)
                *c = *c == ' ' ? ',' : *c;
            fprintf(fc->o->log, "  %s/%s.%s%s%s\n", fc->o->dir, stem, several ? "{" : "", list, several ? "}" : "");
        }
    }
    return rc;
}

/* Facet fc of figure fig at the layers plot_options asks for: a per-layer
 * figure once (each run's top: no tag; one layer N: _lN), or once per
 * layer of the facet's runs (--layer all: _l0, _l1, ...). */
static int draw_layers(facet *fc, int fig, const char *const *drawn, int *made, char *err)
{
    int first = PLOT_LAYER_TOP, last = PLOT_LAYER_TOP;
    if (figures[fig].per_layer && fc->o->layer == PLOT_LAYER_ALL)
        first = 0, last = facet_layers(fc) - 1;
    else if (figures[fig].per_layer)
        first = last = fc->o->layer;
    int rc = RNB_OK;
    for (int l = first; !rc && l <= last; l++) {
        fc->layer = l;
        if (l == PLOT_LAYER_TOP)
            fc->layer_tag[0] = '\0';
        else
            snprintf(fc->layer_tag, sizeof fc->layer_tag, "_l%d", l);
        rc = draw_facet(fc, fig, drawn, made, err);
    }
    return rc;
}

/* Every figure of p into folder work. */
static int draw_all(const plot_runs *p, const plot_options *o, const char *work, int *made, char *err)
{
    int *members = malloc(sizeof(int) * p->n);
    char (*keys)[CONTEXT_LEN] = malloc(sizeof *keys * p->n);
    char *done = malloc(p->n);
    int rc = members && keys && done ? RNB_OK : rnb_error(err, RNB_ENOMEM, "out of memory");
    for (int fig = 0; !rc && fig < (int)(sizeof figures / sizeof figures[0]); fig++) {
        if (figures[fig].deep && plot_runs_max_layers(p) < 2)
            continue;   /* one layer everywhere: no depth to draw, nothing to say */
        const char *drawn[5 + PLOT_MAX_PANEL_KEYS] = {"cell", "clip", "seed"};
        int n_drawn = 3;
        if (figures[fig].draws_T)
            drawn[n_drawn++] = "seq_len";
        for (int j = 0; j < p->n_panel_keys; j++)
            drawn[n_drawn++] = config_key_name(p->panel_key[j]);
        bool facet_keys[PLOT_MAX_KEYS];
        for (int k = 0; k < config_key_count(); k++)     /* in key order: task before cell's lr */
            facet_keys[k] = p->varies[k] && !drawn_by(drawn, config_key_name(k)) &&
                            !attached(p, k, drawn, facet_keys);
        for (int i = 0; i < p->n; i++)
            facet_key(&p->runs[i], facet_keys, keys[i], CONTEXT_LEN);
        memset(done, 0, p->n);
        for (int i = 0; !rc && i < p->n; i++) {
            if (done[i])
                continue;
            facet fc = {.p = p, .o = o, .work = work, .members = members, .facet_keys = facet_keys};
            for (int j = i; j < p->n; j++)
                if (!done[j] && strcmp(keys[j], keys[i]) == 0)
                    members[fc.n++] = j, done[j] = 1;
            snprintf(fc.suffix, sizeof fc.suffix, "%s", keys[i]);
            rc = draw_layers(&fc, fig, drawn, made, err);
        }
    }
    free(members), free(keys), free(done);
    return rc;
}

/* ---- the output folder: every figure or none ---- */

/* dir, made if missing (then *created); its parent must exist. */
static int make_dir(const char *dir, bool *created, char *err)
{
    struct stat st;
    *created = false;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? RNB_OK : rnb_error(err, RNB_EINVAL, "%s: exists and is not a folder", dir);
    if (mkdir(dir, 0777) != 0)
        return rnb_error(err, RNB_EINVAL, "%s: cannot make the folder: %s", dir, strerror(errno));
    *created = true;
    return RNB_OK;
}

/* The files of folder work moved into dir (move) or removed; then work.
 * (A rename within one folder's file system fails only in odd cases, a
 * full directory block; then the figures moved so far stay, each whole.) */
static int empty_folder(const char *work, const char *dir, bool move, char *err)
{
    DIR *d = opendir(work);
    if (!d)
        return rnb_error(err, RNB_EIO, "%s: %s", work, strerror(errno));
    int rc = RNB_OK;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char from[4608], to[4608];   /* work (4200) and a d_name (256) */
        snprintf(from, sizeof from, "%s/%s", work, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dir, e->d_name);
        if (move && !rc && rename(from, to) != 0)
            rc = rnb_error(err, RNB_EIO, "%s: %s", to, strerror(errno));
        if (!move || rc)
            remove(from);
    }
    closedir(d);
    rmdir(work);
    return rc;
}

/* err naming dir/X where it names work/X: the place the user asked for
 * (work is gone when the message is read). */
static void name_dir(char *err, const char *work, const char *dir)
{
    const char *at = strstr(err, work);
    if (!at)
        return;
    char out[RNB_ERRLEN];
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - err), err, dir, at + strlen(work));
    memcpy(err, out, sizeof out);
}

/* A failure halfway must not leave some figures new and others old, or a
 * script without its data: everything is drawn into a hidden folder in dir
 * (the same file system, so the moves are renames) and moved in at the
 * end; on failure it goes, and dir with it if this made dir. */
int plot_all(const plot_runs *p, const plot_options *o, int *made, char *err)
{
    *made = 0;
    const int K = plot_runs_max_layers(p);
    if (o->layer >= K && K == 1)
        return rnb_error(err, RNB_EINVAL, "--layer %d: every run has one layer (0)", o->layer);
    if (o->layer >= K)
        return rnb_error(err, RNB_EINVAL, "--layer %d: the runs have at most %d layers (0, the bottom, to %d)",
                         o->layer, K, K - 1);
    bool created;
    int rc = make_dir(o->dir, &created, err);
    if (rc)
        return rc;
    char work[4200];
    snprintf(work, sizeof work, "%s/.rnnbench-plot-XXXXXX", o->dir);
    if (!mkdtemp(work)) {
        rc = rnb_error(err, RNB_EIO, "%s: cannot make a temporary folder: %s", o->dir, strerror(errno));
    } else {
        rc = draw_all(p, o, work, made, err);
        int moved = empty_folder(work, o->dir, rc == RNB_OK, rc ? NULL : err);
        rc = rc ? rc : moved;
        if (rc)
            name_dir(err, work, o->dir);
    }
    if (rc && created)
        rmdir(o->dir);
    return rc;
}

