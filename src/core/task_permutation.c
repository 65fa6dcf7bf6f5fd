/* task_permutation.c - the random permutation problem of Hochreiter &
 * Schmidhuber 1997 (experiment 2c) in the convention of Pascanu, Mikolov &
 * Bengio 2013: L = T steps of 100 one-hot symbols; the first is 0 or 1,
 * the others uniform on 2..99; predict the first at the last step, a
 * 100-way softmax cross-entropy. The memoryless baseline: 1/2 on each of 0
 * and 1, ln 2. Metric: accuracy; solved at 99%. */
#include <math.h>
#include <string.h>

#include "loss.h"
#include "task.h"
#include "fmath.h"

enum { N_SYM = 100 };

static int perm_length(int T) { return T; }

static void perm_sample(batch *bt, int T, int B, rng_t *r, const task_source *src)
{
    (void)src;
    memset(bt->x, 0, (size_t)T * B * N_SYM * sizeof(real));
    for (int b = 0; b < B; b++) {
        int first = (int)rng_below(r, 2);
        bt->x[(size_t)b * N_SYM + first] = 1;
        for (int t = 1; t < T; t++)
            bt->x[((size_t)t * B + b) * N_SYM + 2 + rng_below(r, N_SYM - 2)] = 1;
        bt->labels[b] = first;
    }
}

static double perm_baseline(int T) { (void)T; return fm_log(2.0); }

static double perm_metric(const real *y, const batch *bt, int T, int B)
{
    (void)T;
    return accuracy(y, bt->labels, B, N_SYM);
}

const task_type task_random_permutation = {
    .name = "random_permutation",
    .summary = "recall the first of T symbols (0 or 1; the rest of 2-99) at the last step; 100-way cross-entropy",
    .source = "Hochreiter & Schmidhuber 1997 (exp. 2c); Pascanu, Mikolov & Bengio 2013",
    .in_dim = N_SYM, .out_dim = N_SYM,
    .min_T = 2,
    .readout = READOUT_LAST, .loss = LOSS_XENT,
    .metric_name = "accuracy",
    .solved_rule = "accuracy >= 0.99",
    .length = perm_length, .sample = perm_sample, .baseline = perm_baseline,
    .metric = perm_metric, .solved = task_solved_at_99,
};
