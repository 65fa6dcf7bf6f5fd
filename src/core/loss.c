#include "loss.h"
#include "activation.h"
#include "fmath.h"

#include <assert.h>
#include <math.h>

/* Rows a pass: their shifted logits and exps on the stack (16 KiB). */
enum { XENT_CHUNK = 2048 };

/* e <- exp(e), element by element: across rows and classes at once, so
 * that it vectorises (the row loops below have O = 9 or so iterations). */
GATE_LOOP static void exp_in_place(double *restrict e, int n)
{
    for (int i = 0; i < n; i++)
        e[i] = fm_exp(e[i]);
}

double loss_xent(real *dy, const real *y, const int *labels, int N, int O)
{
    assert(O <= LOSS_MAX_CLASSES);
    double total = 0, e[XENT_CHUNK], zmax[XENT_CHUNK / 2 + 1];
    const int per_pass = O > 1 ? XENT_CHUNK / O : XENT_CHUNK / 2;
    for (int n0 = 0; n0 < N; n0 += per_pass) {
        const int rows = N - n0 < per_pass ? N - n0 : per_pass;
        /* log-sum-exp shifted by the max, in double, so that large logits
         * neither overflow nor lose the small probabilities */
        for (int r = 0; r < rows; r++) {
            const real *z = y + (size_t)(n0 + r) * O;
            double m = z[0];
            for (int k = 1; k < O; k++)
                m = z[k] > m ? z[k] : m;
            zmax[r] = m;
            for (int k = 0; k < O; k++)
                e[r * O + k] = z[k] - m;
        }
        exp_in_place(e, rows * O);
        for (int r = 0; r < rows; r++) {
            const int n = n0 + r;
            const real *z = y + (size_t)n * O;
            real *dz = dy + (size_t)n * O;
            const double *er = e + r * O;
            double sum = 0;
            for (int k = 0; k < O; k++)
                sum += er[k];
            total += zmax[r] + fm_log(sum) - z[labels[n]];
            for (int k = 0; k < O; k++)     /* softmax: e_k / sum, one exp a class */
                dz[k] = (real)((er[k] / sum - (k == labels[n])) / N);
        }
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
