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
typedef enum { BY_STEPS, BY_LOGGED, BY_LAYERS, BY_SEQ, BY_GATES, BY_TENSORS, N_EXTENTS } extent;

/* Which runs have the dataset. */
typedef enum { ALWAYS, CELL_STATE, SPECTRUM, LOG10, LOG10_C, TENSORS, ORTH } presence;

typedef struct {
    const char *name;
    h5io_class cls;
    int rank;               /* in schema 3; before it, one less where dim holds BY_LAYERS */
    extent dim[3];
    presence need;
} ds_spec;

/* log_step comes first: its length is n_logged, which the others are
 * checked against. dc_norm only cells with a cell state write. Before
 * schema 3 a file held one layer and had no BY_LAYERS dimension; a run
 * kept by --resume from a schema 1 file has no spectrum, and a run has
 * both of its datasets or neither; files from before rnnbench 0.2.0 have
 * no dh_log10 (nor dc_log10). Schema 3 files have every dataset (dc_* for
 * cells with a cell state). */
static const ds_spec schema[] = {
    {"log_step", H5IO_INTEGER, 1, {BY_LOGGED}, ALWAYS},
    {"loss", H5IO_FLOAT, 1, {BY_STEPS}, ALWAYS},
    {"metric", H5IO_FLOAT, 1, {BY_STEPS}, ALWAYS},
    {"grad_norm", H5IO_FLOAT, 1, {BY_STEPS}, ALWAYS},
    {"grad_norm_clipped", H5IO_FLOAT, 1, {BY_STEPS}, ALWAYS},
    {"dh_norm", H5IO_FLOAT, 3, {BY_LOGGED, BY_LAYERS, BY_SEQ}, ALWAYS},
    {"dc_norm", H5IO_FLOAT, 3, {BY_LOGGED, BY_LAYERS, BY_SEQ}, CELL_STATE},
    {"dh_log10", H5IO_FLOAT, 3, {BY_LOGGED, BY_LAYERS, BY_SEQ}, LOG10},
    {"dc_log10", H5IO_FLOAT, 3, {BY_LOGGED, BY_LAYERS, BY_SEQ}, LOG10_C},
    {"eval_loss", H5IO_FLOAT, 1, {BY_LOGGED}, ALWAYS},
    {"eval_metric", H5IO_FLOAT, 1, {BY_LOGGED}, ALWAYS},
    {"w_hh_radius", H5IO_FLOAT, 3, {BY_LOGGED, BY_LAYERS, BY_GATES}, SPECTRUM},
    {"w_hh_sigma", H5IO_FLOAT, 3, {BY_LOGGED, BY_LAYERS, BY_GATES}, SPECTRUM},
    {"grad_norm_tensor", H5IO_FLOAT, 2, {BY_STEPS, BY_TENSORS}, TENSORS},
    {"w_hh_orth_error", H5IO_FLOAT, 2, {BY_LOGGED, BY_LAYERS}, ORTH},
};

static const ds_spec *find_spec(const char *name)
{
    for (size_t i = 0; i < COUNT(schema); i++)
        if (strcmp(schema[i].name, name) == 0)
            return &schema[i];
    return NULL;
}

/* The dimensions of s in a file of schema version: its rank. */
static int spec_dims(const ds_spec *s, long version, extent dim[3])
{
    int rank = 0;
    for (int i = 0; i < s->rank; i++)
        if (s->dim[i] != BY_LAYERS || version >= 3)
            dim[rank++] = s->dim[i];
    return rank;
}

/* Whether a run of a file of schema version must have dataset s. */
static bool required(const ds_spec *s, long version, const results_run *r)
{
    if (s->need == ALWAYS)
        return true;
    if (s->need == SPECTRUM && r->cell->recurrence == REC_NONE && !r->cell->radius)
        return false;   /* no recurrent weight, no spectrum */
    if (s->need == ORTH)
        return r->cell->reparam_form != NULL;   /* exprnn came with it */
    return version >= 3 && (s->need == LOG10 || s->need == SPECTRUM || s->need == TENSORS);
}

static bool run_has(const results_run *r, const ds_spec *s)
{
    switch (s->need) {
    case ALWAYS: return true;
    case CELL_STATE: return r->has_dc;
    case SPECTRUM: return r->has_spectrum;
    case LOG10: return r->has_log10;
    case LOG10_C: return r->has_dc && r->has_log10;
    case TENSORS: return r->has_tensors;
    case ORTH: return r->cell->reparam_form != NULL;
    }
    return false;
}

