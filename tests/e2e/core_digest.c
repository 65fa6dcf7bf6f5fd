/* core_digest.c - every number a run's record holds, from the core alone,
 * as exact text: the cross-architecture test (cross_arch.sh) builds it
 * here and for aarch64 (run under qemu-user) and compares the two outputs
 * byte for byte. It links no HDF5, inih or OpenMP (the core has no I/O),
 * so a cross build needs only a cross compiler and its libc.
 *
 * Each grid point is a list of config keys: every cell, task, clip mode
 * and init of tests/e2e/experiments/paths.ini, plus the keys that change
 * the arithmetic elsewhere (stacks, learned h0, a fixed training set,
 * variable lengths, rmsprop, momentum, sgd with the fallback). Per step it prints the
 * loss, metric, global norms before and after clipping, Omega, every
 * tensor's norm and every layer's ||dL/dh_t||, log10 and ||dL/dc_t||; at
 * every 6th step the held-out loss and each layer's W_hh spectrum; at the
 * end every parameter. Doubles as %a (exact), reals by their bits. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "kernels.h"
#include "layer.h"
#include "spectral.h"
#include "status.h"
#include "trainer.h"

static const char *const points[] = {
    "cell=rnn_tanh task=copy init=uniform omega=2 clip=none",
    "cell=rnn_relu task=adding init=identity clip=norm:1",
    "cell=lstm task=multiplication init=chrono clip=value:0.1",
    "cell=gru task=temporal_order init=orthogonal clip=step:0.05",
    "cell=lstm_peephole task=temporal_order3 init=chrono:20 clip=none",
    "cell=lstm_cifg task=random_permutation init=orthogonal:0.9 clip=norm:0.5",
    "cell=lstm_nfg task=memorization init=uniform clip=value:0.05",
    "cell=gru_cho task=adding init=uniform clip=step:0.02",
    "cell=mgu task=copy init=orthogonal clip=norm:2",
    "cell=indrnn task=adding init=paper clip=norm:1",
    "cell=mingru task=copy init=paper clip=step:0.05",
    "cell=minlstm task=temporal_order init=chrono clip=value:0.1",
    "cell=cornn task=adding init=paper clip=norm:1",
    "cell=exprnn task=copy init=cayley clip=value:0.1 lr_orth=1e-3",
    "cell=lru task=adding init=paper clip=step:0.05",
    "cell=rnn_sigmoid task=adding init=normal:0.1 omega=2 clip=norm:1",
    "cell=rnn_tanh task=temporal_order init=sparse:5:0.95 omega=2 clip=norm:1 optimizer=sgd lr=0.01 fallback_shrink=0.5",
    "cell=lstm_vo task=copy init=glorot clip=value:1 learn_h0=true forget_bias=1",
    "cell=lstm task=adding num_layers=3 init=orthogonal clip=norm:1 variable_length=true",
    "cell=gru task=copy num_layers=2 train_set=40 optimizer=rmsprop alpha=0.9 eps=0 rms_init=1e-3",
    "cell=rnn_tanh task=adding num_layers=2 seq_len_min=4 optimizer=momentum lr=0.05 nesterov=true lr_step=10:0.5",
};

/* The keys every point shares (paths.ini's). */
static const char *const common = "seq_len=12 hidden=14 batch=5 steps=25 optimizer=adam lr=1e-2 seed=3 "
                                  "eval_batch=11 log_every=6";

static void die(const char *what, const char *err)
{
    fprintf(stderr, "core_digest: %s: %s\n", what, err);
    exit(2);
}

static void apply(config *c, const char *keys)
{
    char buf[512], err[RNB_ERRLEN];
    snprintf(buf, sizeof buf, "%s", keys);
    for (char *kv = strtok(buf, " "); kv; kv = strtok(NULL, " ")) {
        char *eq = strchr(kv, '=');
        if (!eq)
            die(kv, "not key=value");
        *eq = 0;
        if (config_set(c, kv, eq + 1, err))
            die(kv, err);
    }
}

static void print_doubles(const char *name, const double *v, int n)
{
    printf("%s", name);
    for (int i = 0; i < n; i++)
        printf(" %a", v[i]);
    putchar('\n');
}

static void print_reals(const char *name, const real *v, size_t n)
{
    printf("%s", name);
    for (size_t i = 0; i < n; i++) {
        uint64_t bits = 0;
        memcpy(&bits, &v[i], sizeof(real));
        printf(" %llx", (unsigned long long)bits);
    }
    putchar('\n');
}

static void print_spectrum(trainer *tr, spectral_ws *sw)
{
    const cell_type *cell = tr->spec.cell;
    if (cell->recurrence != REC_DENSE)
        return;
    for (int k = 0; k < tr->spec.K; k++) {
        stack_layer *l = &tr->m.st.l[k];
        double radius[8], sigma[8];
        spectral_blocks(sw, layer_form_weight(&l->ws, &l->p), cell->G, radius, sigma);
        print_doubles("  radius", radius, cell->G);
        print_doubles("  sigma", sigma, cell->G);
    }
}

static void run_point(int p)
{
    config c;
    run_spec s;
    trainer tr;
    spectral_ws sw;
    char err[RNB_ERRLEN];
    config_defaults(&c);
    apply(&c, common);
    apply(&c, points[p]);
    if (config_resolve(&s, &c, err))
        die(points[p], err);
    if (trainer_create(&tr, &s, err) || spectral_ws_alloc(&sw, s.H))
        die(points[p], "trainer_create");
    printf("point %d: %s\n", p, points[p]);
    step_record rec;
    for (long step = 1; step <= s.steps; step++) {
        if (step % s.log_every == 0)
            print_spectrum(&tr, &sw);
        trainer_step(&tr, &rec);
        double head[6] = {rec.loss, rec.metric, rec.grad_norm, rec.grad_norm_clipped, rec.omega,
                          rec.finite + 2.0 * rec.fell_back};
        printf("step %ld", step);
        print_doubles("", head, 6);
        print_doubles("  tensors", rec.tensor_norm, rec.n_tensors);
        for (int k = 0; k < rec.K; k++) {
            const layer_ws *ws = &rec.layers[k].ws;
            print_doubles("  dh", ws->dh_norm, rec.L);
            print_doubles("  dh_log10", ws->dh_log10, rec.L);
            if (tr.spec.cell->has_c) {
                print_doubles("  dc", ws->dc_norm, rec.L);
                print_doubles("  dc_log10", ws->dc_log10, rec.L);
            }
        }
        if (step % s.log_every == 0) {
            double metric, loss = trainer_evaluate(&tr, s.eval_batch, &metric);
            printf("  eval %a %a\n", loss, metric);
        }
        if (!rec.finite)
            break;
    }
    print_reals("params", tr.m.params, tr.m.n_params);
    spectral_ws_free(&sw);
    trainer_free(&tr);
}

int main(int argc, char **argv)
{
    /* A path to force (the native side of the test runs each it has). */
    if (argc > 1 && kernels_use(argv[1]))
        die(argv[1], "not a kernel path of this CPU");
    fprintf(stderr, "core_digest: kernels %s\n", kernels_path());
    printf("core_digest, %s\n", sizeof(real) == 4 ? "float32" : "float64");
    for (int p = 0; p < (int)(sizeof points / sizeof *points); p++)
        run_point(p);
    return 0;
}
