/* test_config.c - the settings of a run: every default parses and
 * resolves, a bad value or key is refused naming the key, and the
 * meaning checks (sizes, names, optimizer ranges) hold. */
#include <math.h>
#include <string.h>

#include "../check.h"
#include "config.h"
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

int main(void)
{
    test_defaults();

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
