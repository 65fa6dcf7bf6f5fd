/* cell_exprnn.c - expRNN of Lezcano-Casado & Martinez-Rubio 2019 ("Cheap
 * orthogonal constraints in neural networks", ICML), as the authors' code
 * (Lezcano/expRNN, orthogonal.py, mode "exprnn": static, base I):
 *   h_t = modrelu(W x_t + h_{t-1} B),   B = exp(S),  S = triu(A,1) - triu(A,1)^T
 *   modrelu(z) = sign(z) relu(|z| + b)
 * A [H, H] the optimiser's parameter (its strict upper triangle is all
 * that counts), B orthogonal by construction; W without a bias, b
 * modrelu's. G = 1. In the layer's convention (h W_hh^T) the weight it
 * forms is W_hh = B^T = exp(-S), before every forward pass, and
 * dL/dA = the strict upper triangle of dX^T - dX, dX = dL/d(-S) =
 * L(X^T, dL/dW_hh), X = -S (expm.h: the Frechet adjoint).
 * Parameters as the authors name them: weight_ih [H, I]
 * (input_kernel.weight), weight_hh [H, H] (recurrent_kernel's A), b [H]
 * (nonlinearity.b).
 *
 * init = paper (or henaff), as their copy task: A = create_diag_ of
 * s ~ U(-pi, pi) (henaff_init_: 2x2 blocks [[0, s], [-s, 0]] on the
 * diagonal of S); init = cayley, as their MNIST: s = -sqrt((1 - cos u) /
 * (1 + cos u)), u ~ U(0, pi/2) (cayley_init_); weight_ih
 * kaiming_normal_(relu): N(0, 2/I); b ~ U(-0.01, 0.01). */
#include <math.h>
#include <string.h>

#include "activation.h"
#include "cell.h"
#include "expm.h"
#include "init.h"
#include "layer.h"

static const double PI = 3.14159265358979323846;

GATE_LOOP static void modrelu_rows(int B, int H, real *restrict z, const real *restrict bias, real *restrict h)
{
    for (int r = 0; r < B; r++)
        for (int j = 0; j < H; j++) {
            const real v = z[(size_t)r * H + j], m = (v < 0 ? -v : v) + bias[j];
            const real mag = m > 0 ? m : 0;     /* relu(|z| + b) */
            h[(size_t)r * H + j] = v > 0 ? mag : v < 0 ? -mag : 0;
        }
}

static void exprnn_forward(const cell_step *s) { modrelu_rows(s->B, s->H, s->gates, s->extra, s->h); }

/* Where |z| + b > 0: dh/dz = 1, dh/db = sign(z); elsewhere 0, and 0 at
 * z = 0 (sign's and abs's derivative there, as PyTorch takes them). */
GATE_LOOP static void modrelu_back_rows(int B, int H, const real *restrict z, const real *restrict bias,
                                        const real *restrict dh, real *restrict dz, real *restrict db)
{
    for (int r = 0; r < B; r++)
        for (int j = 0; j < H; j++) {
            const size_t k = (size_t)r * H + j;
            const real v = z[k], m = (v < 0 ? -v : v) + bias[j];
            const real sg = v > 0 ? 1 : v < 0 ? -1 : 0;
            const real d = m > 0 ? dh[k] * sg * sg : 0;
            dz[k] = d;
            db[j] += d * sg;
        }
}

static void exprnn_backward(const cell_step *s, cell_grad *g)
{
    modrelu_back_rows(s->B, s->H, s->gates, s->extra, g->dh, g->dxp, g->dextra);
}

/* S := sign (triu(A,1) - triu(A,1)^T). */
static void skew_of(real *S, const real *A, int H, real sign)
{
    for (int i = 0; i < H; i++) {
        S[(size_t)i * H + i] = 0;
        for (int j = i + 1; j < H; j++) {
            S[(size_t)i * H + j] = sign * A[(size_t)i * H + j];
            S[(size_t)j * H + i] = -sign * A[(size_t)i * H + j];
        }
    }
}

