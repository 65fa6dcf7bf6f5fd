/* task_marked.c - two values marked among T: their sum (the adding
 * problem, in its modern form: Le, Jaitly & Hinton 2015; Arjovsky, Shah &
 * Bengio 2016; after Hochreiter & Schmidhuber 1997) or their product (the
 * multiplication problem of Hochreiter & Schmidhuber 1997 and Pascanu,
 * Mikolov & Bengio 2013, in the same layout).
 * Two input channels over L = T steps: values uniform in [0, 1), and a
 * marker with exactly two ones, one at a position uniform in [0, T/2) and
 * one uniform in [T/2, T). Target read at the last step; MSE loss.
 * Baselines, predicting the target's mean: adding 1/6 (the variance of a
 * sum of two U[0,1)), multiplication 7/144 (of a product: 1/9 - 1/16).
 * Metric: the fraction of sequences with |error| < 0.04, the criterion of
 * Hochreiter & Schmidhuber 1997. Solved: MSE under 6% of the baseline
 * (adding: 0.01).
 * adding_pascanu: the adding problem as Pascanu, Mikolov & Bengio 2013's
 * code has it (addition.py): the first marker uniform in [0, 0.1T), the
 * second in [0.1T, 0.5T), the target the mean of the two values, so the
 * memoryless baseline is 1/24 (the variance of a mean of two U[0,1)); a
 * sequence is wrong when its squared error exceeds 0.04, and the task is
 * solved with fewer than 1% wrong. Their lags are [T, 1.1T): with
 * variable_length, [T, T + T/10] here. */
#include <math.h>

#include "task.h"

static int marked_length(int T) { return T; }

typedef enum { MARK_SUM, MARK_PRODUCT, MARK_PASCANU_MEAN } marked_kind;

static void marked_sample(batch *bt, int T, int B, rng_t *r, marked_kind kind)
{
    const int half = T / 2, tenth = T / 10 > 0 ? T / 10 : 1;
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            real *xi = bt->x + ((size_t)t * B + b) * 2;
            xi[0] = (real)rng_uniform(r);
            xi[1] = 0;
        }
    for (int b = 0; b < B; b++) {
        int p1, p2;
        if (kind == MARK_PASCANU_MEAN)      /* [0, 0.1T) and [0.1T, 0.5T) */
            p1 = (int)rng_below(r, tenth), p2 = tenth + (int)rng_below(r, half - tenth);
        else
            p1 = (int)rng_below(r, half), p2 = half + (int)rng_below(r, T - half);
        real *x1 = bt->x + ((size_t)p1 * B + b) * 2;
        real *x2 = bt->x + ((size_t)p2 * B + b) * 2;
        x1[1] = 1, x2[1] = 1;
        bt->values[b] = kind == MARK_PRODUCT ? x1[0] * x2[0]
                      : kind == MARK_SUM ? x1[0] + x2[0] : (real)0.5 * (x1[0] + x2[0]);
    }
}

static double marked_metric(const real *y, const batch *bt, int T, int B)
{
    (void)T;
    int right = 0;
    for (int b = 0; b < B; b++)
        right += fabs((double)y[b] - bt->values[b]) < 0.04;
    return (double)right / B;
}

static void adding_sample(batch *bt, int T, int B, rng_t *r, const task_source *src)
{
    (void)src;
    marked_sample(bt, T, B, r, MARK_SUM);
}
static double adding_baseline(int T) { (void)T; return 1.0 / 6.0; }
static bool adding_solved(double loss, double metric) { (void)metric; return loss < 0.01; }

const task_type task_adding = {
    .name = "adding",
    .summary = "sum of the two marked values among T uniform ones; MSE at the last step",
    .source = "Le, Jaitly & Hinton 2015; Arjovsky, Shah & Bengio 2016; Hochreiter & Schmidhuber 1997",
    .in_dim = 2, .out_dim = 1,
    .min_T = 2,
    .readout = READOUT_LAST, .loss = LOSS_MSE,
    .metric_name = "fraction with |error| < 0.04",
    .solved_rule = "MSE < 0.01",
    .length = marked_length, .sample = adding_sample,
    .baseline = adding_baseline, .metric = marked_metric,
    .solved = adding_solved,
};

static void mult_sample(batch *bt, int T, int B, rng_t *r, const task_source *src)
{
    (void)src;
    marked_sample(bt, T, B, r, MARK_PRODUCT);
}
static double mult_baseline(int T) { (void)T; return 7.0 / 144.0; }
static bool mult_solved(double loss, double metric) { (void)metric; return loss < 0.06 * 7.0 / 144.0; }

const task_type task_multiplication = {
    .name = "multiplication",
    .summary = "product of the two marked values among T uniform ones; MSE at the last step",
    .source = "Hochreiter & Schmidhuber 1997; Pascanu, Mikolov & Bengio 2013",
    .in_dim = 2, .out_dim = 1,
    .min_T = 2,
    .readout = READOUT_LAST, .loss = LOSS_MSE,
    .metric_name = "fraction with |error| < 0.04",
    .solved_rule = "MSE < 0.0029 (6% of the baseline 7/144, as adding's 0.01 is of 1/6)",
    .length = marked_length, .sample = mult_sample,
    .baseline = mult_baseline, .metric = marked_metric,
    .solved = mult_solved,
};

static void pascanu_sample(batch *bt, int T, int B, rng_t *r, const task_source *src)
{
    (void)src;
    marked_sample(bt, T, B, r, MARK_PASCANU_MEAN);
}
static double pascanu_baseline(int T) { (void)T; return 1.0 / 24.0; }

/* their error: the fraction with squared error > 0.04; here its complement */
static double pascanu_metric(const real *y, const batch *bt, int T, int B)
{
    (void)T;
    int right = 0;
    for (int b = 0; b < B; b++) {
        const double e = (double)y[b] - bt->values[b];
        right += e * e <= 0.04;
    }
    return (double)right / B;
}

const task_type task_adding_pascanu = {
    .name = "adding_pascanu",
    .summary = "the mean of two values marked in [0, 0.1T) and [0.1T, 0.5T) among T (Pascanu et al.'s addition.py); MSE at the last step",
    .source = "Pascanu, Mikolov & Bengio 2013 (their code's layout); Hochreiter & Schmidhuber 1997",
    .in_dim = 2, .out_dim = 1,
    .min_T = 10,
    .readout = READOUT_LAST, .loss = LOSS_MSE,
    .metric_name = "fraction with squared error <= 0.04",
    .solved_rule = "fraction with squared error <= 0.04 at least 0.99 (Pascanu et al.: under 1% wrong)",
    .length = marked_length, .sample = pascanu_sample,
    .baseline = pascanu_baseline, .metric = pascanu_metric,
    .solved = task_solved_at_99,
};
