#include "sweep.h"

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef RNNBENCH_MPI
#include <mpi.h>
#endif

#include "clock.h"
#include "kernels.h"
#include "owner.h"
#include "record.h"
#include "results.h"
#include "status.h"

/* The one piece of process-wide state: a signal arrived. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

/* Work of a run, for scheduling and the ETA: steps x FLOPs of one step. */
static double cost(const run_spec *s)
{
    double L = s->task->length(run_max_lag(s)), GH = (double)s->cell->G * s->H;
    return (double)s->steps * L * s->B * GH * (s->task->in_dim + s->H + 1);
}

typedef struct {
    const experiment *e;
    int *order;             /* pending runs, costliest first */
    int n_pending, done, total_done_before;
    double work_total, work_done, t0, last_draw;
    bool live, quiet;
    int rank, ranks;        /* an MPI sweep: whose lines these are */
    int *slot_run;          /* per thread: the run it is on, or -1 */
    long *slot_step;        /* per thread: its steps done */
} progress;

static void draw_live(progress *p)
{
    double work = p->work_done;
    int running = 0, threads = omp_get_num_threads(), len = 0;
    char steps[160] = "";
    for (int t = 0; t < threads; t++) {
        int i;
        long s;
#pragma omp atomic read
        i = p->slot_run[t];
#pragma omp atomic read
        s = p->slot_step[t];
        if (i >= 0) {
            const run_spec *sp = &p->e->runs[i].spec;
            work += cost(sp) * s / sp->steps;
            if (running++ < 4 && len < (int)sizeof steps)
                len += snprintf(steps + len, sizeof steps - len, " %ld/%ld", s, sp->steps);
        }
    }
    double el = clock_seconds() - p->t0, frac = p->work_total > 0 ? work / p->work_total : 0;
    double eta = frac > 0.001 ? el * (1 - frac) / frac : NAN;
    fprintf(stderr, "\r\033[Krunnbench run: %d/%d runs done, %d running (steps%s%s), "
            "%.0f s elapsed, ETA %s%.0f s", p->done, p->n_pending, running, running ? steps : " -",
            running > 4 ? " ..." : "", el, isnan(eta) ? "~" : "", isnan(eta) ? 0 : eta);
    fflush(stderr);
#pragma omp atomic write
    p->last_draw = clock_seconds();
}

typedef struct { progress *p; int slot; } step_ctx;

static void on_step(const step_record *rec, void *ctx)
{
    step_ctx *c = ctx;
    const long step = rec->step;
#pragma omp atomic write
    c->p->slot_step[c->slot] = step;
    if (!c->p->live || step % 16 != 0)
        return;
    double last;
#pragma omp atomic read
    last = c->p->last_draw;
    if (clock_seconds() - last > 0.5) {
#pragma omp critical(progress)
        if (clock_seconds() - c->p->last_draw > 0.5)
            draw_live(c->p);
    }
}

static void report_run(progress *p, const grid_run *g, const run_record *rec, long resumed_from)
{
    p->done++;
    p->work_done += cost(&g->spec);
    if (p->quiet)
        return;
    if (p->live) {
        draw_live(p);
        return;
    }
    if (p->ranks > 1)   /* a rank knows its own count, not the others' */
        fprintf(stderr, "[rank %d, its run %d] ", p->rank, p->done);
    else
        fprintf(stderr, "[%d/%d] ", p->done, p->n_pending);
    char from[48] = "";
    if (resumed_from > 0)
        snprintf(from, sizeof from, " (from its checkpoint at %ld)", resumed_from);
    fprintf(stderr, "%s: %s, %ld steps%s, %.1f s, held-out loss %.4g (baseline %.4g)%s\n",
            g->name, run_status_name(rec->status), rec->steps_done, from,
            rec->wall_seconds, rec->final_loss, run_baseline(&g->spec),
            rec->solved ? ", solved" : "");
}


typedef struct { double cost; int run; } pending;

