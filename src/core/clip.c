#include "clip.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "status.h"

/* A positive finite number filling the whole of text. */
static int parse_threshold(double *out, const char *text)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v) || v <= 0)
        return -1;
    *out = v;
    return 0;
}

int clip_parse(clip_spec *c, const char *text, char *err)
{
    if (strcmp(text, "none") == 0) {
        c->kind = CLIP_NONE, c->threshold = 0;
        return RNB_OK;
    }
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    if (len == 4 && strncmp(text, "norm", 4) == 0)
        c->kind = CLIP_NORM;
    else if (len == 5 && strncmp(text, "value", 5) == 0)
        c->kind = CLIP_VALUE;
    else if (len == 4 && strncmp(text, "step", 4) == 0)
        c->kind = CLIP_STEP;
    else
        return rnb_error(err, RNB_EINVAL,
                         "unknown clip mode '%s' (none, norm:THRESHOLD, value:THRESHOLD, step:THRESHOLD)", text);
    if (!colon || parse_threshold(&c->threshold, colon + 1) != 0)
        return rnb_error(err, RNB_EINVAL,
                         "clip '%s' needs a positive threshold, as in %.*s:1", text, (int)len, text);
    return RNB_OK;
}

double grad_norm(const real *g, size_t n) { return sqrt(sum_squares(g, n)); }

double clip_apply(const clip_spec *c, real *g, size_t n, double norm)
{
    switch (c->kind) {
    case CLIP_NONE:
    case CLIP_STEP:     /* done inside the backward pass */
        return norm;
    case CLIP_NORM:
        if (norm <= c->threshold)
            return norm;
        {
            real scale = (real)(c->threshold / norm);
            for (size_t k = 0; k < n; k++)
                g[k] *= scale;
        }
        return grad_norm(g, n);
    case CLIP_VALUE: {
        real hi = (real)c->threshold, lo = -hi;
        for (size_t k = 0; k < n; k++)
            g[k] = g[k] > hi ? hi : g[k] < lo ? lo : g[k];
        return grad_norm(g, n);
    }
    }
    return norm;
}