static void extents(const results_run *r, long size[N_EXTENTS])
{
    size[BY_STEPS] = r->steps_done;
    size[BY_LOGGED] = r->n_logged;
    size[BY_LAYERS] = r->num_layers;
    size[BY_SEQ] = r->seq_total;
    size[BY_GATES] = r->cell->G;
    size[BY_TENSORS] = r->n_tensors;
}

/* "[n_logged, num_layers, seq_total]": the shape as docs/results.md
 * writes it, for messages. */
static void say_shape(char *buf, size_t n, const extent *dim, int rank)
{
    static const char *const names[] = {"steps_done", "n_logged", "num_layers", "seq_total", "G", "n_tensors"};
    size_t len = snprintf(buf, n, "[");
    for (int i = 0; i < rank && len < n; i++)
        len += snprintf(buf + len, n - len, "%s%s", i ? ", " : "", names[dim[i]]);
    if (len < n)
        snprintf(buf + len, n - len, "]");
}

/* "log_step 4", "seq_total 11", "gru has G = 3": what a length must be. */
static void say_extent(char *buf, size_t n, extent e, long size, const results_run *r)
{
    static const char *const names[] = {"steps_done", "log_step", "num_layers", "seq_total", "",
                                        "its attribute names"};
    if (e == BY_GATES)
        snprintf(buf, n, "cell %s has G = %ld", r->cell->name, size);
    else
        snprintf(buf, n, "%s %ld", names[e], size);
}

/* What the i-th of rank dimensions counts, for messages. */
static const char *say_dim(extent e, int i, int rank)
{
    if (rank == 1)
        return "values";
    return i == 0 ? "rows" : e == BY_LAYERS ? "layers" : "columns";
}

static void ds_path(char *buf, size_t n, const results_run *r, const char *name)
{
    snprintf(buf, n, "/runs/%s/%s", r->name, name);
}

/* The names of grad_norm_tensor's columns (dataset path): its attribute
 * "names", a 1-D list of strings, one or more. */
static int read_tensor_names(const results_file *rf, results_run *r, const char *path, char *sub)
{
    if (!h5io_has_attr(rf->f, path, "names"))
        return rnb_error(sub, RNB_EINVAL, "grad_norm_tensor has no attribute names (the tensor of each column)");
    char *rows, why[RNB_ERRLEN];
    if (h5io_get_attr_str_list(rf->f, path, "names", RESULTS_TENSOR_NAME_LEN, &rows, &r->n_tensors, why))
        return rnb_error(sub, RNB_EINVAL, "grad_norm_tensor's %s", why);
    r->tensor_names = (char (*)[RESULTS_TENSOR_NAME_LEN])rows;
    return RNB_OK;
}

/* Class, rank and lengths of dataset s of run r; *found false (and OK)
 * when an optional one is absent. */
