/* strdup, fileno, sysconf (POSIX), with C11 strict: */
#define _POSIX_C_SOURCE 200809L
#include "experiment.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"
#include "status.h"
#include "trainer.h"

static const char *const sections[] = {"experiment", "task", "model", "train", "log"};
enum { N_SECTIONS = sizeof sections / sizeof sections[0], MAX_RUNS = 100000 };

/* One KEY = VALUE of the file, its continuation lines appended. */
typedef struct {
    char section[64], name[64];
    char *value;
    int line;                   /* the line of the key */
} ini_pair;

typedef struct {
    experiment *e;
    /* the reader: inih's fgets over e->text */
    const char *next;           /* the text inih has not read yet */
    const char *line_start;     /* the line it is reading */
    int line;                   /* that line's number, from 1 */
    bool mid_line;              /* inih asked for the rest of a long line */
    int header_line;            /* the last [section] line */
    int section_line;           /* the first unknown [section], 0 for none */
    char section_err[RNB_ERRLEN];
    /* what inih found */
    ini_pair *pairs;
    int n_pairs, cap;
    bool oom;
    /* the pairs, interpreted */
    char err[RNB_ERRLEN];       /* the first problem, without FILE:LINE */
    int key_line[64];           /* per config key, the line it is on */
    int exp_line[3];            /* [experiment] name, description, together */
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

/* ---- reading: inih over the text, with the line of every pair ---------- */

/* inih's prev_name: a pair since the last [section] makes an indented line
 * a continuation of it. */
static bool pair_since_header(const parse_ctx *c)
{
    return c->n_pairs && c->pairs[c->n_pairs - 1].line > c->header_line;
}

/* A line inih takes for [SECTION]: '[' first, unless it is indented after a
 * pair (a continuation then). Unknown sections are refused here, since
 * inih reports no empty one to the handler. */
static void see_line(parse_ctx *c)
{
    const char *s = c->line_start;
    while (*s != '\n' && isspace((unsigned char)*s))
        s++;
    if (*s != '[' || (s > c->line_start && pair_since_header(c)))
        return;
    size_t n = strcspn(s, "]\n");
    if (s[n] != ']')
        return;                 /* not a line of an INI file: inih says so */
    c->header_line = c->line;
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(n - 1 < sizeof name ? n - 1 : sizeof name - 1), s + 1);
    char *t = trim(name);
    if (!known_section(t) && !c->section_line) {
        c->section_line = c->line;
        snprintf(c->section_err, sizeof c->section_err,
                 "unknown section [%s] (experiment, task, model, train, log)", t);
    }
}

/* inih's reader, fgets over the text. With ini_allow_realloc inih asks
 * again for the rest of a long line: lines are counted at their starts. */
static char *read_line(char *str, int num, void *stream)
{
    parse_ctx *c = stream;
    if (!*c->next || num < 2)
        return NULL;
    if (!c->mid_line) {
        c->line++;
        c->line_start = c->next;
        see_line(c);
    }
    size_t n = strcspn(c->next, "\n");
    n += c->next[n] == '\n';
    if (n > (size_t)num - 1)
        n = (size_t)num - 1;
    memcpy(str, c->next, n);
    str[n] = '\0';
    c->next += n;
    c->mid_line = str[n - 1] != '\n';
    return str;
}

/* inih strips " ; comment" from a pair's value; Debian's inih 55 does not
 * from a continuation line's. */
static void strip_comment(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == ';' && p > s && isspace((unsigned char)p[-1])) {
            *p = '\0';
            break;
        }
    trim(s);
}

static int add_pair(parse_ctx *c, const char *section, const char *name, const char *value)
{
    if (c->n_pairs == c->cap) {
        int cap = c->cap ? 2 * c->cap : 32;
        ini_pair *bigger = realloc(c->pairs, cap * sizeof *bigger);
        if (!bigger)
            return 0;
        c->pairs = bigger, c->cap = cap;
    }
    ini_pair *p = &c->pairs[c->n_pairs];
    if (!(p->value = strdup(value)))
        return 0;
    snprintf(p->section, sizeof p->section, "%s", section);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->line = c->line;
    c->n_pairs++;
    return 1;
}

/* A continuation joins the value above with a space. */
static int append(ini_pair *p, const char *more)
{
    char *rest = strdup(more);
    if (!rest)
        return 0;
    strip_comment(rest);
    size_t n = strlen(p->value), m = strlen(rest);
    char *v = realloc(p->value, n + m + 2);
    if (v) {
        p->value = v;
        snprintf(v + n, m + 2, "%s%s", n && m ? " " : "", rest);
    }
    free(rest);
    return v != NULL;
}

