#include "loss.h"
#include "fmath.h"

#include <assert.h>
#include <math.h>

double loss_xent(real *dy, const real *y, const int *labels, int N, int O)
{
    assert(O <= LOSS_MAX_CLASSES);
    double total = 0;
    for (int n = 0; n < N; n++) {
        const real *z = y + (size_t)n * O;
        real *dz = dy + (size_t)n * O;
        /* log-sum-exp shifted by the max, in double, so that large logits
         * neither overflow nor lose the small probabilities. */
        double zmax = z[0];
        for (int k = 1; k < O; k++)
            zmax = z[k] > zmax ? z[k] : zmax;
        double e[LOSS_MAX_CLASSES], sum = 0;
        for (int k = 0; k < O; k++)
            sum += (e[k] = fm_exp(z[k] - zmax));
        total += zmax + fm_log(sum) - z[labels[n]];
        for (int k = 0; k < O; k++)     /* softmax: e_k / sum, one exp a class */
            dz[k] = (real)((e[k] / sum - (k == labels[n])) / N);
    }
    return total / N;
}

double loss_mse(real *dy, const real *y, const real *target, int N)
{
    double total = 0;
    for (int n = 0; n < N; n++) {
        double e = (double)y[n] - target[n];
        total += e * e;
        dy[n] = (real)(2 * e / N);
    }
    return total / N;
}

double accuracy(const real *y, const int *labels, int N, int O)
{
    long right = 0;
    for (int n = 0; n < N; n++) {
        const real *logit = y + (size_t)n * O;
        int best = 0;
        for (int k = 1; k < O; k++)
            if (logit[k] > logit[best])
                best = k;
        right += best == labels[n];
    }
    return N ? (double)right / N : 0;
}
