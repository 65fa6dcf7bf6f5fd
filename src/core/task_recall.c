/* task_recall.c - recall a pattern after a lag: the copy memory task in
 * the convention of Arjovsky, Shah & Bengio 2016, and noiseless
 * memorization in that of Pascanu, Mikolov & Bengio 2013 (both after
 * Hochreiter & Schmidhuber 1997). They differ in the alphabet only.
 * With S data symbols, S + 2 one-hot inputs: 0 blank, 1..S data, S+1 the
 * delimiter ("go").
 *   input  = 10 data symbols uniform on 1..S, T-1 blanks, the delimiter,
 *            10 blanks                                  (L = T + 20 steps)
 *   target = T+10 blanks, then the 10 data symbols     (S+1 classes, 0..S)
 * Loss: softmax cross-entropy averaged over all L steps. A memoryless model
 * predicts blank until the delimiter and then 1/S for each data symbol:
 * baseline 10 ln S / (T + 20). Metric: accuracy on the last 10 steps.
 * copy: S = 8; memorization: S = 5.
 * copy_exprnn: copy in the layout of Lezcano-Casado & Martinez-Rubio's
 * 1_copying.py (expRNN, 2019): the delimiter one step later, at the step
 * of the first recalled symbol (10 data, T blanks, the delimiter, 9
 * blanks), so that the answer starts as the delimiter arrives; the same
 * targets, loss and baseline. */
#include <math.h>
#include <string.h>

#include "loss.h"
#include "task.h"
#include "fmath.h"

enum { N_DATA = 10, BLANK = 0 };

static int recall_length(int T) { return T + 2 * N_DATA; }

/* delim_at: the delimiter's step */
static void recall_sample(batch *bt, int T, int B, rng_t *r, int S, int delim_at)
{
    const int L = recall_length(T), I = S + 2, delim = S + 1;
    memset(bt->x, 0, (size_t)L * B * I * sizeof(real));
    for (int t = 0; t < L; t++)
        for (int b = 0; b < B; b++)
            bt->labels[t * B + b] = BLANK;
    for (int b = 0; b < B; b++) {
        for (int k = 0; k < N_DATA; k++) {
            int sym = 1 + (int)rng_below(r, S);
            bt->x[((size_t)k * B + b) * I + sym] = 1;
            bt->labels[(T + N_DATA + k) * B + b] = sym;
        }
        for (int t = N_DATA; t < L; t++) {
            int sym = t == delim_at ? delim : BLANK;
            bt->x[((size_t)t * B + b) * I + sym] = 1;
        }
    }
}

/* accuracy over the last 10 steps, whose rows are the last 10 * B */
static double recall_metric(const real *y, const batch *bt, int T, int B, int S)
{
    const size_t first = (size_t)(recall_length(T) - N_DATA) * B;
    return accuracy(y + first * (S + 1), bt->labels + first, N_DATA * B, S + 1);
}

static void copy_sample(batch *bt, int T, int B, rng_t *r, const task_source *src)
{
    (void)src;
    recall_sample(bt, T, B, r, 8, T + N_DATA - 1);
}
static double copy_baseline(int T) { return N_DATA * fm_log(8.0) / (T + 20); }
static double copy_metric(const real *y, const batch *bt, int T, int B) { return recall_metric(y, bt, T, B, 8); }

const task_type task_copy = {
    .name = "copy",
    .summary = "recall 10 symbols (of 8) after a lag of T blanks; 9-way cross-entropy over all T+20 steps",
    .source = "Arjovsky, Shah & Bengio 2016; Hochreiter & Schmidhuber 1997",
    .in_dim = 10, .out_dim = 9,
    .min_T = 1,
    .readout = READOUT_ALL, .loss = LOSS_XENT,
    .metric_name = "accuracy on the last 10 steps",
    .solved_rule = "accuracy on the last 10 steps >= 0.99",
    .length = recall_length, .sample = copy_sample, .baseline = copy_baseline,
    .metric = copy_metric, .solved = task_solved_at_99,
};

static void copy_exprnn_sample(batch *bt, int T, int B, rng_t *r, const task_source *src)
{
    (void)src;
    recall_sample(bt, T, B, r, 8, T + N_DATA);
}

const task_type task_copy_exprnn = {
    .name = "copy_exprnn",
    .summary = "copy with the delimiter at the first recall step (expRNN's 1_copying.py); 9-way cross-entropy over all T+20 steps",
    .source = "Lezcano-Casado & Martinez-Rubio 2019 (their code's layout); Arjovsky, Shah & Bengio 2016",
    .in_dim = 10, .out_dim = 9,
    .min_T = 1,
    .readout = READOUT_ALL, .loss = LOSS_XENT,
    .metric_name = "accuracy on the last 10 steps",
    .solved_rule = "accuracy on the last 10 steps >= 0.99",
    .length = recall_length, .sample = copy_exprnn_sample, .baseline = copy_baseline,
    .metric = copy_metric, .solved = task_solved_at_99,
};

static void memo_sample(batch *bt, int T, int B, rng_t *r, const task_source *src)
{
    (void)src;
    recall_sample(bt, T, B, r, 5, T + N_DATA - 1);
}
static double memo_baseline(int T) { return N_DATA * log(5.0) / (T + 20); }
static double memo_metric(const real *y, const batch *bt, int T, int B) { return recall_metric(y, bt, T, B, 5); }

const task_type task_memorization = {
    .name = "memorization",
    .summary = "noiseless memorization: recall 10 values (of 5) after T blanks and a go; 6-way cross-entropy over all T+20 steps",
    .source = "Pascanu, Mikolov & Bengio 2013; Hochreiter & Schmidhuber 1997",
    .in_dim = 7, .out_dim = 6,
    .min_T = 1,
    .readout = READOUT_ALL, .loss = LOSS_XENT,
    .metric_name = "accuracy on the last 10 steps",
    .solved_rule = "accuracy on the last 10 steps >= 0.99",
    .length = recall_length, .sample = memo_sample, .baseline = memo_baseline,
    .metric = memo_metric, .solved = task_solved_at_99,
};
