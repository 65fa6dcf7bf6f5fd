/* task_adding.c - the adding problem in its modern form (Le, Jaitly &
 * Hinton 2015; Arjovsky, Shah & Bengio 2016; after Hochreiter &
 * Schmidhuber 1997). Two input channels over L = T steps: values uniform in
 * [0, 1), and a marker with exactly two ones, one at a position uniform in
 * [0, T/2) and one uniform in [T/2, T). Target: the sum of the two marked
 * values, read at the last step; MSE loss. Always predicting 1 (the mean)
 * gives the baseline MSE 1/6 (the variance of a sum of two U[0,1)).
 * Metric: the fraction of sequences with |error| < 0.04, the criterion of
 * Hochreiter & Schmidhuber 1997. */
#include <math.h>

#include "task.h"

static int adding_length(int T) { return T; }

static void adding_sample(batch *bt, int T, int B, rng_t *r)
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
        bt->values[b] = x1[0] + x2[0];
    }
}

static double adding_baseline(int T)
{
    (void)T;
    return 1.0 / 6.0;
}

static double adding_metric(const real *y, const batch *bt, int T, int B)
{
    (void)T;
    int right = 0;
    for (int b = 0; b < B; b++)
        right += fabs((double)y[b] - bt->values[b]) < 0.04;
    return (double)right / B;
}

static bool adding_solved(double loss, double metric)
{
    (void)metric;
    return loss < 0.01;
}

const task_type task_adding = {
    .name = "adding",
    .summary = "sum of the two marked values among T uniform ones; MSE at the last step",
    .source = "Le, Jaitly & Hinton 2015; Arjovsky, Shah & Bengio 2016; Hochreiter & Schmidhuber 1997",
    .in_dim = 2, .out_dim = 1,
    .min_T = 2,
    .readout = READOUT_LAST, .loss = LOSS_MSE,
    .metric_name = "fraction with |error| < 0.04",
    .solved_rule = "MSE < 0.01",
    .length = adding_length, .sample = adding_sample,
    .baseline = adding_baseline, .metric = adding_metric,
    .solved = adding_solved,
};
