/* config.h - every setting of a training run, listed once.
 *
 * CONFIG_KEYS is the one list (an X-macro, as inih's example does it): the
 * struct, the defaults, the parser, the --help text of `rnnbench train`
 * and the printed run header all come from it. A key is spelt with
 * underscores here and in experiment files, with dashes as a flag
 * (seq_len, --seq-len). Parsing checks syntax only; config_resolve checks
 * meaning (a known cell, a positive size) and names the key at fault. */
#ifndef RNB_CONFIG_H
#define RNB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cell.h"
#include "clip.h"
#include "init.h"
#include "optim.h"
#include "task.h"

/* X(key, type, default, section, help); section: the experiment file's */
#define CONFIG_KEYS(X)                                                        \
    X(task,        STR,  "adding",  task,  "task: copy, adding, multiplication, temporal_order, temporal_order3, random_permutation, memorization, copy_exprnn, adding_pascanu, smnist, psmnist, rmnist (rnnbench list)") \
    X(seq_len,     INT,  "100",     task,  "time lag T of the task (copy's sequences are T+20 long); the image tasks have their own (smnist, psmnist 784; rmnist 28)") \
    X(data_dir,    STR,  "/usr/share/datasets/fashion-mnist", task, "smnist, psmnist, rmnist: the folder of the four IDX files (.gz or not; Debian's dataset-fashion-mnist)") \
    X(perm_seed,   U64,  "1",       task,  "psmnist: seed of its one fixed pixel permutation (runs that share it see the same order)") \
    X(variable_length, BOOL, "false", task, "draw each batch's lag uniformly from [T, T + T/10] (Hochreiter & Schmidhuber 1997); norms aligned to the sequence's end") \
    X(seq_len_min, INT,  "0",       task,  "with it, each batch's lag T is first drawn uniformly from [seq_len_min, seq_len), then variable_length's jitter (Pascanu et al.'s code: min_length, max_length); 0: T = seq_len") \
    X(train_set,   INT,  "0",       task,  "synthetic tasks at one lag: train on a fixed set of N sequences drawn once from the seed, each step's batch distinct ones of them (Arjovsky et al.'s code: 100000); 0: a fresh batch every step") \
    X(cell,        STR,  "lstm",    model, "cell type: rnn_tanh, rnn_relu, lstm, gru, indrnn, mingru, minlstm, ... (rnnbench list)") \
    X(hidden,      INT,  "128",     model, "hidden units H (of every layer)")   \
    X(learn_h0,    BOOL, "false",   model, "each layer's initial state h_0 (and c_0) a trained parameter, zeros at start, the same for every sequence (Arjovsky et al.'s code)") \
    X(num_layers,  INT,  "1",       model, "recurrent layers, stacked as PyTorch's num_layers: layer k > 0 reads layer k-1's h_t") \
    X(init,        STR,  "uniform", model, "initial weights: uniform, paper (the cell's own paper's), orthogonal[:GAIN], identity[:SCALE], chrono[:TMAX], normal:STD, sparse:K:RHO (Pascanu et al.'s), glorot, glorot_identity (Arjovsky et al.'s); exprnn: paper, henaff or cayley") \
    X(forget_bias, OPTREAL, "none", model, "forget-gate bias (lstm); none keeps the init's") \
    X(cornn_dt,    OPTREAL, "none", model, "cornn: the time step dt; none: the authors' adding default, 0.06") \
    X(cornn_gamma, OPTREAL, "none", model, "cornn: gamma, the oscillators' stiffness; none: 66 (adding)") \
    X(cornn_eps,   OPTREAL, "none", model, "cornn: epsilon, their damping; none: 15 (adding)") \
    X(lru_r_min,   REAL, "0",       model, "lru: the ring's smallest |lambda| at init (the authors' r_min)") \
    X(lru_r_max,   REAL, "1",       model, "lru: its largest (r_max)")         \
    X(lru_max_phase, REAL, "6.28",  model, "lru: the largest phase of lambda at init (max_phase)") \
    X(batch,       INT,  "20",      train, "sequences per training step")       \
    X(steps,       INT,  "1000",    train, "training steps")                    \
    X(optimizer,   STR,  "adam",    train, "sgd, momentum, rmsprop or adam (PyTorch's definitions)") \
    X(lr,          REAL, "1e-3",    train, "learning rate")                     \
    X(lr_orth,     OPTREAL, "none", train, "exprnn: learning rate of the orthogonal parameters A (the authors' lr_orth); none: lr; other cells have none") \
    X(lr_step,     STR,  "none",    train, "EVERY:FACTOR: lr (and lr_orth) times FACTOR after every EVERY-th update (IndRNN's code: 20000:0.1); none: constant") \
    X(momentum,    REAL, "0.9",     train, "momentum: mu")                      \
    X(nesterov,    BOOL, "false",   train, "momentum: Nesterov's form")         \
    X(alpha,       REAL, "0.99",    train, "rmsprop: smoothing constant")       \
    X(beta1,       REAL, "0.9",     train, "adam: first-moment decay")          \
    X(beta2,       REAL, "0.999",   train, "adam: second-moment decay")         \
    X(eps,         REAL, "1e-8",    train, "rmsprop, adam: epsilon (rmsprop: 0 allowed with rms_init > 0)") \
    X(rms_init,    REAL, "0",       train, "rmsprop: the squared-gradient average's start (PyTorch 0; Arjovsky et al.'s code 1e-3, with alpha 0.9, eps 0)") \
    X(omega,       REAL, "0",       train, "rnn_tanh, rnn_relu, rnn_sigmoid: the weight of Pascanu et al.'s regulariser Omega (2013, eq. 9; their code's 2); 0: none") \
    X(clip,        STR,  "none",    train, "gradient clipping: none, norm:THRESHOLD, value:THRESHOLD, step:THRESHOLD") \
    X(fallback_shrink, REAL, "0",   train, "with clip norm and sgd, for rnn_tanh, rnn_relu, rnn_sigmoid: a step whose gradient norm is NaN, Inf or above 1e10 becomes W_hh -= lr S W_hh, nothing else, and the run goes on (Pascanu et al.'s code: S = 0.02); 0: a non-finite step ends the run as diverged") \
    X(stop_when_solved, BOOL, "false", train, "end the run at the first logged step whose held-out set is solved (Pascanu et al.'s code stops there)") \
    X(seed,        U64,  "1",       train, "seed of the run's random streams")  \
    X(log_every,   INT,  "25",      log,   "steps between records of ||dL/dh_t|| and the held-out loss (first and last steps always)") \
    X(eval_batch,  INT,  "0",       log,   "sequences in the fixed held-out set, rounded up to whole batches; 0: one batch")

