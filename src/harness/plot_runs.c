#include "plot_runs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "results.h"
#include "status.h"

static int read_one(h5file *f, const char *name, plot_run *r, char *err)
{
    char grp[EXP_NAME_LEN + 8], st[32];
    snprintf(grp, sizeof grp, "/runs/%s", name);
    snprintf(r->name, sizeof r->name, "%s", name);
    int rc;
    if ((rc = results_read_params(f, grp, &r->cfg, err)) ||
        (rc = h5io_get_attr_str(f, grp, "status", st, sizeof st, err)) ||
        (rc = h5io_get_attr_long(f, grp, "steps_done", &r->steps_done, err)) ||
        (rc = h5io_get_attr_long(f, grp, "diverged_step", &r->diverged_step, err)) ||
        (rc = h5io_get_attr_long(f, grp, "seq_total", &r->seq_total, err)) ||
        (rc = h5io_get_attr_long(f, grp, "solved", &r->solved, err)) ||
        (rc = h5io_get_attr_double(f, grp, "baseline", &r->baseline, err)) ||
        (rc = h5io_get_attr_double(f, grp, "final_loss", &r->final_loss, err)) ||
        (rc = h5io_get_attr_double(f, grp, "clip_threshold", &r->clip_threshold, err)) ||
        (rc = h5io_get_attr_str(f, grp, "clip_mode", r->clip_mode, sizeof r->clip_mode, err)))
        return rc;
    if (run_status_parse(&r->status, st))
        return rnb_error(err, RNB_EINVAL, "bad status '%s'", st);
    for (int k = 0; k < config_key_count(); k++)
        config_key_value(&r->cfg, k, r->value[k], PLOT_VALUE_LEN);
    r->cell_rank = cell_count();
    for (int i = 0; i < cell_count(); i++)
        if (strcmp(cell_at(i)->name, r->cfg.cell) == 0)
            r->cell_rank = i;
    return RNB_OK;
}

static void find_varying(plot_runs *p)
{
    for (int k = 0; k < config_key_count(); k++) {
        p->varies[k] = false;
        for (int i = 1; i < p->n; i++)
            if (strcmp(p->runs[i].value[k], p->runs[0].value[k]) != 0)
                p->varies[k] = true;
    }
}

int plot_runs_read(plot_runs *p, const char *path, char *err)
{
    memset(p, 0, sizeof *p);
    p->path = path;
    if (config_key_count() > PLOT_MAX_KEYS)
        return rnb_error(err, RNB_EINVAL, "more config keys than PLOT_MAX_KEYS");
    int rc = h5io_open_read(&p->f, path, err);
    if (rc)
        return rc;
    long version;
    char sub[RNB_ERRLEN];
    if (h5io_get_attr_long(p->f, "/", "schema_version", &version, sub) ||
        h5io_get_attr_str(p->f, "/", "experiment", p->experiment, sizeof p->experiment, sub) ||
        !h5io_exists(p->f, "runs")) {
        plot_runs_free(p);
        return rnb_error(err, RNB_EINVAL, "%s: not an rnnbench results file (no schema_version, experiment or /runs)", path);
    }
    if (version < 1 || version > RESULTS_SCHEMA_VERSION) {
        plot_runs_free(p);
        return rnb_error(err, RNB_EINVAL, "%s: results schema version %ld, this rnnbench reads 1 to %d",
                         path, version, RESULTS_SCHEMA_VERSION);
    }
    h5io_get_attr_str(p->f, "/", "description", p->description, sizeof p->description, sub);
    char (*names)[EXP_NAME_LEN];
    int n;
    if ((rc = results_run_names(p->f, &names, &n, err)) == RNB_OK && n == 0)
        rc = rnb_error(err, RNB_EINVAL, "%s: the results file holds no runs", path);
    if (!rc && !(p->runs = calloc(n, sizeof *p->runs)))
        rc = rnb_error(err, RNB_ENOMEM, "out of memory");
    for (int i = 0; !rc && i < n; i++, p->n++)
        if ((rc = read_one(p->f, names[i], &p->runs[i], sub)))
            rc = rnb_error(err, RNB_EINVAL, "%s: run '%s': %s", path, names[i], sub);
    free(names);
    if (rc) {
        plot_runs_free(p);
        return rc;
    }
    find_varying(p);
    return RNB_OK;
}

