#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

/* ---- parsing one value by its type ---- */

static int parse_STR(cfg_str *out, const char *v)
{
    if (strlen(v) >= sizeof *out || *v == '\0')
        return -1;
    strcpy(*out, v);
    return 0;
}

static int parse_INT(long *out, const char *v)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno)
        return -1;
    *out = x;
    return 0;
}

static int parse_REAL(double *out, const char *v)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

static int parse_OPTREAL(double *out, const char *v)
{
    if (strcmp(v, "none") == 0) {
        *out = NAN;
        return 0;
    }
    return parse_REAL(out, v);
}

static int parse_BOOL(bool *out, const char *v)
{
    if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
        *out = true;
    else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
        *out = false;
    else
        return -1;
    return 0;
}

static int parse_U64(uint64_t *out, const char *v)
{
    char *end;
    errno = 0;
    if (*v == '-')
        return -1;
    unsigned long long x = strtoull(v, &end, 10);
    if (end == v || *end || errno)
        return -1;
    *out = x;
    return 0;
}

static const char *const type_words[] = {
    [0] = "a string", [1] = "an integer", [2] = "a number",
    [3] = "a number or none", [4] = "true or false",
    [5] = "a non-negative integer",
};
enum { T_STR = CFG_T_STR, T_INT = CFG_T_INT, T_REAL = CFG_T_REAL,
       T_OPTREAL = CFG_T_OPTREAL, T_BOOL = CFG_T_BOOL, T_U64 = CFG_T_U64 };

/* ---- the key table, from the one list ---- */

static const struct {
    const char *name, *def, *section, *help;
    int type;
} keys[] = {
#define X(key, type, def, section, help) {#key, def, #section, help, T_##type},
    CONFIG_KEYS(X)
#undef X
};

int config_key_count(void) { return (int)(sizeof keys / sizeof keys[0]); }
const char *config_key_name(int i) { return keys[i].name; }
const char *config_key_help(int i) { return keys[i].help; }
const char *config_key_default(int i) { return keys[i].def; }
bool config_key_is_bool(int i) { return keys[i].type == T_BOOL; }
const char *config_key_section(int i) { return keys[i].section; }
int config_key_type(int i) { return keys[i].type; }

int config_key_find(const char *key)
{
    for (int i = 0; i < config_key_count(); i++)
        if (strcmp(key, keys[i].name) == 0)
            return i;
    return -1;
}

