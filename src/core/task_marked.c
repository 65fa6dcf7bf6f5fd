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
 * (adding: 0.01). */
#include <math.h>

#include "task.h"

static int marked_length(int T) { return T; }

static void marked_sample(batch *bt, int T, int B, rng_t *r, bool product)
{
    const int half = T / 2;
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            real *xi = bt->x + ((size_t)t * B + b) * 2;
            xi[0] = (real)rng_uniform(r);
            xi[1] = 0;
        }
    for (int b = 0; b < B; b++) {
        int p1 = (int)rng_below(r, half);
        int p2 = half + (int)rng_below(r, T - half);
        real *x1 = bt->x + ((size_t)p1 * B + b) * 2;
        real *x2 = bt->x + ((size_t)p2 * B + b) * 2;
        x1[1] = 1, x2[1] = 1;
        bt->values[b] = product ? x1[0] * x2[0] : x1[0] + x2[0];
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
    marked_sample(bt, T, B, r, false);
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
    marked_sample(bt, T, B, r, true);
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