static int check_dataset(const results_file *rf, results_run *r, const ds_spec *s,
                         bool *found, char *sub)
{
    char path[EXP_NAME_LEN + 64], shape[128];
    extent want_dim[3];
    const int want_rank = spec_dims(s, rf->schema_version, want_dim);
    say_shape(shape, sizeof shape, want_dim, want_rank);
    ds_path(path, sizeof path, r, s->name);
    *found = h5io_exists(rf->f, path);
    if (s->need == TENSORS && rf->schema_version < 3)
        *found = false;     /* not of schemas 1 and 2: one there is no concern of theirs */
    if (!*found)
        return required(s, rf->schema_version, r) ? rnb_error(sub, RNB_EINVAL, "dataset %s is missing", s->name)
                                                : RNB_OK;
    h5io_class cls;
    int rank;
    long d[H5IO_MAXRANK], size[N_EXTENTS];
    int rc = h5io_info(rf->f, path, &cls, &rank, d, sub);
    if (rc)
        return rc;
    if (cls != s->cls)
        return rnb_error(sub, RNB_EINVAL, "%s is %s, expected %s %s", s->name,
                         cls == H5IO_FLOAT ? "floating-point" : cls == H5IO_INTEGER ? "integer" : "not numeric",
                         s->cls == H5IO_FLOAT ? "floating-point" : "integer", shape);
    if (rank != want_rank)
        return rnb_error(sub, RNB_EINVAL, "%s has rank %d, expected %s", s->name, rank, shape);
    if (s->need == TENSORS && (rc = read_tensor_names(rf, r, path, sub)))
        return rc;      /* its columns are as many as the names */
    extents(r, size);
    for (int i = 0; i < rank; i++) {
        extent e = want_dim[i];
        if (e == BY_LOGGED && r->n_logged < 0) {
            r->n_logged = size[BY_LOGGED] = d[i];   /* log_step's length */
            continue;
        }
        if (d[i] == size[e])
            continue;
        char want[128];
        say_extent(want, sizeof want, e, size[e], r);
        return rnb_error(sub, RNB_EINVAL, "%s has %ld %s, %s", s->name, d[i], say_dim(e, i, rank), want);
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

static bool found_of(const bool *found, const char *name) { return found[find_spec(name) - schema]; }

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
    bool radius = found_of(found, "w_hh_radius"), sigma = found_of(found, "w_hh_sigma");
    if (radius != sigma)
        return rnb_error(sub, RNB_EINVAL, "%s is missing (%s is there: a run has both or neither)",
                         radius ? "w_hh_sigma" : "w_hh_radius", radius ? "w_hh_radius" : "w_hh_sigma");
    r->has_dc = found_of(found, "dc_norm");
    r->has_log10 = found_of(found, "dh_log10");
    if (r->has_dc && r->has_log10 != found_of(found, "dc_log10"))
        return rnb_error(sub, RNB_EINVAL, "%s is missing (a run with dc_norm and dh_log10 has dc_log10 too)",
                         r->has_log10 ? "dc_log10" : "dh_log10");
    r->has_spectrum = radius;
    r->has_tensors = found_of(found, "grad_norm_tensor");
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

/* K, the layers the per-layer datasets hold: the attribute num_layers,
 * which schema 3 files always have; before schema 3, one layer (the
 * attribute, a key newer than the file, takes its default 1). */
static int read_layers(const results_file *rf, const char *grp, results_run *r, char *sub)
{
    r->num_layers = r->cfg.num_layers;
    if (rf->schema_version >= 3 && !h5io_has_attr(rf->f, grp, "num_layers"))
        return rnb_error(sub, RNB_EINVAL, "attribute num_layers is missing (schema 3 files have it)");
    if (rf->schema_version < 3 && r->num_layers != 1)
        return rnb_error(sub, RNB_EINVAL, "num_layers is %ld in a file of schema %ld, which holds one layer",
                         r->num_layers, rf->schema_version);
    if (r->num_layers < 1)
        return rnb_error(sub, RNB_EINVAL, "num_layers is %ld, not a count of layers", r->num_layers);
    return RNB_OK;
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
        rc = read_layers(rf, grp, r, sub);
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
                      results_data *d, char *err)
{
    memset(d, 0, sizeof *d);
    const ds_spec *s = find_spec(name);
    if (!s || !run_has(r, s))
        return rnb_error(err, RNB_EINVAL, "%s: run '%s': no dataset %s", rf->path, r->name, name);
    long size[N_EXTENTS];
    extents(r, size);
    /* one layer before schema 3: the same values, [rows][1][cols] */
    d->rows = size[s->dim[0]];
    d->layers = s->rank == 3 ? size[BY_LAYERS] : 1;
    d->cols = s->rank > 1 ? size[s->dim[s->rank - 1]] : 1;
    char path[EXP_NAME_LEN + 64];
    ds_path(path, sizeof path, r, name);
    double *buf = malloc(sizeof(double) * (d->rows * d->layers * d->cols + 1));
    if (!buf)
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    int rc = h5io_read_double(rf->f, path, buf, err);
    if (rc)
        free(buf);
    else
        d->v = buf;
    return rc;
}

void results_data_free(results_data *d)
{
    free(d->v);
    memset(d, 0, sizeof *d);
}

void results_file_close(results_file *rf)
{
    if (rf->f)
        h5io_close(rf->f, NULL);
    for (int i = 0; rf->runs && i < rf->n; i++)
        free(rf->runs[i].tensor_names);
    free(rf->runs);
    memset(rf, 0, sizeof *rf);
}
