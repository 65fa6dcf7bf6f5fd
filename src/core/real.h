/* real.h - the floating type of the core, chosen once at build time.
 *
 * float by default (the speed researchers expect); double when built with
 * RNB_DOUBLE (CMake option RNNBENCH_DOUBLE, and always for the finite-
 * difference tests). Vanishing gradients underflow float32 near 1e-38; a
 * double build measures them down to about 1e-300. Whatever reports numbers
 * records RNB_PRECISION beside them. */
#ifndef RNB_REAL_H
#define RNB_REAL_H

#include <stddef.h>

#ifdef RNB_DOUBLE
typedef double real;
#define RNB_PRECISION "float64"
#else
typedef float real;
#define RNB_PRECISION "float32"
#endif

#endif
