/* loss.h - the task losses: value (a mean, in double) and gradient with
 * respect to the network outputs, in one pass. */
#ifndef RNB_LOSS_H
#define RNB_LOSS_H

#include "real.h"

/* The most classes a cross-entropy task may have (random_permutation: 100). */
enum { LOSS_MAX_CLASSES = 128 };

/* Softmax cross-entropy of N rows of logits y (N, O) against labels (N),
 * averaged over the N rows. Writes dy (N, O) = (softmax(y) - onehot) / N. */
double loss_xent(real *dy, const real *y, const int *labels, int N, int O);

/* Mean squared error of y (N) against target (N). dy = 2 (y - target) / N. */
double loss_mse(real *dy, const real *y, const real *target, int N);

/* The fraction of the N rows of logits y (N, O) whose largest entry is at
 * their label (the first largest, on ties). */
double accuracy(const real *y, const int *labels, int N, int O);

#endif
