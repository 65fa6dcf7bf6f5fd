/* test_experiment.c - grid expansion: the product of the lists, in order,
 * ranges, defaults for keys not given, run names from the keys that vary,
 * and the [experiment] name; what the reader reads (continuation lines,
 * long lines, a byte order mark, CRLF); and each run's bytes against the
 * memory available. (Bad files: tests/e2e/experiment_errors.sh.) */
#include <stdio.h>
#include <string.h>

#include "../check.h"
#include "experiment.h"
#include "record.h"
#include "status.h"
#include "trainer.h"

static check_tally tally;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void test_grid(const char *path)
{
    write_file(path,
               "# a grid\n"
               "[experiment]\n"
               "name = grid\n"
               "[task]\n"
               "task = adding\n"
               "seq_len = 10, 20\n"
               "[model]\n"
               "cell = lstm ,gru\n"        /* spaces around items are trimmed */
               "[train]\n"
               "clip = none, norm:1, value:0.5\n"
               "seed = 3-4\n"
               "lr = 0.01\n");
    experiment e;
    char err[RNB_ERRLEN] = "";
    int rc = experiment_load(&e, path, err);
    CHECK(&tally, rc == RNB_OK, "load: %s", err);
    CHECK(&tally, e.n_runs == 2 * 2 * 3 * 2, "runs %d, want 24", e.n_runs);
    CHECK(&tally, strcmp(e.name, "grid") == 0, "name '%s'", e.name);
    /* CONFIG_KEYS order: task, seq_len, cell, ..., clip, seed; seed fastest */
    CHECK(&tally, strcmp(e.runs[0].name, "seq_len=10,cell=lstm,clip=none,seed=3") == 0,
          "first run '%s'", e.runs[0].name);
    CHECK(&tally, strcmp(e.runs[1].name, "seq_len=10,cell=lstm,clip=none,seed=4") == 0,
          "second run '%s'", e.runs[1].name);
    CHECK(&tally, strcmp(e.runs[2].name, "seq_len=10,cell=lstm,clip=norm:1,seed=3") == 0,
          "third run '%s'", e.runs[2].name);
    CHECK(&tally, strcmp(e.runs[23].name, "seq_len=20,cell=gru,clip=value:0.5,seed=4") == 0,
          "last run '%s'", e.runs[23].name);
    int distinct = 1;
    for (int i = 0; i < e.n_runs; i++)
        for (int j = i + 1; j < e.n_runs; j++)
            distinct &= strcmp(e.runs[i].name, e.runs[j].name) != 0;
    CHECK(&tally, distinct, "run names are not distinct");
    const grid_run *last = &e.runs[23];
    CHECK(&tally, last->spec.T == 20 && last->spec.cell == cell_find("gru") &&
                      last->spec.clip.kind == CLIP_VALUE && last->spec.clip.threshold == 0.5 &&
                      last->spec.seed == 4 && last->spec.optim.lr == 0.01,
          "last run's spec");
    CHECK(&tally, last->spec.H == 128 && last->spec.B == 20 && last->spec.steps == 1000 &&
                      last->spec.optim.kind == OPT_ADAM && last->spec.log_every == 25 &&
                      last->spec.eval_batch == 20, "defaults for keys not given");
    CHECK(&tally, strstr(e.text, "seed = 3-4") != NULL, "the text is kept whole");
    experiment_free(&e);

    write_file(path, "[model]\nhidden = 8\n");
    rc = experiment_load(&e, path, err);
    CHECK(&tally, rc == RNB_OK && e.n_runs == 1 && strcmp(e.runs[0].name, "run") == 0 &&
                      strcmp(e.name, "test_experiment") == 0,
          "a one-point grid: %d runs, '%s', name '%s' (%s)", e.n_runs, e.runs[0].name, e.name, err);
    experiment_free(&e);

    /* together: cell and init pair up, one dimension; seed crosses it */
    write_file(path,
               "[experiment]\n"
               "together = cell + init\n"
               "[model]\n"
               "cell = rnn_tanh, rnn_relu, lstm\n"
               "init = uniform, identity, uniform\n"
               "[train]\n"
               "seed = 1-2\n");
    rc = experiment_load(&e, path, err);
    CHECK(&tally, rc == RNB_OK && e.n_runs == 3 * 2, "together: %d runs, want 6 (%s)", e.n_runs, err);
    if (rc == RNB_OK && e.n_runs == 6) {
        CHECK(&tally, strcmp(e.runs[0].name, "cell=rnn_tanh,init=uniform,seed=1") == 0, "together: first '%s'", e.runs[0].name);
        CHECK(&tally, strcmp(e.runs[3].name, "cell=rnn_relu,init=identity,seed=2") == 0, "together: fourth '%s'", e.runs[3].name);
        CHECK(&tally, e.runs[3].spec.init.kind == INIT_IDENTITY && e.runs[3].spec.cell == cell_find("rnn_relu") &&
                          e.runs[5].spec.init.kind == INIT_UNIFORM && e.runs[5].spec.cell == cell_find("lstm"),
              "together: the i-th values go together");
    }
    experiment_free(&e);
}

