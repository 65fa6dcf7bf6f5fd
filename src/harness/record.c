#include "record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "spectral.h"
#include "status.h"

static const char *const status_names[] = {"finished", "diverged", "interrupted"};

const char *run_status_name(run_status s) { return status_names[s]; }

int run_status_parse(run_status *s, const char *name)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, status_names[i]) == 0) {
            *s = (run_status)i;
            return 0;
        }
    return -1;
}

bool record_is_logged(long s, long steps, int log_every)
{
    return s == 1 || s == steps || s % log_every == 0;
}

static long logged_count(long steps, int log_every)
{
    /* step 1, the multiples of log_every, and the last, without repeats */
    if (steps == 1)
        return 1;
    long n = steps / log_every + 1;
    if (log_every == 1)
        n = steps;
    else if (steps % log_every != 0)
        n++;
    return n;
}

typedef struct { size_t per_step, per_log; } sizes;

static sizes sizes_of(const run_spec *s)
{
    size_t L = s->task->length(run_max_lag(s)), K = s->K;
    sizes z = {
        .per_step = 4 + (size_t)model_tensor_count(s->cell, s->K, s->learn_h0),
        .per_log = 3 + 2 * K * s->cell->G + 2 * K * L * (s->cell->has_c ? 2 : 1),   /* + log_step */
    };
    return z;
}

double record_bytes(const run_spec *s)
{
    sizes z = sizes_of(s);   /* in double: steps = 1e18 overflows a size_t here */
    return (double)sizeof(double) * ((double)z.per_step * s->steps +
                                     (double)z.per_log * logged_count(s->steps, s->log_every));
}

int record_alloc(run_record *r, const run_spec *s)
{
    memset(r, 0, sizeof *r);
    r->steps = s->steps;
    r->K = s->K;
    r->L = s->task->length(run_max_lag(s));
    r->has_c = s->cell->has_c;
    r->G = s->cell->G;
    r->n_tensors = model_tensor_count(s->cell, s->K, s->learn_h0);
    r->n_log_cap = logged_count(s->steps, s->log_every);
    size_t n = (size_t)s->steps, m = (size_t)r->n_log_cap, KL = (size_t)r->K * r->L;
    size_t KG = (size_t)r->K * r->G;
    r->loss = calloc((4 + (s->omega > 0) + (size_t)r->n_tensors) * n, sizeof(double));
    r->log_step = calloc(m, sizeof(long));
    const size_t norms = m * KL * (r->has_c ? 2 : 1);    /* dh (dc) norms; as much again in log10 */
    const size_t orth = s->cell->reparam_form ? m * r->K : 0;
    r->dh_norm = calloc(2 * norms + 2 * m + 2 * m * KG + orth, sizeof(double));
    if (!r->loss || !r->log_step || !r->dh_norm) {
        record_free(r);
        return RNB_ENOMEM;
    }
    r->metric = r->loss + n;
    r->grad_norm = r->metric + n;
    r->grad_norm_clipped = r->grad_norm + n;
    r->tensor_norm = r->grad_norm_clipped + n;
    r->omega = s->omega > 0 ? r->tensor_norm + (size_t)r->n_tensors * n : NULL;
    r->dc_norm = r->has_c ? r->dh_norm + m * KL : NULL;
    r->dh_log10 = r->dh_norm + norms;
    r->dc_log10 = r->has_c ? r->dh_log10 + m * KL : NULL;
    r->eval_loss = r->dh_norm + 2 * norms;
    r->eval_metric = r->eval_loss + m;
    r->w_hh_radius = r->eval_metric + m;
    r->w_hh_sigma = r->w_hh_radius + m * KG;
    r->w_hh_orth_error = orth ? r->w_hh_sigma + m * KG : NULL;
    r->solve_step = -1;
    return RNB_OK;
}

void record_free(run_record *r)
{
    free(r->loss);
    free(r->log_step);
    free(r->dh_norm);
    memset(r, 0, sizeof *r);
}

/* One layer's row of a per-timestep norm, aligned to the sequence's end:
 * a shorter batch (variable_length) leaves NaN before its first timestep. */
static void put_row(double *row, size_t L, const double *v, size_t n)
{
    for (size_t t = 0; t < L - n; t++)
        row[t] = NAN;
    memcpy(row + (L - n), v, n * sizeof(double));
}

