#include "args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

int args_split(parsed_args *pa, int argc, char **argv,
               bool (*needs_value)(const char *name), char *err)
{
    memset(pa, 0, sizeof *pa);
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (!options_done && strcmp(a, "--") == 0) {
                options_done = true;
                continue;
            }
            if (pa->n_pos == ARGS_MAX)
                return rnb_error(err, -1, "too many arguments");
            pa->pos[pa->n_pos++] = a;
            continue;
        }
        if (pa->n_opt == ARGS_MAX)
            return rnb_error(err, -1, "too many options");
        option *o = &pa->opt[pa->n_opt];
        const char *eq = strchr(a + 2, '=');
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (len >= sizeof pa->names[0])
            return rnb_error(err, -1, "option '%s' is too long", a);
        memcpy(pa->names[pa->n_opt], a + 2, len);
        pa->names[pa->n_opt][len] = '\0';
        o->name = pa->names[pa->n_opt];
        if (eq)
            o->value = eq + 1;
        else if (needs_value(o->name)) {
            if (i + 1 >= argc)
                return rnb_error(err, -1, "option --%s needs a value", o->name);
            o->value = argv[++i];
        }
        pa->n_opt++;
    }
    return 0;
}

int args_int(int *out, const char *text, int lo, int hi)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int args_long_o(char **out, int argc, char **argv)
{
    int n = 0;
    for (int i = 0; i < argc && n < ARGS_MAX; i++)
        out[n++] = strcmp(argv[i], "-o") == 0 ? "--out" : argv[i];
    return n;
}
