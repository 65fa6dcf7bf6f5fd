#include "status.h"

#include <stdarg.h>
#include <stdio.h>

int rnb_error(char *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, RNB_ERRLEN, fmt, ap);
        va_end(ap);
    }
    return code;
}
