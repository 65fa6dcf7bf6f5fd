/* cell.h - the interface every recurrent cell implements.
 *
 * Dimension letters, used in every shape comment of the core:
 *   T  timesteps        B  batch size      I  input size
 *   H  hidden size      G  gate blocks (weight_ih is [G*H, I])
 *   A  aux blocks the cell caches per step besides its gates ([B, A*H])
 *
 * A cell sees one timestep of a batch. The model does the matrix products
 * (all T input projections in one GEMM before the loop, one GEMM per step
 * for the recurrence, the weight gradients in one GEMM after it); the cell
 * does the elementwise gate math. Parameters are laid out as PyTorch lays
 * them: weight_ih [G*H, I], weight_hh [G*H, H], bias_ih [G*H], bias_hh
 * [G*H], gate blocks stacked in the order the cell's summary gives; a
 * cell's own extra parameters (peepholes) after them, [E*H]. A cell with a
 * diagonal recurrence has weight_hh [G*H], one without none; a cell with
 * one bias has no bias_hh, one with no_bias neither bias. */
#ifndef RNB_CELL_H
#define RNB_CELL_H

#include <stdbool.h>

#include <stddef.h>

#include "real.h"
#include "rng.h"

struct init_spec;
struct layer_params;

/* One timestep's views into the layer workspace. */
typedef struct {
    int B, H;
    /* in: the pre-activations. For a cell without split_recurrent,
     *     x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, all of it.
     *     For a split cell, the input part x_t W_ih^T + b_ih only.
     * out: whatever backward needs (the activated gates). */
    real *gates;            // (B, G*H)
    const real *hp;         // (B, G*H) h_{t-1} W_hh^T + b_hh; split cells only
    real *aux;              // (B, A*H) extra per-step cache
    const real *h_prev;     // (B, H) h_{t-1}
    const real *c_prev;     // (B, H) c_{t-1}; cells with a cell state only
    real *h;                // (B, H) out: h_t
    real *c;                // (B, H) out: c_t; cells with a cell state only
    const real *extra;      // (E*H) the cell's extra parameters; E > 0 only
    const double *konst;    /* the cell's constants (cell_type.n_const; coRNN's dt, gamma, eps) */
} cell_step;

/* One timestep of the backward pass. */
typedef struct {
    const real *dh;         // (B, H) in: the total dL/dh_t
    real *dc;               // (B, H) in: dL/dc_t through c_{t+1};
                            //        out: dL/dc_{t-1} through c_t
    real *dxp;              // (B, G*H) out: dL/d(x_t W_ih^T + b_ih)
    real *dhp;              // (B, G*H) out: dL/d(h_{t-1} W_hh^T + b_hh);
                            //        the same buffer as dxp unless split
    real *dh_prev;          // (B, H) accumulate: the part of dL/dh_{t-1}
                            //        that does not pass through W_hh
    double dc_sumsq;        // out: ||dL/dc_t||^2, the total, in double
    real *dextra;           // (E*H) accumulate: gradient of the extra parameters
} cell_grad;

/* How h_{t-1} enters the pre-activations: through a dense weight_hh
 * [G*H, H] that the layer multiplies (PyTorch's cells), through a
 * diagonal one (weight_hh a vector u [G*H]: u * h_{t-1} in each gate
 * block; IndRNN), or not at all (weight_hh absent; minGRU, minLSTM: the
 * recurrence is the cell's elementwise gate math, through dh_prev). */
typedef enum { REC_DENSE, REC_DIAGONAL, REC_NONE } recurrence_kind;