int config_set(config *c, const char *key, const char *value, char *err)
{
#define X(k, type, def, section, help)                                                 \
    if (strcmp(key, #k) == 0) {                                               \
        if (parse_##type(&c->k, value) != 0)                                  \
            return rnb_error(err, RNB_EINVAL, "%s: '%s' is not %s", #k, value, \
                             type_words[T_##type]);                           \
        return RNB_OK;                                                        \
    }
    CONFIG_KEYS(X)
#undef X
    return rnb_error(err, RNB_ENOKEY, "unknown key '%s'", key);
}

void config_defaults(config *c)
{
    memset(c, 0, sizeof *c);
    char err[RNB_ERRLEN];
    for (int i = 0; i < config_key_count(); i++) {
        int rc = config_set(c, keys[i].name, keys[i].def, err);
        (void)rc;       /* the defaults above parse; a test checks it */
    }
}

static void format_STR(char *buf, size_t n, const cfg_str *v) { snprintf(buf, n, "%s", *v); }
static void format_INT(char *buf, size_t n, const long *v) { snprintf(buf, n, "%ld", *v); }
static void format_REAL(char *buf, size_t n, const double *v) { snprintf(buf, n, "%.15g", *v); }
static void format_OPTREAL(char *buf, size_t n, const double *v)
{
    if (isnan(*v))
        snprintf(buf, n, "none");
    else
        format_REAL(buf, n, v);
}
static void format_BOOL(char *buf, size_t n, const bool *v) { snprintf(buf, n, "%s", *v ? "true" : "false"); }
static void format_U64(char *buf, size_t n, const uint64_t *v) { snprintf(buf, n, "%" PRIu64, *v); }

void config_key_value(const config *c, int i, char *buf, size_t n)
{
    int k = 0;
#define X(key, type, def, section, help)                                      \
    if (k++ == i) {                                                           \
        format_##type(buf, n, &c->key);                                       \
        return;                                                               \
    }
    CONFIG_KEYS(X)
#undef X
}

/* ---- meaning ---- */

static int positive_int(int *out, long v, const char *key, long max, char *err)
{
    if (v < 1 || v > max)
        return rnb_error(err, RNB_EINVAL, "%s: %ld is out of range (1 to %ld)", key, v, max);
    *out = (int)v;
    return RNB_OK;
}

int config_resolve(run_spec *r, const config *c, char *err)
{
    memset(r, 0, sizeof *r);
    int rc;
    if (!(r->cell = cell_find(c->cell)))
        return rnb_error(err, RNB_EINVAL, "cell: unknown cell '%s' (rnnbench list shows them)", c->cell);
    if (!(r->task = task_find(c->task)))
        return rnb_error(err, RNB_EINVAL, "task: unknown task '%s' (rnnbench list shows them)", c->task);
    if ((rc = positive_int(&r->T, c->seq_len, "seq_len", 1000000, err)) ||
        (rc = positive_int(&r->H, c->hidden, "hidden", 65536, err)) ||
        (rc = positive_int(&r->K, c->num_layers, "num_layers", 64, err)) ||
        (rc = positive_int(&r->B, c->batch, "batch", 1000000, err)))
        return rc;
    /* the image tasks' length is the image's: seq_len left at its
     * default (or set to it) takes it */
    if (r->task->fixed_T) {
        if (r->T != r->task->fixed_T && r->T != strtol(config_key_default(config_key_find("seq_len")), NULL, 10))
            return rnb_error(err, RNB_EINVAL, "seq_len: task %s's sequences are %d steps long; leave seq_len "
                             "out or set it to %d", r->task->name, r->task->fixed_T, r->task->fixed_T);
        r->T = r->task->fixed_T;
        if (c->variable_length || c->seq_len_min)
            return rnb_error(err, RNB_EINVAL, "%s: task %s's sequences all have %d steps",
                             c->variable_length ? "variable_length" : "seq_len_min", r->task->name, r->T);
    }
    if (r->T < r->task->min_T)
        return rnb_error(err, RNB_EINVAL, "seq_len: task %s needs at least %d", r->task->name, r->task->min_T);
    r->variable_length = c->variable_length;
    if (c->seq_len_min != 0 && (c->seq_len_min < r->task->min_T || c->seq_len_min >= r->T))
        return rnb_error(err, RNB_EINVAL, "seq_len_min: %ld is not in [%d, seq_len %d) (0: none)", c->seq_len_min,
                         r->task->min_T, r->T);
    r->T_min = (int)c->seq_len_min;
    r->train_set = c->train_set;
    if (c->train_set < 0 || c->train_set > 1000000000L)
        return rnb_error(err, RNB_EINVAL, "train_set: %ld is not a count of sequences (at most 1e9; 0: none)",
                         c->train_set);
    if (c->train_set && r->task->dataset)
        return rnb_error(err, RNB_EINVAL, "train_set: task %s trains on its dataset's training split",
                         r->task->name);
    if (c->train_set && run_lag_varies(r))
        return rnb_error(err, RNB_EINVAL, "train_set: a fixed set has one lag; %s draws it per batch",
                         r->variable_length ? "variable_length" : "seq_len_min");
    if (c->train_set && c->train_set < r->B)
        return rnb_error(err, RNB_EINVAL, "train_set: %ld sequences are fewer than a batch (%d)", c->train_set, r->B);
    r->learn_h0 = c->learn_h0;
    /* The BLAS calls take int sizes: the largest is L*B rows of G*H. */
    if ((double)r->task->length(run_max_lag(r)) * r->B * r->cell->G * r->H > 2147483647.0)
        return rnb_error(err, RNB_EINVAL, "seq_len: %d x batch %d x hidden %d is too large a run",
                         r->T, r->B, r->H);
    if (c->steps < 1)
        return rnb_error(err, RNB_EINVAL, "steps: %ld is out of range (at least 1)", c->steps);
    r->steps = c->steps;

    optim_spec *o = &r->optim;
    char sub[RNB_ERRLEN];
    if (optim_kind_parse(&o->kind, c->optimizer, sub))
        return rnb_error(err, RNB_EINVAL, "optimizer: %s", sub);
    o->lr = c->lr, o->momentum = c->momentum, o->nesterov = c->nesterov;
    o->alpha = c->alpha, o->beta1 = c->beta1, o->beta2 = c->beta2, o->eps = c->eps;
    o->lr_orth = isnan(c->lr_orth) ? c->lr : c->lr_orth;
    if (!(o->lr > 0))
        return rnb_error(err, RNB_EINVAL, "lr: %g is not positive", o->lr);
    if (!(o->lr_orth > 0))
        return rnb_error(err, RNB_EINVAL, "lr_orth: %g is not positive", o->lr_orth);
    if (strcmp(c->lr_step, "none") != 0) {
        char *end;
        o->lr_every = strtol(c->lr_step, &end, 10);
        if (end == c->lr_step || *end != ':' || o->lr_every < 1)
            return rnb_error(err, RNB_EINVAL, "lr_step: '%s' is not EVERY:FACTOR (EVERY >= 1) or none", c->lr_step);
        const char *f = end + 1;
        o->lr_factor = strtod(f, &end);
        if (end == f || *end || !(o->lr_factor > 0) || !isfinite(o->lr_factor))
            return rnb_error(err, RNB_EINVAL, "lr_step: '%s': FACTOR is not a positive number", c->lr_step);
    }
    if (o->momentum < 0 || o->momentum >= 1)
        return rnb_error(err, RNB_EINVAL, "momentum: %g is outside [0, 1)", o->momentum);
    if (o->alpha < 0 || o->alpha >= 1)
        return rnb_error(err, RNB_EINVAL, "alpha: %g is outside [0, 1)", o->alpha);
    if (o->beta1 < 0 || o->beta1 >= 1)
        return rnb_error(err, RNB_EINVAL, "beta1: %g is outside [0, 1)", o->beta1);
    if (o->beta2 < 0 || o->beta2 >= 1)
        return rnb_error(err, RNB_EINVAL, "beta2: %g is outside [0, 1)", o->beta2);
    o->rms_init = c->rms_init;
    if (!(o->rms_init >= 0 && isfinite(o->rms_init)))
        return rnb_error(err, RNB_EINVAL, "rms_init: %g is not >= 0", o->rms_init);
    if (!(o->eps >= 0))
        return rnb_error(err, RNB_EINVAL, "eps: %g is not positive", o->eps);
    if (o->eps == 0 && !(o->rms_init > 0 && o->kind == OPT_RMSPROP))     /* else 0/0 for a zero gradient */
        return rnb_error(err, RNB_EINVAL, "optimizer: eps 0 needs rmsprop with rms_init > 0");
    if (o->nesterov && o->kind != OPT_MOMENTUM)
        return rnb_error(err, RNB_EINVAL, "nesterov: applies to optimizer momentum only");

    r->omega = c->omega;
    if (!(c->omega >= 0 && isfinite(c->omega)))
        return rnb_error(err, RNB_EINVAL, "omega: %g is not a weight >= 0", c->omega);
    if (c->omega > 0 && !r->cell->omega_ok)
        return rnb_error(err, RNB_EINVAL, "cell: '%s' takes no omega (Pascanu et al.'s regulariser is "
                         "defined for rnn_tanh, rnn_relu and rnn_sigmoid)", r->cell->name);
    if (clip_parse(&r->clip, c->clip, sub))
        return rnb_error(err, RNB_EINVAL, "clip: %s", sub);
    r->fallback_shrink = c->fallback_shrink;
    if (!(c->fallback_shrink >= 0 && c->fallback_shrink < 1))
        return rnb_error(err, RNB_EINVAL, "fallback_shrink: %g is outside [0, 1)", c->fallback_shrink);
    if (c->fallback_shrink > 0 && r->clip.kind != CLIP_NORM)
        return rnb_error(err, RNB_EINVAL, "clip: fallback_shrink %g goes with clip = norm:THRESHOLD (Pascanu et al.'s code)",
                         c->fallback_shrink);
    if (c->fallback_shrink > 0 && o->kind != OPT_SGD)     /* with moments the rest would move */
        return rnb_error(err, RNB_EINVAL, "optimizer: fallback_shrink is a step of plain sgd (Pascanu et al.'s), not %s",
                         c->optimizer);
    if (c->fallback_shrink > 0 && !r->cell->omega_ok)
        return rnb_error(err, RNB_EINVAL, "cell: fallback_shrink is Pascanu et al.'s rule for rnn_tanh, rnn_relu "
                         "and rnn_sigmoid, not '%s'", r->cell->name);
    r->stop_when_solved = c->stop_when_solved;
    if (init_parse(&r->init, c->init, sub))
        return rnb_error(err, RNB_EINVAL, "init: %s", sub);
    /* the cell's constants: its keys, or its defaults where none given */
    for (int k = 0; k < r->cell->n_const; k++) {
        char v[64];
        config_key_value(c, config_key_find(r->cell->const_key[k]), v, sizeof v);
        r->konst[k] = strcmp(v, "none") == 0 ? r->cell->const_default[k] : strtod(v, NULL);
        if (!isfinite(r->konst[k]))
            return rnb_error(err, RNB_EINVAL, "%s: %s is not a finite number", r->cell->const_key[k], v);
    }
    const bool skew_init = r->init.kind == INIT_HENAFF || r->init.kind == INIT_CAYLEY;
    if (r->cell->reparam_form && !skew_init && r->init.kind != INIT_PAPER)
        return rnb_error(err, RNB_EINVAL, "init: cell '%s' is reparametrised through exp: paper, henaff or cayley",
                         r->cell->name);
    if (r->cell->own_init_only && !r->cell->reparam_form && r->init.kind != INIT_PAPER)
        return rnb_error(err, RNB_EINVAL, "init: cell '%s' takes its paper's init alone: paper", r->cell->name);
    if (skew_init && !r->cell->reparam_form)
        return rnb_error(err, RNB_EINVAL, "cell: '%s' takes no init %s (henaff and cayley are exprnn's)",
                         r->cell->name, c->init);
    r->init.r_min = c->lru_r_min, r->init.r_max = c->lru_r_max, r->init.max_phase = c->lru_max_phase;
    if (!(c->lru_r_min >= 0 && c->lru_r_min <= c->lru_r_max && c->lru_r_max <= 1))
        return rnb_error(err, RNB_EINVAL, "lru_r_min: %g and lru_r_max %g are not 0 <= r_min <= r_max <= 1",
                         c->lru_r_min, c->lru_r_max);
    if (!(c->lru_max_phase > 0 && isfinite(c->lru_max_phase)))
        return rnb_error(err, RNB_EINVAL, "lru_max_phase: %g is not positive", c->lru_max_phase);
    if (r->cell->E_half && r->H % 2)
        return rnb_error(err, RNB_EINVAL, "hidden: cell '%s' takes H/2 complex units: %d is odd", r->cell->name, r->H);
    r->init.set_forget_bias = !isnan(c->forget_bias);
    r->init.forget_bias = c->forget_bias;
    if (r->init.kind == INIT_CHRONO && r->init.gain == 0)
        r->init.gain = r->task->length(r->T);     /* chrono's tmax: the sequence */
    if (r->init.kind == INIT_CHRONO && (r->cell->forget_block < 0 || r->cell->input_block < 0))
        return rnb_error(err, RNB_EINVAL, "init: chrono needs a cell with input and forget gates, not '%s'", r->cell->name);
    const init_kind k = r->init.kind;
    if ((k == INIT_ORTHOGONAL || k == INIT_IDENTITY || k == INIT_SPARSE || k == INIT_GLOROT ||
         k == INIT_GLOROT_IDENTITY) && r->cell->recurrence != REC_DENSE)
        return rnb_error(err, RNB_EINVAL, "init: %s needs a cell with a dense weight_hh, not '%s'", c->init,
                         r->cell->name);
    if (r->init.kind == INIT_CHRONO && !(r->init.gain > 2))
        return rnb_error(err, RNB_EINVAL, "init: chrono's tmax %g is not above 2", r->init.gain);
    if (r->init.kind == INIT_CHRONO && r->init.set_forget_bias)
        return rnb_error(err, RNB_EINVAL, "init: chrono sets the forget bias; give no forget_bias");
    if (r->init.set_forget_bias && r->cell->forget_block < 0)
        return rnb_error(err, RNB_EINVAL, "forget_bias: cell '%s' has no forget gate", r->cell->name);
    r->seed = c->seed;
    r->perm_seed = c->perm_seed;
    if ((rc = positive_int(&r->log_every, c->log_every, "log_every", 1 << 30, err)))
        return rc;
    if (c->eval_batch == 0)
        r->eval_batch = r->B;
    else if ((rc = positive_int(&r->eval_batch, c->eval_batch, "eval_batch", 1000000, err)))
        return rc;
    return RNB_OK;
}

int run_max_lag(const run_spec *r)
{
    const int base = r->T_min ? r->T - 1 : r->T;
    return r->variable_length ? base + base / 10 : base;
}

bool run_lag_varies(const run_spec *s) { return s->variable_length || s->T_min; }

int run_draw_lag(const run_spec *s, rng_t *r)
{
    int lag = s->T_min ? s->T_min + (int)rng_below(r, (uint64_t)(s->T - s->T_min)) : s->T;
    return s->variable_length ? lag + (int)rng_below(r, (uint64_t)(lag / 10 + 1)) : lag;
}

double run_baseline(const run_spec *r)
{
    const int lo = r->T_min ? r->T_min : r->T, hi = r->T_min ? r->T - 1 : r->T;
    double sum = 0;
    for (int base = lo; base <= hi; base++) {
        const int top = r->variable_length ? base + base / 10 : base;
        double inner = 0;
        for (int T = base; T <= top; T++)
            inner += r->task->baseline(T);
        sum += inner / (top - base + 1);
    }
    return sum / (hi - lo + 1);
}