/* inih's handler: it only collects, the pairs are read after parsing, each
 * with its line. inih hands a continuation (an indented line after a pair)
 * over with the pair's name. */
static int collect(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    ini_pair *last = c->n_pairs ? &c->pairs[c->n_pairs - 1] : NULL;
    bool indented = isspace((unsigned char)*c->line_start);
    int ok = indented && pair_since_header(c) && strcmp(last->section, section) == 0 &&
                     strcmp(last->name, name) == 0
                 ? append(last, value)
                 : add_pair(c, section, name, value);
    c->oom |= !ok;
    return ok;
}

/* Debian builds inih with a 200-byte line buffer and splits a longer line
 * in two, silently: its tail read as a line of its own, every later line
 * numbered one too high. Its build options are runtime variables there: a
 * heap buffer that grows reads every line whole (up to 1 GiB). */
static void read_lines_whole(void)
{
    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_max_line = 1 << 30;     /* doubled from 200 as needed: no int overflow */
    ini_allow_multiline = true;     /* indented lines continue the one above */
}

/* ---- the pairs, interpreted ------------------------------------------------ */

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

/* One item of a list: a value, or a range of integers. */
static int add_item(parse_ctx *c, int k, const char *v)
{
    const char *name = config_key_name(k);
    int type = config_key_type(k);
    long lo, hi;
    if ((type != CFG_T_INT && type != CFG_T_U64) || expand_range(v, &lo, &hi))
        return add_value(c, k, v);
    if (hi < lo || hi - lo >= EXP_MAX_VALUES)
        return rnb_error(c->err, RNB_EINVAL, "%s: bad range '%s'", name, v);
    int rc = RNB_OK;
    for (long x = lo; x <= hi && !rc; x++) {
        char num[32];
        snprintf(num, sizeof num, "%ld", x);
        rc = add_value(c, k, num);
    }
    return rc;
}

/* "1, 2, 4-6": the values of config key k. */
static int add_list(parse_ctx *c, int k, const char *value)
{
    const char *name = config_key_name(k);
    char *buf = strdup(value);
    if (!buf)
        return rnb_error(c->err, RNB_ENOMEM, "out of memory");
    int rc = RNB_OK;
    if (!*trim(buf))
        rc = rnb_error(c->err, RNB_EINVAL, "%s: empty list (an empty grid)", name);
    for (char *item = buf, *next; item && !rc; item = next) {
        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        char *v = trim(item);
        rc = *v ? add_item(c, k, v)
                : rnb_error(c->err, RNB_EINVAL, "%s: empty value in the list '%s'", name, value);
    }
    free(buf);
    return rc;
}

