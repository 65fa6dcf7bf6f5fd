/* cell_rnn.c - the Elman RNN, PyTorch's nn.RNN:
 *   h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),  act = tanh or relu.
 * G = 1. The activated output is h_t itself, so the gates buffer holds h_t
 * and backward needs nothing else. */
#include "activation.h"
#include "cell.h"

GATE_LOOP static void tanh_rows(int n, real *restrict gates, real *restrict h)
{
    for (int k = 0; k < n; k++) {
        real v = act_tanh(gates[k]);            /* h = tanh(pre) */
        gates[k] = v;
        h[k] = v;
    }
}

static void rnn_tanh_forward(const cell_step *s) { tanh_rows(s->B * s->H, s->gates, s->h); }

static void rnn_tanh_backward(const cell_step *s, cell_grad *g)
{
    const int n = s->B * s->H;
    for (int k = 0; k < n; k++) {
        real h = s->gates[k];
        g->dxp[k] = g->dh[k] * (1 - h * h);      /* tanh' = 1 - h^2 */
    }
}

void cell_relu_forward(const cell_step *s)
{
    const int n = s->B * s->H;
    for (int k = 0; k < n; k++) {
        real h = s->gates[k] > 0 ? s->gates[k] : 0; /* h = max(pre, 0) */
        s->gates[k] = h;
        s->h[k] = h;
    }
}

void cell_relu_backward(const cell_step *s, cell_grad *g)
{
    const int n = s->B * s->H;
    for (int k = 0; k < n; k++)                  /* relu' = [h > 0], 0 at 0 */
        g->dxp[k] = s->gates[k] > 0 ? g->dh[k] : 0; /* as PyTorch */
}

const cell_type cell_rnn_tanh = {
    .name = "rnn_tanh",
    .summary = "h' = tanh(W_ih x + b_ih + W_hh h + b_hh)",
    .omega_ok = true,
    .source = "Elman 1990; PyTorch nn.RNN(nonlinearity='tanh')",
    .G = 1, .A = 0, .has_c = false, .split_recurrent = false,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = rnn_tanh_forward, .backward = rnn_tanh_backward,
};

const cell_type cell_rnn_relu = {
    .name = "rnn_relu",
    .summary = "h' = relu(W_ih x + b_ih + W_hh h + b_hh)",
    .omega_ok = true,
    .source = "Le et al. 2015 (IRNN with identity init); PyTorch nn.RNN(nonlinearity='relu')",
    .G = 1, .A = 0, .has_c = false, .split_recurrent = false,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = cell_relu_forward, .backward = cell_relu_backward,
};