typedef struct cell_type {
    const char *name;
    const char *summary;    /* the equations, one line */
    const char *source;     /* where they come from */
    int G;                  /* gate blocks */
    int A;                  /* aux blocks cached per step */
    int E;                  /* extra parameter blocks of H after bias_hh */
    int E_half;             /* and half-blocks of H/2 (H even): cell_extra_count() */
    const char *extra_name; /* the extras' tensor name (E > 0), e.g. "peephole" */
    /* Or the extras as n_parts tensors of equal length, named so (lru's
     * nu_log, theta_log, gamma_log). */
    int n_parts;
    const char *part_name[3];
    recurrence_kind recurrence;
    bool one_bias;          /* bias_ih only, no bias_hh (IndRNN, minGRU) */
    bool no_bias;           /* neither bias (expRNN: modrelu's b is an extra) */
    /* The second state c enters the pre-activations through a dense
     * weight too (coRNN's W_z z): weight_ch [G*H, H] after weight_hh; the
     * layer multiplies it, as W_hh, and adds its term of dL/dc_{t-1}. */
    bool c_dense;
    /* The output gate also sees the new state c_t through a dense weight
     * (Arjovsky et al.'s LSTM: o = s(... + V_o c_t)): weight_co [H, H]
     * after weight_ch. Since c_t is made in the step, the step runs in two
     * stages: forward_c (every gate but o, and c_t), the layer adds
     * c_t W_co^T into the out_block, forward (o and h_t). Backward:
     * backward_o (dL/d pre_o into dxp's out_block), the layer adds
     * dL/d pre_o W_co to dL/dc_t, backward (the rest, its dL/dc_t now
     * including that route). */
    bool c_out;
    void (*forward_c)(const cell_step *s);
    void (*backward_o)(const cell_step *s, cell_grad *g);
    /* Constants of the cell's equations, not trained (coRNN's dt, gamma,
     * eps): their config keys and their defaults. */
    int n_const;
    const char *const_key[3];
    double const_default[3];
    bool has_c;             /* carries a cell state c */
    /* The layer's output is a map of the state, as an SSM's (LRU):
     *   h_t = gelu(c_t C'^T + D * u_t),  C' = [C_re | -C_im] from C = [C_re | C_im]
     * with C (weight_y [H, H]) and D (d_y [H]) the layer's, u_t its input
     * (so I = H), gelu the tanh form; the cell's step updates c alone and
     * h_{t-1} enters nothing. The layer forms h_t after the step and, in
     * the backward pass, adds (dL/dh_t gelu') C' to dL/dc_t before it. */
    bool out_map;
    /* The model puts a linear encoder (I -> H) before the first layer, as
     * the LRU's authors' StackedEncoderModel: every layer's input is H. */
    bool square_input;
    /* Optional: the spectral radius of a recurrence the cell keeps in its
     * extras (lru: max |lambda|), recorded as w_hh_radius and w_hh_sigma
     * (a diagonal map's radius and 2-norm are one). */
    double (*radius)(const struct layer_params *p, int H);
    /* The recurrent pre-activation enters other than by a plain sum with
     * the input one (GRU reset-after: r * (W_hn h + b_hn)), so the model
     * keeps it apart and the two gradients differ. */
    bool split_recurrent;
    /* The last G_mod gate blocks see a gated state m * h_{t-1} instead of
     * h_{t-1} (GRU reset-before: U (r * h); MGU: U (f * h)), m a gate of
     * the first blocks. Then the model runs the recurrent GEMM in two
     * stages: the first blocks against h_{t-1}, modulate() (the first
     * blocks' gates, and m * h_{t-1} into aux, A = 1), the last blocks
     * against aux, forward(). Backward likewise: backward() with every
     * term but those through m * h_{t-1}; the model forms
     * dL/d(m * h_{t-1}) (dhm) from the last blocks; backward_mod() adds
     * its terms to m's pre-activation and to dL/dh_{t-1}. 0: one stage. */
    int G_mod;
    void (*modulate)(const cell_step *s);
    void (*backward_mod)(const cell_step *s, cell_grad *g, const real *dhm);
    int forget_block;       /* gate block of the forget gate, or -1 */
    int input_block;        /* gate block of the input gate (cells with c), or -1 */
    int out_block;          /* gate block of the output gate (cells with c), or -1 */
    void (*forward)(const cell_step *s);
    void (*backward)(const cell_step *s, cell_grad *g);
    /* Optional: a reparametrised dense recurrence (expRNN's exp of a skew
     * matrix). weight_hh in the slab is the optimiser's parameter;
     * reparam_form makes from it the weight the layer multiplies, before
     * every forward pass; reparam_adjoint adds into the parameter's
     * gradient what dL/d(formed weight) gives. Scratch: reparam_work(H)
     * doubles and H ints. */
    size_t (*reparam_work)(int H);
    void (*reparam_form)(real *w, const real *param, int H, double *work, int *iwork);
    void (*reparam_adjoint)(real *dparam, const real *dw, const real *param, int H, double *work, int *iwork);
    /* Optional. init = paper: the cell's own paper's initialisation of the
     * layer's parameters (spec says where the layer is). */
    void (*init_paper)(struct layer_params *p, int I, int H, const struct init_spec *spec, rng_t *r);
    const char *init_paper_summary;     /* what init_paper draws, for rnnbench list */
    /* Takes init = paper alone (and henaff, cayley when reparametrised):
     * PyTorch's uniform and the rest mean nothing for its parameters. */
    bool own_init_only;
    /* Its authors' readout: kaiming normal (sd sqrt(2/H)) and a zero bias,
     * in place of nn.Linear's uniform (exprnn: their 1_copying.py). */
    bool kaiming_readout;
    /* Pascanu et al.'s Omega is defined for it (a plain rnn: G = 1, dense
     * W_hh, dL/dpre = dL/dh * f'): layer.h's omega. */
    bool omega_ok;
    /* Optional. A constraint the paper applies to the parameters after
     * every update (IndRNN's bound on |u|), given the sequence length. */
    void (*constrain)(struct layer_params *p, int H, int L);
} cell_type;

/* The number of extra parameters: E*H + E_half*(H/2). */
static inline size_t cell_extra_count(const struct cell_type *c, int H)
{
    return (size_t)c->E * H + (size_t)c->E_half * (H / 2);
}

/* h = relu(pre), G = 1: rnn_relu's step, shared by indrnn (cell_rnn.c). */
void cell_relu_forward(const cell_step *s);
void cell_relu_backward(const cell_step *s, cell_grad *g);
/* lstm's backward step, shared by lstm_vo (cell_lstm.c). */
void cell_lstm_backward(const cell_step *s, cell_grad *g);

/* The registry (cells.c). */
const cell_type *cell_find(const char *name);
int cell_count(void);
const cell_type *cell_at(int i);

#endif
