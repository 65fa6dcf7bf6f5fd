/* cmd_run.c - `rnnbench run EXPERIMENT.ini`: the grid, in parallel, into
 * one HDF5 results file. */
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "cli.h"
#include "experiment.h"
#include "status.h"
#include "sweep.h"

static bool needs_value(const char *name)
{
    return !strcmp(name, "out") || !strcmp(name, "threads") || !strcmp(name, "checkpoint-every");
}

static void help(void)
{
    printf("usage: rnnbench run EXPERIMENT.ini [-o OUT.h5] [--threads N] [--resume | --force]\n"
           "                          [--checkpoint-every S] [--quiet] [--check]\n"
           "\n"
           "Runs every point of the experiment's grid, one run per thread, and writes\n"
           "one HDF5 results file (docs/results.md). Then `rnnbench summary OUT.h5`.\n"
           "\n"
           "  -o, --out FILE  the results file (default results/NAME.h5, NAME the experiment file's)\n"
           "  --threads N     threads (default: all cores, %d here), one run each\n"
           "  --resume        keep the runs of OUT (or of a killed sweep's OUT.parts/) that\n"
           "                  ended, go on with each interrupted one from its checkpoint,\n"
           "                  and run the others; the result is the same as one\n"
           "                  uninterrupted sweep. Refused when a kept run is not one of\n"
           "                  this file as it is now (parameters, text, precision, version)\n"
           "  --checkpoint-every S  each run writes its checkpoint (its record so far and\n"
           "                  its state) to its part every S seconds (default 600; 0: only\n"
           "                  when interrupted), so that a kill -9 or a job's time limit\n"
           "                  loses at most S seconds of it\n"
           "  --force         replace an existing OUT (and its parts)\n"
           "  --quiet         no progress\n"
           "  --check         read the file, expand its grid and check every run (keys,\n"
           "                  values, memory) as a sweep would, print how many runs it\n"
           "                  has, and stop: nothing is run or written\n"
           "\n"
           "Ctrl-C or SIGTERM: running runs stop at their next step and are written as\n"
           "interrupted, with their checkpoints; OUT is valid; --resume finishes the sweep. One process writes an\n"
           "OUT at a time: a second is refused. Exit status 0 when done, 130 or 143 when\n"
           "interrupted, 2 for bad input (or OUT in use), 1 for a runtime failure (a full\n"
           "disk: the ended runs are kept, --resume goes on).\n"
           "\n"
           "%s", omp_get_num_procs(),
#ifdef RNNBENCH_MPI
           "This is the MPI build: mpirun -np N rnnbench run ... shares the runs among the\n"
           "N ranks, each running --threads at once; OUT.parts must be on a file system\n"
           "every rank sees (docs/cluster.md).\n"
#else
           "Built with -DRNNBENCH_MPI=ON, mpirun -np N rnnbench run ... shares the runs\n"
           "among the hosts of an MPI job (docs/cluster.md).\n"
#endif
           );
}

static int run(int argc, char **argv);

#ifdef RNNBENCH_MPI
#include <mpi.h>

/* The MPI build: the same command in every rank of the job (mpirun -np N
 * rnnbench run ...); the sweep shares the runs among them. Messages before
 * and after the sweep come from rank 0 alone; the other ranks' stderr is
 * closed for them. */
int cmd_run(int argc, char **argv)
{
    int provided, rank;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        return cli_fail("run", EXIT_RUNTIME, "MPI_Init_thread failed");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (provided < MPI_THREAD_SERIALIZED) {
        MPI_Finalize();
        return cli_fail("run", EXIT_RUNTIME, "this MPI gives no MPI_THREAD_SERIALIZED");
    }
    int rc = run(argc, argv);
    MPI_Finalize();
    return rc;
}
#else
int cmd_run(int argc, char **argv) { return run(argc, argv); }
#endif

/* rank 0 says it; the others only return the code */
static int is_rank0(void)
{
#ifdef RNNBENCH_MPI
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank == 0;
#else
    return 1;
#endif
}