/* "cell+init, task+seq_len": groups numbered from 1 into e->group. */
static int parse_groups(parse_ctx *c, char *buf)
{
    experiment *e = c->e;
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

static int parse_together(parse_ctx *c, const char *value)
{
    char *buf = strdup(value);
    int rc = buf ? parse_groups(c, buf) : rnb_error(c->err, RNB_ENOMEM, "out of memory");
    free(buf);
    return rc;
}

/* [experiment] name, description, together: each once. */
static int experiment_key(parse_ctx *c, const ini_pair *p)
{
    static const char *const keys[] = {"name", "description", "together"};
    experiment *e = c->e;
    int i = 0;
    while (i < 3 && strcmp(p->name, keys[i]) != 0)
        i++;
    if (i == 3)
        return rnb_error(c->err, RNB_EINVAL, "unknown key '%s' in [experiment] (name, description, together)", p->name);
    if (c->exp_line[i])
        return rnb_error(c->err, RNB_EINVAL, "key '%s' is given twice", p->name);
    c->exp_line[i] = p->line;
    if (i == 2) {
        e->together_line = p->line;
        return parse_together(c, p->value);
    }
    char *dst = i == 0 ? e->name : e->description;
    size_t cap = i == 0 ? sizeof e->name : sizeof e->description;
    if (strlen(p->value) >= cap)        /* the results file would keep a part */
        return rnb_error(c->err, RNB_EINVAL, "%s: longer than %zu characters", p->name, cap - 1);
    snprintf(dst, cap, "%s", p->value);
    return RNB_OK;
}

static int handle_pair(parse_ctx *c, const ini_pair *p)
{
    experiment *e = c->e;
    if (strcmp(p->section, "experiment") == 0)
        return experiment_key(c, p);
    int k = config_key_find(p->name);
    if (k < 0)
        return rnb_error(c->err, RNB_EINVAL, "unknown key '%s' in [%s]", p->name, p->section);
    if (strcmp(config_key_section(k), p->section) != 0)
        return rnb_error(c->err, RNB_EINVAL, "key '%s' belongs in [%s], not [%s]", p->name,
                         config_key_section(k), p->section);
    if (e->n_values[k])
        return rnb_error(c->err, RNB_EINVAL, "key '%s' is given twice", p->name);
    if (!e->values[k] && !(e->values[k] = calloc(EXP_MAX_VALUES, sizeof(cfg_str))))
        return rnb_error(c->err, RNB_ENOMEM, "out of memory");
    c->key_line[k] = p->line;
    return add_list(c, k, p->value);
}

/* Parses e->text: RNB_OK, or the first problem of the file (an unknown
 * section, a line inih cannot read, a pair that does not fit), at its line. */
static int parse(parse_ctx *c, char *err)
{
    experiment *e = c->e;
    read_lines_whole();
    c->next = e->text;
    if (strncmp(c->next, "\xEF\xBB\xBF", 3) == 0)
        c->next += 3;           /* a UTF-8 byte order mark, not a line */
    int syntax = ini_parse_stream(read_line, c, collect, c);
    if (syntax < 0 || c->oom)
        return rnb_error(err, RNB_ENOMEM, "%s: out of memory", e->path);
    int pair_line = 0, rc = RNB_OK;
    for (int i = 0; i < c->n_pairs && !rc; i++)
        if ((rc = handle_pair(c, &c->pairs[i])))
            pair_line = c->pairs[i].line;
    int first = 0;
    int lines[] = {c->section_line, syntax, pair_line};
    for (int i = 0; i < 3; i++)
        if (lines[i] && (!first || lines[i] < first))
            first = lines[i];
    if (!first)
        return RNB_OK;
    if (first == c->section_line)
        return rnb_error(err, RNB_EINVAL, "%s:%d: %s", e->path, first, c->section_err);
    if (first == pair_line)
        return rnb_error(err, rc, "%s:%d: %s", e->path, first, c->err);
    return rnb_error(err, RNB_EINVAL, "%s:%d: not a line of an INI file "
                     "(KEY = VALUE, [SECTION] or a comment)", e->path, first);
}

static void free_pairs(parse_ctx *c)
{
    for (int i = 0; i < c->n_pairs; i++)
        free(c->pairs[i].value);
    free(c->pairs);
}

/* ---- the file ------------------------------------------------------------------ */

/* All of f, NUL-terminated, *len bytes; NULL when out of memory. A read
 * error ends it early: ferror(f) and errno say so. */
static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *text = malloc(cap);
    for (size_t got = 1; text && got; n += got) {
        if (n + 1 == cap) {
            char *bigger = realloc(text, cap *= 2);
            if (!bigger)
                free(text);
            if (!(text = bigger))
                break;
        }
        got = fread(text + n, 1, cap - n - 1, f);
    }
    if (text)
        text[n] = '\0', *len = n;
    return text;
}

/* A folder opens, and reads as an empty file: refused by name. */
static int read_text(char **text, const char *path, char *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return rnb_error(err, RNB_EINVAL, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return rnb_error(err, RNB_EINVAL, "%s: is a folder, not an experiment file", path);
    }
    size_t n = 0;
    *text = slurp(f, &n);
    int saved = errno;
    bool bad_read = ferror(f);
    fclose(f);
    if (bad_read || (*text && strlen(*text) != n)) {
        free(*text), *text = NULL;
        return bad_read ? rnb_error(err, RNB_EINVAL, "%s: cannot read: %s", path, strerror(saved))
                        : rnb_error(err, RNB_EINVAL, "%s: not a text file", path);
    }
    if (!*text)
        return rnb_error(err, RNB_ENOMEM, "%s: out of memory", path);
    return RNB_OK;
}

/* ---- memory -------------------------------------------------------------- */

double experiment_run_bytes(const run_spec *s, bool with_record)
{
    return (double)trainer_bytes(s) + (with_record ? record_bytes(s) : 0);
}

double experiment_memory_available(void)
{
    double kib = 0;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f) && sscanf(line, "MemAvailable: %lf kB", &kib) != 1)
            ;
        fclose(f);
    }
    if (kib > 0)
        return kib * 1024;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * page : 0;
}

