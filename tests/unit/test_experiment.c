/* test_experiment.c - grid expansion: the product of the lists, in order,
 * ranges, defaults for keys not given, run names from the keys that vary,
 * and the [experiment] name. (Bad files: tests/e2e/experiment_errors.sh.) */
#include <stdio.h>
#include <string.h>

#include "../check.h"
#include "experiment.h"
#include "status.h"

static check_tally tally;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

int main(void)
{
    const char *path = "test_experiment.ini";
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
    remove(path);
    return check_done(&tally);
}
