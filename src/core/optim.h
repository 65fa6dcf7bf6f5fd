/* optim.h - the optimizers, each exactly as PyTorch 1.13's torch.optim
 * defines it, so that hyperparameters carry over from published code.
 *   sgd       p -= lr g
 *   momentum  v = mu v + g;  p -= lr v   (nesterov: p -= lr (g + mu v))
 *   rmsprop   s = a s + (1-a) g^2;  p -= lr g / (sqrt(s) + eps), s from
 *             rms_init (0 as PyTorch; Arjovsky et al.'s code: 1e-3 with
 *             a = 0.9 and eps = 0)
 *   adam      m = b1 m + (1-b1) g;  s = b2 s + (1-b2) g^2;
 *             p -= lr/(1-b1^k) m / (sqrt(s)/sqrt(1-b2^k) + eps)   (step k)
 * The spans given to optim_orth_span (exprnn's A) take lr_orth for lr:
 * the authors' second optimiser of the same kind, whose state is kept
 * apart element by element as here. */
#ifndef RNB_OPTIM_H
#define RNB_OPTIM_H

#include <stdbool.h>
#include <stddef.h>

#include "real.h"

typedef enum { OPT_SGD, OPT_MOMENTUM, OPT_RMSPROP, OPT_ADAM } optim_kind;

typedef struct {
    optim_kind kind;
    double lr;
    double lr_orth;         /* lr of the orthogonal spans */
    double momentum;        /* mu, momentum */
    bool nesterov;          /* momentum */
    double alpha;           /* rmsprop's smoothing constant */
    double beta1, beta2;    /* adam */
    double eps;             /* rmsprop, adam */
    double rms_init;        /* rmsprop: the squared average's start */
    long lr_every;          /* > 0: lr and lr_orth times lr_factor after */
    double lr_factor;       /*      every lr_every-th update (a step schedule) */
} optim_spec;

typedef struct {
    optim_spec s;
    size_t n;
    long step;              /* updates done */
    int n_orth;             /* spans taking lr_orth, ascending, apart */
    size_t orth_off[64], orth_n[64];
    real *m;                // (n) velocity or first moment
    real *v;                // (n) second moment
} optim_state;

int optim_kind_parse(optim_kind *k, const char *name, char *err);
const char *optim_kind_name(optim_kind k);

int optim_init(optim_state *o, const optim_spec *s, size_t n);  /* zeroed state */
void optim_free(optim_state *o);
/* params [off, off + n) take lr_orth; RNB_EINVAL past 64 spans or out of order. */
int optim_orth_span(optim_state *o, size_t off, size_t n);
void optim_update(optim_state *o, real *p, const real *g);

#endif
