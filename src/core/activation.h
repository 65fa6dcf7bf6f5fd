/* activation.h - the gate nonlinearities, shared by the cells, in the
 * project's own fixed-order forms (fmath.h): the same bits on every CPU
 * and in every vector width.
 *
 * tanh in float builds is the 13/6-degree rational approximation Eigen uses
 * (generic_fast_tanh_float; the same in ONNX Runtime's MLAS and XLA):
 * within a few ulp on [-9, 9] and +-1 outside, a handful of multiply-adds
 * and one division that compilers vectorise. It keeps full relative
 * precision near 0 (it is x times a ratio near 1). Double builds use
 * fm_tanh, through expm1: the reference, within a few ulp.
 *
 * sigmoid stays 1 / (1 + exp(-x)) in both: a gate near 0 (a forget gate of
 * 1e-6, say) multiplies the gradient passed back, and forms through tanh
 * would give it an absolute, not a relative, error - exactly where the
 * vanishing gradient is measured. */
#ifndef RNB_ACTIVATION_H
#define RNB_ACTIVATION_H

#include "fmath.h"
#include "real.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(RNB_GENERIC_ONLY)
/* Gate loops built for the baseline, AVX2 and AVX-512, the best picked at
 * load time (an ifunc): 4, 8 or 16 floats a step. Plain IEEE arithmetic
 * without contraction: every clone computes the same bits. */
#define GATE_LOOP __attribute__((target_clones("default", "avx2", "arch=x86-64-v4")))
#else
#define GATE_LOOP
#endif

#ifdef RNB_DOUBLE
static inline real act_sigmoid(real x) { return 1 / (1 + fm_exp(-x)); }
static inline real act_tanh(real x) { return fm_tanh(x); }
#else
static inline real act_sigmoid(real x) { return 1 / (1 + fm_expf(-x)); }

static inline real act_tanh(real x)
{
    /* beyond +-9, tanh is +-1 in float */
    x = x > 9.f ? 9.f : x < -9.f ? -9.f : x;
    const float x2 = x * x;
    float p = -2.76076847742355e-16f;           /* numerator, odd */
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    p = p * x;
    float q = 1.19825839466702e-06f;            /* denominator, even */
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return p / q;
}
#endif

/* GELU in its tanh form (flax's nn.gelu default, the LRU's authors'; torch's
 * gelu(approximate="tanh")): gelu(z) = z/2 (1 + tanh(k (z + a z^3))),
 * k = sqrt(2/pi), a = 0.044715; and its derivative. */
static inline real act_gelu_tanh(real z, real *tanh_out)
{
    const real k = (real)0.7978845608028654, a = (real)0.044715;
    const real t = act_tanh(k * (z + a * z * z * z));
    *tanh_out = t;
    return (real)0.5 * z * (1 + t);
}

static inline real act_gelu(real z)
{
    real t;
    return act_gelu_tanh(z, &t);
}

static inline real act_gelu_prime(real z)
{
    const real k = (real)0.7978845608028654, a = (real)0.044715;
    real t;
    act_gelu_tanh(z, &t);
    return (real)0.5 * (1 + t) + (real)0.5 * z * (1 - t * t) * k * (1 + 3 * a * z * z);
}

/* g of minGRU and minLSTM's log-space form (Feng et al. 2024): v + 1/2
 * for v >= 0, sigmoid(v) below (positive, continuous, g' = 1 above 0);
 * and g'(v) into *prime, from the one sigmoid. */
static inline real pos_g_both(real v, real *prime)
{
    const real s = act_sigmoid(v);
    *prime = v >= 0 ? 1 : s * (1 - s);
    return v >= 0 ? v + (real)0.5 : s;
}

#endif