static int costliest_first(const void *a, const void *b)
{
    const pending *x = a, *y = b;
    return x->cost > y->cost ? -1 : x->cost < y->cost ? 1 : x->run - y->run;
}

/* This process's place in an MPI job: rank 0 of 1 without MPI. */
typedef struct { int rank, size; } mpi_info;

/* What every thread that runs runs needs. */
typedef struct {
    const experiment *e;
    const results *res;
    progress *p;
    sweep_outcome *o;
    int *failed;            /* a run could not be written: start no more */
    char *first_err;        /* (RNB_ERRLEN) its message */
    double checkpoint_every;
} sweep_ctx;

/* A run's hooks (record_hooks): its progress, and its checkpoints in its
 * part, every opts.checkpoint_every seconds and when it is interrupted. */
typedef struct {
    sweep_ctx *c;
    const grid_run *g;
    step_ctx step;
    long resumed_from;      /* the steps a checkpoint gave it, or 0 */
} run_ctx;

static void hook_step(const step_record *rec, void *ctx) { on_step(rec, &((run_ctx *)ctx)->step); }

static int hook_save(const run_record *r, trainer *tr, void *ctx, char *err)
{
    const run_ctx *x = ctx;
    int rc;
#pragma omp critical(results)
    rc = results_write_checkpoint(x->c->res, x->g, r, tr, err);
    return rc;
}

static int hook_restore(run_record *r, trainer *tr, void *ctx, char *err)
{
    run_ctx *x = ctx;
    int rc = results_read_checkpoint(x->c->res, x->g, r, tr, err);
    x->resumed_from = rc == RNB_OK ? r->steps_done : 0;
    return rc;
}

/* Runs grid run i in thread slot, writes its part, counts it. */
static void run_one(sweep_ctx *c, int i, int slot)
{
    int give_up;
#pragma omp atomic read
    give_up = *c->failed;
    if (stop_signal || give_up)
        return;
    progress *p = c->p;
    const grid_run *g = &c->e->runs[i];
    run_ctx x = {c, g, {p, slot}, 0};
    const record_hooks h = {.stop = &stop_signal, .on_step = hook_step, .save = hook_save,
                            .restore = hook_restore, .save_every = c->checkpoint_every, .ctx = &x};
#pragma omp atomic write
    p->slot_step[slot] = 0;
#pragma omp atomic write
    p->slot_run[slot] = i;
    run_record rec;
    char rerr[RNB_ERRLEN] = "";
    int rrc = record_alloc(&rec, &g->spec);
    if (rrc)
        snprintf(rerr, sizeof rerr, "run %.200s: out of memory", g->name);
    else
        rrc = record_run_with(&rec, &g->spec, &h, rerr);
#pragma omp atomic write
    p->slot_run[slot] = -1;
#pragma omp critical(results)
    {
        /* an interrupted run's part is the checkpoint its save wrote */
        if (!rrc && rec.status != RUN_INTERRUPTED)
            rrc = results_write_part(c->res, g, &rec, rerr);
        if (rrc && !*c->failed) {
#pragma omp atomic write
            *c->failed = 1;
            snprintf(c->first_err, RNB_ERRLEN, "%s", rerr);
        }
        if (!rrc) {
            c->o->ran++;
            c->o->finished += rec.status == RUN_FINISHED;
            c->o->diverged += rec.status == RUN_DIVERGED;
            c->o->interrupted += rec.status == RUN_INTERRUPTED;
#pragma omp critical(progress)
            report_run(p, g, &rec, x.resumed_from);
        }
    }
    record_free(&rec);
}

#ifdef RNNBENCH_MPI
#include "sweep_mpi.inc"
#endif

/* OUT and its parts as the options ask, once this process owns them:
 * refused when they exist without --resume or --force; --force clears
 * them; --resume keeps what provably belongs to this experiment. */
