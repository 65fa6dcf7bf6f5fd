/* clock.h - wall time for progress, ETAs, run times and benchmarks. */
#ifndef RNB_CLOCK_H
#define RNB_CLOCK_H

#include <time.h>

/* Seconds on the monotonic clock: differences only. */
static inline double clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

#endif
