/* results_read.c - the one reader of the results schema (docs/results.md):
 * what a reader may rely on is checked here, once, so that summary and
 * plot index their arrays without checking again. */
#include "results_read.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "status.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the datasets of a run ---- */

/* What a dimension's length must equal. */
typedef enum { BY_STEPS, BY_LOGGED, BY_SEQ, BY_GATES, N_EXTENTS } extent;

/* Which runs have the dataset. */
typedef enum { ALWAYS, IF_PRESENT, SPECTRUM, LOG10, LOG10_C } presence;

typedef struct {
    const char *name;
    h5io_class cls;
    int rank;
    extent dim[2];
    const char *shape;      /* as docs/results.md writes it, for messages */
    presence need;
} ds_spec;

/* log_step comes first: its length is n_logged, which the others are
 * checked against. dc_norm only cells with a cell state write; a run kept
 * by --resume from a schema 1 file has no spectrum, and a run has both of
 * its datasets or neither; files from before rnnbench 0.2.0 have no
 * dh_log10 (nor dc_log10). */
static const ds_spec schema[] = {
    {"log_step", H5IO_INTEGER, 1, {BY_LOGGED}, "[n_logged]", ALWAYS},
    {"loss", H5IO_FLOAT, 1, {BY_STEPS}, "[steps_done]", ALWAYS},
    {"metric", H5IO_FLOAT, 1, {BY_STEPS}, "[steps_done]", ALWAYS},
    {"grad_norm", H5IO_FLOAT, 1, {BY_STEPS}, "[steps_done]", ALWAYS},
    {"grad_norm_clipped", H5IO_FLOAT, 1, {BY_STEPS}, "[steps_done]", ALWAYS},
    {"dh_norm", H5IO_FLOAT, 2, {BY_LOGGED, BY_SEQ}, "[n_logged, seq_total]", ALWAYS},
    {"dc_norm", H5IO_FLOAT, 2, {BY_LOGGED, BY_SEQ}, "[n_logged, seq_total]", IF_PRESENT},
    {"dh_log10", H5IO_FLOAT, 2, {BY_LOGGED, BY_SEQ}, "[n_logged, seq_total]", LOG10},
    {"dc_log10", H5IO_FLOAT, 2, {BY_LOGGED, BY_SEQ}, "[n_logged, seq_total]", LOG10_C},
    {"eval_loss", H5IO_FLOAT, 1, {BY_LOGGED}, "[n_logged]", ALWAYS},
    {"eval_metric", H5IO_FLOAT, 1, {BY_LOGGED}, "[n_logged]", ALWAYS},
    {"w_hh_radius", H5IO_FLOAT, 2, {BY_LOGGED, BY_GATES}, "[n_logged, G]", SPECTRUM},
    {"w_hh_sigma", H5IO_FLOAT, 2, {BY_LOGGED, BY_GATES}, "[n_logged, G]", SPECTRUM},
};

static const ds_spec *find_spec(const char *name)
{
    for (size_t i = 0; i < COUNT(schema); i++)
        if (strcmp(schema[i].name, name) == 0)
            return &schema[i];
    return NULL;
}

static bool run_has(const results_run *r, const ds_spec *s)
{
    switch (s->need) {
    case ALWAYS: return true;
    case IF_PRESENT: return r->has_dc;
    case SPECTRUM: return r->has_spectrum;
    case LOG10: return r->has_log10;
    case LOG10_C: return r->has_dc && r->has_log10;
    }
    return false;
}

static void extents(const results_run *r, long size[N_EXTENTS])
{
    size[BY_STEPS] = r->steps_done;
    size[BY_LOGGED] = r->n_logged;
    size[BY_SEQ] = r->seq_total;
    size[BY_GATES] = r->cell->G;
}

/* "log_step 4", "seq_total 11", "gru has G = 3": what a length must be. */
static void say_extent(char *buf, size_t n, extent e, long size, const results_run *r)
{
    static const char *const names[] = {"steps_done", "log_step", "seq_total"};
    if (e == BY_GATES)
        snprintf(buf, n, "cell %s has G = %ld", r->cell->name, size);
    else
        snprintf(buf, n, "%s %ld", names[e], size);
}

static void ds_path(char *buf, size_t n, const results_run *r, const char *name)
{
    snprintf(buf, n, "/runs/%s/%s", r->name, name);
}

/* Class, rank and lengths of dataset s of run r; *found false (and OK)
 * when an optional one is absent. */