#define FAIL(code, ...) (is_rank0() ? cli_fail("run", code, __VA_ARGS__) : (code))

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        if (is_rank0())
            help();
        return EXIT_OK;
    }
    char *args[ARGS_MAX];
    int n = args_long_o(args, argc, argv);

    char err[RNB_ERRLEN];
    parsed_args pa;
    if (args_split(&pa, n, args, needs_value, err))
        return FAIL(EXIT_USAGE, "%s", err);
    sweep_opts opts = {.threads = omp_get_num_procs(), .checkpoint_every = 600};
    const char *out = NULL;
    bool check_only = false;
    for (int i = 0; i < pa.n_opt; i++) {
        const option *o = &pa.opt[i];
        if (!strcmp(o->name, "out") && o->value)
            out = o->value;
        else if (!strcmp(o->name, "threads") && o->value) {
            if (args_int(&opts.threads, o->value, 1, 4096))
                return FAIL(EXIT_USAGE, "--threads: '%s' is not a positive integer", o->value);
        } else if (!strcmp(o->name, "checkpoint-every") && o->value) {
            int sec;
            if (args_int(&sec, o->value, 0, 1000000000))
                return FAIL(EXIT_USAGE, "--checkpoint-every: '%s' is not a whole number of seconds, 0 or more", o->value);
            opts.checkpoint_every = sec;
        } else if (!strcmp(o->name, "resume") && !o->value)
            opts.resume = true;
        else if (!strcmp(o->name, "force") && !o->value)
            opts.force = true;
        else if (!strcmp(o->name, "quiet") && !o->value)
            opts.quiet = true;
        else if (!strcmp(o->name, "check") && !o->value)
            check_only = true;
        else
            return FAIL(EXIT_USAGE, "unknown option --%s (rnnbench run --help)", o->name);
    }
    if (pa.n_pos != 1)
        return FAIL(EXIT_USAGE, "expected one EXPERIMENT.ini (rnnbench run --help)");
    if (opts.resume && opts.force)
        return FAIL(EXIT_USAGE, "--resume and --force contradict each other");

    experiment e;
    int rc = experiment_load(&e, pa.pos[0], err);
#ifdef RNNBENCH_MPI
    /* Every rank reads the file: all go on, or all stop (a rank that cannot
     * see it, on another host, would otherwise leave the others waiting). */
    int bad = rc != RNB_OK, any_bad, root_bad = bad, rank;
    MPI_Allreduce(&bad, &any_bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Bcast(&root_bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (bad && !root_bad)       /* rank 0 read it: this rank's own message */
        fprintf(stderr, "rnnbench run: rank %d: %s\n", rank, err);
    if (any_bad && !bad && rank == 0)
        snprintf(err, sizeof err, "another rank could not read %s (its message is above)", pa.pos[0]);
    if (any_bad && !rc)
        rc = RNB_EINVAL;
#endif
    if (rc) {
        experiment_free(&e);
        return FAIL(rc == RNB_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE, "%s", err);
    }
    if (check_only) {
        if (is_rank0())
            printf("%s: experiment %s, %d run%s, each valid\n", pa.pos[0], e.name, e.n_runs, e.n_runs == 1 ? "" : "s");
        experiment_free(&e);
        return EXIT_OK;
    }
    char default_out[1200];
    if (!out) {
        const char *base = strrchr(pa.pos[0], '/') ? strrchr(pa.pos[0], '/') + 1 : pa.pos[0];
        snprintf(default_out, sizeof default_out, "results/%.*s.h5", (int)strcspn(base, "."), base);
        out = default_out;
        mkdir("results", 0777);     /* the default folder; an error shows below */
    }
    sweep_outcome so;
    rc = sweep_run(&e, out, &opts, &so, err);
    experiment_free(&e);
    if (rc)
        return FAIL(rc == RNB_EINVAL ? EXIT_USAGE : EXIT_RUNTIME, "%s", err);
    if (!opts.quiet && is_rank0())
        fprintf(stderr, "rnnbench run: %d run%s ran (%d finished, %d diverged, %d interrupted, "
                "%d not started), %d kept; %s written\n", so.ran, so.ran == 1 ? "" : "s", so.finished, so.diverged,
                so.interrupted, so.not_started, so.kept, out);
    if (so.signal)
        return 128 + so.signal;
    return EXIT_OK;
}
