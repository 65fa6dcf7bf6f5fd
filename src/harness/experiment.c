#include "experiment.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

static const char *const sections[] = {"experiment", "task", "model", "train", "log"};
enum { N_SECTIONS = sizeof sections / sizeof sections[0], MAX_RUNS = 100000 };

typedef struct {
    experiment *e;
    char err[RNB_ERRLEN];       /* the first problem, without FILE:LINE */
    int err_line;               /* its line */
    int key_line[64];           /* per config key, the line it is on */
    int *pair_line;             /* the line of each KEY = VALUE, in order */
    int n_pairs, n_calls;
} parse_ctx;

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static bool known_section(const char *name)
{
    for (int i = 0; i < N_SECTIONS; i++)
        if (strcmp(name, sections[i]) == 0)
            return true;
    return false;
}

/* Lines inih does not report: unknown sections (even empty ones) and the
 * line of each key, for errors found after parsing. */
static int prescan(parse_ctx *c, const char *text, int *bad_line)
{
    char section[64] = "";
    int line = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), p);
        line++;
        char *s = trim(buf);
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (close) {
                *close = '\0';
                snprintf(section, sizeof section, "%s", trim(s + 1));
                if (!known_section(section)) {
                    *bad_line = line;
                    return rnb_error(c->err, RNB_EINVAL,
                                     "unknown section [%s] (experiment, task, model, train, log)", section);
                }
            }
        } else if (*s && *s != '#' && *s != ';') {
            char *eq = strpbrk(s, "=:");
            if (eq) {
                c->pair_line[c->n_pairs++] = line;
                *eq = '\0';
                int k = config_key_find(trim(s));
                if (k >= 0 && !c->key_line[k])
                    c->key_line[k] = line;
            }
        }
        p += len + (nl ? 1 : 0);
    }
    return RNB_OK;
}

/* "3-7" for integer keys: the values 3..7. */
static int expand_range(const char *v, long *lo, long *hi)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*v))
        return -1;
    *lo = strtol(v, &end, 10);
    if (*end != '-' || !isdigit((unsigned char)end[1]))
        return -1;
    *hi = strtol(end + 1, &end, 10);
    return *end || errno ? -1 : 0;
}

static int add_value(parse_ctx *c, int k, const char *v)
{
    experiment *e = c->e;
    const char *key = config_key_name(k);
    if (e->n_values[k] == EXP_MAX_VALUES)
        return rnb_error(c->err, RNB_EINVAL, "%s: more than %d values", key, EXP_MAX_VALUES);
    if (strlen(v) >= sizeof(cfg_str))
        return rnb_error(c->err, RNB_EINVAL, "%s: value '%.20s...' is too long", key, v);
    /* The value alone must parse, and mean something on its own. */
    config scratch;
    config_defaults(&scratch);
    char sub[RNB_ERRLEN];
    if (config_set(&scratch, key, v, sub))
        return rnb_error(c->err, RNB_EINVAL, "%s", sub);
    run_spec spec;
    if (config_resolve(&spec, &scratch, sub) &&
        strncmp(sub, key, strlen(key)) == 0 && sub[strlen(key)] == ':')
        return rnb_error(c->err, RNB_EINVAL, "%s", sub);
    snprintf(e->values[k][e->n_values[k]++], sizeof(cfg_str), "%s", v);
    return RNB_OK;
}

static int handle_pair(parse_ctx *c, const char *section, const char *name, const char *value);

/* inih goes on after a failed line; only the first problem is reported,
 * at the line of the pair that caused it. */
static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    int line = c->n_calls < c->n_pairs ? c->pair_line[c->n_calls] : 0;
    c->n_calls++;
    if (c->err_line)
        return 0;
    if (handle_pair(c, section, name, value))
        return 1;
    c->err_line = line;
    return 0;
}

/* "cell+init, task+seq_len": groups numbered from 1 into e->group. */
static int parse_together(parse_ctx *c, const char *value)
{
    experiment *e = c->e;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", value);
    int g = 0;
    for (char *item = buf, *next; item; item = next) {
        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        g++;
        int keys = 0;
        for (char *name = item, *plus; name; name = plus) {
            plus = strchr(name, '+');
            if (plus)
                *plus++ = '\0';
            char *key = trim(name);
            int k = config_key_find(key);
            if (k < 0)
                return rnb_error(c->err, RNB_EINVAL, "together: unknown key '%s'", key);
            if (e->group[k])
                return rnb_error(c->err, RNB_EINVAL, "together: key '%s' is in two groups", key);
            e->group[k] = g, keys++;
        }
        if (keys < 2)
            return rnb_error(c->err, RNB_EINVAL, "together: '%s' is not two or more keys joined by '+'", trim(item));
    }
    return RNB_OK;
}

