#include "trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clip.h"
#include "init.h"
#include "status.h"

static size_t optim_bytes(const run_spec *s, size_t n_params)
{
    size_t moments = s->optim.kind == OPT_ADAM ? 2 : s->optim.kind == OPT_SGD ? 0 : 1;
    return moments * n_params * sizeof(real);
}

/* A task over a dataset keeps the run's place in it (0 bytes before the
 * harness has attached the data, and for the synthetic tasks). */
static size_t task_state_bytes(const run_spec *s)
{
    return s->task->state_bytes && s->task_data ? s->task->state_bytes(s->task_data) : 0;
}

size_t trainer_bytes(const run_spec *s)
{
    size_t n = model_param_count(s->cell, s->task, s->K, s->H, s->learn_h0);
    size_t nt = model_tensor_count(s->cell, s->K, s->learn_h0);
    return model_bytes(s->cell, s->task, s->K, run_max_lag(s), s->B, s->H, s->learn_h0) +
           optim_bytes(s, n) + nt * (sizeof(model_tensor) + sizeof(double)) + task_state_bytes(s) +
           (s->train_set ? trainset_bytes(s->task, s->T, s->B) : 0);
}


int trainer_create(trainer *tr, const run_spec *s, char *err)
{
    memset(tr, 0, sizeof *tr);
    if (s->task->dataset && !s->task_data)     /* the harness attaches it: a caller that did not */
        return rnb_error(err, RNB_EINVAL, "task %s: its dataset (%s) is not loaded", s->task->name, s->task->dataset);
    tr->spec = *s;
    if (model_create(&tr->m, s->cell, s->task, s->K, run_max_lag(s), s->B, s->H, s->learn_h0))
        return rnb_error(err, RNB_ENOMEM, "out of memory for a run of %zu bytes", trainer_bytes(s));
    tr->n_tensors = model_tensor_count(s->cell, s->K, s->learn_h0);
    tr->tensors = malloc((size_t)tr->n_tensors * sizeof *tr->tensors);
    tr->tensor_norm = malloc((size_t)tr->n_tensors * sizeof *tr->tensor_norm);
    if (task_state_bytes(s))
        tr->task_state = malloc(task_state_bytes(s));
    if (optim_init(&tr->opt, &s->optim, tr->m.n_params) || !tr->tensors || !tr->tensor_norm ||
        (task_state_bytes(s) && !tr->task_state) ||
        (s->train_set && trainset_init(&tr->set, s->task, s->T, s->B, s->train_set, s->seed))) {
        trainer_free(tr);
        return rnb_error(err, RNB_ENOMEM, "out of memory for a run of %zu bytes", trainer_bytes(s));
    }
    model_tensors(tr->tensors, s->cell, s->task, s->K, s->H, s->learn_h0);
    for (int k = 0; k < s->K && s->cell->reparam_form; k++)   /* exprnn's A: lr_orth */
        optim_orth_span(&tr->opt, (size_t)(tr->m.st.l[k].p.w_hh - tr->m.params), (size_t)s->H * s->H);
    /* Weights from one stream, batches from another: the same seed gives
     * the same initial weights whatever the task. */
    rng_t init_rng;
    rng_seed(&init_rng, s->seed, RNG_STREAM_INIT);
    rng_seed(&tr->data_rng, s->seed, RNG_STREAM_DATA);
    rng_seed(&tr->eval_rng, s->seed, RNG_STREAM_EVAL);
    for (int k = 0; k < s->K; k++) {    /* bottom up, then the readout */
        stack_layer *l = &tr->m.st.l[k];
        init_spec is = s->init;
        is.layer = k, is.layers = s->K, is.seq_len = s->task->length(s->T);
        int rc = init_layer(&l->p, s->cell, l->ws.d.I, s->H, &is, &init_rng, err);
        if (rc) {
            trainer_free(tr);
            return rc;
        }
        l->ws.step_clip = s->clip.kind == CLIP_STEP ? s->clip.threshold : 0;
        l->ws.omega = s->omega;
        for (int i = 0; i < s->cell->n_const; i++)
            l->ws.konst[i] = s->konst[i];
    }
    model_init_readout(&tr->m, &s->init, &init_rng);
    if (tr->task_state)
        s->task->state_init(tr->task_state, s->task_data, s->perm_seed);
    model_set_lag(&tr->m, s->T_min ? s->T_min : s->T);    /* T itself is out of range with T_min */
    return RNB_OK;
}

void trainer_free(trainer *tr)
{
    optim_free(&tr->opt);
    model_free(&tr->m);
    free(tr->tensors);
    free(tr->tensor_norm);
    free(tr->task_state);
    trainset_free(&tr->set);
    memset(tr, 0, sizeof *tr);
}

/* Pascanu et al.'s code (RNN.py, clipstyle 'rescale'): when the norm
 * cannot be trusted, the gradient becomes S W_hh for each layer's
 * recurrent weight and 0 for every other parameter. Returns its norm. */
