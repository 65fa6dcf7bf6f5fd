/* args.h - the command line of a subcommand, split into options and
 * positional arguments. "--name=value", "--name value" (for options the
 * command says take a value) and "--name" are accepted; "--" ends options. */
#ifndef RNB_ARGS_H
#define RNB_ARGS_H

#include <stdbool.h>

enum { ARGS_MAX = 128 };

typedef struct {
    const char *name;       /* without the leading "--" */
    const char *value;      /* NULL for a bare flag */
} option;

typedef struct {
    option opt[ARGS_MAX];
    int n_opt;
    char names[ARGS_MAX][64];   /* storage for opt[].name */
    const char *pos[ARGS_MAX];
    int n_pos;
} parsed_args;

/* needs_value(name): does this option take a value when none is attached
 * with '='? Returns 0, or -1 with err set (an option missing its value). */
int args_split(parsed_args *pa, int argc, char **argv,
               bool (*needs_value)(const char *name), char *err);

/* argv into out (ARGS_MAX entries) with the one short option, -o, spelled
 * --out; returns how many. */
int args_long_o(char **out, int argc, char **argv);

/* A whole-string integer in [lo, hi]; -1 otherwise. */
int args_int(int *out, const char *text, int lo, int hi);

#endif