static int handle_pair(parse_ctx *c, const char *section, const char *name, const char *value)
{
    experiment *e = c->e;
    if (strcmp(section, "experiment") == 0) {
        if (strcmp(name, "name") == 0)
            snprintf(e->name, sizeof e->name, "%s", value);
        else if (strcmp(name, "description") == 0)
            snprintf(e->description, sizeof e->description, "%s", value);
        else if (strcmp(name, "together") == 0 && !e->together_line) {
            e->together_line = c->pair_line[c->n_calls - 1];
            return parse_together(c, value) == RNB_OK;
        } else {
            rnb_error(c->err, RNB_EINVAL, strcmp(name, "together") ? "unknown key '%s' in [experiment] (name, description, together)"
                                                                   : "key '%s' is given twice", name);
            return 0;
        }
        return 1;
    }
    int k = config_key_find(name);
    if (k < 0) {
        rnb_error(c->err, RNB_EINVAL, "unknown key '%s' in [%s]", name, section);
        return 0;
    }
    if (strcmp(config_key_section(k), section) != 0) {
        rnb_error(c->err, RNB_EINVAL, "key '%s' belongs in [%s], not [%s]", name,
                  config_key_section(k), section);
        return 0;
    }
    if (e->n_values[k]) {
        rnb_error(c->err, RNB_EINVAL, "key '%s' is given twice", name);
        return 0;
    }
    if (!e->values[k] && !(e->values[k] = calloc(EXP_MAX_VALUES, sizeof(cfg_str)))) {
        rnb_error(c->err, RNB_ENOMEM, "out of memory");
        return 0;
    }
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", value);
    if (!*trim(buf)) {
        rnb_error(c->err, RNB_EINVAL, "%s: empty list (an empty grid)", name);
        return 0;
    }
    int type = config_key_type(k);
    for (char *item = buf, *next; item; item = next) {
        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        char *v = trim(item);
        if (!*v) {
            rnb_error(c->err, RNB_EINVAL, "%s: empty value in the list '%s'", name, value);
            return 0;
        }
        long lo, hi;
        if ((type == CFG_T_INT || type == CFG_T_U64) && expand_range(v, &lo, &hi) == 0) {
            if (hi < lo || hi - lo >= EXP_MAX_VALUES) {
                rnb_error(c->err, RNB_EINVAL, "%s: bad range '%s'", name, v);
                return 0;
            }
            for (long x = lo; x <= hi; x++) {
                char num[32];
                snprintf(num, sizeof num, "%ld", x);
                if (add_value(c, k, num))
                    return 0;
            }
        } else if (add_value(c, k, v)) {
            return 0;
        }
    }
    return 1;
}

