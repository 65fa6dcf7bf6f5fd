/* cell_lstm_nfg.c - the LSTM without forget gate, f = 1: the 1997 LSTM of
 * Hochreiter & Schmidhuber as Greff et al. 2017 compare it ("NFG"), with
 * nn.LSTM's input and output gates and candidate:
 *   i, o = s(W x + U h + b), g = tanh(W_g x + U_g h + b_g)
 *   c' = c + i * g;  h' = o * tanh(c')
 * Gate blocks stacked i, g, o (G = 3); the gates buffer holds their
 * activated values, aux holds tanh(c_t) (A = 1). The cell state only adds:
 * c_t is a running sum. Rows: cell_lstm3.h. */
#include "cell_lstm3.h"

static void nfg_forward(const cell_step *s) { lstm3_forward(false, s); }
static void nfg_backward(const cell_step *s, cell_grad *gr) { lstm3_backward(false, s, gr); }

const cell_type cell_lstm_nfg = {
    .name = "lstm_nfg",
    .summary = "gates i,g,o; no forget gate (f = 1); c' = c + i*g; h' = o*tanh(c')",
    .source = "Hochreiter & Schmidhuber 1997; Greff et al. 2017 (NFG variant)",
    .G = 3, .A = 1, .has_c = true, .split_recurrent = false,
    .forget_block = -1, .input_block = 0, .out_block = 2,
    .forward = nfg_forward, .backward = nfg_backward,
};
