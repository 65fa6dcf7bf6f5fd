#include "plot_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "status.h"

static void list_run(const results_run *run, plot_run *r)
{
    r->run = run;
    for (int k = 0; k < config_key_count(); k++)
        config_key_value(&run->cfg, k, r->value[k], PLOT_VALUE_LEN);
    for (int i = 0; i < cell_count(); i++)
        if (cell_at(i) == run->cell)
            r->cell_rank = i;
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
    if (config_key_count() > PLOT_MAX_KEYS)
        return rnb_error(err, RNB_EINVAL, "more config keys than PLOT_MAX_KEYS");
    int rc = results_file_open(&p->file, path, err);
    if (rc)
        return rc;
    if (!(p->runs = calloc(p->file.n, sizeof *p->runs))) {
        plot_runs_free(p);
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    }
    for (p->n = 0; p->n < p->file.n; p->n++)
        list_run(&p->file.runs[p->n], &p->runs[p->n]);
    find_varying(p);
    return plot_runs_set_panel(p, "", err);
}

int plot_runs_set_panel(plot_runs *p, const char *keys, char *err)
{
    p->n_panel_keys = 0;
    for (const char *tok = keys; *tok;) {
        size_t len = strcspn(tok, ",");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), tok);
        int k = config_key_find(name);
        if (k < 0)
            return rnb_error(err, RNB_EINVAL, "--panel: '%s' is not a key (rnnbench train --help lists them)", name);
        if (!strcmp(name, "clip") || !strcmp(name, "cell") || !strcmp(name, "seed"))
            return rnb_error(err, RNB_EINVAL, "--panel: '%s' is drawn already; name the keys beside clip", name);
        if (p->n_panel_keys == PLOT_MAX_PANEL_KEYS)
            return rnb_error(err, RNB_EINVAL, "--panel: at most %d keys", PLOT_MAX_PANEL_KEYS);
        p->panel_key[p->n_panel_keys++] = k;
        tok += len + (tok[len] == ',');
    }
    const int clip = config_key_find("clip");
    for (int i = 0; i < p->n; i++) {
        plot_run *r = &p->runs[i];
        size_t len = snprintf(r->panel, sizeof r->panel, "%s", r->value[clip]);
        for (int j = 0; j < p->n_panel_keys && len < sizeof r->panel; j++)
            len += snprintf(r->panel + len, sizeof r->panel - len, ",%s=%s", config_key_name(p->panel_key[j]),
                            r->value[p->panel_key[j]]);
    }
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
            *match |= s == r->run->status;
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
        return rnb_error(err, RNB_EINVAL, "%s: no run matches --runs '%s' (of %d runs)", p->file.path, filter, p->n);
    p->n = kept;
    find_varying(p);
    return RNB_OK;
}

int plot_runs_max_layers(const plot_runs *p)
{
    long most = 1;
    for (int i = 0; i < p->n; i++)
        most = p->runs[i].run->num_layers > most ? p->runs[i].run->num_layers : most;
    return (int)most;
}

void plot_runs_free(plot_runs *p)
{
    results_file_close(&p->file);
    free(p->runs);
    memset(p, 0, sizeof *p);
}
