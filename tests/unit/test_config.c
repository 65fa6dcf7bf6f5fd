/* test_config.c - the settings of a run: every default parses and
 * resolves, a bad value or key is refused naming the key, and the
 * meaning checks (sizes, names, optimizer ranges) hold. */
#include <math.h>
#include <string.h>

#include "../check.h"
#include "config.h"
#include "rng.h"
#include "status.h"

static check_tally tally;

static void test_defaults(void)
{
    config c;
    char err[RNB_ERRLEN] = "";
    for (int i = 0; i < config_key_count(); i++) {
        int rc = config_set(&c, config_key_name(i), config_key_default(i), err);
        CHECK(&tally, rc == RNB_OK, "default of %s does not parse: %s", config_key_name(i), err);
    }
    config_defaults(&c);
    run_spec s;
    CHECK(&tally, config_resolve(&s, &c, err) == RNB_OK, "defaults do not resolve: %s", err);
    char v[64];
    for (int i = 0; i < config_key_count(); i++) {
        /* a value printed back parses to the same text */
        config_key_value(&c, i, v, sizeof v);
        config d = c;
        CHECK(&tally, config_set(&d, config_key_name(i), v, err) == RNB_OK &&
                          memcmp(&d, &c, sizeof c) == 0,
              "%s does not round-trip through '%s'", config_key_name(i), v);
    }
}

static void expect_set_error(const char *key, const char *value, int want, const char *mention)
{
    config c;
    config_defaults(&c);
    char err[RNB_ERRLEN] = "";
    int rc = config_set(&c, key, value, err);
    CHECK(&tally, rc == want && strstr(err, mention),
          "set %s=%s: rc %d (want %d), err '%s' should mention '%s'", key, value, rc, want, err, mention);
}

static void expect_resolve_error(const char *key, const char *value, const char *mention)
{
    config c;
    config_defaults(&c);
    char err[RNB_ERRLEN] = "";
    int rc = config_set(&c, key, value, err);
    CHECK(&tally, rc == RNB_OK, "set %s=%s: %s", key, value, err);
    run_spec s;
    rc = config_resolve(&s, &c, err);
    CHECK(&tally, rc == RNB_EINVAL && strstr(err, mention),
          "resolve %s=%s: rc %d, err '%s' should mention '%s'", key, value, rc, err, mention);
}

/* The lag a batch gets: variable_length alone draws as it did before
 * seq_len_min (T + rng_below(T/10 + 1)); with seq_len_min every lag of
 * [T_min, T) comes, jittered, and none past run_max_lag; the baseline is
 * the mean over that distribution (copy's varies with T). */
static void test_lags(void)
{
    char err[RNB_ERRLEN];
    config c;
    config_defaults(&c);
    config_set(&c, "task", "copy", err);
    config_set(&c, "seq_len", "40", err);
    config_set(&c, "variable_length", "true", err);
    run_spec s;
    CHECK(&tally, config_resolve(&s, &c, err) == RNB_OK, "variable_length: %s", err);
    rng_t a, b;
    rng_seed(&a, 3, RNG_STREAM_DATA), rng_seed(&b, 3, RNG_STREAM_DATA);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= run_draw_lag(&s, &a) == 40 + (int)rng_below(&b, 40 / 10 + 1);
    CHECK(&tally, same && run_max_lag(&s) == 44, "variable_length: the draws of before, max 44");
    config_set(&c, "seq_len_min", "10", err);
    CHECK(&tally, config_resolve(&s, &c, err) == RNB_OK, "seq_len_min: %s", err);
    int seen[64] = {0}, outside = 0;
    for (int i = 0; i < 20000; i++) {
        int lag = run_draw_lag(&s, &a);
        outside += lag < 10 || lag > run_max_lag(&s);
        if (lag >= 0 && lag < 64)
            seen[lag]++;
    }
    int missing = 0;
    for (int lag = 10; lag <= 42; lag++)   /* 39 + 39/10 = 42 */
        missing += seen[lag] == 0;
    double want = 0;
    for (int base = 10; base < 40; base++) {
        double inner = 0;
        for (int T = base; T <= base + base / 10; T++)
            inner += 10 * log(8.0) / (T + 20);
        want += inner / (base / 10 + 1) / 30;
    }
    CHECK(&tally, outside == 0 && missing == 0 && run_max_lag(&s) == 42 && fabs(run_baseline(&s) - want) < 1e-12,
          "seq_len_min 10, seq_len 40: %d lags outside, %d of 10..42 never drawn, max %d, baseline %.9g (%.9g)",
          outside, missing, run_max_lag(&s), run_baseline(&s), want);
    expect_resolve_error("seq_len_min", "100", "seq_len_min");
    expect_resolve_error("lr_step", "0:0.1", "lr_step");
    expect_resolve_error("lr_step", "100", "lr_step");
    expect_resolve_error("lr_step", "100:-1", "lr_step");
    /* fallback_shrink: with clip norm, sgd and a plain RNN only, S in [0, 1) */
    expect_resolve_error("fallback_shrink", "0.02", "fallback_shrink");     /* clip none */
    expect_resolve_error("fallback_shrink", "1", "fallback_shrink");
    static const char *const setups[][4] = {
        {"rnn_tanh", "norm:1", "adam", "optimizer"}, {"lstm", "norm:1", "sgd", "cell"},
        {"rnn_tanh", "value:1", "sgd", "clip"}, {"rnn_tanh", "norm:1", "sgd", NULL}};
    for (int i = 0; i < 4; i++) {
        config_defaults(&c);
        config_set(&c, "cell", setups[i][0], err), config_set(&c, "clip", setups[i][1], err);
        config_set(&c, "optimizer", setups[i][2], err), config_set(&c, "fallback_shrink", "0.02", err);
        err[0] = 0;
        const int rc = config_resolve(&s, &c, err);
        CHECK(&tally, setups[i][3] ? rc == RNB_EINVAL && strncmp(err, setups[i][3], strlen(setups[i][3])) == 0
                                   : rc == RNB_OK,
              "fallback_shrink with %s, %s, %s: '%s'", setups[i][0], setups[i][1], setups[i][2], err);
    }
    /* an init a cell cannot take is refused before any run starts (run --check) */
    config_defaults(&c);
    config_set(&c, "cell", "indrnn", err), config_set(&c, "init", "glorot_identity", err);
    CHECK(&tally, config_resolve(&s, &c, err) == RNB_EINVAL && strstr(err, "dense"), "glorot_identity on indrnn: '%s'",
          err);
    expect_resolve_error("seq_len_min", "1", "seq_len_min");     /* adding needs T >= 2 */
}

