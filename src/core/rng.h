/* rng.h - a run's own random stream: xoshiro256** (Blackman & Vigna 2018),
 * seeded through splitmix64. Deterministic, no global state: every draw of
 * a run comes from a stream it owns, so its numbers never depend on threads,
 * time or the order in which runs finish. */
#ifndef RNB_RNG_H
#define RNB_RNG_H

#include <stdint.h>

typedef struct { uint64_t s[4]; } rng_t;

/* Distinct (seed, stream) pairs give independent-looking streams; a run
 * uses one stream for its initial weights, one for its training batches and
 * one for its held-out batch, so that changing the task does not change the
 * weights. */
enum { RNG_STREAM_INIT = 1, RNG_STREAM_DATA = 2, RNG_STREAM_EVAL = 3, RNG_STREAM_PERM = 4 };

void     rng_seed(rng_t *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(rng_t *r);
double   rng_uniform(rng_t *r);                 /* [0, 1), 53 bits */
double   rng_uniform_range(rng_t *r, double lo, double hi);
uint64_t rng_below(rng_t *r, uint64_t n);       /* uniform on {0..n-1}, unbiased */
double   rng_normal(rng_t *r);                  /* N(0, 1) */

#endif
