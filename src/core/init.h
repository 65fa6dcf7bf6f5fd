/* init.h - initial weights of a recurrent layer, chosen by name.
 *   uniform            PyTorch's default: every weight and bias
 *                      U(-1/sqrt(H), 1/sqrt(H))
 *   orthogonal[:gain]  as uniform, then each H x H gate block of weight_hh
 *                      a random orthogonal matrix times gain (Saxe et al.
 *                      2014), drawn as PyTorch's nn.init.orthogonal_ does
 *   identity[:scale]   as uniform, then each gate block of weight_hh is
 *                      scale * I and every bias 0: the IRNN of Le, Jaitly
 *                      & Hinton 2015 (with rnn_relu)
 *   paper              the cell's own paper's and code's initialisation
 *                      (cell_type.init_paper; `rnnbench list` says
 *                      which); uniform for the cells PyTorch defines and their
 *                      variants (lstm_vo's code's init is glorot)
 *   henaff, cayley     for a cell whose recurrence is exp of a skew
 *                      matrix (exprnn): the skew initialisations of its
 *                      authors' code (henaff is exprnn's paper init);
 *                      the only inits such a cell takes, with paper
 *   normal:std         every weight, the readout's too, N(0, std^2),
 *                      every bias 0: Pascanu, Mikolov & Bengio 2013's
 *                      "sigmoid" (0.01) and "basic tanh" (0.1) inits, as
 *                      their code (pascanur/trainingRNNs, RNN.py) draws
 *                      them
 *   sparse:k:rho       their "smart tanh": weight_ih and the readout
 *                      N(0, 0.01^2), each H x H block of weight_hh
 *                      N(0, 0.01^2) with k entries kept at random in
 *                      every column (their row: the weights a unit sends,
 *                      in h W_hh^T's transpose), scaled to spectral radius
 *                      rho; biases 0 (their code: k = 15, rho = 0.95)
 *   glorot             Arjovsky, Shah & Bengio 2016's code (amarshah/
 *                      complex_RNN, models.py): each gate block of
 *                      weight_ih U(+-sqrt(6/(I + H))), of weight_hh (and
 *                      weight_ch, weight_co) U(+-sqrt(6/(2H))), the readout
 *                      U(+-sqrt(6/(H + O))), extras as weight_hh, every
 *                      bias 0 (their forget bias 1 is forget_bias = 1)
 *   glorot_identity    glorot, then weight_hh = I: their IRNN (the same
 *                      draws, so every other weight is glorot's)
 *   chrono[:tmax]      as uniform, then the chrono init of Tallec &
 *                      Ollivier 2018 for cells with input and forget gates:
 *                      forget bias b_f ~ log U[1, tmax - 1], input bias
 *                      b_i = -b_f (in bias_ih; bias_hh of both 0); tmax the
 *                      longest dependency expected, by default the
 *                      sequence length L
 * and, apart, a forget-gate bias for cells with a forget gate: bias_ih of
 * the f block set to b, bias_hh of it to 0, so that the total is b (Gers et
 * al. 2000; Jozefowicz et al. 2015 recommend 1). */
#ifndef RNB_INIT_H
#define RNB_INIT_H

#include <stdbool.h>

#include "layer.h"
#include "rng.h"

typedef enum { INIT_UNIFORM, INIT_ORTHOGONAL, INIT_IDENTITY, INIT_CHRONO, INIT_PAPER, INIT_HENAFF,
               INIT_CAYLEY, INIT_NORMAL, INIT_SPARSE, INIT_GLOROT,
               INIT_GLOROT_IDENTITY } init_kind;

typedef struct init_spec {
    init_kind kind;
    double gain;            /* orthogonal gain, identity scale, chrono tmax (0: unset),
                               normal's std, sparse's rho */
    int sparse_k;           /* sparse: the entries kept in each column */
    bool set_forget_bias;
    double forget_bias;
    /* where the layer is, for inits that depend on it (init_paper) */
    int layer, layers;      /* this layer (0 the bottom) of how many */
    int seq_len;            /* L, the sequence length the run sees */
    double r_min, r_max, max_phase;     /* lru's ring (keys lru_r_min, ...) */
} init_spec;

/* "uniform", "orthogonal", "orthogonal:1.5", "identity", "identity:0.9",
 * "chrono", "chrono:500", "normal:0.1", "sparse:15:0.95". */
int init_parse(init_spec *s, const char *text, char *err);

/* Fills p. RNB_EINVAL when the spec does not fit the cell (a forget bias
 * for a cell without forget gate), RNB_ENOMEM when scratch is short. */
int init_layer(layer_params *p, const cell_type *cell, int I, int H,
               const init_spec *s, rng_t *r, char *err);

/* nn.Linear(I, GH)'s default into weight_ih and bias_ih: U(+-1/sqrt(I)). */
void init_linear(layer_params *p, int I, int GH, rng_t *r);

/* The readout (O, H) and its bias for the inits that set them (normal,
 * sparse: N(0, std^2) and 0; glorot: U(+-sqrt(6/(H + O))) and 0); false,
 * drawing nothing, for the others (PyTorch's nn.Linear is the caller's). */
bool init_readout(const init_spec *s, real *w, real *b, int O, int H, rng_t *r);

/* U(-bound, bound) into v (n), the draw PyTorch's defaults are made of. */
void init_uniform(real *v, size_t n, double bound, rng_t *r);

#endif
