#include "bench.h"

#include <omp.h>
#include <time.h>

#include "clock.h"
#include "kernels.h"
#include "status.h"
#include "trainer.h"

typedef enum { FULL, NO_NORMS, GEMMS } mode;

/* Steps per second of one trainer in this thread; 0 on failure. */
static double rate(const run_spec *s, mode md, double seconds, uint64_t seed)
{
    run_spec spec = *s;
    spec.seed = seed;
    trainer tr;
    char err[RNB_ERRLEN];
    if (trainer_create(&tr, &spec, err))
        return 0;
    for (int k = 0; k < tr.m.K; k++)
        tr.m.st.l[k].ws.skip_dh_norm = md == NO_NORMS;
    step_record rec;
    long n = 0;
    double t0 = 0;
    for (;;) {
        if (md == GEMMS)
            model_gemm_replay(&tr.m);
        else
            trainer_step(&tr, &rec);
        if (++n == 2)
            t0 = clock_seconds();         /* two warm-up steps */
        if (n > 4 && clock_seconds() - t0 >= seconds)
            break;
    }
    double r = (n - 2) / (clock_seconds() - t0);
    trainer_free(&tr);
    return r;
}

/* Seconds one step spends forming each layer's W_hh from its parameter
 * and in the adjoint (exprnn's exp and its Frechet derivative): what
 * layer_forward and layer_backward call once a step each. */
static double reparam_seconds(const run_spec *s, double seconds)
{
    trainer tr;
    char err[RNB_ERRLEN];
    if (trainer_create(&tr, s, err))
        return 0;
    const cell_type *c = s->cell;
    long n = 0;
    double t0 = clock_seconds(), t;
    do {
        for (int k = 0; k < tr.m.K; k++) {
            layer_ws *ws = &tr.m.st.l[k].ws;
            const layer_params *p = &tr.m.st.l[k].p;
            c->reparam_form(ws->w_rep, p->w_hh, s->H, ws->rep_work, ws->rep_iwork);
            c->reparam_adjoint(tr.m.st.l[k].g.w_hh, ws->w_rep, p->w_hh, s->H, ws->rep_work, ws->rep_iwork);
        }
        n++;
        t = clock_seconds() - t0;
    } while (n < 3 || t < seconds);
    trainer_free(&tr);
    return t / n;
}

double bench_fma_peak(double seconds)
{
    long n = 1 << 16;
    double t;
    do {                                /* a burst of about 20 ms */
        n *= 2;
        double t0 = clock_seconds();
        kernels_fma_burn(n);
        t = clock_seconds() - t0;
    } while (t < 0.02);
    double best = 0;
    for (double spent = 0; spent < seconds;) {
        double t0 = clock_seconds(), flops = kernels_fma_burn(n), dt = clock_seconds() - t0;
        best = flops / dt > best ? flops / dt : best;
        spent += dt;
    }
    return best / 1e9;
}

int bench_run(bench_result *r, const run_spec *s, double seconds, int threads, char *err)
{
    trainer probe;
    if (trainer_create(&probe, s, err))
        return RNB_EINVAL;
    r->flops = model_step_flops(&probe.m);
    trainer_free(&probe);

    r->steps_per_s = rate(s, FULL, seconds, s->seed);
    r->steps_per_s_nonorm = rate(s, NO_NORMS, seconds, s->seed);
    r->gemm_steps_per_s = rate(s, GEMMS, seconds, s->seed);
    r->threads = threads;
    double total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    total += rate(s, FULL, seconds, s->seed + omp_get_thread_num());
    r->agg_steps_per_s = total;
    r->reparam_s = s->cell->reparam_form ? reparam_seconds(s, seconds) : 0;
    if (r->steps_per_s <= 0)
        return rnb_error(err, RNB_ENOMEM, "out of memory for the benchmark");
    return RNB_OK;
}
