/* task_temporal.c - the temporal order problems of Hochreiter &
 * Schmidhuber 1997 (experiments 6a, 6b) in the convention of Pascanu,
 * Mikolov & Bengio 2013's code. L = T steps of 6 one-hot symbols: A, B
 * (0, 1) and the distractors C, D, E, F (2-5). Every step holds a
 * distractor, but for K relevant positions, each drawn uniformly from its
 * window, which hold A or B:
 *   2-bit: [0.1L, 0.2L) and [0.5L, 0.6L)               4 classes
 *   3-bit: [0.1L, 0.2L), [0.3L, 0.4L) and [0.6L, 0.7L)   8 classes
 * The class (the relevant symbols in order, read as binary, A = 0) is read
 * at the last step; softmax cross-entropy. Chance, the memoryless
 * baseline: ln 4 and ln 8. Metric: accuracy; solved at 99% (Pascanu et
 * al.: fewer than 1% misclassified). */
#include <math.h>
#include <string.h>

#include "loss.h"
#include "task.h"

enum { N_SYM = 6, N_DISTRACT = 4 };

static int temporal_length(int T) { return T; }

/* windows in tenths of L: [lo, lo + 1) */
static void temporal_sample(batch *bt, int T, int B, rng_t *r, int K, const int *lo)
{
    memset(bt->x, 0, (size_t)T * B * N_SYM * sizeof(real));
    for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++)
            bt->x[((size_t)t * B + b) * N_SYM + 2 + rng_below(r, N_DISTRACT)] = 1;
        int cls = 0;
        for (int k = 0; k < K; k++) {
            int a = lo[k] * T / 10, z = (lo[k] + 1) * T / 10;
            int pos = a + (int)rng_below(r, z - a);
            int bit = (int)rng_below(r, 2);
            real *x = bt->x + ((size_t)pos * B + b) * N_SYM;
            memset(x, 0, N_SYM * sizeof(real));
            x[bit] = 1;
            cls = 2 * cls + bit;
        }
        bt->labels[b] = cls;
    }
}

static double temporal_metric2(const real *y, const batch *bt, int T, int B)
{
    (void)T;
    return accuracy(y, bt->labels, B, 4);
}

static double temporal_metric3(const real *y, const batch *bt, int T, int B)
{
    (void)T;
    return accuracy(y, bt->labels, B, 8);
}

static void sample2(batch *bt, int T, int B, rng_t *r, const task_source *src)
{
    (void)src;
    temporal_sample(bt, T, B, r, 2, (const int[]){1, 5});
}
static void sample3(batch *bt, int T, int B, rng_t *r, const task_source *src)
{
    (void)src;
    temporal_sample(bt, T, B, r, 3, (const int[]){1, 3, 6});
}
static double baseline2(int T) { (void)T; return log(4.0); }
static double baseline3(int T) { (void)T; return log(8.0); }

const task_type task_temporal_order = {
    .name = "temporal_order",
    .summary = "the order of 2 symbols (A/B) among T distractors, at [.1,.2)T and [.5,.6)T; 4 classes at the last step",
    .source = "Hochreiter & Schmidhuber 1997 (exp. 6a); Pascanu, Mikolov & Bengio 2013",
    .in_dim = N_SYM, .out_dim = 4,
    .min_T = 10,
    .readout = READOUT_LAST, .loss = LOSS_XENT,
    .metric_name = "accuracy",
    .solved_rule = "accuracy >= 0.99",
    .length = temporal_length, .sample = sample2, .baseline = baseline2,
    .metric = temporal_metric2, .solved = task_solved_at_99,
};

const task_type task_temporal_order3 = {
    .name = "temporal_order3",
    .summary = "the order of 3 symbols (A/B) among T distractors, at [.1,.2)T, [.3,.4)T, [.6,.7)T; 8 classes at the last step",
    .source = "Hochreiter & Schmidhuber 1997 (exp. 6b); Pascanu, Mikolov & Bengio 2013",
    .in_dim = N_SYM, .out_dim = 8,
    .min_T = 10,
    .readout = READOUT_LAST, .loss = LOSS_XENT,
    .metric_name = "accuracy",
    .solved_rule = "accuracy >= 0.99",
    .length = temporal_length, .sample = sample3, .baseline = baseline3,
    .metric = temporal_metric3, .solved = task_solved_at_99,
};
