/* fmath.h - the elementary functions of the training path, the project's
 * own: polynomials evaluated with plain IEEE additions, multiplications and
 * divisions in a fixed order (the core builds with -ffp-contract=off), so
 * that they give the same bits on every CPU and in every vector width the
 * compiler picks. libm's and libmvec's exp, log and cos choose their code
 * by CPU (glibc's ifuncs, its FMA variants) and differ in last bits.
 *
 * Accuracy, measured by tests/unit/test_fmath.c against long double over
 * their ranges (worst seen, and what the test allows): fm_expf 1.15 ulp
 * (2), fm_exp 1.13 ulp (4), fm_log 2.83 ulp (4), fm_tanh 2.75 ulp (4),
 * fm_cos2pi 1.7e-16 absolute (4e-16).
 *
 * Argument reduction follows Cody & Waite: n ln 2 split in a high part
 * with trailing zero bits (so that n * hi is exact) and a low part; 2^n is
 * applied as two factors 2^(n/2) 2^(n - n/2), each normal, so that one
 * rounding makes a subnormal or infinite result. Integer parts come from
 * the 1.5 * 2^p rounding trick and the bits, never a float-to-int cast
 * (undefined for NaN). */
#ifndef RNB_FMATH_H
#define RNB_FMATH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline float fm_bits_to_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline double fm_bits_to_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* e^x in float. */
static inline float fm_expf(float x)
{
    x = x > 89.f ? 89.f : x < -104.f ? -104.f : x;       /* beyond: inf, 0 (NaN passes) */
    const float shift = 12582912.f;                      /* 1.5 * 2^23 */
    float k = x * 1.44269504088896341f + shift;          /* round(x / ln 2) in the low bits */
    uint32_t kb;
    memcpy(&kb, &k, sizeof kb);
    const int32_t n = (int32_t)(kb & 0x7fffff) - 0x400000;
    const float nf = k - shift;
    float r = x - nf * 0.693145751953125f;               /* ln 2, high: 16 bits, n * hi exact */
    r = r - nf * 1.428606765330187045e-06f;              /* ln 2, low */
    float p = 1.f / 5040;                                /* Taylor to r^7 on |r| <= 0.347 */
    p = p * r + 1.f / 720;
    p = p * r + 1.f / 120;
    p = p * r + 1.f / 24;
    p = p * r + 1.f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.f;
    p = p * r + 1.f;
    const int32_t n1 = n / 2, n2 = n - n1;
    return p * fm_bits_to_float((uint32_t)(n1 + 127) << 23) * fm_bits_to_float((uint32_t)(n2 + 127) << 23);
}

/* e^x in double. */
static inline double fm_exp(double x)
{
    x = x > 710. ? 710. : x < -746. ? -746. : x;
    const double shift = 6755399441055744.;              /* 1.5 * 2^52 */
    double k = x * 1.4426950408889634074 + shift;
    uint64_t kb;
    memcpy(&kb, &k, sizeof kb);
    const int64_t n = (int64_t)(kb & 0xfffffffffffffULL) - 0x8000000000000LL;
    const double nf = k - shift;
    double r = x - nf * 6.93147180369123816490e-01;      /* ln 2, high: 32 bits */
    r = r - nf * 1.90821492927058770002e-10;             /* ln 2, low */
    static const double inv_fact[] = {1. / 6227020800, 1. / 479001600, 1. / 39916800, 1. / 3628800,
                                      1. / 362880,     1. / 40320,     1. / 5040,     1. / 720,
                                      1. / 120,        1. / 24,        1. / 6,        0.5};
    double p = inv_fact[0];                              /* Taylor to r^13 */
    for (int i = 1; i < 12; i++)
        p = p * r + inv_fact[i];
    p = p * r + 1.;
    p = p * r + 1.;
    const int64_t n1 = n / 2, n2 = n - n1;
    return p * fm_bits_to_double((uint64_t)(n1 + 1023) << 52) * fm_bits_to_double((uint64_t)(n2 + 1023) << 52);
}

