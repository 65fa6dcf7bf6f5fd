#include "stack.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"

static layer_dims dims_at(const cell_type *cell, int k, int T, int B, int I, int H)
{
    layer_dims d = {cell, T, B, stack_layer_in(k, I, H), H};
    return d;
}

size_t stack_param_count(const cell_type *cell, int K, int I, int H)
{
    size_t n = 0;
    for (int k = 0; k < K; k++)
        n += layer_param_count(cell, stack_layer_in(k, I, H), H);
    return n;
}

size_t stack_ws_bytes(const cell_type *cell, int K, int T, int B, int I, int H)
{
    size_t n = (size_t)K * sizeof(stack_layer);
    for (int k = 0; k < K; k++) {
        layer_dims d = dims_at(cell, k, T, B, I, H);
        n += layer_ws_bytes(&d);
    }
    return n;
}

int stack_alloc(stack *s, const cell_type *cell, int K, int T, int B, int I, int H,
                real *params, real *grads)
{
    memset(s, 0, sizeof *s);
    s->l = calloc((size_t)K, sizeof *s->l);
    if (!s->l)
        return RNB_ENOMEM;
    s->cell = cell, s->K = K, s->T = T, s->B = B, s->I = I, s->H = H;
    for (int k = 0; k < K; k++) {
        layer_dims d = dims_at(cell, k, T, B, I, H);
        if (layer_ws_alloc(&s->l[k].ws, &d)) {
            stack_free(s);
            return RNB_ENOMEM;
        }
        layer_params_view(&s->l[k].p, params, cell, d.I, H);
        layer_params_view(&s->l[k].g, grads, cell, d.I, H);
        size_t n = layer_param_count(cell, d.I, H);
        params += n, grads += n;
    }
    return RNB_OK;
}

void stack_free(stack *s)
{
    for (int k = 0; s->l && k < s->K; k++)
        layer_ws_free(&s->l[k].ws);
    free(s->l);
    memset(s, 0, sizeof *s);
}

void stack_set_T(stack *s, int T)
{
    s->T = T;
    for (int k = 0; k < s->K; k++)
        s->l[k].ws.d.T = T;
}

/* What layer k reads: x, or the layer below's h_1..h_T. */
static const real *input_of(const stack *s, int k, const real *x)
{
    return k ? s->l[k - 1].ws.hs + (size_t)s->B * s->H : x;
}

void stack_forward(stack *s, const real *x)
{
    for (int k = 0; k < s->K; k++)
        layer_forward(&s->l[k].ws, &s->l[k].p, input_of(s, k, x));
}

void stack_backward(stack *s, const real *x, real *dx)
{
    for (int k = s->K - 1; k >= 0; k--) {
        stack_layer *l = &s->l[k];
        /* layer k's dL/dx is the direct term of layer k-1's dL/dh_t */
        real *below = k ? s->l[k - 1].ws.dh : dx;
        const int *dexp_in = k < s->K - 1 ? s->l[k + 1].ws.dexp : NULL;
        layer_backward(&l->ws, &l->p, &l->g, input_of(s, k, x), below, dexp_in);
    }
    if (dx)
        layer_unscale_rows(dx, s->T, (size_t)s->B * s->I, s->l[0].ws.dexp);
}
