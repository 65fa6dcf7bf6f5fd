#include "expm.h"

#include <math.h>
#include <string.h>

#include "activation.h"

/* b_0 .. b_13 of the [13/13] Pade approximant to exp, and theta_13, the
 * largest ||X||_1 at which it is exact to double's unit roundoff (Higham
 * 2005, Table 2.3): below float's too. */
static const double PADE13[14] = {
    64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
    129060195264000., 10559470521600., 670442572800., 33522128640.,
    1323241920., 40840800., 960960., 16380., 182., 1.,
};
static const double THETA13 = 5.371920351148152;

enum { N_WORK = 17 };   /* n x n matrices the Frechet pass holds at once */

size_t expm_work_doubles(int n) { return (size_t)N_WORK * n * n; }

/* C := A B (beta 0) or C + A B (beta 1), n x n, C apart from A and B.
 * Each C[i][j] a chain over k in order, a multiply then an add (no
 * contraction): vectorised across j only, the same bits on every path. */
GATE_LOOP static void mul(double *restrict C, const double *restrict A, const double *restrict B, int n,
                          int beta)
{
    for (int i = 0; i < n; i++) {
        double *c = C + (size_t)i * n;
        if (!beta)
            memset(c, 0, (size_t)n * sizeof *c);
        for (int k = 0; k < n; k++) {
            const double a = A[(size_t)i * n + k], *b = B + (size_t)k * n;
            for (int j = 0; j < n; j++)
                c[j] += a * b[j];
        }
    }
}

/* out := c0 X0 + c1 X1 + c2 X2 (in that order) + d I. */
GATE_LOOP static void combine(double *out, double c0, const double *X0, double c1, const double *X1,
                              double c2, const double *X2, double d, int n)
{
    const size_t nn = (size_t)n * n;
    for (size_t k = 0; k < nn; k++)
        out[k] = c0 * X0[k] + c1 * X1[k] + c2 * X2[k];
    for (int i = 0; i < n; i++)
        out[(size_t)i * n + i] += d;
}

/* out := x + s y, n x n (s = 1 or -1). */
GATE_LOOP static void add(double *out, const double *x, double s, const double *y, int n)
{
    const size_t nn = (size_t)n * n;
    for (size_t k = 0; k < nn; k++)
        out[k] = x[k] + s * y[k];
}

/* r -= l v, one row of n. */
GATE_LOOP static void row_axpy(double *r, double l, const double *v, int n)
{
    for (int j = 0; j < n; j++)
        r[j] -= l * v[j];
}

static void swap_rows(double *M, int a, int b, int n)
{
    for (int j = 0; j < n; j++) {
        double t = M[(size_t)a * n + j];
        M[(size_t)a * n + j] = M[(size_t)b * n + j];
        M[(size_t)b * n + j] = t;
    }
}

/* Q := its LU factors, partial pivoting (row k swapped with piv[k] >= k
 * first, the pivot the first largest |Q[i][k]|), right-looking, in one
 * fixed order: every update a row axpy. */
static void lu_factor(double *Q, int *piv, int n)
{
    for (int k = 0; k < n; k++) {
        int p = k;
        double best = fabs(Q[(size_t)k * n + k]);
        for (int i = k + 1; i < n; i++)
            if (fabs(Q[(size_t)i * n + k]) > best)
                best = fabs(Q[(size_t)i * n + k]), p = i;
        piv[k] = p;
        if (p != k)
            swap_rows(Q, k, p, n);
        const double *rk = Q + (size_t)k * n;
        for (int i = k + 1; i < n; i++) {
            double *ri = Q + (size_t)i * n;
            const double l = ri[k] / rk[k];
            ri[k] = l;
            row_axpy(ri + k + 1, l, rk + k + 1, n - k - 1);
        }
    }
}

/* M := Q^-1 M, M n x n, from lu_factor's Q and piv. */
static void lu_solve(const double *Q, const int *piv, double *M, int n)
{
    for (int k = 0; k < n; k++)
        if (piv[k] != k)
            swap_rows(M, k, piv[k], n);
    for (int k = 0; k < n; k++)
        for (int i = k + 1; i < n; i++)
            row_axpy(M + (size_t)i * n, Q[(size_t)i * n + k], M + (size_t)k * n, n);
    for (int i = n - 1; i >= 0; i--) {
        double *ri = M + (size_t)i * n;
        for (int j = i + 1; j < n; j++)
            row_axpy(ri, Q[(size_t)i * n + j], M + (size_t)j * n, n);
        const double d = Q[(size_t)i * n + i];
        for (int j = 0; j < n; j++)
            ri[j] /= d;
    }
}

/* The s >= 0 with ||X||_1 2^-s <= theta_13 (0 for a non-finite norm: the
 * NaN then runs through, as a blown-up run's values do). */
static int scaling_of(const real *X, int n)
{
    double norm = 0;
    for (int j = 0; j < n; j++) {
        double col = 0;
        for (int i = 0; i < n; i++)
            col += fabs((double)X[(size_t)i * n + j]);
        norm = col > norm ? col : norm;
    }
    int s = 0;
    while (isfinite(norm) && norm > THETA13)
        norm /= 2, s++;
    return s;
}

