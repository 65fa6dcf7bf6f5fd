/* cell_rnn.c - the Elman RNN, PyTorch's nn.RNN:
 *   h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),  act = tanh or relu,
 * and the sigmoid units of Pascanu, Mikolov & Bengio 2013 (act = sigmoid;
 * PyTorch has none).
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
    .source = "Elman 1990; PyTorch nn.RNN(nonlinearity='tanh')",
    .G = 1, .A = 0, .has_c = false, .split_recurrent = false,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = rnn_tanh_forward, .backward = rnn_tanh_backward,
    .omega_ok = true,
};

GATE_LOOP static void sigmoid_rows(int n, real *restrict gates, real *restrict h)
{
    for (int k = 0; k < n; k++) {
        real v = act_sigmoid(gates[k]);         /* h = sigmoid(pre) */
        gates[k] = v;
        h[k] = v;
    }
}

static void rnn_sigmoid_forward(const cell_step *s) { sigmoid_rows(s->B * s->H, s->gates, s->h); }

static void rnn_sigmoid_backward(const cell_step *s, cell_grad *g)
{
    const int n = s->B * s->H;
    for (int k = 0; k < n; k++) {
        real h = s->gates[k];
        g->dxp[k] = g->dh[k] * h * (1 - h);      /* sigmoid' = h (1 - h) */
    }
}

const cell_type cell_rnn_sigmoid = {
    .name = "rnn_sigmoid",
    .summary = "h' = sigmoid(W_ih x + b_ih + W_hh h + b_hh)",
    .source = "Pascanu, Mikolov & Bengio 2013, section 4.1's sigmoid units (their RNN.py)",
    .G = 1, .A = 0, .has_c = false, .split_recurrent = false,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = rnn_sigmoid_forward, .backward = rnn_sigmoid_backward,
    .omega_ok = true,
};

const cell_type cell_rnn_relu = {
    .name = "rnn_relu",
    .summary = "h' = relu(W_ih x + b_ih + W_hh h + b_hh)",
    .source = "Le et al. 2015 (IRNN with identity init); PyTorch nn.RNN(nonlinearity='relu')",
    .G = 1, .A = 0, .has_c = false, .split_recurrent = false,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = cell_relu_forward, .backward = cell_relu_backward,
    .omega_ok = true,
};