/* Keeps the norms of rec and the held-out loss as row r->n_logged. */
static void log_row(run_record *r, trainer *tr, const step_record *rec)
{
    long i = r->n_logged++;
    const size_t L = (size_t)r->L, n = (size_t)rec->L;
    r->log_step[i] = rec->step;
    for (int k = 0; k < r->K; k++) {
        const layer_ws *ws = &rec->layers[k].ws;
        size_t row = ((size_t)i * r->K + k) * L;
        put_row(r->dh_norm + row, L, ws->dh_norm, n);
        put_row(r->dh_log10 + row, L, ws->dh_log10, n);
        if (r->has_c) {
            put_row(r->dc_norm + row, L, ws->dc_norm, n);
            put_row(r->dc_log10 + row, L, ws->dc_log10, n);
        }
    }
    /* the held-out loss after this step's update, but only of a finite one */
    if (rec->finite) {
        r->eval_loss[i] = trainer_evaluate(tr, tr->spec.eval_batch, &r->eval_metric[i]);
    } else {
        r->eval_loss[i] = NAN;
        r->eval_metric[i] = NAN;
    }
}

/* The largest |u| of each block of a diagonal recurrence: its spectral
 * radius and its 2-norm both. */
static void diagonal_blocks(const real *u, int G, int H, double *radius, double *sigma)
{
    for (int g = 0; g < G; g++) {
        double m = 0;
        for (int j = 0; j < H; j++)
            m = fmax(m, fabs((double)u[(size_t)g * H + j]));
        radius[g] = sigma[g] = m;
    }
}

/* max |W^T W - I| of w (H, H), in double: how far a weight orthogonal in
 * exact arithmetic (exprnn's exp of a skew matrix) is from it in floats. */
static double orth_error(const real *w, int H)
{
    double worst = 0;
    for (int i = 0; i < H; i++)
        for (int j = i; j < H; j++) {
            double dot = 0;
            for (int k = 0; k < H; k++)
                dot += (double)w[(size_t)k * H + i] * w[(size_t)k * H + j];
            worst = fmax(worst, fabs(dot - (i == j)));
        }
    return worst;
}

/* The spectrum of every layer's W_hh blocks into row r->n_logged (cells
 * without a recurrent weight have none): of the weight the layer
 * multiplies, formed from the parameters for a reparametrised cell. */
static void log_spectrum(run_record *r, spectral_ws *sw, trainer *tr)
{
    const size_t KG = (size_t)r->K * r->G;
    const recurrence_kind rec = tr->spec.cell->recurrence;
    for (int k = 0; k < r->K && tr->spec.cell->radius; k++) {     /* lru: max |lambda| */
        size_t off = (size_t)r->n_logged * KG + (size_t)k * r->G;
        r->w_hh_radius[off] = r->w_hh_sigma[off] = tr->spec.cell->radius(&tr->m.st.l[k].p, tr->spec.H);
    }
    for (int k = 0; k < r->K && rec != REC_NONE; k++) {
        size_t off = (size_t)r->n_logged * KG + (size_t)k * r->G;
        stack_layer *l = &tr->m.st.l[k];
        const real *w = rec == REC_DENSE ? layer_form_weight(&l->ws, &l->p) : l->p.w_hh;
        if (r->w_hh_orth_error)
            r->w_hh_orth_error[(size_t)r->n_logged * r->K + k] = orth_error(w, tr->spec.H);
        if (rec == REC_DENSE)
            spectral_blocks(sw, w, r->G, r->w_hh_radius + off, r->w_hh_sigma + off);
        else
            diagonal_blocks(w, r->G, tr->spec.H, r->w_hh_radius + off, r->w_hh_sigma + off);
    }
}

/* The outcome fields of a run that ended with status st after r->steps_done
 * steps; full_eval: a finished run over a dataset is evaluated on its
 * whole held-out split (not one cut short: Ctrl-C is not kept waiting). */
static void set_outcome(run_record *r, trainer *tr, run_status st, bool full_eval)
{
    const run_spec *s = &tr->spec;
    r->status = st;
    r->final_eval_size = trainer_logged_eval_size(tr);    /* the logged rows' set */
    r->solved = false;
    if (r->n_logged == 0) {
        r->final_loss = r->final_metric = NAN;
        return;
    }
    long k = r->n_logged - 1;
    r->final_loss = r->eval_loss[k];
    r->final_metric = r->eval_metric[k];
    if (s->task->split_size && st == RUN_FINISHED && isfinite(r->final_loss) && full_eval) {
        r->final_eval_size = trainer_final_eval_size(tr);
        r->final_loss = trainer_evaluate(tr, r->final_eval_size, &r->final_metric);
    }
    r->solved = st == RUN_FINISHED && s->task->solved(r->final_loss, r->final_metric);
}