/* Whether run r matches one term "key=v1|v2|...". */
static int term_matches(const plot_run *r, const char *term, size_t len, bool *match, char *err)
{
    char t[512];
    if (len >= sizeof t)
        return rnb_error(err, RNB_EINVAL, "--runs: term '%.40s...' is too long", term);
    memcpy(t, term, len), t[len] = '\0';
    char *eq = strchr(t, '=');
    if (!eq || eq == t || !eq[1])
        return rnb_error(err, RNB_EINVAL, "--runs: '%s' is not KEY=VALUE", t);
    *eq = '\0';
    const char *key = t;
    int k = config_key_find(key);
    if (k < 0 && strcmp(key, "status") != 0)
        return rnb_error(err, RNB_EINVAL, "--runs: unknown key '%s' (a config key or status)", key);
    *match = false;
    for (char *v = eq + 1, *next; v; v = next) {
        next = strchr(v, '|');
        if (next)
            *next++ = '\0';
        if (k < 0) {
            run_status s;
            if (run_status_parse(&s, v))
                return rnb_error(err, RNB_EINVAL, "--runs: status '%s' is not finished, diverged or interrupted", v);
            *match |= s == r->status;
            continue;
        }
        config c;
        char sub[RNB_ERRLEN], canon[PLOT_VALUE_LEN];
        config_defaults(&c);
        if (config_set(&c, key, v, sub))
            return rnb_error(err, RNB_EINVAL, "--runs: %s", sub);
        config_key_value(&c, k, canon, sizeof canon);
        *match |= strcmp(canon, r->value[k]) == 0;
    }
    return RNB_OK;
}

int plot_runs_filter(plot_runs *p, const char *filter, char *err)
{
    int kept = 0;
    for (int i = 0; i < p->n; i++) {
        bool all = true;
        for (const char *term = filter; *term;) {
            size_t len = strcspn(term, ",");
            bool match;
            int rc = term_matches(&p->runs[i], term, len, &match, err);
            if (rc)
                return rc;
            all &= match;
            term += len + (term[len] == ',');
        }
        if (all)
            p->runs[kept++] = p->runs[i];
    }
    if (kept == 0)
        return rnb_error(err, RNB_EINVAL, "%s: no run matches --runs '%s' (of %d runs)", p->path, filter, p->n);
    p->n = kept;
    find_varying(p);
    return RNB_OK;
}

int plot_run_read(const plot_runs *p, const plot_run *r, const char *dataset,
                  double **out, long *rows, long *cols, char *err)
{
    char ds[EXP_NAME_LEN + 64];
    snprintf(ds, sizeof ds, "/runs/%s/%s", r->name, dataset);
    int rank;
    long d[H5IO_MAXRANK];
    int rc = h5io_shape_any(p->f, ds, &rank, d, err);
    if (rc)
        return rc;
    if (rank < 1 || rank > 2)
        return rnb_error(err, RNB_EINVAL, "%s: %s has rank %d, expected 1 or 2", p->path, ds, rank);
    *rows = d[0], *cols = rank == 2 ? d[1] : 1;
    *out = malloc(sizeof(double) * (*rows * *cols + 1));
    if (!*out)
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    if ((rc = h5io_read_double(p->f, ds, *out, err))) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

void plot_runs_free(plot_runs *p)
{
    if (p->f)
        h5io_close(p->f, NULL);
    free(p->runs);
    memset(p, 0, sizeof *p);
}