static int check_dataset(const results_file *rf, results_run *r, const ds_spec *s,
                         bool *found, char *sub)
{
    char path[EXP_NAME_LEN + 64];
    ds_path(path, sizeof path, r, s->name);
    *found = h5io_exists(rf->f, path);
    if (!*found)
        return s->need == ALWAYS ? rnb_error(sub, RNB_EINVAL, "dataset %s is missing", s->name) : RNB_OK;
    h5io_class cls;
    int rank;
    long d[H5IO_MAXRANK], size[N_EXTENTS];
    int rc = h5io_info(rf->f, path, &cls, &rank, d, sub);
    if (rc)
        return rc;
    if (cls != s->cls)
        return rnb_error(sub, RNB_EINVAL, "%s is %s, expected %s %s", s->name,
                         cls == H5IO_FLOAT ? "floating-point" : cls == H5IO_INTEGER ? "integer" : "not numeric",
                         s->cls == H5IO_FLOAT ? "floating-point" : "integer", s->shape);
    if (rank != s->rank)
        return rnb_error(sub, RNB_EINVAL, "%s has rank %d, expected %s", s->name, rank, s->shape);
    extents(r, size);
    for (int i = 0; i < rank; i++) {
        if (s->dim[i] == BY_LOGGED && r->n_logged < 0) {
            r->n_logged = size[BY_LOGGED] = d[i];   /* log_step's length */
            continue;
        }
        if (d[i] == size[s->dim[i]])
            continue;
        char want[128];
        say_extent(want, sizeof want, s->dim[i], size[s->dim[i]], r);
        return rnb_error(sub, RNB_EINVAL, "%s has %ld %s, %s", s->name, d[i],
                         rank == 1 ? "values" : i == 0 ? "rows" : "columns", want);
    }
    return RNB_OK;
}

/* The figures put each logged row at its step, and the grad_norm series
 * is indexed by it: steps rise strictly, within 1..steps_done. */
static int check_log_steps(const results_file *rf, const results_run *r, char *sub)
{
    char path[EXP_NAME_LEN + 64];
    ds_path(path, sizeof path, r, "log_step");
    double *step = malloc(sizeof(double) * (r->n_logged + 1));
    if (!step)
        return rnb_error(sub, RNB_ENOMEM, "out of memory");
    int rc = h5io_read_double(rf->f, path, step, sub);
    for (long i = 0; !rc && i < r->n_logged; i++) {
        if (step[i] < 1 || step[i] > r->steps_done)
            rc = rnb_error(sub, RNB_EINVAL, "log_step[%ld] is %.0f, outside 1..steps_done (%ld)", i, step[i],
                           r->steps_done);
        else if (i > 0 && step[i] <= step[i - 1])
            rc = rnb_error(sub, RNB_EINVAL, "log_step is not increasing: log_step[%ld] is %.0f after %.0f", i,
                           step[i], step[i - 1]);
    }
    free(step);
    return rc;
}

static int check_datasets(const results_file *rf, results_run *r, char *sub)
{
    bool found[COUNT(schema)];
    r->n_logged = -1;   /* until log_step, checked first, says */
    for (size_t i = 0; i < COUNT(schema); i++) {
        int rc = check_dataset(rf, r, &schema[i], &found[i], sub);
        if (!rc && i == 0)
            rc = check_log_steps(rf, r, sub);
        if (rc)
            return rc;
    }
    bool radius = found[find_spec("w_hh_radius") - schema], sigma = found[find_spec("w_hh_sigma") - schema];
    if (radius != sigma)
        return rnb_error(sub, RNB_EINVAL, "%s is missing (%s is there: a run has both or neither)",
                         radius ? "w_hh_sigma" : "w_hh_radius", radius ? "w_hh_radius" : "w_hh_sigma");
    r->has_dc = found[find_spec("dc_norm") - schema];
    r->has_log10 = found[find_spec("dh_log10") - schema];
    if (r->has_dc && r->has_log10 != found[find_spec("dc_log10") - schema])
        return rnb_error(sub, RNB_EINVAL, "%s is missing (a run with dc_norm and dh_log10 has dc_log10 too)",
                         r->has_log10 ? "dc_log10" : "dh_log10");
    r->has_spectrum = radius;
    return RNB_OK;
}

/* ---- a run's attributes ---- */

enum { A_LONG, A_DOUBLE, A_STR };

/* The outcome attributes a reader uses (status apart: it is parsed). */
static const struct {
    const char *name;
    int type;
    size_t off, size;
} outcome[] = {
#define A(field, type) {#field, type, offsetof(results_run, field), sizeof(((results_run *)0)->field)}
    A(steps_done, A_LONG), A(diverged_step, A_LONG), A(solved, A_LONG), A(solve_step, A_LONG),
    A(seq_total, A_LONG), A(baseline, A_DOUBLE), A(final_loss, A_DOUBLE), A(final_metric, A_DOUBLE),
    A(clip_threshold, A_DOUBLE), A(clip_mode, A_STR),
#undef A
};

static int read_outcome(const results_file *rf, const char *grp, results_run *r, char *sub)
{
    char st[32];
    int rc = RNB_OK;
    if (!h5io_has_attr(rf->f, grp, "status"))
        return rnb_error(sub, RNB_EINVAL, "attribute status is missing");
    if ((rc = h5io_get_attr_str(rf->f, grp, "status", st, sizeof st, sub)))
        return rc;
    if (run_status_parse(&r->status, st))
        return rnb_error(sub, RNB_EINVAL, "attribute status is '%s', not finished, diverged or interrupted", st);
    for (size_t i = 0; i < COUNT(outcome) && !rc; i++) {
        const char *name = outcome[i].name;
        void *p = (char *)r + outcome[i].off;
        if (!h5io_has_attr(rf->f, grp, name))
            return rnb_error(sub, RNB_EINVAL, "attribute %s is missing", name);
        rc = outcome[i].type == A_LONG     ? h5io_get_attr_long(rf->f, grp, name, p, sub)
             : outcome[i].type == A_DOUBLE ? h5io_get_attr_double(rf->f, grp, name, p, sub)
                                           : h5io_get_attr_str(rf->f, grp, name, p, outcome[i].size, sub);
    }
    return rc;
}