/* Hands the run so far to h->save, as a run interrupted now would be. */
static int save_checkpoint(run_record *r, trainer *tr, const record_hooks *h, double t0, char *err)
{
    set_outcome(r, tr, RUN_INTERRUPTED, false);
    r->wall_seconds = clock_seconds() - t0;
    return h->save(r, tr, h->ctx, err);
}

/* One step into row step - 1 of r (and a logged row when it is one). Returns
 * whether the step was finite. */
static bool record_step(run_record *r, spectral_ws *sw, trainer *tr, long step, step_record *rec)
{
    const run_spec *s = &tr->spec;
    /* The spectrum of the W_hh this step runs with: taken before the step
     * where it will be logged, or after a step that diverged (which
     * updates nothing). */
    bool planned = record_is_logged(step, s->steps, s->log_every);
    if (planned)
        log_spectrum(r, sw, tr);
    trainer_step(tr, rec);
    if (!planned && !rec->finite)
        log_spectrum(r, sw, tr);
    long i = step - 1;
    r->loss[i] = rec->loss, r->metric[i] = rec->metric;
    r->grad_norm[i] = rec->grad_norm, r->grad_norm_clipped[i] = rec->grad_norm_clipped;
    if (r->omega)
        r->omega[i] = rec->omega;
    memcpy(r->tensor_norm + (size_t)i * r->n_tensors, rec->tensor_norm, (size_t)r->n_tensors * sizeof(double));
    r->steps_done = step;
    if (!rec->finite || planned) {
        log_row(r, tr, rec);
        long k = r->n_logged - 1;
        if (r->solve_step < 0 && s->task->solved(r->eval_loss[k], r->eval_metric[k]))
            r->solve_step = step;
    }
    return rec->finite;
}

int record_run_with(run_record *r, const run_spec *s, const record_hooks *h, char *err)
{
    trainer tr;
    spectral_ws sw;
    int rc = trainer_create(&tr, s, err);
    if (rc)
        return rc;
    if (spectral_ws_alloc(&sw, s->H)) {
        trainer_free(&tr);
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    }
    if (h->restore && (rc = h->restore(r, &tr, h->ctx, err)) != RNB_OK && rc != RECORD_NO_CHECKPOINT)
        goto done;
    rc = RNB_OK;
    double t0 = clock_seconds() - r->wall_seconds, last_save = clock_seconds();    /* a restored run's time goes on */
    run_status st = RUN_FINISHED;
    step_record rec;
    for (long step = r->steps_done + 1; step <= s->steps; step++) {
        if (h->stop && *h->stop) {
            st = RUN_INTERRUPTED;
            break;
        }
        if (h->save && h->save_every > 0 && clock_seconds() - last_save >= h->save_every) {
            if ((rc = save_checkpoint(r, &tr, h, t0, err)))
                goto done;
            last_save = clock_seconds();
        }
        bool finite = record_step(r, &sw, &tr, step, &rec);
        if (h->on_step)
            h->on_step(&rec, h->ctx);
        if (s->stop_when_solved && r->solve_step == step)
            break;      /* finished: its last logged row is the solved one */
        if (!finite) {
            st = RUN_DIVERGED;
            r->diverged_step = step;
            break;
        }
    }
    if (st == RUN_INTERRUPTED && h->save) {
        rc = save_checkpoint(r, &tr, h, t0, err);
    } else {
        set_outcome(r, &tr, st, !(h->stop && *h->stop));
        r->wall_seconds = clock_seconds() - t0;
    }
done:
    spectral_ws_free(&sw);
    trainer_free(&tr);
    return rc;
}

int record_run(run_record *r, const run_spec *s, volatile sig_atomic_t *stop,
               void (*on_step)(const step_record *rec, void *ctx), void *ctx, char *err)
{
    const record_hooks h = {.stop = stop, .on_step = on_step, .ctx = ctx};
    return record_run_with(r, s, &h, err);
}