static double fallback_gradient(model *m, double shrink)
{
    memset(m->grads, 0, m->n_params * sizeof(real));
    const size_t n = (size_t)m->cell->G * m->H * m->H;
    for (int k = 0; k < m->K; k++) {
        const stack_layer *l = &m->st.l[k];
        real *g = m->grads + (l->p.w_hh - m->params);
        for (size_t i = 0; i < n; i++)
            g[i] = (real)(shrink * l->p.w_hh[i]);
    }
    return grad_norm(m->grads, m->n_params);
}

void trainer_step(trainer *tr, step_record *rec)
{
    model *m = &tr->m;
    if (run_lag_varies(&tr->spec))
        model_set_lag(m, run_draw_lag(&tr->spec, &tr->data_rng));
    const task_source train = {tr->spec.task_data, SPLIT_TRAIN, tr->task_state, 0};
    if (tr->spec.train_set)
        trainset_sample(&tr->set, &m->bt, m->task, m->T, m->B, &tr->data_rng);
    else
        m->task->sample(&m->bt, m->T, m->B, &tr->data_rng, &train);
    memset(rec, 0, sizeof *rec);
    rec->step = ++tr->step;
    rec->loss = model_forward_backward(m, &rec->metric);
    rec->grad_norm = grad_norm(m->grads, m->n_params);     /* alpha dOmega/dW_hh in it */
    for (int k = 0; k < m->K && tr->spec.omega > 0; k++)
        rec->omega += m->st.l[k].ws.omega_value;
    for (int i = 0; i < tr->n_tensors; i++)
        tr->tensor_norm[i] = grad_norm(m->grads + tr->tensors[i].offset, tr->tensors[i].count);
    rec->n_tensors = tr->n_tensors;
    rec->tensor_norm = tr->tensor_norm;
    rec->K = m->K;
    rec->L = m->L;
    rec->layers = m->st.l;
    rec->finite = isfinite(rec->loss) && isfinite(rec->grad_norm);
    /* their test is on the norm alone: an infinite loss falls back too */
    rec->fell_back = tr->spec.fallback_shrink > 0 && !(rec->grad_norm <= FALLBACK_NORM);    /* NaN too */
    if (rec->fell_back) {
        rec->finite = true;
        rec->grad_norm_clipped = fallback_gradient(m, tr->spec.fallback_shrink);
    } else if (!rec->finite) {  /* never apply a non-finite gradient */
        rec->grad_norm_clipped = rec->grad_norm;
        return;
    } else {
        rec->grad_norm_clipped = clip_apply(&tr->spec.clip, m->grads, m->n_params, rec->grad_norm);
    }
    optim_update(&tr->opt, m->params, m->grads);
    if (m->cell->constrain)     /* the paper's constraint, after every update */
        for (int k = 0; k < m->K; k++)
            m->cell->constrain(&m->st.l[k].p, m->H, m->task->length(tr->spec.T));
}

int trainer_state(trainer *tr, trainer_state_part parts[TRAINER_STATE_MAX])
{
    const size_t np = tr->m.n_params * sizeof(real);
    const trainer_state_part all[TRAINER_STATE_MAX] = {
        {"params", tr->m.params, np},
        {"optim_m", tr->opt.m, tr->opt.m ? np : 0},
        {"optim_v", tr->opt.v, tr->opt.v ? np : 0},
        {"optim_step", &tr->opt.step, sizeof tr->opt.step},
        {"optim_lr", &tr->opt.s.lr, sizeof tr->opt.s.lr},           /* a step schedule moves them */
        {"optim_lr_orth", &tr->opt.s.lr_orth, sizeof tr->opt.s.lr_orth},
        {"data_rng", &tr->data_rng, sizeof tr->data_rng},
        {"step", &tr->step, sizeof tr->step},
        {"task_state", tr->task_state, task_state_bytes(&tr->spec)},
    };
    int n = 0;
    for (int i = 0; i < TRAINER_STATE_MAX; i++)
        if (all[i].bytes > 0)
            parts[n++] = all[i];
    return n;
}

double trainer_evaluate(trainer *tr, long n, double *metric)
{
    model *m = &tr->m;
    rng_t r = tr->eval_rng;
    long chunks = (n + m->B - 1) / m->B;
    double loss = 0, met = 0;
    for (long k = 0; k < chunks; k++) {
        double mk;
        const task_source heldout = {tr->spec.task_data, SPLIT_HELDOUT, tr->task_state, k * m->B};
        if (run_lag_varies(&tr->spec))
            model_set_lag(m, run_draw_lag(&tr->spec, &r));
        m->task->sample(&m->bt, m->T, m->B, &r, &heldout);
        loss += model_forward(m, &mk);
        met += mk;
    }
    *metric = met / chunks;
    return loss / chunks;
}

long trainer_logged_eval_size(const trainer *tr)
{
    const run_spec *s = &tr->spec;
    return ((long)s->eval_batch + s->B - 1) / s->B * s->B;
}

long trainer_final_eval_size(const trainer *tr)
{
    const run_spec *s = &tr->spec;
    if (!s->task->split_size)
        return trainer_logged_eval_size(tr);
    long n = s->task->split_size(s->task_data, SPLIT_HELDOUT) / s->B * s->B;
    return n > 0 ? n : s->B;
}
