/* check.h - the few helpers every test executable shares: a check counts,
 * a failure says what differed and by how much, and the closing line is
 * "N passed, M failed" with a non-zero exit status when M > 0. */
#ifndef RNB_CHECK_H
#define RNB_CHECK_H

#include <stdio.h>

typedef struct {
    int passed, failed;
} check_tally;

/* Records one check; prints the failure (or, verbose, the pass) line. */
#define CHECK(tally, cond, ...)                                               \
    do {                                                                      \
        if (cond) {                                                           \
            (tally)->passed++;                                                \
        } else {                                                              \
            (tally)->failed++;                                                \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                       \
            printf(__VA_ARGS__);                                              \
            printf("\n");                                                     \
        }                                                                     \
    } while (0)

static inline int check_done(const check_tally *t)
{
    printf("%d passed, %d failed\n", t->passed, t->failed);
    return t->failed ? 1 : 0;
}

#endif