int main(void)
{
    test_defaults();
    test_lags();

    expect_set_error("hidden", "12x", RNB_EINVAL, "hidden");
    expect_set_error("hidden", "", RNB_EINVAL, "hidden");
    expect_set_error("lr", "fast", RNB_EINVAL, "lr");
    expect_set_error("lr", "inf", RNB_EINVAL, "lr");
    expect_set_error("seed", "-1", RNB_EINVAL, "seed");
    expect_set_error("nesterov", "maybe", RNB_EINVAL, "nesterov");
    expect_set_error("hiden", "4", RNB_ENOKEY, "hiden");
    expect_set_error("forget_bias", "one", RNB_EINVAL, "forget_bias");

    expect_resolve_error("cell", "lstmm", "lstmm");
    expect_resolve_error("task", "copyy", "copyy");
    expect_resolve_error("hidden", "0", "hidden");
    expect_resolve_error("batch", "-3", "batch");
    expect_resolve_error("seq_len", "0", "seq_len");
    expect_resolve_error("seq_len", "1", "adding");      /* adding needs T >= 2 */
    expect_resolve_error("steps", "0", "steps");
    expect_resolve_error("lr", "0", "lr");
    expect_resolve_error("beta2", "1", "beta2");
    expect_resolve_error("momentum", "-0.1", "momentum");
    expect_resolve_error("optimizer", "lbfgs", "lbfgs");
    expect_resolve_error("clip", "norm:-1", "clip");
    expect_resolve_error("init", "xavier", "xavier");
    expect_resolve_error("nesterov", "true", "nesterov");   /* optimizer is adam */

    config c;
    config_defaults(&c);
    char err[RNB_ERRLEN] = "";
    run_spec s;
    config_set(&c, "cell", "gru", err);
    config_set(&c, "forget_bias", "1", err);
    CHECK(&tally, config_resolve(&s, &c, err) == RNB_EINVAL && strstr(err, "forget"),
          "forget_bias on a gru: '%s'", err);
    config_set(&c, "cell", "lstm", err);
    CHECK(&tally, config_resolve(&s, &c, err) == RNB_OK && s.init.set_forget_bias &&
                      s.init.forget_bias == 1, "forget_bias on an lstm: '%s'", err);
    config_set(&c, "clip", "value:0.25", err);
    config_set(&c, "optimizer", "momentum", err);
    config_set(&c, "nesterov", "true", err);
    CHECK(&tally, config_resolve(&s, &c, err) == RNB_OK && s.clip.kind == CLIP_VALUE &&
                      s.clip.threshold == 0.25 && s.optim.kind == OPT_MOMENTUM && s.optim.nesterov,
          "clip value:0.25, nesterov momentum: '%s'", err);
    return check_done(&tally);
}