/* An indented line continues the one above: appended after a space. */
static void test_continuation(const char *path)
{
    write_file(path,
               "[experiment]\n"
               "description = a question\n"
               "    over two lines\n"
               "[train]\n"
               "steps = 2\n"
               "seed = 1, 2,\n"
               "    3,  ; the third\n"      /* its inline comment is no value */
               "\t4-5\n"
               "lr = 0.01\n");
    experiment e;
    char err[RNB_ERRLEN] = "";
    int rc = experiment_load(&e, path, err);
    CHECK(&tally, rc == RNB_OK && e.n_runs == 5, "continued list: %d runs, want 5 (%s)", e.n_runs, err);
    CHECK(&tally, rc == RNB_OK && strcmp(e.description, "a question over two lines") == 0,
          "continued description '%s'", e.description);
    if (rc == RNB_OK && e.n_runs == 5)
        CHECK(&tally, e.runs[2].spec.seed == 3 && e.runs[4].spec.seed == 5 && e.runs[4].spec.optim.lr == 0.01,
              "continued list's values: seed %llu, %llu", (unsigned long long)e.runs[2].spec.seed,
              (unsigned long long)e.runs[4].spec.seed);
    experiment_free(&e);
}

/* Lines longer than inih's 200-byte buffer are read whole. */
static void test_long_lines(const char *path)
{
    char text[4096], desc[400], list[2048];
    memset(desc, 'd', 300), desc[300] = '\0';
    int n = 0;
    for (int s = 1; s <= 120; s++)
        n += snprintf(list + n, sizeof list - n, "%s%d", s > 1 ? ", " : "", s);
    snprintf(text, sizeof text, "[experiment]\ndescription = %s\n[train]\nsteps = 2\nseed = %s\nlr = 0.01\n",
             desc, list);
    write_file(path, text);
    experiment e;
    char err[RNB_ERRLEN] = "";
    int rc = experiment_load(&e, path, err);
    CHECK(&tally, rc == RNB_OK && strcmp(e.description, desc) == 0,
          "a %zu-character description: %zu kept (%s)", strlen(desc), strlen(e.description), err);
    CHECK(&tally, rc == RNB_OK && e.n_runs == 120 && e.runs[119].spec.seed == 120 &&
                      e.runs[0].spec.optim.lr == 0.01,
          "a %d-character list: %d runs, want 120 (%s)", n, e.n_runs, err);
    experiment_free(&e);
}

/* A UTF-8 byte order mark is skipped; CRLF lines read as LF ones. */
static void test_bom_crlf(const char *path)
{
    write_file(path, "\xEF\xBB\xBF# a comment: with = signs\r\n[model]\r\nhidden = 8, 16\r\n"
                     "[train]\r\nseed = 1,\r\n    2\r\n");
    experiment e;
    char err[RNB_ERRLEN] = "";
    int rc = experiment_load(&e, path, err);
    CHECK(&tally, rc == RNB_OK && e.n_runs == 4 && e.runs[3].spec.H == 16 && e.runs[3].spec.seed == 2,
          "a BOM and CRLF: %d runs, want 4 (%s)", e.n_runs, err);
    experiment_free(&e);
    write_file(path, "\xEF\xBB\xBF# a: b = c\r\n[model]\r\nhiden = 8\r\n");
    rc = experiment_load(&e, path, err);
    CHECK(&tally, rc == RNB_EINVAL && strstr(err, ":3: unknown key 'hiden'"),
          "a BOM: the error's line: %s", err);
    experiment_free(&e);
}