/* Scratch: the exponential's doubles, then three H x H reals (each in a
 * double's room, so the views stay aligned). */
static size_t exprnn_work(int H) { return expm_work_doubles(H) + 3 * (size_t)H * H; }

static real *reals_at(double *work, int H, int i)
{
    return (real *)(work + expm_work_doubles(H) + (size_t)i * H * H);
}

/* W_hh = exp(X), X = -S. */
static void exprnn_form(real *w, const real *A, int H, double *work, int *iwork)
{
    expm_work wk = {work, iwork};
    real *X = reals_at(work, H, 0);
    skew_of(X, A, H, -1);
    expm(w, X, H, &wk);
}

/* dL/dX = L(X^T, dL/dW_hh), X^T = S; X_ij = -A_ij and X_ji = A_ij (i < j). */
static void exprnn_adjoint(real *dA, const real *dw, const real *A, int H, double *work, int *iwork)
{
    expm_work wk = {work, iwork};
    real *S = reals_at(work, H, 0), *E = reals_at(work, H, 1), *dX = reals_at(work, H, 2);
    skew_of(S, A, H, 1);
    expm_frechet(E, dX, S, dw, H, &wk);
    for (int i = 0; i < H; i++)
        for (int j = i + 1; j < H; j++)
            dA[(size_t)i * H + j] += dX[(size_t)j * H + i] - dX[(size_t)i * H + j];
}

/* S's 2x2 blocks [[0, s_k], [-s_k, 0]] on the diagonal, k < H/2, as the
 * authors' create_diag_ (A holds S: triu(A,1) - triu(A,1)^T = S). */
static void create_diag(real *A, const double *s, int H)
{
    memset(A, 0, (size_t)H * H * sizeof(real));
    for (int k = 0; 2 * k + 1 < H; k++) {
        A[(size_t)(2 * k) * H + 2 * k + 1] = (real)s[k];
        A[(size_t)(2 * k + 1) * H + 2 * k] = (real)-s[k];
    }
}

static void exprnn_init_paper(layer_params *p, int I, int H, const init_spec *spec, rng_t *r)
{
    double s[H / 2 + 1];
    for (int k = 0; k < H / 2; k++) {
        if (spec->kind == INIT_CAYLEY) {
            const double u = rng_uniform_range(r, 0, PI / 2);
            s[k] = -sqrt((1 - cos(u)) / (1 + cos(u)));
        } else {
            s[k] = rng_uniform_range(r, -PI, PI);
        }
    }
    create_diag(p->w_hh, s, H);
    const double sd = sqrt(2.0 / I);
    for (size_t k = 0; k < (size_t)H * I; k++)
        p->w_ih[k] = (real)(sd * rng_normal(r));
    init_uniform(p->extra, (size_t)H, 0.01, r);
}

const cell_type cell_exprnn = {
    .name = "exprnn",
    .summary = "h' = modrelu(W_ih x + h B), B = expm(triu(A,1) - triu(A,1)^T), modrelu(z) = sign(z) relu(|z| + b)",
    .source = "Lezcano-Casado & Martinez-Rubio 2019 (expRNN), the authors' orthogonal.py (static, exprnn)",
    .G = 1, .A = 0, .E = 1, .extra_name = "b",
    .recurrence = REC_DENSE, .no_bias = true,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = exprnn_forward, .backward = exprnn_backward,
    .reparam_work = exprnn_work, .reparam_form = exprnn_form, .reparam_adjoint = exprnn_adjoint,
    .init_paper = exprnn_init_paper, .own_init_only = true, .kaiming_readout = true,
    .init_paper_summary = "A: henaff (paper) or cayley 2x2 skew blocks; W_ih ~ N(0, 2/I); b ~ U(+-0.01); readout N(0, 2/H), bias 0",
};
