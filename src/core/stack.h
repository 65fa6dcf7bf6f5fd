/* stack.h - K recurrent layers of one cell type, PyTorch's num_layers:
 * layer 0 reads the input x (T, B, I), layer k > 0 reads layer k-1's
 * h_1..h_T, all of hidden size H. The forward pass runs the layers bottom
 * up; the backward pass top down, each layer's dL/dx becoming the direct
 * term of the layer below's dL/dh_t, passed at its exact power-of-two
 * scale (layer.h) so that a gradient that vanishes through depth is
 * carried as one that vanishes through time is. Parameters are one slab,
 * layer after layer, each in PyTorch's order (weight_ih_l{k},
 * weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, then the cell's extras): the
 * order of an nn.LSTM(num_layers=K) state dict. */
#ifndef RNB_STACK_H
#define RNB_STACK_H

#include <stddef.h>

#include "layer.h"

typedef struct {
    layer_params p, g;      /* views into the caller's parameter and gradient slabs */
    layer_ws ws;
} stack_layer;

typedef struct {
    const cell_type *cell;
    int K, T, B, I, H;
    stack_layer *l;         // (K)
} stack;

/* The input size of layer k: I for layer 0, H above it. */
static inline int stack_layer_in(int k, int I, int H) { return k ? H : I; }

size_t stack_param_count(const cell_type *cell, int K, int I, int H);
/* Bytes stack_alloc takes: every layer's workspace. */
size_t stack_ws_bytes(const cell_type *cell, int K, int T, int B, int I, int H);
/* Workspaces for K layers and views of params and grads, each holding
 * stack_param_count() reals. Each layer's h_0 and c_0 are zero. */
int stack_alloc(stack *s, const cell_type *cell, int K, int T, int B, int I, int H,
                real *params, real *grads);   /* RNB_OK/ENOMEM */
void stack_free(stack *s);

/* Runs the next passes over T steps (at most the T of stack_alloc). */
void stack_set_T(stack *s, int T);

/* h_1..h_T of every layer from x (T, B, I) and each layer's h_0 (c_0) in
 * its workspace. */
void stack_forward(stack *s, const real *x);

/* BPTT from the direct dL/dh_t of the top layer (in its ws.dh, unscaled).
 * Adds every layer's parameter gradients into the grads slab; writes each
 * layer's norms, dh0 and dc, and dL/dx (T, B, I) unscaled when dx is not
 * NULL. */
void stack_backward(stack *s, const real *x, real *dx);

/* The top layer's h_0 .. h_T, (T+1, B, H). */
static inline real *stack_top_hs(const stack *s) { return s->l[s->K - 1].ws.hs; }

#endif