static run_spec spec_of(config *c, const char *hidden, const char *steps, const char *log_every)
{
    char err[RNB_ERRLEN];
    run_spec s;
    config_defaults(c);
    config_set(c, "hidden", hidden, err);
    config_set(c, "steps", steps, err);
    config_set(c, "log_every", log_every, err);
    config_resolve(&s, c, err);
    return s;
}

/* A run's bytes: the workspace, 4 series of 8 bytes a step and one per
 * parameter tensor (lstm, one layer: 6), the logged rows; and the key to
 * blame when they do not fit. */
static void test_memory(void)
{
    config c;
    char err[RNB_ERRLEN] = "";
    run_spec a = spec_of(&c, "32", "1000", "1000000000"), b = spec_of(&c, "32", "3000", "1000000000");
    double da = experiment_run_bytes(&a, true), db = experiment_run_bytes(&b, true);
    CHECK(&tally, da == (double)trainer_bytes(&a) + record_bytes(&a), "run bytes %.0f, want %.0f",
          da, (double)trainer_bytes(&a) + record_bytes(&a));
    CHECK(&tally, db - da == 2000 * (4 + 6) * 8, "2000 more steps (both logging 2 rows): %.0f more bytes, want 160000",
          db - da);
    CHECK(&tally, experiment_run_bytes(&a, false) == (double)trainer_bytes(&a), "the workspace alone");
    /* 1e12 steps, each logged: 4 + 6 series and a row of 3 + 2G + 2L
     * numbers a step (the norms and their log10), more rows than an int
     * counts and more bytes than a size_t */
    run_spec huge = spec_of(&c, "32", "1000000000000", "1");
    double rows = 3 + 2 * huge.cell->G + 2 * huge.task->length(huge.T) * (huge.cell->has_c ? 2 : 1);
    double want = 8e12 * (4 + 6 + rows), got = experiment_run_bytes(&huge, true) - trainer_bytes(&huge);
    CHECK(&tally, got > 0.999 * want && got < 1.001 * want, "1e12 steps: %.4g bytes, want %.4g", got, want);

    bool given[64] = {false};
    int hidden = config_key_find("hidden"), steps = config_key_find("steps"), key = -2;
    given[hidden] = given[steps] = true;
    run_spec big = spec_of(&c, "2048", "2000", "1000000000");
    double need = experiment_run_bytes(&big, true);
    int rc = experiment_check_memory(&c, &big, given, true, need / 2, &key, err);
    CHECK(&tally, rc == RNB_EINVAL && key == hidden && strstr(err, "more than the") &&
                      strstr(err, "GiB of memory available"),
          "hidden 2048 in half its bytes: rc %d, key %d, want %d: %s", rc, key, hidden, err);
    rc = experiment_check_memory(&c, &big, given, true, need, &key, err);
    CHECK(&tally, rc == RNB_OK && key == -1, "hidden 2048 in its bytes: rc %d, key %d", rc, key);
    big = spec_of(&c, "16", "100000000", "1000000000");
    rc = experiment_check_memory(&c, &big, given, true, 1e9, &key, err);
    CHECK(&tally, rc == RNB_EINVAL && key == steps, "1e8 steps in 1 GB: rc %d, key %d, want %d", rc, key, steps);
    rc = experiment_check_memory(&c, &big, given, false, 1e9, &key, err);
    CHECK(&tally, rc == RNB_OK, "1e8 steps without a record: rc %d (%s)", rc, err);
    CHECK(&tally, experiment_memory_available() > 0, "memory available %.0f", experiment_memory_available());
}

int main(void)
{
    const char *path = "test_experiment.ini";
    test_grid(path);
    test_continuation(path);
    test_long_lines(path);
    test_bom_crlf(path);
    test_memory();
    remove(path);
    return check_done(&tally);
}
