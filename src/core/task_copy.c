/* task_copy.c - the copy memory task in the convention of Arjovsky, Shah &
 * Bengio 2016 (after Hochreiter & Schmidhuber 1997).
 * Alphabet of 10 one-hot inputs: 0 blank, 1-8 data, 9 delimiter.
 *   input  = 10 data symbols uniform on 1-8, T-1 blanks, the delimiter,
 *            10 blanks                                  (L = T + 20 steps)
 *   target = T+10 blanks, then the 10 data symbols     (9 classes, 0-8)
 * Loss: softmax cross-entropy averaged over all L steps. A memoryless model
 * predicts blank until the delimiter and then 1/8 for each data symbol:
 * baseline 10 ln 8 / (T + 20). Metric: accuracy on the last 10 steps. */
#include <math.h>
#include <string.h>

#include "task.h"

enum { N_DATA = 10, N_IN = 10, N_CLASS = 9, BLANK = 0, DELIM = 9 };

static int copy_length(int T) { return T + 2 * N_DATA; }

static void copy_sample(batch *bt, int T, int B, rng_t *r)
{
    const int L = copy_length(T);
    memset(bt->x, 0, (size_t)L * B * N_IN * sizeof(real));
    for (int t = 0; t < L; t++)
        for (int b = 0; b < B; b++)
            bt->labels[t * B + b] = BLANK;
    for (int b = 0; b < B; b++) {
        for (int k = 0; k < N_DATA; k++) {
            int sym = 1 + (int)rng_below(r, 8);
            bt->x[((size_t)k * B + b) * N_IN + sym] = 1;
            bt->labels[(T + N_DATA + k) * B + b] = sym;
        }
        for (int t = N_DATA; t < L; t++) {
            int sym = t == T + N_DATA - 1 ? DELIM : BLANK;
            bt->x[((size_t)t * B + b) * N_IN + sym] = 1;
        }
    }
}

static double copy_baseline(int T) { return N_DATA * log(8.0) / (T + 20); }

static double copy_metric(const real *y, const batch *bt, int T, int B)
{
    const int L = copy_length(T);
    long right = 0;
    for (int t = L - N_DATA; t < L; t++)
        for (int b = 0; b < B; b++) {
            const real *logit = y + ((size_t)t * B + b) * N_CLASS;
            int best = 0;
            for (int k = 1; k < N_CLASS; k++)
                if (logit[k] > logit[best])
                    best = k;
            right += best == bt->labels[t * B + b];
        }
    return (double)right / ((double)N_DATA * B);
}

static bool copy_solved(double loss, double metric)
{
    (void)loss;
    return metric >= 0.99;
}

const task_type task_copy = {
    .name = "copy",
    .summary = "recall 10 symbols (of 8) after a lag of T blanks; 9-way cross-entropy over all T+20 steps",
    .source = "Arjovsky, Shah & Bengio 2016; Hochreiter & Schmidhuber 1997",
    .in_dim = N_IN, .out_dim = N_CLASS,
    .min_T = 1,
    .readout = READOUT_ALL, .loss = LOSS_XENT,
    .metric_name = "accuracy on the last 10 steps",
    .solved_rule = "accuracy on the last 10 steps >= 0.99",
    .length = copy_length, .sample = copy_sample, .baseline = copy_baseline,
    .metric = copy_metric, .solved = copy_solved,
};
