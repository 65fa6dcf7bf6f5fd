/* status.h - how core functions report failure: a return code plus a
 * message the caller prints once, at the top (the core never prints). */
#ifndef RNB_STATUS_H
#define RNB_STATUS_H

#include <stddef.h>

enum { RNB_OK = 0, RNB_EINVAL = -1, RNB_ENOMEM = -2 };
/* The harness only: a file could not be written or a child program failed
 * (a runtime failure, not bad input). -3 is config's RNB_ENOKEY. */
enum { RNB_EIO = -4 };

#define RNB_ERRLEN 256

/* Formats msg into err (RNB_ERRLEN bytes) and returns code, so that a
 * failing function can `return rnb_error(err, RNB_EINVAL, "...", ...)`. */
int rnb_error(char *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