typedef char cfg_str[256];     /* data_dir holds a path */
#define CFG_CTYPE_STR     cfg_str
#define CFG_CTYPE_INT     long
#define CFG_CTYPE_REAL    double
#define CFG_CTYPE_OPTREAL double    /* NAN: none */
#define CFG_CTYPE_BOOL    bool
#define CFG_CTYPE_U64     uint64_t

typedef struct {
#define X(key, type, def, section, help) CFG_CTYPE_##type key;
    CONFIG_KEYS(X)
#undef X
} config;

enum { RNB_ENOKEY = -3 };   /* config_set: no such key */

void config_defaults(config *c);
/* RNB_OK, RNB_EINVAL (bad value: err says why), RNB_ENOKEY. */
int config_set(config *c, const char *key, const char *value, char *err);
/* The value of key i as text, into buf; its name and help. */
int config_key_count(void);
const char *config_key_name(int i);
const char *config_key_help(int i);
const char *config_key_default(int i);
const char *config_key_section(int i);   /* its [section] in an experiment file */
int config_key_find(const char *key);     /* its index, or -1 */
bool config_key_is_bool(int i);   /* a flag that may stand alone */
enum { CFG_T_STR, CFG_T_INT, CFG_T_REAL, CFG_T_OPTREAL, CFG_T_BOOL, CFG_T_U64 };
int config_key_type(int i);
void config_key_value(const config *c, int i, char *buf, size_t n);

/* A config checked and turned into what the core runs. */
typedef struct {
    const cell_type *cell;
    const task_type *task;
    const void *task_data;  /* the task's dataset, set by the harness; NULL: synthetic */
    int T, H, B;
    int K;                  /* num_layers */
    bool learn_h0;          /* each layer's h_0 (c_0) a parameter */
    bool variable_length;   /* each batch's lag uniform on [T, T + T/10] */
    int T_min;              /* > 0: the lag first drawn from [T_min, T) */
    long train_set;         /* > 0: batches from a fixed set of that many sequences */
    long steps;
    optim_spec optim;
    clip_spec clip;
    init_spec init;
    double konst[3];        /* the cell's constants (cell_type.const_key), defaults filled in */
    double omega;           /* Pascanu et al.'s regulariser's weight; 0: none */
    double fallback_shrink; /* > 0: a blown-up gradient becomes S W_hh (clip norm) */
    bool stop_when_solved;
    uint64_t seed;
    uint64_t perm_seed;     /* psmnist's pixel permutation */
    int log_every;
    int eval_batch;
} run_spec;

int config_resolve(run_spec *r, const config *c, char *err);

/* The longest lag a run sees: T (T - 1 with T_min), plus a tenth of it
 * with variable_length. */
int run_max_lag(const run_spec *r);
/* A batch's lag: T, or drawn from [T_min, T), then with variable_length
 * uniform on [lag, lag + lag/10]; from r, which only a draw advances. */
int run_draw_lag(const run_spec *s, rng_t *r);
/* Whether a run's batches differ in length. */
bool run_lag_varies(const run_spec *s);
/* The run's memoryless baseline: the task's at T, or its mean over the
 * lags drawn (run_draw_lag's distribution). */
double run_baseline(const run_spec *r);

#endif
