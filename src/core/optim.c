#include "optim.h"

#include <tgmath.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

/* b^n by squaring: a fixed sequence of multiplications for each n, where
 * libm's pow picks its code by CPU (the same bits everywhere). */
static double power(double b, long n)
{
    double r = 1;
    for (; n > 0; n >>= 1, b *= b)
        if (n & 1)
            r *= b;
    return r;
}

static const char *const names[] = {"sgd", "momentum", "rmsprop", "adam"};

const char *optim_kind_name(optim_kind k) { return names[k]; }

int optim_kind_parse(optim_kind *k, const char *name, char *err)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *k = (optim_kind)i;
            return RNB_OK;
        }
    return rnb_error(err, RNB_EINVAL,
                     "unknown optimizer '%s' (sgd, momentum, rmsprop, adam)", name);
}

int optim_init(optim_state *o, const optim_spec *s, size_t n)
{
    memset(o, 0, sizeof *o);
    o->s = *s;
    o->n = n;
    size_t moments = s->kind == OPT_ADAM ? 2 : s->kind == OPT_SGD ? 0 : 1;
    if (moments) {
        o->m = calloc(moments * n, sizeof(real));
        if (!o->m)
            return RNB_ENOMEM;
        o->v = moments == 2 ? o->m + n : NULL;
        for (size_t k = 0; s->kind == OPT_RMSPROP && k < n; k++)
            o->m[k] = (real)s->rms_init;
    }
    return RNB_OK;
}

void optim_free(optim_state *o)
{
    free(o->m);
    memset(o, 0, sizeof *o);
}

/* The update of elements [k0, k1) at learning rate lr_d. */
static void update_span(optim_state *o, real *p, const real *g, size_t k0, size_t k1, double lr_d)
{
    const optim_spec *s = &o->s;
    const real lr = (real)lr_d;
    switch (s->kind) {
    case OPT_SGD:
        for (size_t k = k0; k < k1; k++)
            p[k] -= lr * g[k];
        break;
    case OPT_MOMENTUM: {
        const real mu = (real)s->momentum;
        for (size_t k = k0; k < k1; k++) {
            o->m[k] = mu * o->m[k] + g[k];
            p[k] -= lr * (s->nesterov ? g[k] + mu * o->m[k] : o->m[k]);
        }
        break;
    }
    case OPT_RMSPROP: {
        const real a = (real)s->alpha, eps = (real)s->eps;
        for (size_t k = k0; k < k1; k++) {
            o->m[k] = a * o->m[k] + (1 - a) * g[k] * g[k];
            p[k] -= lr * g[k] / (sqrt(o->m[k]) + eps);
        }
        break;
    }
    case OPT_ADAM: {
        const real b1 = (real)s->beta1, b2 = (real)s->beta2, eps = (real)s->eps;
        const double bc1 = 1 - power(s->beta1, o->step);
        const double bc2 = 1 - power(s->beta2, o->step);
        const real step = (real)(lr_d / bc1), rbc2 = (real)(1 / sqrt(bc2));
        for (size_t k = k0; k < k1; k++) {
            o->m[k] = b1 * o->m[k] + (1 - b1) * g[k];
            o->v[k] = b2 * o->v[k] + (1 - b2) * g[k] * g[k];
            p[k] -= step * o->m[k] / (sqrt(o->v[k]) * rbc2 + eps);
        }
        break;
    }
    }
}

int optim_orth_span(optim_state *o, size_t off, size_t n)
{
    const int k = o->n_orth;
    if (k == 64 || off + n > o->n || (k && off < o->orth_off[k - 1] + o->orth_n[k - 1]))
        return RNB_EINVAL;
    o->orth_off[k] = off, o->orth_n[k] = n;
    o->n_orth++;
    return RNB_OK;
}

void optim_update(optim_state *o, real *p, const real *g)
{
    o->step++;
    size_t at = 0;
    for (int k = 0; k < o->n_orth; k++) {
        update_span(o, p, g, at, o->orth_off[k], o->s.lr);
        update_span(o, p, g, o->orth_off[k], o->orth_off[k] + o->orth_n[k], o->s.lr_orth);
        at = o->orth_off[k] + o->orth_n[k];
    }
    update_span(o, p, g, at, o->n, o->s.lr);
    if (o->s.lr_every > 0 && o->step % o->s.lr_every == 0)
        o->s.lr *= o->s.lr_factor, o->s.lr_orth *= o->s.lr_factor;
}
