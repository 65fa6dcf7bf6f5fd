/* test_clip.c - gradient clipping: norm clipping keeps the direction and
 * leaves the norm at the threshold; value clipping bounds every component
 * and leaves those inside alone; none changes nothing; bad specs are
 * refused with a message. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../check.h"
#include "clip.h"
#include "config.h"
#include "trainer.h"
#include "rng.h"
#include "status.h"

enum { N = 1000 };
static check_tally tally;

/* The L2 norm of g computed here, not by the code under test: a check of
 * clip_apply's result against grad_norm would compare grad_norm with
 * itself. */
static double norm_of(const real *g)
{
    long double s = 0;
    for (int k = 0; k < N; k++)
        s += (long double)g[k] * g[k];
    return (double)sqrtl(s);
}

static void random_grad(real *g, rng_t *r, double scale)
{
    for (int k = 0; k < N; k++)
        g[k] = (real)(scale * rng_normal(r));
}

static void test_norm(rng_t *r)
{
    real g[N], orig[N];
    clip_spec c;
    char err[RNB_ERRLEN];
    CHECK(&tally, clip_parse(&c, "norm:2.5", err) == RNB_OK && c.kind == CLIP_NORM &&
                      c.threshold == 2.5, "norm:2.5 parses");
    random_grad(g, r, 1.0);
    memcpy(orig, g, sizeof g);
    double before = grad_norm(g, N);
    double after = clip_apply(&c, g, N, before);
    CHECK(&tally, before > 2.5, "the test gradient is above the threshold (%g)", before);
    CHECK(&tally, fabs(norm_of(g) - 2.5) < 1e-5 * 2.5, "norm after clipping %.9g, want 2.5", norm_of(g));
    CHECK(&tally, fabs(norm_of(g) - after) < 1e-5 * after, "reported norm %.9g, actual %.9g", after, norm_of(g));
    /* direction kept: g = s * orig with one s for every component */
    double s = 2.5 / before, worst = 0;
    for (int k = 0; k < N; k++)
        worst = fmax(worst, fabs(g[k] - s * orig[k]) / (fabs(s * orig[k]) + 1e-30));
    CHECK(&tally, worst < 1e-6, "direction changed: worst relative deviation %g", worst);
    /* below the threshold: untouched */
    random_grad(g, r, 0.01);
    memcpy(orig, g, sizeof g);
    before = grad_norm(g, N);
    after = clip_apply(&c, g, N, before);
    CHECK(&tally, after == before && memcmp(g, orig, sizeof g) == 0,
          "a gradient under the threshold was changed");
}

static void test_value(rng_t *r)
{
    real g[N], orig[N];
    clip_spec c;
    char err[RNB_ERRLEN];
    CHECK(&tally, clip_parse(&c, "value:0.5", err) == RNB_OK && c.kind == CLIP_VALUE,
          "value:0.5 parses");
    random_grad(g, r, 1.0);
    memcpy(orig, g, sizeof g);
    double before = grad_norm(g, N);
    double after = clip_apply(&c, g, N, before);
    int out = 0, changed_inside = 0, clipped = 0;
    for (int k = 0; k < N; k++) {
        out += fabs(g[k]) > 0.5;
        if (fabs(orig[k]) <= 0.5)
            changed_inside += g[k] != orig[k];
        else
            clipped += g[k] == (orig[k] > 0 ? (real)0.5 : (real)-0.5);
    }
    CHECK(&tally, out == 0, "%d components outside [-0.5, 0.5]", out);
    CHECK(&tally, changed_inside == 0, "%d components inside the bound were changed", changed_inside);
    CHECK(&tally, clipped > 100, "only %d components clipped to the bound", clipped);
    CHECK(&tally, after < before && fabs(after - norm_of(g)) < 1e-5 * after,
          "reported norm after %.9g, actual %.9g, before %g", after, norm_of(g), before);
}

