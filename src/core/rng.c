#include "rng.h"
#include "fmath.h"

#include <assert.h>
#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void rng_seed(rng_t *r, uint64_t seed, uint64_t stream)
{
    /* Mix the stream id through splitmix64 first, so that (seed, stream)
     * and (seed + 1, stream) do not share a state shifted by one draw. */
    uint64_t x = stream;
    uint64_t k = splitmix64(&x) ^ seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&k);
}

uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rng_uniform(rng_t *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

double rng_uniform_range(rng_t *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_uniform(r);
}

uint64_t rng_below(rng_t *r, uint64_t n)
{
    assert(n > 0);
    /* Rejection sampling: drop the top partial block so every value is
     * equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = rng_next(r);
    while (x >= limit);
    return x % n;
}

double rng_normal(rng_t *r)
{
    /* Box-Muller; 1 - u keeps the log argument in (0, 1]. One draw is
     * discarded rather than cached, so the stream holds no hidden state. */
    double u = 1.0 - rng_uniform(r), v = rng_uniform(r);
    return sqrt(-2.0 * fm_log(u)) * fm_cos2pi(v);   /* own log and cos: the same bits everywhere */
}