/* err = "PATH: run 'NAME': SUB". A message of h5io begins with the path
 * already: it is not said twice. */
static int run_error(char *err, int code, const results_file *rf, const char *name, const char *sub)
{
    size_t n = strlen(rf->path);
    if (strncmp(sub, rf->path, n) == 0 && strncmp(sub + n, ": ", 2) == 0)
        sub += n + 2;
    return rnb_error(err, code == RNB_ENOMEM ? RNB_ENOMEM : RNB_EINVAL, "%s: run '%s': %s", rf->path, name, sub);
}

static int read_run(const results_file *rf, const char *name, results_run *r, char *err)
{
    char grp[EXP_NAME_LEN + 8], sub[RNB_ERRLEN];
    snprintf(grp, sizeof grp, "/runs/%s", name);
    snprintf(r->name, sizeof r->name, "%s", name);
    int rc = results_read_params(rf->f, grp, &r->cfg, sub);
    if (!rc && !(r->cell = cell_find(r->cfg.cell)))
        rc = rnb_error(sub, RNB_EINVAL, "cell '%s' is not one this rnnbench knows (rnnbench list)", r->cfg.cell);
    if (!rc)
        rc = read_outcome(rf, grp, r, sub);
    if (!rc)
        rc = check_datasets(rf, r, sub);
    return rc ? run_error(err, rc, rf, name, sub) : RNB_OK;
}

/* ---- the file ---- */

static int read_root(results_file *rf, char *err)
{
    char sub[RNB_ERRLEN];
    if (h5io_get_attr_long(rf->f, "/", "schema_version", &rf->schema_version, sub) ||
        h5io_get_attr_str(rf->f, "/", "experiment", rf->experiment, sizeof rf->experiment, sub) ||
        !h5io_exists(rf->f, "runs"))
        return rnb_error(err, RNB_EINVAL, "%s: not an rnnbench results file (no schema_version, experiment or /runs)",
                         rf->path);
    if (rf->schema_version < 1 || rf->schema_version > RESULTS_SCHEMA_VERSION)
        return rnb_error(err, RNB_EINVAL,
                         "%s: schema_version is %ld; this rnnbench reads results files of schema 1 to %d",
                         rf->path, rf->schema_version, RESULTS_SCHEMA_VERSION);
    int rc;
    if ((rc = h5io_get_attr_str(rf->f, "/", "description", rf->description, sizeof rf->description, err)) ||
        (rc = h5io_get_attr_str(rf->f, "/", "precision", rf->precision, sizeof rf->precision, err)))
        return rc;
    return RNB_OK;
}

int results_file_open(results_file *rf, const char *path, char *err)
{
    memset(rf, 0, sizeof *rf);
    rf->path = path;
    int rc = h5io_open_read(&rf->f, path, err);
    if (rc)
        return rc;
    char (*names)[EXP_NAME_LEN] = NULL;
    int n = 0;
    if (!(rc = read_root(rf, err)) && !(rc = results_run_names(rf->f, &names, &n, err)) && n == 0)
        rc = rnb_error(err, RNB_EINVAL, "%s: the results file holds no runs", path);
    if (!rc && !(rf->runs = calloc(n, sizeof *rf->runs)))
        rc = rnb_error(err, RNB_ENOMEM, "out of memory");
    for (int i = 0; !rc && i < n; i++, rf->n++)
        rc = read_run(rf, names[i], &rf->runs[i], err);
    free(names);
    if (rc)
        results_file_close(rf);
    return rc;
}

int results_file_read(const results_file *rf, const results_run *r, const char *name,
                      double **out, long *rows, long *cols, char *err)
{
    *out = NULL;
    const ds_spec *s = find_spec(name);
    if (!s || !run_has(r, s))
        return rnb_error(err, RNB_EINVAL, "%s: run '%s': no dataset %s", rf->path, r->name, name);
    long size[N_EXTENTS];
    extents(r, size);
    *rows = size[s->dim[0]];
    *cols = s->rank == 2 ? size[s->dim[1]] : 1;
    char path[EXP_NAME_LEN + 64];
    ds_path(path, sizeof path, r, name);
    double *buf = malloc(sizeof(double) * (*rows * *cols + 1));
    if (!buf)
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    int rc = h5io_read_double(rf->f, path, buf, err);
    if (rc)
        free(buf);
    else
        *out = buf;
    return rc;
}

void results_file_close(results_file *rf)
{
    if (rf->f)
        h5io_close(rf->f, NULL);
    free(rf->runs);
    memset(rf, 0, sizeof *rf);
}
