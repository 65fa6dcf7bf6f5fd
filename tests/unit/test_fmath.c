/* test_fmath.c - the own elementary functions (fmath.h) against long
 * double over their ranges: fm_expf within 2 ulp (subnormal results within
 * one subnormal step), fm_exp, fm_log, fm_tanh within 4 ulp, fm_cos2pi
 * within 4e-16 absolute; and their special values (NaN, infinities, 0,
 * overflow and underflow). */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "../check.h"
#include "fmath.h"

static check_tally tally;

/* |got - want| in units of the last place of want (of the smallest
 * normal's ulp when want is subnormal). */
static double ulps(long double got, long double want, int mant_bits, long double min_normal)
{
    long double a = fabsl(want) < min_normal ? min_normal : fabsl(want);
    int e;
    frexpl(a, &e);
    return (double)(fabsl(got - want) / ldexpl(1, e - mant_bits));
}

static void test_expf(void)
{
    double worst = 0, at = 0;
    for (double x = -110; x <= 90; x += 0.0007) {
        float xf = (float)x;
        long double want = expl((long double)xf);
        float got = fm_expf(xf);
        if (want > FLT_MAX) {
            CHECK(&tally, isinf(got) && got > 0, "fm_expf(%.9g) = %g, want inf", xf, got);
            continue;
        }
        double u = ulps(got, want, 24, FLT_MIN);
        if (u > worst)
            worst = u, at = xf;
    }
    CHECK(&tally, worst <= 2, "fm_expf: worst %.3g ulp at x = %.9g", worst, at);
    printf("fm_expf: worst %.3g ulp (at %.7g) on [-110, 90]\n", worst, at);
    CHECK(&tally, isnan(fm_expf(NAN)) && fm_expf(-INFINITY) == 0 && isinf(fm_expf(INFINITY)) && fm_expf(0) == 1,
          "fm_expf specials");
}

static void test_exp(void)
{
    double worst = 0, at = 0;
    for (double x = -750; x <= 712; x += 0.00091) {
        long double want = expl((long double)x);
        double got = fm_exp(x);
        if (want > DBL_MAX) {
            CHECK(&tally, isinf(got), "fm_exp(%.17g) = %g, want inf", x, got);
            continue;
        }
        double u = ulps(got, want, 53, DBL_MIN);
        if (u > worst)
            worst = u, at = x;
    }
    CHECK(&tally, worst <= 4, "fm_exp: worst %.3g ulp at x = %.17g", worst, at);
    printf("fm_exp: worst %.3g ulp (at %.7g) on [-750, 712]\n", worst, at);
    CHECK(&tally, isnan(fm_exp(NAN)) && fm_exp(-INFINITY) == 0 && isinf(fm_exp(INFINITY)) && fm_exp(0) == 1,
          "fm_exp specials");
}

static void test_log(void)
{
    double worst = 0, at = 0;
    for (double e = -1074; e < 1024; e += 1.3e-4) {   /* subnormals to the largest, log-spaced */
        double x = (double)exp2l(e);
        double u = ulps(fm_log(x), logl((long double)x), 53, DBL_MIN);
        if (u > worst)
            worst = u, at = x;
    }
    for (double x = 0.5; x < 2; x += 1e-6) {         /* near 1, where log is small */
        double u = ulps(fm_log(x), logl((long double)x), 53, DBL_MIN);
        if (u > worst)
            worst = u, at = x;
    }
    CHECK(&tally, worst <= 4, "fm_log: worst %.3g ulp at x = %.17g", worst, at);
    printf("fm_log: worst %.3g ulp (at %.7g)\n", worst, at);
    CHECK(&tally, fm_log(1) == 0 && isinf(fm_log(0)) && fm_log(0) < 0 && isnan(fm_log(-1)) && isnan(fm_log(NAN)) &&
                      isinf(fm_log(INFINITY)), "fm_log specials");
}

static void test_tanh(void)
{
    double worst = 0, at = 0;
    for (double x = -25; x <= 25; x += 0.00013) {
        double u = ulps(fm_tanh(x), tanhl((long double)x), 53, DBL_MIN);
        if (u > worst)
            worst = u, at = x;
    }
    for (double x = 1e-300; x < 1; x *= 1.001) {      /* tiny arguments: tanh x = x */
        double u = ulps(fm_tanh(x), tanhl((long double)x), 53, DBL_MIN);
        if (u > worst)
            worst = u, at = x;
    }
    CHECK(&tally, worst <= 4, "fm_tanh: worst %.3g ulp at x = %.17g", worst, at);
    printf("fm_tanh: worst %.3g ulp (at %.7g)\n", worst, at);
    CHECK(&tally, fm_tanh(0) == 0 && fm_tanh(INFINITY) == 1 && fm_tanh(-INFINITY) == -1 && isnan(fm_tanh(NAN)),
          "fm_tanh specials");
}

static void test_cos2pi(void)
{
    double worst = 0, at = 0;
    const long double two_pi = 6.283185307179586476925286766559L;
    for (double v = 0; v < 1; v += 1.7e-7) {
        double e = (double)fabsl(fm_cos2pi(v) - cosl(two_pi * v));
        if (e > worst)
            worst = e, at = v;
    }
    CHECK(&tally, worst <= 4e-16, "fm_cos2pi: worst %.3g absolute at v = %.17g", worst, at);
    printf("fm_cos2pi: worst %.3g absolute (at %.7g) on [0, 1)\n", worst, at);
    CHECK(&tally, fm_cos2pi(0) == 1 && fm_cos2pi(0.5) == -1 && fabs(fm_cos2pi(0.25)) < 1e-16, "fm_cos2pi specials");
}

int main(void)
{
    test_expf();
    test_exp();
    test_log();
    test_tanh();
    test_cos2pi();
    return check_done(&tally);
}