/* The one pass: E := exp(X), and L := L(X, D) when D is not NULL. */
static void pade13(real *E, real *L, const real *X, const real *D, int n, expm_work *wk)
{
    const double *b = PADE13;
    const size_t nn = (size_t)n * n;
    double *w = wk->w;
    double *A = w, *A2 = w + nn, *A4 = w + 2 * nn, *A6 = w + 3 * nn, *W1 = w + 4 * nn,
           *Z1 = w + 5 * nn, *W = w + 6 * nn, *U = w + 7 * nn, *V = w + 8 * nn;
    const int s = scaling_of(X, n);
    const double f = ldexp(1.0, -s);    /* exact: a power of two */
    for (size_t k = 0; k < nn; k++)
        A[k] = X[k] * f;
    mul(A2, A, A, n, 0);
    mul(A4, A2, A2, n, 0);
    mul(A6, A2, A4, n, 0);
    combine(W1, b[13], A6, b[11], A4, b[9], A2, 0, n);
    combine(Z1, b[12], A6, b[10], A4, b[8], A2, 0, n);
    combine(W, b[7], A6, b[5], A4, b[3], A2, b[1], n);      /* W2 */
    mul(W, A6, W1, n, 1);                                   /* W = A6 W1 + W2 */
    mul(U, A, W, n, 0);
    combine(V, b[6], A6, b[4], A4, b[2], A2, b[0], n);      /* Z2 */
    mul(V, A6, Z1, n, 1);                                   /* V = A6 Z1 + Z2 */

    double *Lu = NULL, *Lv = NULL;
    if (D) {                    /* the derivative's terms, before U and V are spent */
        double *Es = w + 9 * nn, *M2 = w + 10 * nn, *M4 = w + 11 * nn, *M6 = w + 12 * nn,
             *Lw = w + 13 * nn, *T = w + 14 * nn;
        Lu = w + 15 * nn, Lv = w + 16 * nn;
        for (size_t k = 0; k < nn; k++)
            Es[k] = D[k] * f;
        mul(M2, A, Es, n, 0);
        mul(M2, Es, A, n, 1);                               /* M2 = A E + E A */
        mul(M4, A2, M2, n, 0);
        mul(M4, M2, A2, n, 1);                              /* M4 = A2 M2 + M2 A2 */
        mul(M6, A4, M2, n, 0);
        mul(M6, M4, A2, n, 1);                              /* M6 = A4 M2 + M4 A2 */
        combine(T, b[13], M6, b[11], M4, b[9], M2, 0, n);   /* Lw1 */
        combine(Lw, b[7], M6, b[5], M4, b[3], M2, 0, n);    /* Lw2 */
        mul(Lw, A6, T, n, 1);
        mul(Lw, M6, W1, n, 1);                              /* Lw = A6 Lw1 + M6 W1 + Lw2 */
        mul(Lu, A, Lw, n, 0);
        mul(Lu, Es, W, n, 1);                               /* Lu = A Lw + E W */
        combine(T, b[12], M6, b[10], M4, b[8], M2, 0, n);   /* Lz1 */
        combine(Lv, b[6], M6, b[4], M4, b[2], M2, 0, n);    /* Lz2 */
        mul(Lv, A6, T, n, 1);
        mul(Lv, M6, Z1, n, 1);                              /* Lv = A6 Lz1 + M6 Z1 + Lz2 */
    }

    /* R = (V - U)^-1 (V + U); the buffers A2.. are free again */
    double *Q = A2, *R = A4;
    add(Q, V, -1, U, n);
    add(R, V, 1, U, n);
    lu_factor(Q, wk->piv, n);
    lu_solve(Q, wk->piv, R, n);
    double *Ld = NULL;
    if (D) {                    /* L = (V - U)^-1 (Lu + Lv + (Lu - Lv) R) */
        Ld = A6;
        double *diff = W1;
        add(Ld, Lu, 1, Lv, n);
        add(diff, Lu, -1, Lv, n);
        mul(Ld, diff, R, n, 1);
        lu_solve(Q, wk->piv, Ld, n);
    }
    /* undo the scaling: exp(X) = exp(X 2^-s)^(2^s); L(X) squares with it */
    double *R2 = Z1, *L2 = W;
    for (int k = 0; k < s; k++) {
        if (D) {
            mul(L2, R, Ld, n, 0);
            mul(L2, Ld, R, n, 1);                           /* L = R L + L R */
            double *t = Ld; Ld = L2; L2 = t;
        }
        mul(R2, R, R, n, 0);
        double *t = R; R = R2; R2 = t;
    }
    for (size_t k = 0; k < nn; k++)     /* each rounded once, from double */
        E[k] = (real)R[k];
    for (size_t k = 0; D && k < nn; k++)
        L[k] = (real)Ld[k];
}

void expm(real *E, const real *X, int n, expm_work *wk)
{
    pade13(E, NULL, X, NULL, n, wk);
}

void expm_frechet(real *E, real *L, const real *X, const real *D, int n, expm_work *wk)
{
    pade13(E, L, X, D, n, wk);
}