static void test_none_and_parse(rng_t *r)
{
    real g[N], orig[N];
    clip_spec c;
    char err[RNB_ERRLEN];
    CHECK(&tally, clip_parse(&c, "none", err) == RNB_OK && c.kind == CLIP_NONE, "none parses");
    random_grad(g, r, 100.0);
    memcpy(orig, g, sizeof g);
    double before = grad_norm(g, N);
    CHECK(&tally, clip_apply(&c, g, N, before) == before && memcmp(g, orig, sizeof g) == 0,
          "none changed the gradient");

    const char *bad[] = {"norm", "norm:", "norm:0", "norm:-1", "norm:abc", "value:inf",
                         "value:1x", "clip:1", "", "Norm:1", "norm:nan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        int rc = clip_parse(&c, bad[i], err);
        CHECK(&tally, rc == RNB_EINVAL && strlen(err) > 10, "'%s' accepted (rc %d, err '%s')",
              bad[i], rc, err);
    }
}

/* One training step of an exploding tanh RNN with the given clip mode. */
static void one_step(trainer *tr, const char *clip)
{
    config c;
    run_spec s;
    char err[RNB_ERRLEN];
    config_defaults(&c);
    config_set(&c, "cell", "rnn_tanh", err), config_set(&c, "task", "adding", err);
    config_set(&c, "seq_len", "30", err), config_set(&c, "hidden", "16", err);
    config_set(&c, "batch", "8", err), config_set(&c, "init", "orthogonal:2", err);
    config_set(&c, "clip", clip, err);
    int rc = config_resolve(&s, &c, err) || trainer_create(tr, &s, err);
    CHECK(&tally, rc == 0, "step: a run with clip %s: %s", clip, err);
    step_record rec;
    trainer_step(tr, &rec);
}

/* step:θ clamps every component of every dL/dh_t passed back, so every
 * recorded ||dL/dh_t|| is at most θ sqrt(B H); a θ above every component
 * changes nothing, bit for bit. */
static void test_step(void)
{
    trainer ref, tight, loose;
    one_step(&ref, "none");
    const size_t n = (size_t)ref.m.L * ref.m.B * ref.m.H, np = ref.m.n_params;
    double top = 0;
    for (size_t k = 0; k < n; k++)
        top = fmax(top, fabs(ref.m.st.l[0].ws.dh[k]));
    char clip[64];
    snprintf(clip, sizeof clip, "step:%.9g", top / 10);
    one_step(&tight, clip);
    const double theta = tight.spec.clip.threshold, bound = theta * sqrt((double)ref.m.B * ref.m.H);
    double worst = 0, norm_worst = 0;
    for (size_t k = 0; k < n; k++)
        worst = fmax(worst, fabs(tight.m.st.l[0].ws.dh[k]));
    for (int t = 0; t < tight.m.L; t++)
        norm_worst = fmax(norm_worst, tight.m.st.l[0].ws.dh_norm[t] / bound);
    CHECK(&tally, tight.spec.clip.kind == CLIP_STEP && worst <= (real)theta && worst == (real)theta,
          "step: largest |dL/dh_t| component %g, theta %g", worst, theta);
    CHECK(&tally, norm_worst <= 1 + 1e-6, "step: a ||dL/dh_t|| above theta sqrt(BH) (ratio %g)", norm_worst);
    CHECK(&tally, memcmp(tight.m.grads, ref.m.grads, np * sizeof(real)) != 0, "step: a tight theta changed nothing");
    snprintf(clip, sizeof clip, "step:%.9g", 2 * top);
    one_step(&loose, clip);
    CHECK(&tally, memcmp(loose.m.grads, ref.m.grads, np * sizeof(real)) == 0 &&
                      memcmp(loose.m.st.l[0].ws.dh_norm, ref.m.st.l[0].ws.dh_norm, ref.m.L * sizeof(double)) == 0,
          "step: a theta above every component changed the gradient");
    trainer_free(&ref), trainer_free(&tight), trainer_free(&loose);
}

int main(void)
{
    rng_t r;
    rng_seed(&r, 42, 1);
    test_norm(&r);
    test_value(&r);
    test_none_and_parse(&r);
    test_step();
    return check_done(&tally);
}