static char *read_text(const char *path, char *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        rnb_error(err, RNB_EINVAL, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *text = malloc(cap);
    for (size_t got; text && (got = fread(text + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (n + 1 == cap) {
            char *bigger = realloc(text, cap *= 2);
            if (!bigger)
                free(text);
            text = bigger;
        }
    }
    fclose(f);
    if (text)
        text[n] = '\0';
    if (text && strlen(text) != n) {
        free(text);
        rnb_error(err, RNB_EINVAL, "%s: not a text file", path);
        return NULL;
    }
    return text;
}

/* Which key an error message of config_resolve is about: "key: ..." */
static int key_of_message(const char *msg)
{
    char key[64];
    size_t n = strcspn(msg, ":");
    if (n >= sizeof key)
        return -1;
    snprintf(key, sizeof key, "%.*s", (int)n, msg);
    return config_key_find(key);
}

/* Two values of one key that mean the same (1e-3 and 0.001, or a seed
 * twice) would make two runs of one grid point. */
static bool same_value(const experiment *e, int k, int i, int j)
{
    char sub[RNB_ERRLEN], a[64], b[64];
    config x, y;
    config_defaults(&x), config_defaults(&y);
    config_set(&x, config_key_name(k), e->values[k][i], sub);
    config_set(&y, config_key_name(k), e->values[k][j], sub);
    config_key_value(&x, k, a, sizeof a);
    config_key_value(&y, k, b, sizeof b);
    return strcmp(a, b) == 0;
}

/* Two values of one key that mean the same (1e-3 and 0.001, or a seed
 * twice) would make two runs of one grid point; in a together group, two
 * places whose values all mean the same would. */
static int check_duplicates(experiment *e, parse_ctx *c, char *err)
{
    const int K = config_key_count();
    for (int k = 0; k < K; k++)
        for (int i = 0; i < e->n_values[k]; i++)
            for (int j = i + 1; j < e->n_values[k]; j++) {
                bool same = true;
                for (int q = 0; q < K && same; q++)
                    if (q == k || (e->group[k] && e->group[q] == e->group[k]))
                        same = same_value(e, q, i, j);
                if (same && !e->group[k])
                    return rnb_error(err, RNB_EINVAL, "%s:%d: %s: '%s' and '%s' are the same value",
                                     e->path, c->key_line[k], config_key_name(k),
                                     e->values[k][i], e->values[k][j]);
                if (same)
                    return rnb_error(err, RNB_EINVAL, "%s:%d: together: places %d and %d of the lists "
                                     "are the same grid point", e->path, e->together_line, i + 1, j + 1);
            }
    return RNB_OK;
}

/* Every key of a group has a list, and the lists have one length. */
static int check_groups(experiment *e, char *err)
{
    const int K = config_key_count();
    for (int k = 0; k < K; k++) {
        if (!e->group[k])
            continue;
        if (!e->n_values[k])
            return rnb_error(err, RNB_EINVAL, "%s:%d: together: key '%s' has no list in the file",
                             e->path, e->together_line, config_key_name(k));
        for (int q = 0; q < k; q++)
            if (e->group[q] == e->group[k] && e->n_values[q] != e->n_values[k])
                return rnb_error(err, RNB_EINVAL, "%s:%d: together: %s has %d values, %s has %d",
                                 e->path, e->together_line, config_key_name(q), e->n_values[q],
                                 config_key_name(k), e->n_values[k]);
    }
    return RNB_OK;
}

/* The first key of k's group, or k: one dimension of the grid each. */
static int leader(const experiment *e, int k)
{
    for (int q = 0; q < k && e->group[k]; q++)
        if (e->group[q] == e->group[k])
            return q;
    return k;
}

static int expand(experiment *e, parse_ctx *c, char *err)
{
    const int K = config_key_count();
    int rc = check_groups(e, err);
    if (!rc)
        rc = check_duplicates(e, c, err);
    if (rc)
        return rc;
    long total = 1;
    for (int k = 0; k < K; k++)
        if (e->n_values[k] && leader(e, k) == k && (total *= e->n_values[k]) > MAX_RUNS)
            return rnb_error(err, RNB_EINVAL, "%s:0: the grid has more than %d runs", e->path, MAX_RUNS);
    e->runs = calloc(total, sizeof(grid_run));
    if (!e->runs)
        return rnb_error(err, RNB_ENOMEM, "%s: out of memory for %ld runs", e->path, total);
    for (long r = 0; r < total; r++) {
        grid_run *g = &e->runs[r];
        config_defaults(&g->cfg);
        long rest = r;
        int named = 0, len = 0;
        char sub[RNB_ERRLEN];
        int place[64];
        for (int k = K - 1; k >= 0; k--) {     /* the last key varies fastest */
            if (!e->n_values[k] || leader(e, k) != k)
                continue;
            place[k] = (int)(rest % e->n_values[k]);
            rest /= e->n_values[k];
        }
        for (int k = 0; k < K; k++)            /* a group's keys take its leader's place */
            if (e->n_values[k])
                config_set(&g->cfg, config_key_name(k), e->values[k][place[leader(e, k)]], sub);
        for (int k = 0; k < K; k++) {
            if (e->n_values[k] < 2)
                continue;
            char v[64];
            config_key_value(&g->cfg, k, v, sizeof v);
            if (len < (int)sizeof g->name)
                len += snprintf(g->name + len, sizeof g->name - len, "%s%s=%s", named++ ? "," : "",
                                config_key_name(k), v);
        }
        if (!named)
            snprintf(g->name, sizeof g->name, "run");
        if (config_resolve(&g->spec, &g->cfg, sub)) {
            int k = key_of_message(sub);
            int line = k >= 0 ? c->key_line[k] : 0;
            if (named)
                return rnb_error(err, RNB_EINVAL, "%s:%d: run %s: %s", e->path, line, g->name, sub);
            return rnb_error(err, RNB_EINVAL, "%s:%d: %s", e->path, line, sub);
        }
    }
    e->n_runs = (int)total;
    return RNB_OK;
}

int experiment_load(experiment *e, const char *path, char *err)
{
    memset(e, 0, sizeof *e);
    snprintf(e->path, sizeof e->path, "%s", path);
    if (!(e->text = read_text(path, err)))
        return RNB_EINVAL;
    /* the default name: the file's, without folder and .ini */
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(e->name, sizeof e->name, "%.*s", (int)strcspn(base, "."), base);

    parse_ctx c = {.e = e};
    size_t lines = 1;
    for (const char *p = e->text; *p; p++)
        lines += *p == '\n';
    if (!(c.pair_line = calloc(lines, sizeof(int))))
        return rnb_error(err, RNB_ENOMEM, "%s: out of memory", path);
    int bad_line = 0, rc = RNB_OK;
    if (prescan(&c, e->text, &bad_line)) {
        rc = rnb_error(err, RNB_EINVAL, "%s:%d: %s", path, bad_line, c.err);
    } else {
        int line = ini_parse_string(e->text, handler, &c);
        if (line < 0)
            rc = rnb_error(err, RNB_ENOMEM, "%s: out of memory", path);
        else if (line != 0 && line != c.err_line)
            rc = rnb_error(err, RNB_EINVAL, "%s:%d: not a line of an INI file "
                           "(KEY = VALUE, [SECTION] or a comment; at most 200 characters)", path, line);
        else if (line != 0)
            rc = rnb_error(err, RNB_EINVAL, "%s:%d: %s", path, line, c.err);
        else
            rc = expand(e, &c, err);
    }
    free(c.pair_line);
    return rc;
}

void experiment_free(experiment *e)
{
    free(e->text);
    for (int k = 0; k < 64; k++)
        free(e->values[k]);
    free(e->runs);
    memset(e, 0, sizeof *e);
}