/* e^y - 1 for y <= 0, with full relative precision near 0. */
static inline double fm_expm1_neg(double y)
{
    if (y < -0.34657359027997264)                        /* below -ln2/2: no cancellation to fear */
        return fm_exp(y) - 1;
    static const double inv_fact[] = {1. / 87178291200, 1. / 6227020800, 1. / 479001600, 1. / 39916800,
                                      1. / 3628800,     1. / 362880,     1. / 40320,     1. / 5040,
                                      1. / 720,         1. / 120,        1. / 24,        1. / 6,
                                      0.5};
    double p = inv_fact[0];                              /* y (1 + y/2 + ... + y^13/14!) */
    for (int i = 1; i < 13; i++)
        p = p * y + inv_fact[i];
    p = p * y + 1.;
    return p * y;
}

/* tanh in double: -expm1(-2|x|) / (2 + expm1(-2|x|)), signed. */
static inline double fm_tanh(double x)
{
    const double a = x < 0 ? -x : x;
    const double e = fm_expm1_neg(-2 * a);
    const double t = -e / (2 + e);
    return x < 0 ? -t : t;
}

/* Natural logarithm in double: x = 2^k m, m in [sqrt(1/2), sqrt(2)),
 * log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172. */
static inline double fm_log(double x)
{
    if (!(x > 0))
        return x == 0 ? -__builtin_inf() : (x - x) / (x - x);   /* -inf; NaN for x < 0 or NaN */
    if (x > 1.7976931348623157e308)
        return x;                                        /* inf */
    int64_t k = 0;
    if (x < 2.2250738585072014e-308) {                   /* subnormal: scaled into range */
        x *= 18014398509481984.;                         /* 2^54 */
        k = -54;
    }
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    k += (int64_t)(b >> 52) - 1023;
    double m = fm_bits_to_double((b & 0xfffffffffffffULL) | 0x3ff0000000000000ULL);   /* [1, 2) */
    if (m > 1.4142135623730951) {
        m *= 0.5;
        k++;
    }
    const double s = (m - 1) / (m + 1), s2 = s * s;
    double p = 1. / 21;                                  /* sum s^2j / (2j + 1), j to 10 */
    for (int j = 9; j >= 0; j--)
        p = p * s2 + 1. / (2 * j + 1);
    const double kd = (double)k;
    return kd * 6.93147180369123816490e-01 + (2 * s * p + kd * 1.90821492927058770002e-10);
}

/* cos(2 pi v) for v in [0, 1): folded to [0, 1/8] with exact subtractions
 * (Sterbenz), then a Taylor polynomial of cos or sin on [0, pi/4]. */
static inline double fm_cos2pi(double v)
{
    double w = v < 0.5 ? v : 1 - v, sign = 1;            /* cos(2 pi v) = cos(2 pi w), w in [0, 1/2] */
    if (w > 0.25) {
        w = 0.5 - w;                                     /* cos(pi - a) = -cos a */
        sign = -1;
    }
    const bool use_sin = w > 0.125;
    const double t = (use_sin ? 0.25 - w : w) * 6.283185307179586, t2 = t * t;
    double p;
    if (use_sin) {                                       /* cos(pi/2 - a) = sin a, to t^19 */
        p = -1. / 121645100408832000;
        static const double c[] = {1. / 355687428096000, -1. / 1307674368000, 1. / 6227020800, -1. / 39916800,
                                   1. / 362880,          -1. / 5040,          1. / 120,        -1. / 6};
        for (int i = 0; i < 8; i++)
            p = p * t2 + c[i];
        p = (p * t2 + 1) * t;
    } else {                                             /* to t^18 */
        p = -1. / 6402373705728000;
        static const double c[] = {1. / 20922789888000, -1. / 87178291200, 1. / 479001600, -1. / 3628800,
                                   1. / 40320,          -1. / 720,         1. / 24,        -0.5};
        for (int i = 0; i < 8; i++)
            p = p * t2 + c[i];
        p = p * t2 + 1;
    }
    return sign * p;
}

#endif