static int prepare(const results *res, const sweep_opts *opts, char *err)
{
    bool have_out = access(res->out, F_OK) == 0, have_parts = results_has_parts(res);
    if (!opts->resume && (have_out || have_parts) && !opts->force)
        return rnb_error(err, RNB_EINVAL, "%s exists: --resume continues it, --force replaces it",
                         have_out ? res->out : res->parts);
    if (!opts->resume) {
        results_discard(res);   /* also a killed sweep's temporary files */
        return RNB_OK;
    }
    int rc = results_reclaim(res, err);
    return rc ? rc : results_check_parts(res, err);
}

static void install(struct sigaction *old_int, struct sigaction *old_term)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, old_int);
    sigaction(SIGTERM, &sa, old_term);
}

/* Runs the grid's pending runs and assembles OUT: rank 0 owns OUT. */
static int sweep_grid(const experiment *e, const results *res, const sweep_opts *opts,
                      const mpi_info *mpi, sweep_outcome *o, char *err)
{
    int rc = RNB_OK;
    progress p = {.e = e, .t0 = clock_seconds(), .quiet = opts->quiet,
                  .live = !opts->quiet && isatty(STDERR_FILENO) && mpi->size == 1,
                  .rank = mpi->rank, .ranks = mpi->size};
    p.order = malloc(sizeof(int) * (e->n_runs ? e->n_runs : 1));
    if (!p.order)
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    pending *queue = malloc(sizeof(pending) * (e->n_runs ? e->n_runs : 1));
    if (!queue) {
        free(p.order);
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    }
    for (int i = 0; i < e->n_runs; i++) {
        run_status st;
        if (results_part_status(res, &e->runs[i], &st) && st != RUN_INTERRUPTED) {
            o->kept++;
            continue;
        }
        queue[p.n_pending].run = i;
        queue[p.n_pending++].cost = cost(&e->runs[i].spec);
        p.work_total += cost(&e->runs[i].spec);
    }
    /* The longest runs first, so that no long one starts last. */
    qsort(queue, p.n_pending, sizeof(pending), costliest_first);
    for (int k = 0; k < p.n_pending; k++)
        p.order[k] = queue[k].run;
    free(queue);

    /* Never more busy threads than asked for: a run is single-threaded. */
    int workers = opts->threads < 1 ? 1 : opts->threads;
    workers = p.n_pending < workers ? (p.n_pending ? p.n_pending : 1) : workers;
    p.slot_run = malloc(sizeof(int) * workers);
    p.slot_step = calloc(workers, sizeof(long));
    if (!p.slot_run || !p.slot_step) {
        free(p.order), free(p.slot_run), free(p.slot_step);
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    }
    for (int t = 0; t < workers; t++)
        p.slot_run[t] = -1;

    /* Memory: the largest runs that can be in flight together. */
    double peak = 0;
    for (int k = 0; k < p.n_pending && k < workers; k++) {
        const run_spec *s = &e->runs[p.order[k]].spec;
        peak += trainer_bytes(s) + record_bytes(s);
    }
    /* and one copy of each dataset the runs read, shared by them all */
    char data[64] = "";
    if (e->images && e->images->n)
        snprintf(data, sizeof data, " and %.1f MiB of data", image_cache_bytes(e->images) / 1048576);
    if (!opts->quiet && mpi->size == 1)
        fprintf(stderr, "rnnbench run: %s, %d run%s (%d kept from before), %d thread%s, kernels %s, "
                "at most %.1f MiB for runs in flight%s, into %s\n",
                e->path, p.n_pending, p.n_pending == 1 ? "" : "s", o->kept, workers, workers == 1 ? "" : "s", kernels_path(), peak / 1048576,
                data, res->out);
    else if (!opts->quiet && mpi->rank == 0)
        fprintf(stderr, "rnnbench run: %s, %d run%s (%d kept from before) over %d MPI ranks, %d thread%s "
                "on rank 0, kernels %s, at most %.1f MiB a rank for runs in flight%s, into %s\n",
                e->path, p.n_pending, p.n_pending == 1 ? "" : "s", o->kept, mpi->size, workers, workers == 1 ? "" : "s", kernels_path(), peak / 1048576, data,
                res->out);

    struct sigaction old_int, old_term;
    install(&old_int, &old_term);
    char first_err[RNB_ERRLEN] = "";
    int failed = 0;

    sweep_ctx c = {e, res, &p, o, &failed, first_err, opts->checkpoint_every};
#ifdef RNNBENCH_MPI
    if (mpi->size > 1)
        mpi_schedule(&c, mpi, workers);
    else
#endif
    {
#pragma omp parallel for schedule(dynamic, 1) num_threads(workers)
        for (int k = 0; k < p.n_pending; k++)
            run_one(&c, p.order[k], omp_get_thread_num());
    }
    if (p.live)
        fputc('\n', stderr);
#ifdef RNNBENCH_MPI
    if (mpi->size > 1) {     /* rank 0 counts every rank's runs; a failure anywhere fails the sweep */
        int mine[5] = {o->ran, o->finished, o->diverged, o->interrupted, failed}, all[5];
        MPI_Allreduce(mine, all, 5, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        if (failed && mpi->rank != 0)    /* only rank 0 speaks after the sweep: say it now */
            fprintf(stderr, "rnnbench run: rank %d: %s\n", mpi->rank, first_err);
        o->ran = all[0], o->finished = all[1], o->diverged = all[2], o->interrupted = all[3];
        if (all[4] && !failed)
            snprintf(first_err, RNB_ERRLEN, "another rank could not write a run (its message is above)");
        failed = all[4] > 0;
        int sig = stop_signal, any;
        MPI_Allreduce(&sig, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        stop_signal = any;
    }
#endif
    o->not_started = p.n_pending - o->ran;
    free(p.order), free(p.slot_run), free(p.slot_step);
    /* A signal during the assembly changes nothing: it completes. Under
     * MPI rank 0 assembles, after every rank has written its parts. */
    if (failed)
        rc = rnb_error(err, RNB_EIO, "%s (the runs that ended are kept: --resume goes on)", first_err);
#ifdef RNNBENCH_MPI
    else if (mpi->rank == 0 && mpi->size > 1 && (rc = wait_for_parts(e, res, o->kept + o->ran, err)))
        ;
#endif
    else if (mpi->rank == 0 && (rc = results_assemble(res, first_err)))
        rc = rnb_error(err, rc, "%s (every run is kept in %s: --resume assembles it)", first_err, res->parts);
#ifdef RNNBENCH_MPI
    if (mpi->size > 1) {
        MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
        MPI_Bcast(err, RNB_ERRLEN, MPI_CHAR, 0, MPI_COMM_WORLD);
    }
#endif
    o->signal = stop_signal;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}

int sweep_run(const experiment *e, const char *out, const sweep_opts *opts,
              sweep_outcome *o, char *err)
{
    memset(o, 0, sizeof *o);
    mpi_info mpi = {0, 1};
#ifdef RNNBENCH_MPI
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi.size);
#endif
    results res;
    results_init(&res, e, out);
    output_owner owner = {.fd = -1};
    int rc = RNB_OK;
    if (mpi.rank == 0) {    /* one process owns OUT and prepares it */
        rc = owner_take(&owner, res.parts, out, err);
        if (!rc)
            rc = prepare(&res, opts, err);
        if (rc)
            owner_release(&owner, true);
    }
#ifdef RNNBENCH_MPI
    if (mpi.size > 1) {     /* every rank returns rank 0's verdict */
        MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
        MPI_Bcast(err, RNB_ERRLEN, MPI_CHAR, 0, MPI_COMM_WORLD);
    }
#endif
    if (rc)
        return rc;

    if (rc)
        return rc;
    rc = sweep_grid(e, &res, opts, &mpi, o, err);
    owner_release(&owner, true);
    return rc;
}
