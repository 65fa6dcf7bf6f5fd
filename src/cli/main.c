/* main.c - rnnbench's entry: one table of subcommands, dispatched here. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kernels.h"
#include "real.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"run", cmd_run, "run an experiment file's grid in parallel into one HDF5 results file"},
    {"summary", cmd_summary, "a results file as a table, one row per grid point over seeds"},
    {"plot", cmd_plot, "the paper figures of a results file, drawn with gnuplot (with data and scripts)"},
    {"train", cmd_train, "train one model, printing loss and gradient norms as it goes"},
    {"grad", cmd_grad, "one forward and backward pass on given weights and inputs (HDF5 in, HDF5 out)"},
    {"bench", cmd_bench, "training speed at a set of sizes: steps/s, GFLOP/s, the GEMM-bound rate"},
    {"list", cmd_list, "the cells, tasks, inits, clip modes and optimizers, with their sources"},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

int cli_fail(const char *cmd, int code, const char *fmt, ...)
{
    /* the whole line in one write: ranks of an MPI job share a stderr */
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(line, sizeof line, "rnnbench %s: ", cmd);
    vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    va_end(ap);
    strcat(line, "\n");
    fputs(line, stderr);
    return code;
}

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rnnbench COMMAND [ARGS]   (rnnbench COMMAND --help for its options)\n"
            "\n"
            "Trains vanilla RNN, LSTM and GRU on synthetic long-dependency tasks and\n"
            "measures the gradient norm ||dL/dh_t|| at every timestep.\n"
            "\n"
            "commands:\n");
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nrnnbench %s, core in %s, kernels %s (RNNBENCH_KERNELS=generic|avx2|avx512 forces a path;\n"
            "every path gives the same bits)\n", RNNBENCH_VERSION, RNB_PRECISION, kernels_path());
}

/* RNNBENCH_KERNELS forces a kernel path (tests, benchmarks), before any
 * thread computes. */
static int force_kernels(void)
{
    const char *want = getenv("RNNBENCH_KERNELS");
    if (!want || !*want || kernels_use(want) == 0)
        return 0;
    fprintf(stderr, "rnnbench: RNNBENCH_KERNELS=%s: not a kernel path this CPU can run (it has:%s%s%s)\n", want,
            kernels_supported("generic") ? " generic" : "", kernels_supported("avx2") ? " avx2" : "",
            kernels_supported("avx512") ? " avx512" : "");
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (force_kernels())
        return EXIT_USAGE;
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(name, "--version")) {
        printf("rnnbench %s (%s, kernels %s)\n", RNNBENCH_VERSION, RNB_PRECISION, kernels_path());
        return EXIT_OK;
    }
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "rnnbench: unknown command '%s' (rnnbench --help lists them)\n", name);
    return EXIT_USAGE;
}