/* The key among the given ones whose default lowers the bytes most: the
 * one that makes the run too big (-1 when none lowers them). */
static int costliest_key(const config *c, const bool *given, bool with_record, double need)
{
    int best = -1;
    double best_saving = 0;
    for (int k = 0; k < config_key_count(); k++) {
        config d = *c;
        run_spec s;
        char sub[RNB_ERRLEN];
        if (!given[k] || config_set(&d, config_key_name(k), config_key_default(k), sub) ||
            config_resolve(&s, &d, sub))
            continue;
        double saving = need - experiment_run_bytes(&s, with_record);
        if (saving > best_saving)
            best = k, best_saving = saving;
    }
    return best;
}

int experiment_check_memory(const config *c, const run_spec *s, const bool *given, bool with_record,
                            double avail, int *key, char *err)
{
    const double GiB = 1024.0 * 1024 * 1024;
    double need = experiment_run_bytes(s, with_record), work = (double)trainer_bytes(s);
    *key = -1;
    if (!(avail > 0) || need <= avail)
        return RNB_OK;
    *key = costliest_key(c, given, with_record, need);
    if (!with_record)
        return rnb_error(err, RNB_EINVAL, "needs %.1f GiB (its workspace), more than the %.1f GiB "
                         "of memory available", need / GiB, avail / GiB);
    return rnb_error(err, RNB_EINVAL, "needs %.1f GiB (workspace %.1f, per-step series and norms %.1f), "
                     "more than the %.1f GiB of memory available", need / GiB, work / GiB,
                     (need - work) / GiB, avail / GiB);
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
    char sub[RNB_ERRLEN], a[sizeof(cfg_str)], b[sizeof(cfg_str)];
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
    bool given[64];             /* the keys the file sets: one of them is to blame */
    for (int k = 0; k < K; k++)
        given[k] = e->n_values[k] > 0;
    double avail = experiment_memory_available();
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
            cfg_str v;
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
        g->cfg.seq_len = g->spec.T;     /* an image task's own, as it is recorded */
        int k;
        if (experiment_check_memory(&g->cfg, &g->spec, given, true, avail, &k, sub))
            return rnb_error(err, RNB_EINVAL, "%s:%d: %s%s %s", e->path, k >= 0 ? c->key_line[k] : 0,
                             named ? "run " : "the run", named ? g->name : "", sub);
    }
    e->n_runs = (int)total;
    return RNB_OK;
}

/* The image tasks' files, read once per folder; an error names the file. */
static int attach_images(experiment *e, char *err)
{
    for (int r = 0; r < e->n_runs; r++) {
        grid_run *g = &e->runs[r];
        if (!g->spec.task->dataset)
            continue;
        if (!e->images && !(e->images = calloc(1, sizeof *e->images)))
            return rnb_error(err, RNB_ENOMEM, "out of memory");
        char sub[RNB_ERRLEN];
        int rc = image_cache_attach(e->images, g->cfg.data_dir, &g->spec, sub);
        if (rc)     /* a file's own fault names the file; a sweep's names the experiment */
            return rnb_error(err, rc, "%s%s%s", strncmp(sub, "data_dir:", 9) ? "" : e->path,
                             strncmp(sub, "data_dir:", 9) ? "" : ": ", sub);
    }
    return RNB_OK;
}

int experiment_load(experiment *e, const char *path, char *err)
{
    memset(e, 0, sizeof *e);
    snprintf(e->path, sizeof e->path, "%s", path);
    int rc = read_text(&e->text, path, err);
    if (rc)
        return rc;
    /* the default name: the file's, without folder and .ini */
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(e->name, sizeof e->name, "%.*s", (int)strcspn(base, "."), base);

    parse_ctx c = {.e = e};
    rc = parse(&c, err);
    /* An empty file would run the defaults: hardly what was meant. */
    if (!rc && !c.n_pairs)
        rc = rnb_error(err, RNB_EINVAL, "%s: no keys: nothing to run", path);
    if (!rc)
        rc = expand(e, &c, err);
    free_pairs(&c);
    if (!rc)
        rc = attach_images(e, err);
    return rc;
}

void experiment_free(experiment *e)
{
    free(e->text);
    for (int k = 0; k < 64; k++)
        free(e->values[k]);
    free(e->runs);
    if (e->images)
        image_cache_free(e->images);
    free(e->images);
    memset(e, 0, sizeof *e);
}
