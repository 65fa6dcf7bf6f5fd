/* cell_lstm_cifg.c - the LSTM with coupled input and forget gates, f = 1 - i
 * ("CIFG", Greff et al. 2017, LSTM: a search space odyssey), otherwise
 * nn.LSTM's cell:
 *   i, o = s(W x + U h + b), g = tanh(W_g x + U_g h + b_g)
 *   c' = (1 - i) * c + i * g;  h' = o * tanh(c')
 * Gate blocks stacked i, g, o (G = 3); the gates buffer holds their
 * activated values, aux holds tanh(c_t) (A = 1). Rows: cell_lstm3.h. */
#include "cell_lstm3.h"

static void cifg_forward(const cell_step *s) { lstm3_forward(true, s); }
static void cifg_backward(const cell_step *s, cell_grad *gr) { lstm3_backward(true, s, gr); }

const cell_type cell_lstm_cifg = {
    .name = "lstm_cifg",
    .summary = "gates i,g,o; coupled forget gate f = 1-i; c' = (1-i)*c + i*g; h' = o*tanh(c')",
    .source = "Greff et al. 2017 (CIFG variant)",
    .G = 3, .A = 1, .has_c = true, .split_recurrent = false,
    .forget_block = -1, .input_block = 0, .out_block = 2,
    .forward = cifg_forward, .backward = cifg_backward,
};
