/* clip.h - gradient clipping, and the global gradient norm it is judged by.
 *   none      the gradient as it is
 *   norm:θ    if ||g|| > θ, g <- θ g / ||g||: direction kept
 *             (Pascanu, Mikolov & Bengio 2013, Algorithm 1)
 *   value:θ   each component clamped to [-θ, θ] (Mikolov 2012)
 *   step:θ    not here: inside the backward pass, each component of
 *             dL/dh_t clamped to [-θ, θ] at every timestep before it passes
 *             back through the recurrence (layer_ws.step_clip; Graves 2013,
 *             Lasagne's grad_clipping); the whole gradient is left as is
 * ||g|| is the L2 norm over all parameters at once, accumulated in double. */
#ifndef RNB_CLIP_H
#define RNB_CLIP_H

#include <stddef.h>

#include "real.h"

typedef enum { CLIP_NONE, CLIP_NORM, CLIP_VALUE, CLIP_STEP } clip_kind;

typedef struct {
    clip_kind kind;
    double threshold;
} clip_spec;

/* "none", "norm:θ", "value:θ" or "step:θ" with θ > 0 finite. */
int clip_parse(clip_spec *c, const char *text, char *err);

double grad_norm(const real *g, size_t n);

/* Clips g (n) in place, given its norm before; returns its norm after.
 * A non-finite norm is the caller's to catch before: this never sees one. */
double clip_apply(const clip_spec *c, real *g, size_t n, double norm);

#endif
