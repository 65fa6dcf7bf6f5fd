/* cell_indrnn.c - the independently recurrent network of Li, Li, Cook, Zhu
 * & Gao 2018 (CVPR, eq. 3):
 *   h_t = relu(W_ih x_t + b_ih + u * h_{t-1}),
 * u a vector (a diagonal recurrence: each unit sees only its own past),
 * one bias. G = 1. Parameters as StefOe/indrnn-pytorch (on which the
 * authors' IndRNN_pytorch builds) names them: weight_ih [H, I],
 * weight_hh [H] (u), bias_ih [H].
 *
 * init = paper, as the authors' adding script (IndRNN_Theano_Lasagne,
 * adding/adding.py): weight_ih ~ N(0, 0.001^2), bias 0, u ~ U(0, 2^(1/L))
 * in every layer but the last, whose u ~ U(2^(-1/L), 2^(1/L)), L the
 * sequence length. Constraint, after every update and in every layer, as
 * there: u clipped to [-2^(1/L), 2^(1/L)] (MAG = 2; the paper, section
 * 5.1: |u| in (0, 2^(1/T))). */
#include <math.h>

#include "cell.h"
#include "init.h"
#include "layer.h"

/* MAG^(1/L), MAG = 2: the bound on |u| for sequences of L steps. */
static double u_bound(int L) { return pow(2.0, 1.0 / L); }

static void indrnn_init_paper(layer_params *p, int I, int H, const init_spec *spec, rng_t *r)
{
    const double hi = u_bound(spec->seq_len);
    const double lo = spec->layer == spec->layers - 1 ? 1 / hi : 0;
    for (size_t k = 0; k < (size_t)H * I; k++)
        p->w_ih[k] = (real)(0.001 * rng_normal(r));
    for (int j = 0; j < H; j++)
        p->w_hh[j] = (real)rng_uniform_range(r, lo, hi);
    for (int j = 0; j < H; j++)
        p->b_ih[j] = 0;
}

static void indrnn_constrain(layer_params *p, int H, int L)
{
    const real hi = (real)u_bound(L);
    for (int j = 0; j < H; j++)
        p->w_hh[j] = p->w_hh[j] > hi ? hi : p->w_hh[j] < -hi ? -hi : p->w_hh[j];
}

const cell_type cell_indrnn = {
    .name = "indrnn",
    .summary = "h' = relu(W_ih x + b_ih + u*h), u a vector; |u| <= 2^(1/L) after each update",
    .source = "Li, Li, Cook, Zhu & Gao 2018 (IndRNN), eq. 3; the authors' adding.py",
    .G = 1, .A = 0, .has_c = false, .split_recurrent = false,
    .recurrence = REC_DIAGONAL, .one_bias = true,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = cell_relu_forward, .backward = cell_relu_backward,   /* as rnn_relu */
    .init_paper = indrnn_init_paper,
    .init_paper_summary = "W_ih ~ N(0, 1e-6), b 0, u ~ U(0, 2^(1/L)), the last layer's U(2^(-1/L), 2^(1/L))",
    .constrain = indrnn_constrain,
};
